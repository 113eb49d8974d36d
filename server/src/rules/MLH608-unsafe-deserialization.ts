import { PythonContext, defineRule } from '../engine/rule';
import { ArtifactRef, ArtifactWrite, artifactRef, pickleLoadRefs, sameArtifact } from '../engine/python/artifacts';
import { Call, Node } from '../engine/python/module';
import { isTrueLiteral } from '../engine/python/values';
import { usesOf } from '../engine/python/valueUses';
import { FILE_START, Fix, rangeOf, RelatedLocation } from '../engine/types';
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

/** The project's own writes of a file: [module or notebook, write]. */
function writersOf(ctx: PythonContext, ref: ArtifactRef | undefined): [string, ArtifactWrite][] {
  if (!ref) return [];
  return ctx.project.pythonFiles().flatMap(([path, facts]) => facts.artifactsWritten.filter((w) => sameArtifact(ref, w)).map((w): [string, ArtifactWrite] => [path, w]));
}

/** The files of the repository every path of a load names (next to the code, or from the root),
 *  when git tracks each of them: a model or table committed with the code, not a downloaded one. */
function committedFiles(ctx: PythonContext, refs: ArtifactRef[]): string[] {
  const folder = ctx.path.includes('/') ? ctx.path.slice(0, ctx.path.lastIndexOf('/') + 1) : '';
  const found = refs.map((ref) => {
    if (ref.path === undefined || ref.path.startsWith('/') || ref.path.includes('..')) return undefined;
    return [folder + ref.path, ref.path].find((p) => ctx.project.isTracked(p) === true);
  });
  return found.length > 0 && found.every((p) => p !== undefined) ? (found as string[]) : [];
}

/** How many leading folders two paths share. */
function sharedFolders(a: string, b: string): number {
  const x = a.split('/').slice(0, -1);
  const y = b.split('/').slice(0, -1);
  let n = 0;
  while (n < x.length && n < y.length && x[n] === y[n]) n++;
  return n;
}

/** The writers of every file a load may read, when the project writes each of them; the nearest
 *  first (this file, then the writers in the closest folders). */
function writersOfAll(ctx: PythonContext, refs: ArtifactRef[]): [string, ArtifactWrite][] {
  const writers = refs.map((ref) => writersOf(ctx, ref));
  if (writers.length === 0 || writers.some((w) => w.length === 0)) return [];
  const nearness = ([path]: [string, ArtifactWrite]) => (path === ctx.path ? Infinity : sharedFolders(path, ctx.path));
  return writers.flat().sort((a, b) => nearness(b) - nearness(a));
}

function writerLocation([path, write]: [string, ArtifactWrite]): RelatedLocation {
  // Lines of a notebook's facts count in its joined code, which a location in the file cannot name.
  const range = path.endsWith('.ipynb') ? FILE_START : rangeOf(write.line, 0, write.line, 0);
  return { path, range, message: 'the project writes the file here' };
}

/** Whether a use of a loaded object hands it to `load_state_dict` (`m.load_state_dict(ckpt)`, or a part
 *  of it: `m.load_state_dict(ckpt["model"])`). */
function goesToLoadStateDict(ctx: PythonContext, use: Node): boolean {
  const argument = use.parent?.type === 'subscript' && use.parent.childForFieldName('value')?.id === use.id ? use.parent : use;
  const call = argument.parent?.type === 'argument_list' ? argument.parent.parent : undefined;
  return call?.type === 'call' && ctx.module.describeCall(call).method === 'load_state_dict';
}

/** Methods of a module, not of a dict of tensors. */
const MODULE_METHODS = new Set(['eval', 'train', 'to', 'cuda', 'cpu', 'half', 'float', 'forward', 'parameters', 'named_parameters', 'modules', 'state_dict', 'predict', 'generate']);

/** Whether a use treats a loaded object as a whole model: calls it, or calls a module's method on it. */
function isUsedAsModule(use: Node): boolean {
  const parent = use.parent;
  if (parent?.type === 'call' && parent.childForFieldName('function')?.id === use.id) return true;
  return parent?.type === 'attribute' && parent.childForFieldName('object')?.id === use.id && MODULE_METHODS.has(parent.childForFieldName('attribute')?.text ?? '');
}

/** Whether \`weights_only=True\` keeps a torch.load working: everything loaded goes to
 *  \`load_state_dict\`, or the project saves that file only as state dicts. A whole model (called,
 *  \`.eval()\`, \`.to(device)\`, saved with \`torch.save(model)\`) would no longer load. */
function loadsOnlyWeights(ctx: PythonContext, call: Call): boolean {
  const uses = usesOf(ctx.module, call.node);
  if (uses.length > 0 && uses.every((use) => goesToLoadStateDict(ctx, use))) return true;
  if (uses.some(isUsedAsModule)) return false;
  const writers = writersOf(ctx, artifactRef(ctx.module, call.keywords.get('f') ?? call.positional[0]));
  return writers.length > 0 && writers.every(([, w]) => w.holds === 'state dict');
}

/** `torch.load(p)` -> `torch.load(p, weights_only=True)`; `weights_only=False` -> `True`. */
function torchFix(ctx: PythonContext, call: Call): Fix | undefined {
  if (!loadsOnlyWeights(ctx, call)) return undefined;
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
  optIn: true,
  roles: PRODUCTION,
  docs: `## What it finds
Loads that unpickle a file: \`pickle.load\` / \`loads\`, \`joblib.load\`, \`pd.read_pickle\`,
\`dill.load\`, \`cloudpickle.load\`, \`torch.load\` without \`weights_only=True\`,
\`np.load(..., allow_pickle=True)\`, and \`yaml.load\` without a safe loader (or \`yaml.unsafe_load\`).

A pickle, joblib, dill or \`read_pickle\` load of a file that the project itself writes (the same
path, or the path from the same constant or config key, serialized by a module or notebook of the
project) is reported as an information, with the writer as related location: the model or
vectorizer that the training script saved is not a stranger's file, but it stays a file that
whoever can replace it can use to run code. The same goes for a pickle committed to the
repository next to the code (a file git tracks), with that file as related location. Loads of
downloaded, uploaded or user-supplied files, and of paths the code cannot name, stay warnings. \`torch.load\`, \`np.load\` and \`yaml.load\`
findings are always warnings: safe alternatives exist for them.
Runs on pipeline, serving and library code only, which load files others may supply: exploration notebooks, course material and tooling load their own files.

**Opt-in:** not in the default set. On a judged corpus of public ML repositories, 15 of 33 warnings and 3 of 8 informations of its findings were worth acting on: loads of files the project writes itself, through helpers the analysis does not follow, stay warnings. Select it where it fits (\`extendSelect: [MLH608]\`).

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
their checksum first. Quick fixes switch to \`yaml.safe_load\`, and add \`weights_only=True\` only
where that keeps the load working: where everything loaded goes to \`load_state_dict\`, or where
the project saves that file only as state dicts. A whole pickled model (\`torch.save(model, p)\`,
then called, \`.eval()\` or \`.to(device)\`) does not load with \`weights_only=True\`: save its
\`state_dict()\` instead, then change the load.

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
          const refs = pickleLoadRefs(ctx.module, call);
          const writers = writersOfAll(ctx, refs);
          const shipped = writers.length === 0 ? committedFiles(ctx, refs) : [];
          if (shipped.length > 0) {
            ctx.report(
              call.node,
              `${call.callee} unpickles ${shipped[0]}, a file committed with the project; fine while it comes from the repository, but anyone who can replace it can run code here: prefer a data-only format (skops, ONNX, safetensors)`,
              { severity: 'information', related: shipped.slice(0, 5).map((path) => ({ path, range: FILE_START, message: 'the committed file' })) },
            );
            continue;
          }
          if (writers.length > 0) {
            const [where] = writers;
            ctx.report(
              call.node,
              `${call.callee} unpickles a file that this project writes itself (${where[0]}:${where[1].line + 1}); fine while only the project's own output is loaded, but anyone who can replace the file can run code here: keep it out of shared or downloaded locations, or use a data-only format (skops, ONNX, safetensors)`,
              { severity: 'information', related: writers.slice(0, 5).map(writerLocation) },
            );
            continue;
          }
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
