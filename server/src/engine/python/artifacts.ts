// The project's own artifacts: files its code serializes (pickle, joblib, dill, torch.save,
// to_pickle) and loads back, named by the path written in the code or, when the path is computed,
// by the constant or config key it comes from (`MODEL_PATH`, `cfg["paths"]["model"]`). A load of a
// file that the project writes itself is a different matter from a load of a downloaded one.
import { bindingsOf } from './bindings';
import { pathText, UNKNOWN } from './dataio';
import { openedPath } from './files';
import { Call, enclosingFunction, Node, PythonModule, stringValue } from './module';
import { samePath } from './paths';

/** Where a serialized file is: its path as written (or the known end of it), else the constant or
 *  config key that holds the path. */
export interface ArtifactRef {
  path?: string;
  key?: string;
}

/** One file the module serializes, for the facts (plain data). */
export interface ArtifactWrite extends ArtifactRef {
  /** Zero-based line of the write. */
  line: number;
  /** What was saved, where the code says: a `state_dict()`, or a whole object (a model, a pipeline). */
  holds: 'state dict' | 'object';
}

/** Serializing functions, with the argument holding the file (a path, or a file object). */
const DUMPS = new Map<string, { file: number; keyword: string }>([
  ['pickle.dump', { file: 1, keyword: 'file' }],
  ['_pickle.dump', { file: 1, keyword: 'file' }],
  ['cPickle.dump', { file: 1, keyword: 'file' }],
  ['dill.dump', { file: 1, keyword: 'file' }],
  ['cloudpickle.dump', { file: 1, keyword: 'file' }],
  ['joblib.dump', { file: 1, keyword: 'filename' }],
  ['sklearn.externals.joblib.dump', { file: 1, keyword: 'filename' }],
  ['torch.save', { file: 1, keyword: 'f' }],
]);

/** Loaders that unpickle a file, with the argument holding it. */
const PICKLE_FILE_LOADS = new Map<string, { file: number; keyword: string }>([
  ['pickle.load', { file: 0, keyword: 'file' }],
  ['_pickle.load', { file: 0, keyword: 'file' }],
  ['cPickle.load', { file: 0, keyword: 'file' }],
  ['pickle.Unpickler', { file: 0, keyword: 'file' }],
  ['dill.load', { file: 0, keyword: 'file' }],
  ['cloudpickle.load', { file: 0, keyword: 'file' }],
  ['joblib.load', { file: 0, keyword: 'filename' }],
  ['sklearn.externals.joblib.load', { file: 0, keyword: 'filename' }],
  ['pandas.read_pickle', { file: 0, keyword: 'filepath_or_buffer' }],
]);

/** Names too generic to tie a reader to a writer (`path`, `args.output`). */
const GENERIC_KEY = /^(path|paths|file|filename|fname|filepath|file_path|f|p|fh|out|output|input|src|dst|dest|target|name|location|loc|uri)$/i;
const MAX_DEPTH = 6;

/** The end of a path whose beginning is computed (`{ROOT}/models/model.pkl` -> `models/model.pkl`),
 *  when it still names a file. */
function knownEnd(text: string): string | undefined {
  const end = text.slice(text.lastIndexOf(UNKNOWN) + 1).replace(/^\/+/, '');
  return /[^/]\.\w+$/.test(end) && !/^[a-z][\w+.-]*:\/\//i.test(end) ? end : undefined;
}

/** `cfg["paths"]["model"]` -> `paths.model`, `config.MODEL_PATH` -> `MODEL_PATH`, `args.model_path` -> `model_path`. */
function keyOf(module: PythonModule, node: Node, depth: number): string | undefined {
  if (depth > MAX_DEPTH) return undefined;
  if (node.type === 'identifier') {
    if (module.isImportedName(node.text) || /^[A-Z][A-Z0-9_]*$/.test(node.text)) return node.text;
    const bindings = bindingsOf(module).reaching(node);
    const value = bindings?.length === 1 ? bindings[0].value : undefined;
    if (!value) return undefined;
    // A module-level name whose path is computed (`MODEL_FILE = "%s/model.pkl" % MODEL_DIR`) names
    // the same file wherever the module uses it.
    const key = keyOf(module, value, depth + 1);
    return key ?? (enclosingFunction(value) === undefined && !GENERIC_KEY.test(node.text) ? node.text : undefined);
  }
  const parts: string[] = [];
  let n: Node | null = node;
  while (n && (n.type === 'attribute' || n.type === 'subscript')) {
    if (n.type === 'attribute') {
      parts.unshift(n.childForFieldName('attribute')?.text ?? '');
      n = n.childForFieldName('object');
    } else {
      const key = stringValue(n.childForFieldName('subscript'));
      if (key === undefined) return undefined;
      parts.unshift(key);
      n = n.childForFieldName('value');
    }
  }
  if (parts.length === 0) return undefined;
  const key = parts.join('.');
  return parts.length === 1 && GENERIC_KEY.test(key) ? undefined : key;
}

/** What names the file a path expression (or a file object opened on one) points to. */
export function artifactRef(module: PythonModule, node: Node | undefined): ArtifactRef | undefined {
  if (!node) return undefined;
  const path = openedPath(module, node) ?? node;
  const text = pathText(module, path);
  if (text !== undefined) {
    const known = text.includes(UNKNOWN) ? knownEnd(text) : /^[a-z][\w+.-]*:\/\//i.test(text) ? undefined : text;
    if (known) return { path: known.replace(/^\.\//, '') };
  }
  const key = keyOf(module, path, 0);
  return key ? { key } : undefined;
}

/** The arguments given for a parameter of a function of the module, at the calls of that function. */
function argumentsFor(module: PythonModule, fn: Node, parameter: string): { node: Node; call: Call }[] {
  const name = fn.childForFieldName('name')?.text;
  const params = (fn.childForFieldName('parameters')?.namedChildren ?? []).map((p) => (p?.type === 'identifier' ? p.text : p?.childForFieldName('name')?.text ?? p?.namedChildren[0]?.text));
  const index = params.indexOf(parameter);
  if (!name || index < 0) return [];
  return module.calls().flatMap((call) => {
    if (call.callee !== name) return [];
    const node = call.keywords.get(parameter) ?? call.positional[index];
    return node ? [{ node, call }] : [];
  });
}

/** The files a path expression may name, with the call that names each: the expression itself, or,
 *  when it is a parameter of a helper (\`def load_pickle(filename)\`), what the module's calls of the
 *  helper pass (\`load_pickle(os.path.join(data_path, "train.pkl"))\`). */
function artifactRefs(module: PythonModule, node: Node | undefined, at: Call, depth = 0): { ref: ArtifactRef; call: Call }[] {
  if (!node || depth > 3) return [];
  const path = openedPath(module, node) ?? node;
  const fn = path.type === 'identifier' ? enclosingFunction(path) : undefined;
  const passed = fn && !bindingsOf(module).reaching(path)?.some((b) => b.value) ? argumentsFor(module, fn, path.text) : [];
  if (passed.length > 0) return passed.flatMap(({ node: arg, call }) => artifactRefs(module, arg, call, depth + 1));
  const ref = artifactRef(module, node);
  return ref ? [{ ref, call: at }] : [];
}

function fileArgument(call: Call, spec: { file: number; keyword: string }): Node | undefined {
  return call.keywords.get(spec.keyword) ?? call.positional[spec.file];
}

/** `x.state_dict()`, or a dict whose values are all state dicts (`{"model": m.state_dict(), ...}`). */
function isStateDict(node: Node | undefined): boolean {
  if (!node) return false;
  if (node.type === 'call') return node.childForFieldName('function')?.childForFieldName('attribute')?.text === 'state_dict';
  if (node.type !== 'dictionary') return false;
  const values = node.namedChildren.filter((c): c is Node => c?.type === 'pair').map((p) => p.childForFieldName('value') ?? undefined);
  return values.length > 0 && values.every(isStateDict);
}

/** The files a module serializes, by path or key. */
export function artifactWrites(module: PythonModule): ArtifactWrite[] {
  const writes: ArtifactWrite[] = [];
  for (const call of module.calls()) {
    const spec = call.imported ? DUMPS.get(call.qualified) : undefined;
    const file = spec ? fileArgument(call, spec) : call.method === 'to_pickle' && call.receiver ? (call.keywords.get('path') ?? call.positional[0]) : undefined;
    const saved = spec ? (call.keywords.get('obj') ?? call.positional[0]) : undefined;
    const holds = isStateDict(saved) ? 'state dict' : 'object';
    for (const { ref, call: at } of artifactRefs(module, file, call)) writes.push({ ...ref, line: at.node.startPosition.row, holds });
  }
  return writes;
}

/** The files a pickle-based load reads (`joblib.load(p)`, `pickle.load(open(p, "rb"))`, or through a
 *  `load_pickle(filename)` helper, what its callers pass), when the call is one. */
export function pickleLoadRefs(module: PythonModule, call: Call): ArtifactRef[] {
  const spec = call.imported ? PICKLE_FILE_LOADS.get(call.qualified) : undefined;
  return spec ? artifactRefs(module, fileArgument(call, spec), call).map((r) => r.ref) : [];
}

/** Whether a reader's and a writer's references name the same file. */
export function sameArtifact(a: ArtifactRef, b: ArtifactRef): boolean {
  if (a.path !== undefined && b.path !== undefined) return samePath(a.path, b.path);
  return a.key !== undefined && a.key === b.key;
}
