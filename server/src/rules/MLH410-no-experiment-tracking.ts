import { defineRule } from '../engine/rule';
import { dependsOnAny, filesImporting, relatedFiles, trainingFiles } from '../engine/projectQueries';

/** Python packages of experiment trackers (import names). */
const TRACKER_MODULES = [
  'mlflow',
  'wandb',
  'dvclive',
  'aim',
  'tensorboard',
  'torch.utils.tensorboard',
  'tensorboardX',
  'comet_ml',
  'neptune',
  'clearml',
  'sacred',
  'pytorch_lightning.loggers',
  'lightning.pytorch.loggers',
  'tensorflow.summary',
];
/** The same trackers as distribution names in dependency files. */
const TRACKER_PACKAGES = ['mlflow', 'mlflow-skinny', 'wandb', 'dvclive', 'aim', 'tensorboard', 'tensorboardX', 'comet-ml', 'neptune', 'neptune-client', 'clearml', 'sacred'];
/** Calls that log to TensorBoard without importing a tracker module (Keras callbacks, tf.summary). */
const TRACKER_CALL = /(^|\.)(TensorBoard|summary\.(create_file_writer|scalar))$/;

/** DVC tracks experiments when a stage declares metrics or plots; an MLproject file is an MLflow project. */
function pipelineTracks(documents: Map<string, string>): boolean {
  for (const [path, text] of documents) {
    if (/(^|\/)MLproject$/.test(path)) return true;
    if (/(^|\/)dvc\.ya?ml$/.test(path) && /^\s+(metrics|plots)\s*:/m.test(text)) return true;
  }
  return false;
}

export default defineRule({
  code: 'MLH410',
  name: 'no-experiment-tracking',
  summary: 'Models are trained and no experiment tracking is used anywhere',
  practices: ['P7'],
  references: ['ml-ops.org, P7: versioning of experiments, hyperparameters and models'],
  severity: 'warning',
  optIn: true,
  roles: ['pipeline', 'library'],
  applies: (project, appliesTo) => trainingFiles(project, appliesTo).length > 0,
  docs: `## What it finds
A project whose code trains models (\`fit\`, \`train\`, a backward pass in a module that imports an
ML library) while nothing records the experiments: no import of MLflow, Weights & Biases,
DVCLive, Aim, TensorBoard, Comet, Neptune, ClearML or Sacred, none of them among the
dependencies, no DVC stage with metrics or plots and no MLproject file.

Only training in pipeline and library code counts: exploration and course material train to look at a result, not to compare runs.

**Opt-in:** not in the default set. On a judged corpus of public ML repositories, 1 of 4 of its findings were worth acting on: demos and research code track their runs by other means or need no tracking. Select it where it fits (\`extendSelect: [MLH410]\`).

## Why it matters
Without tracking, the run that produced the deployed model cannot be found again: which code
version, which data, which hyperparameters, which metrics. Comparisons between runs live in
someone's memory or a spreadsheet, and results cannot be reproduced. Versioning experiments
alongside code, data and models is the core of practice P7.

## How to fix
Log each training run's parameters, metrics and artefacts with an experiment tracker. MLflow and
DVCLive work locally without a server; Weights & Biases and the others are hosted.

## Example
\`\`\`python
import mlflow

with mlflow.start_run():
    mlflow.log_params({"C": 1.0, "max_iter": 500})
    model.fit(X_train, y_train)
    mlflow.log_metric("val_auc", roc_auc_score(y_val, model.predict_proba(X_val)[:, 1]))
\`\`\`

## References
- ml-ops.org, [Versioning of ML artefacts and experiment tracking](https://ml-ops.org/content/mlops-principles#experiments-tracking).
- [MLflow Tracking](https://mlflow.org/docs/latest/tracking.html); [DVCLive](https://dvc.org/doc/dvclive).
`,
  check: {
    project(ctx) {
      const { project } = ctx;
      const training = trainingFiles(project, ctx.appliesTo).sort((a, b) => Number(a.endsWith('.ipynb')) - Number(b.endsWith('.ipynb')) || a.localeCompare(b));
      if (training.length === 0) return;
      if (filesImporting(project, TRACKER_MODULES).length) return;
      if (project.pythonFiles().some(([, f]) => f.calls.some((c) => TRACKER_CALL.test(c)))) return;
      if (dependsOnAny(project, TRACKER_PACKAGES) || pipelineTracks(project.documents)) return;
      ctx.report({
        path: training[0],
        message:
          training.length === 1
            ? 'This code trains a model and no experiment is tracked anywhere in the project (MLflow, W&B, DVCLive, TensorBoard, ...)'
            : `${training.length} files train models and no experiment is tracked anywhere in the project (MLflow, W&B, DVCLive, TensorBoard, ...)`,
        related: relatedFiles(training, 'trains a model without tracking the run'),
      });
    },
  },
});
