// What a call does to or with a model: train it, evaluate it, run it, load it, save it. Shared by
// the modeling, serving and operations rules so that they agree on what "a model" is.
import { Call, nameText, Node, PythonModule } from './module';
import { lastName } from './structure';

// Names people give models and networks: model, best_model, clf, rf_clf, net, netD, resnet, encoder.
const MODEL_WORD =
  /(^|_)(models?|nets?|networks?|clf|classifier|regressor|estimator|predictor|booster|learner|pipeline|pipe|encoder|decoder|backbone)(_|\d|$)|^(model|net)[A-Z0-9_]|(model|net)$/i;

// Names that mention a model but hold something else: functions (`get_model`, `unwrap_model`),
// classes (`MyModel`), and facts about a model (`model_name`, `model_cls`, `model_path`).
const NOT_A_MODEL =
  /^[A-Z]|^(get|load|build|create|make|init|initialize|prepare|unwrap|wrap|scale|save|train|fit|compute|to|from|set|is|has|apply|run|call|predict|evaluate|setup|configure|register|freeze|merge|export)_|_(cls|class|fn|func|factory|builder|type|name|path|dir|id|config|kwargs|args|device|dtype|input|output|outputs|size|state)$/;

/** Whether a variable or attribute name reads as a model (`model`, `self.clf`, `netG`). */
export function isModelName(dotted: string): boolean {
  const name = lastName(dotted);
  return MODEL_WORD.test(name) && !NOT_A_MODEL.test(name);
}

const PREDICT_METHODS = new Set(['predict', 'predict_proba', 'predict_log_proba', 'decision_function', 'forward', 'generate']);

/** A call that runs a model: `model.predict(x)`, `clf.predict_proba(x)`, `net(x)`, `session.run(...)`,
 *  or a project function named predict* (`predict(features)`). */
export function isPredictionCall(module: PythonModule, call: Call): boolean {
  if (call.receiver && PREDICT_METHODS.has(call.method)) return true;
  if (/^predict(_|$)/.test(call.method)) return true;
  // onnxruntime's session.run(...), BentoML's runner.predict.run(...) / runner.async_run(...).
  if (call.receiver && (call.method === 'run' || call.method === 'async_run')) {
    const owner = lastName(nameText(call.receiver));
    if (/sess(ion)?$|runner$/i.test(owner) || PREDICT_METHODS.has(owner)) return true;
  }
  const func = call.node.childForFieldName('function');
  const direct = func?.type === 'identifier' || func?.type === 'attribute';
  return direct && !module.isImportedName(call.callee) && isModelName(call.callee);
}

const TRAINING_FUNCTIONS = new Set(['xgboost.train', 'lightgbm.train', 'catboost.train', 'xgboost.cv', 'lightgbm.cv']);
const TRAINING_METHODS = new Set(['fit', 'partial_fit', 'fit_generator', 'train_on_batch', 'backward', 'manual_backward']);

/** A call that trains: `est.fit(X, y)`, `trainer.fit/train()`, `xgb.train(...)`, `loss.backward()`. A bare
 *  `model.train()` only switches the mode and is not training. */
export function isTrainingCall(call: Call): boolean {
  if (TRAINING_FUNCTIONS.has(call.qualified)) return true;
  if (!call.receiver) return false;
  if (TRAINING_METHODS.has(call.method)) return true;
  return call.method === 'train' && /trainer$/i.test(lastName(nameText(call.receiver)));
}

const LOADING_FUNCTIONS = new Set([
  'joblib.load',
  'pickle.load',
  'pickle.loads',
  'dill.load',
  'cloudpickle.load',
  'torch.load',
  'torch.jit.load',
  'onnxruntime.InferenceSession',
  'keras.models.load_model',
  'tensorflow.keras.models.load_model',
  'tf.keras.models.load_model',
  'skops.io.load',
]);

/** A call that loads a trained model: joblib/pickle/torch.load, load_model, from_pretrained. */
export function isModelLoadCall(call: Call): boolean {
  if (LOADING_FUNCTIONS.has(call.qualified)) return true;
  if (call.method === 'from_pretrained' || call.method === 'load_model' || call.method === 'load_learner') return true;
  return /^mlflow\.\w+\.load_model$/.test(call.qualified);
}

const DUMPING_FUNCTIONS = new Set(['joblib.dump', 'pickle.dump', 'dill.dump', 'cloudpickle.dump', 'torch.save', 'skops.io.dump']);
const SAVING_METHODS = new Set(['save', 'save_model', 'save_pretrained', 'save_weights']);
const MLFLOW_SAVE = /^mlflow\.(\w+\.log_model|register_model)$/;
const BENTOML_SAVE = /^bentoml\.\w+\.save_model$/;

/** Whether an expression is a model or its weights: `model`, `self.clf`, `net.state_dict()`. */
function isModelValue(node: Node | undefined): boolean {
  if (!node) return false;
  if (node.type === 'identifier' || node.type === 'attribute') return isModelName(node.text);
  if (node.type !== 'call') return false;
  const func = node.childForFieldName('function');
  return func?.type === 'attribute' && func.childForFieldName('attribute')?.text === 'state_dict' && isModelValue(func.childForFieldName('object') ?? undefined);
}

/** A call that saves, logs, registers or publishes a trained model: `joblib.dump(model, p)`,
 *  `torch.save(net.state_dict(), p)`, `model.save(p)`, `trainer.save_model()`, `mlflow.sklearn.log_model(...)`,
 *  `mlflow.register_model(...)`, `model.push_to_hub(...)`. */
export function isModelSaveCall(call: Call): boolean {
  if (DUMPING_FUNCTIONS.has(call.qualified)) return isModelValue(call.positional[0]);
  // (Each call of a module is asked: the patterns only for the names they can match.)
  const { qualified } = call;
  if ((qualified.startsWith('mlflow.') && MLFLOW_SAVE.test(qualified)) || (qualified.startsWith('bentoml.') && BENTOML_SAVE.test(qualified))) return true;
  if (!call.receiver) return false;
  if (call.method === 'push_to_hub') return true;
  return SAVING_METHODS.has(call.method) && (isModelValue(call.receiver) || /trainer$/i.test(lastName(nameText(call.receiver))));
}
