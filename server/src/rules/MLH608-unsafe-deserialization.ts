import { PythonContext, defineRule } from '../engine/rule';
import { Call, Node } from '../engine/python/module';
import { isTrueLiteral } from '../engine/python/values';
import { Fix } from '../engine/types';
import { lastName } from '../engine/python/structure';
import { PRODUCTION } from '../engine/roles';

/** Loaders that unpickle whatever the file holds, running any code it names. */
const PICKLE_LOADERS = new Set([
  'pickle.load',
  'pickle.loads',
  'pickle.Unpickler',
  '_pickle.load',
  '_pickle.loads',
  'cPickle.load',
  'cPickle.loads',
  'dill.load',
  'dill.loads',
  'cloudpickle.load',
  'cloudpickle.loads',
  'joblib.load',
  'sklearn.externals.joblib.load',
  'pandas.read_pickle',
]);

const YAML_UNSAFE = new Set(['yaml.unsafe_load', 'yaml.unsafe_load_all']);
const YAML_LOAD = new Set(['yaml.load', 'yaml.load_all']);
/** Loaders that build only plain data (FullLoader is not among them: it has allowed code execution). */
const YAML_SAFE_LOADERS = new Set(['SafeLoader', 'CSafeLoader', 'BaseLoader', 'CBaseLoader']);

/** The `Loader` argument of yaml.load, by keyword or as the second positional argument. */
function yamlLoader(call: Call): Node | undefined {
  return call.keywords.get('Loader') ?? call.positional[1];
}

/** `torch.load(p)` -> `torch.load(p, weights_only=True)`; `weights_only=False` -> `True`. */
function torchFix(ctx: PythonContext, call: Call): Fix | undefined {
  const current = call.keywords.get('weights_only');
  if (current) return { title: 'Set weights_only=True', edits: [{ range: ctx.module.range(current), newText: 'True' }] };
  const args = call.node.childForFieldName('arguments')?.namedChildren.filter((c): c is Node => c !== null && c.type !== 'comment');
  const last = args?.[args.length - 1];
  if (!last) return undefined;
  const at = ctx.module.range(last).end;
  return { title: 'Load with weights_only=True', edits: [{ range: { start: at, end: at }, newText: ', weights_only=True' }] };
}

/** `yaml.load(f)` / `yaml.load(f, Loader=yaml.Loader)` -> `yaml.safe_load(f)`, when the call is that simple. */
function yamlFix(ctx: PythonContext, call: Call): Fix | undefined {
  if (!call.receiver || call.hasSplat || call.positional.length === 0) return undefined;
  const extraKeywords = [...call.keywords.keys()].filter((k) => k !== 'Loader');
  if (extraKeywords.length > 0 || call.positional.length > 2 || (call.positional.length === 2 && call.keywords.has('Loader'))) return undefined;
  const safe = call.method === 'load_all' ? 'safe_load_all' : 'safe_load';
  const newText = `${call.receiver.text}.${safe}(${call.positional[0].text})`;
  return { title: `Use ${call.receiver.text}.${safe}`, edits: [{ range: ctx.module.range(call.node), newText }] };
}

export default defineRule({
  code: 'MLH608',
  name: 'unsafe-deserialization',
  summary: 'Model or data loaded with a deserializer that can run arbitrary code from the file',
  practices: ['P9', 'P10'],
  references: ['ML Hygiene practices P9 (hidden costs) and P10 (responsible AI: security)', 'Python pickle documentation: security warning'],
  severity: 'warning',
  fixable: true,
  roles: PRODUCTION,
  docs: `## What it finds
Loads that unpickle a file: \`pickle.load\` / \`loads\`, \`joblib.load\`, \`pd.read_pickle\`,
\`dill.load\`, \`cloudpickle.load\`, \`torch.load\` without \`weights_only=True\`,
\`np.load(..., allow_pickle=True)\`, and \`yaml.load\` without a safe loader (or \`yaml.unsafe_load\`).

Runs on pipeline, serving and library code only, which load files others may supply: exploration notebooks, course material and tooling load their own files.

## Why it matters
Unpickling runs whatever code the file names. A model file downloaded from a hub, shared in a
bucket or attached to an issue can execute commands with the rights of the training job or the
serving process. Model files travel more than code does, so this is the most common way an ML
system runs code nobody reviewed. \`yaml.load\` with the default or full loader can build
arbitrary Python objects in the same way.

## How to fix
Prefer formats that hold only data: \`safetensors\` for weights, ONNX or the framework's native
format for models, \`skops.io\` for scikit-learn. With PyTorch, load state dicts with
\`torch.load(path, weights_only=True)\`. Read YAML with \`yaml.safe_load\`. Keep \`allow_pickle\`
off in \`np.load\`. When a pickle cannot be avoided, load only files you produced and verify
their checksum first. Quick fixes add \`weights_only=True\` and switch to \`yaml.safe_load\`.

## Example
\`\`\`python
# Before
state = torch.load("checkpoints/best.pt")
params = yaml.load(open("params.yaml"), Loader=yaml.Loader)

# After
state = torch.load("checkpoints/best.pt", weights_only=True)
params = yaml.safe_load(open("params.yaml"))
\`\`\`

## References
- Python documentation, [pickle](https://docs.python.org/3/library/pickle.html): "The pickle module is not secure."
- PyTorch documentation, [torch.load](https://pytorch.org/docs/stable/generated/torch.load.html) and \`weights_only\`.
- PyYAML, [yaml.load deprecation](https://github.com/yaml/pyyaml/wiki/PyYAML-yaml.load(input)-Deprecation).
- ML Hygiene practices P9 (the hidden costs of ML) and P10 (responsible AI).
`,
  check: {
    python(ctx) {
      for (const call of ctx.module.calls()) {
        if (!call.imported) continue;
        const name = call.qualified;
        if (PICKLE_LOADERS.has(name)) {
          ctx.report(call.node, `${call.callee} unpickles the file and can run arbitrary code from it; load only trusted files, or use a data-only format (safetensors, ONNX, skops)`);
        } else if (name === 'torch.load') {
          const weightsOnly = call.keywords.get('weights_only');
          // A non-literal value (weights_only=cfg.safe) is the author's decision; only an absent or False one is reported.
          if (call.hasSplat || (weightsOnly && weightsOnly.type !== 'false')) continue;
          ctx.report(call.node, `${call.callee} without weights_only=True (the default only from PyTorch 2.6 on) unpickles the checkpoint and can run arbitrary code from it`, {
            fix: torchFix(ctx, call),
          });
        } else if (name === 'numpy.load') {
          if (!isTrueLiteral(call.keywords.get('allow_pickle'))) continue;
          ctx.report(call.node, `${call.callee} with allow_pickle=True unpickles object arrays and can run arbitrary code from the file`);
        } else if (YAML_UNSAFE.has(name)) {
          ctx.report(call.node, `${call.callee} can build arbitrary Python objects from the file; use yaml.safe_load`);
        } else if (YAML_LOAD.has(name)) {
          const loader = yamlLoader(call);
          if (call.hasSplat && !loader) continue;
          // A loader held in a variable or defined by the project is not judged.
          if (loader && (loader.type !== 'identifier' && loader.type !== 'attribute')) continue;
          if (loader && YAML_SAFE_LOADERS.has(lastName(loader.text))) continue;
          if (loader && !ctx.module.isImportedName(loader.text)) continue;
          ctx.report(call.node, `${call.callee} without a safe loader can build arbitrary Python objects from the file; use yaml.safe_load`, {
            fix: yamlFix(ctx, call),
          });
        }
      }
    },
  },
});
