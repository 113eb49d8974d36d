import { defineRule } from '../engine/rule';
import { pathText, UNKNOWN } from '../engine/python/dataio';
import { openedPath } from '../engine/python/files';
import { isModelName } from '../engine/python/models';
import { Call, dottedName, nameText, Node, PythonModule } from '../engine/python/module';
import { PRODUCTION } from '../engine/roles';

/** Functions that write an object to a file: (object, file) as the first two arguments. */
const DUMP_FUNCTIONS = new Set(['joblib.dump', 'pickle.dump', 'dill.dump', 'cloudpickle.dump', 'torch.save', 'skops.io.dump']);
const FRAMEWORK_SAVES = new Set([
  'tensorflow.saved_model.save',
  'tensorflow.keras.models.save_model',
  'tensorflow.keras.saving.save_model',
  'keras.models.save_model',
  'keras.saving.save_model',
]);
const MODEL_SAVE_METHODS = new Set(['save_model', 'save_weights', 'save_pretrained']);
/** Tracking and registry clients: a module that uses one versions its models through it. */
const VERSIONING_PACKAGES = ['mlflow', 'wandb', 'neptune', 'comet_ml', 'clearml', 'bentoml', 'huggingface_hub', 'dvclive', 'sagemaker', 'azureml', 'google.cloud.aiplatform'];
// v3, 2024-05-01, 20240501, 1.4.2, "version", "run_id", "timestamp" in a file name.
const VERSIONED = /(^|[^a-z])v\d+|\d{8}|\d{4}[-_]\d{2}|\d+\.\d+\.\d+|version|run[-_]?id|timestamp/i;

interface Save {
  object?: Node;
  path: Node;
}

function savedModel(module: PythonModule, call: Call): Save | undefined {
  if (call.imported && DUMP_FUNCTIONS.has(call.qualified)) {
    const file = call.positional[1] ?? call.keywords.get('filename') ?? call.keywords.get('f') ?? call.keywords.get('file');
    const path = call.qualified === 'pickle.dump' || call.qualified === 'dill.dump' || call.qualified === 'cloudpickle.dump' ? openedPath(module, file) : file;
    return path && { object: call.positional[0] ?? call.keywords.get('obj') ?? call.keywords.get('value'), path };
  }
  if (call.imported && FRAMEWORK_SAVES.has(call.qualified)) {
    const path = call.positional[1] ?? call.keywords.get('filepath') ?? call.keywords.get('export_dir');
    return path && { object: call.positional[0], path };
  }
  // The method first: a call's arguments are read when first asked for, and most calls save nothing.
  if (!call.receiver || call.imported || !(MODEL_SAVE_METHODS.has(call.method) || (call.method === 'save' && isModelName(nameText(call.receiver))))) return undefined;
  const path = call.positional[0] ?? call.keywords.get('filepath') ?? call.keywords.get('save_directory') ?? call.keywords.get('fname');
  return path ? { object: call.receiver, path } : undefined;
}

/** The model-like name of what is saved: `model` for `model`, `self.model` and `model.state_dict()`. */
function savesModelObject(module: PythonModule, object: Node | undefined): boolean {
  if (!object) return false;
  const named = object.type === 'call' ? module.describeCall(object).receiver : object;
  const dotted = dottedName(named);
  return dotted !== undefined && isModelName(dotted);
}

export default defineRule({
  code: 'MLH411',
  name: 'model-saved-without-version',
  summary: 'A model saved to a constant path with no version, run id or registry',
  practices: ['P7', 'P8'],
  references: ['ML Hygiene practices P7 (versioning) and P8 (design for ML)', 'Sculley et al. 2015: reproducibility debt'],
  severity: 'information',
  roles: PRODUCTION,
  docs: `## What it finds
A model written to a path that is a constant in the code (\`joblib.dump(model, "model.pkl")\`,
\`torch.save(model.state_dict(), "models/model.pt")\`, \`model.save("model.h5")\`,
\`model.save_pretrained("models/bert")\`) when the path carries no version, run id or date and
the module logs the model to no tracker or registry (MLflow, Weights & Biases, Neptune, Comet,
ClearML, BentoML, the Hugging Face Hub). Paths built from variables or f-strings, and projects
whose pipeline outputs DVC versions (a \`dvc.yaml\`), are not reported.

Runs on pipeline, serving and library code only: exploration, course material and tooling save models that nothing deploys.

## Why it matters
Every training run overwrites the previous model. Which data, code and hyperparameters produced
the file in production can no longer be told, a regression cannot be rolled back to the model
before it, and two experiments cannot be compared. Models are artifacts to version like code and
data (practice P7), and serving should pick a model by version (practice P8).

## How to fix
Log the model to a registry (\`mlflow.sklearn.log_model(..., registered_model_name=...)\`), track
the file with DVC, or at least put the run id, version or date into the path, from the
configuration or the tracker's run.

## Example
\`\`\`python
# Before
joblib.dump(model, "models/churn.joblib")

# After
with mlflow.start_run() as run:
    mlflow.sklearn.log_model(model, "model", registered_model_name="churn")
# or, without a registry
joblib.dump(model, f"models/churn-{run_id}.joblib")
\`\`\`

## References
- ml-ops.org, [ML versioning](https://ml-ops.org/content/versioning): models are versioned artifacts.
- Sculley et al., *Hidden Technical Debt in Machine Learning Systems* (2015): reproducibility debt.
- MLflow documentation, [Model Registry](https://mlflow.org/docs/latest/model-registry.html).
- ML Hygiene practices P7 (versioning and reproducibility) and P8 (design for ML).
`,
  check: {
    python(ctx) {
      const { module, facts } = ctx;
      if (facts.isTest || !facts.isML) return;
      if (VERSIONING_PACKAGES.some((p) => module.importsPackage(p))) return;
      if (ctx.project.files.some((f) => f.path === 'dvc.yaml' || f.path.endsWith('/dvc.yaml'))) return;
      for (const call of module.calls()) {
        const save = savedModel(module, call);
        if (!save) continue;
        const path = pathText(module, save.path);
        if (path === undefined || path.includes(UNKNOWN) || VERSIONED.test(path)) continue;
        const fileName = path.slice(path.lastIndexOf('/') + 1);
        if (!savesModelObject(module, save.object) && !/model/i.test(fileName)) continue;
        ctx.report(save.path, `The model is saved to the constant path "${path}": each run overwrites the last; version it (run id, version, date) or log it to a registry`);
      }
    },
  },
});
