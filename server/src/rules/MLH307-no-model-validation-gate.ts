import { defineRule } from '../engine/rule';
import { trainingFiles } from '../engine/projectQueries';
import { sameNode } from '../engine/python/flow';
import { isMetricCall } from '../engine/python/metrics';
import { isModelSaveCall, isTrainingCall } from '../engine/python/models';
import { Call, dottedName, isInside, Node, PythonModule, scopeOf } from '../engine/python/module';
import { callsWithin, loopsAround, ownCalls } from '../engine/python/structure';

// evaluate(), validate(), trainer.test(), cross_val_score(), compute_metrics(), score_model() ...
const EVALUATING_NAME = /(^|_)(evaluate|evaluation|eval|validate|validation|valid|val|test|score|scores|metric|metrics)(_|$)|^cross_val/i;
// Keywords with which training itself evaluates on held-out data (Keras, XGBoost, LightGBM, CatBoost),
// and trainers given evaluation data (Hugging Face's eval_dataset, Lightning's val_dataloaders).
const VALIDATING_KEYWORDS = ['validation_data', 'validation_split', 'eval_set', 'valid_sets', 'evals', 'eval_dataset', 'val_dataloaders'];
const METRIC_VARIABLE = /(acc|auc|f1|score|loss|rmse|mae|mse|r2|precision|recall|metric|error)/i;

function evaluates(call: Call): boolean {
  if (isMetricCall(call) || EVALUATING_NAME.test(call.method)) return true;
  return VALIDATING_KEYWORDS.some((k) => call.keywords.has(k));
}

/** A comparison or assert on a metric (`if val_auc > best_auc:`, `assert accuracy >= 0.9`) in `scope` before `end`. */
function checksMetric(scope: Node, end: number): boolean {
  const checks = scope.descendantsOfType(['comparison_operator', 'assert_statement']);
  return checks.some((check) => {
    if (!check || check.startIndex >= end || !sameNode(scopeOf(check), scope)) return false;
    return check.descendantsOfType(['identifier', 'attribute']).some((n) => n !== null && METRIC_VARIABLE.test(dottedName(n) ?? ''));
  });
}

/** A save inside the training loop itself: a periodic checkpoint, not the model handed on. */
function isCheckpoint(module: PythonModule, save: Node): boolean {
  return loopsAround(save).some((loop) => callsWithin(module, loop).some(isTrainingCall));
}

export default defineRule({
  code: 'MLH307',
  name: 'no-model-validation-gate',
  summary: 'A model is saved, registered or pushed with no evaluation check before it',
  practices: ['P6'],
  references: ['Zinkevich, Rules of ML #9', 'ML Test Score: Infra 4 (model quality is validated before serving)'],
  severity: 'information',
  roles: ['pipeline', 'library'],
  applies: (project, appliesTo) => trainingFiles(project, appliesTo).length > 0,
  docs: `## What it finds
A function or script that trains a model and then saves, logs, registers or publishes it
(\`joblib.dump\`, \`pickle.dump\`, \`torch.save\`, \`model.save\`, \`save_pretrained\`,
\`trainer.save_model\`, \`mlflow.<flavor>.log_model\`, \`mlflow.register_model\`, \`push_to_hub\`)
with no evaluation between training and saving in that scope (checkpoints written inside the
training loop are not reported; the finding sits on the first save of the scope): no \`score\` / \`evaluate\` /
\`validate\` call, no metric, no cross-validation, no training or trainer given validation data
(\`validation_data=\`, \`eval_set=\`, \`eval_dataset=\`), no comparison or assert on a metric.

Runs on pipeline and library code, where models are saved for use; exploration, course material and tests save models without publishing them.

## Why it matters
Whatever the training run produced becomes the artefact that the next step — a registry, a
deployment, a colleague — picks up. A broken feature, a bad data batch or a diverged run then
reaches production without anyone looking at a number. Zinkevich's rule 9 asks to detect problems
before exporting models; the ML Test Score (Infra 4) asks that model quality is validated before
it is served.

## How to fix
Evaluate on held-out data before saving and make the save conditional on it: compare with a
minimum quality and with the current production model, and stop (raise) when the new model is
worse.

## Example
\`\`\`python
# Before
model.fit(X_train, y_train)
joblib.dump(model, "models/model.joblib")

# After
model.fit(X_train, y_train)
auc = roc_auc_score(y_valid, model.predict_proba(X_valid)[:, 1])
if auc < MIN_AUC:
    raise RuntimeError(f"validation AUC {auc:.3f} below {MIN_AUC}: model not saved")
joblib.dump(model, "models/model.joblib")
\`\`\`

## References
- Martin Zinkevich, *Rules of Machine Learning*, rule #9: "Detect problems before exporting models".
- Breck et al., *The ML Test Score* (2017), Infra 4: "Model quality is validated before attempting
  to serve it".
`,
  check: {
    python(ctx) {
      if (ctx.facts.isTest) return;
      const { module } = ctx;
      const reported = new Set<number>(); // one finding per scope: its first save
      for (const save of module.calls().filter(isModelSaveCall)) {
        const scope = scopeOf(save.node);
        if (reported.has(scope.id)) continue;
        const before = ownCalls(module, scope).filter((c) => c.node.startIndex < save.node.startIndex && !isInside(c.node, save.node));
        if (!before.some(isTrainingCall)) continue; // the model comes from elsewhere: the gate may be there
        if (isCheckpoint(module, save.node)) continue;
        if (before.some(evaluates) || checksMetric(scope, save.node.startIndex)) continue;
        reported.add(scope.id);
        ctx.report(save.node, `${save.callee}(...) stores a freshly trained model without evaluating it first; check its quality before saving`);
      }
    },
  },
});
