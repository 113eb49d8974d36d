// TensorFlow and Keras vocabulary: which calls build a Keras model, which clear Keras' global state.
import { Call, Node, PythonModule } from './module';
import { basesOf, calledFunction, callsWithin, classNamed } from './structure';

/** Packages whose import means the module works with TensorFlow or Keras. */
export const TENSORFLOW_PACKAGES = ['tensorflow', 'keras', 'tf_keras'];

export function usesTensorflow(module: PythonModule): boolean {
  return TENSORFLOW_PACKAGES.some((p) => module.importsPackage(p));
}

const KERAS = '(tensorflow\\.keras|tensorflow\\.python\\.keras|keras|tf_keras)';
// `keras.Sequential(...)`, `tf.keras.models.Model(inputs, outputs)`, `keras.models.clone_model(m)`,
// `tf.keras.applications.ResNet50(...)`, `keras.applications.efficientnet.EfficientNetB0(...)`.
const KERAS_MODEL_BUILDER = new RegExp(`^${KERAS}\\.((models\\.)?(Sequential|Model|clone_model)|applications\\.(\\w+\\.)?[A-Z]\\w*)$`);
const KERAS_MODEL_BASE = new RegExp(`^${KERAS}\\.(models\\.)?Model$`);
const MAX_DEPTH = 3;

/** Whether a class subclasses `keras.Model`. */
function isKerasModelClass(module: PythonModule, cls: Node): boolean {
  return basesOf(module, cls).some((b) => KERAS_MODEL_BASE.test(b));
}

/** Whether a call builds a new Keras model: a Keras constructor, a subclass of `keras.Model` defined
 *  in the module, or a builder, a function of the module that calls one of those itself
 *  (`build_model()`). A function that builds one further down (an export pipeline that may convert
 *  to Keras among other formats) is not a builder: whether it builds a model depends on its branches. */
export function buildsKerasModel(module: PythonModule, call: Call, followBuilders = true): boolean {
  if (call.imported) return KERAS_MODEL_BUILDER.test(call.qualified);
  // A class is called by its name: the callee, as written, finds it before the call is asked more.
  const cls = call.receiver ? undefined : classNamed(module, call.callee);
  if (cls && call.node.childForFieldName('function')?.type === 'identifier') return isKerasModelClass(module, cls);
  const fn = followBuilders ? calledFunction(module, call) : undefined;
  return fn !== undefined && callsWithin(module, fn).some((c) => buildsKerasModel(module, c, false));
}

/** `tf.keras.backend.clear_session()`, `keras.utils.clear_session()`, TF1's `reset_default_graph()`,
 *  directly or in a function of the module that the call runs. */
export function clearsKerasSession(module: PythonModule, call: Call, depth = 0): boolean {
  if (call.method === 'clear_session' || call.method === 'reset_default_graph') return true;
  const fn = depth < MAX_DEPTH ? calledFunction(module, call) : undefined;
  return fn !== undefined && callsWithin(module, fn).some((c) => clearsKerasSession(module, c, depth + 1));
}
