import { defineRule } from '../engine/rule';
import { pathText, UNKNOWN } from '../engine/python/dataio';
import { openedPath } from '../engine/python/files';
import { isModelServingCode } from '../engine/python/inference';
import { isModelLoadCall } from '../engine/python/models';
import { Call, Node, PythonModule } from '../engine/python/module';

const UNPICKLERS = new Set(['pickle.load', 'dill.load', 'cloudpickle.load']);
const PATH_KEYWORDS = ['filename', 'f', 'filepath', 'path', 'model_uri', 'path_or_bytes', 'model_path', 'fname', 'pretrained_model_name_or_path'];
/** Model registries: the path names a registered version, which is what configuration would name. */
const REGISTRY_URI = /^(models|runs):\//;
/** from_pretrained takes hub ids (`bert-base-uncased`, `org/model`): only a local path is a file path. */
const LOCAL_PATH = /^(\.{1,2}\/|\/|~|[A-Za-z]:\\)/;

function modelPathArgument(module: PythonModule, call: Call): Node | undefined {
  const first = PATH_KEYWORDS.map((k) => call.keywords.get(k)).find((n) => n !== undefined) ?? call.positional[0];
  return call.imported && UNPICKLERS.has(call.qualified) ? openedPath(module, first) : first;
}

/** `str(path)` and `os.fspath(path)` name the same file as `path`. */
function unwrapped(module: PythonModule, node: Node | undefined): Node | undefined {
  if (node?.type !== 'call') return node;
  const call = module.describeCall(node);
  const converts = call.callee === 'str' || call.qualified === 'os.fspath';
  return converts && call.positional.length === 1 ? call.positional[0] : node;
}

export default defineRule({
  code: 'MLH506',
  name: 'hardcoded-model-path',
  summary: 'Serving code loads its model from a literal path instead of configuration, the environment or a registry',
  practices: ['P8'],
  references: ['ML Hygiene practice P8 (design for ML: replaceable models)', 'Sculley et al. 2015: configuration debt'],
  severity: 'information',
  roles: ['serving', 'pipeline', 'library'],
  docs: `## What it finds
In serving code (a module that defines request handlers, lives in or is named serve, serving,
api, app or server, or is a batch-scoring script named inference or predict), a model load —
\`joblib.load\`, \`pickle.load\`, \`torch.load\`, \`load_model\`, \`onnxruntime.InferenceSession\`,
\`from_pretrained\` with a local path — whose path is written in the code: a string, a constant,
or \`os.path.join\` / \`Path\` of literals. Paths from configuration or the environment, registry
URIs (\`models:/churn/Production\`) and hub ids are not reported.

Runs on serving code and on the pipeline and library code that the rule recognises as inference code (batch prediction), where the model to load must change without a code change.

## Why it matters
A model that is wired into the service by its file name cannot be replaced without a code
change and a new release: no rollback to the previous version, no canary of a new one, no A/B
test. Design for ML keeps models replaceable and loosely coupled to the code that serves them
(practice P8).

## How to fix
Read the model location from configuration or an environment variable (with the deployment
setting it), or load a version from a model registry by name and stage or alias.

## Example
\`\`\`python
# Before
model = joblib.load("models/churn.joblib")

# After
model = joblib.load(os.environ["MODEL_PATH"])
# or
model = mlflow.pyfunc.load_model("models:/churn@production")
\`\`\`

## References
- ml-ops.org, [Model serving patterns](https://ml-ops.org/content/three-levels-of-ml-software).
- Sculley et al., *Hidden Technical Debt in Machine Learning Systems* (2015): configuration debt.
- ML Hygiene practice P8 (design for ML).
`,
  check: {
    python(ctx) {
      const { module, facts } = ctx;
      if (facts.isTest || !isModelServingCode(module, ctx.path)) return;
      for (const call of module.calls()) {
        if (!isModelLoadCall(call)) continue;
        const argument = modelPathArgument(module, call);
        const path = pathText(module, unwrapped(module, argument));
        if (!argument || path === undefined || path.includes(UNKNOWN) || REGISTRY_URI.test(path)) continue;
        if (call.method === 'from_pretrained' && !LOCAL_PATH.test(path)) continue;
        ctx.report(argument, `The served model is loaded from the fixed path "${path}"; read the location from configuration or the environment, or load a version from a model registry`);
      }
    },
  },
});
