// The files a module reads and writes, by the paths written in its code (literals, joins, constants;
// see pathText). Paths computed at run time are left out: only what can be named is listed.
import { isTabularRead, pathText, readSource, UNKNOWN, writeTarget } from './dataio';
import { openedPath } from './files';
import { Call, Node, PythonModule } from './module';

// Loaders whose first argument (or the file object it opens) is the file they read.
const READING_FUNCTIONS = /^(numpy\.(load|loadtxt|genfromtxt|fromfile)|joblib\.load|pickle\.load|dill\.load|torch\.load|json\.load|yaml\.(safe_load|load|full_load|unsafe_load)|toml\.load|tomllib\.load|omegaconf\.OmegaConf\.load|configparser\.\w+\.read|dotenv\.load_dotenv|PIL\.Image\.open)$/;
const READING_METHODS = new Set(['read_text', 'read_bytes', 'read']);

/** What a path expression names, when all of it is written in the code. */
export function literalPath(module: PythonModule, node: Node | undefined): string | undefined {
  const text = pathText(module, node);
  if (text === undefined || text.includes(UNKNOWN) || /^[a-z][\w+.-]*:\/\//i.test(text)) return undefined;
  return text;
}

function readTarget(module: PythonModule, call: Call): Node | undefined {
  if (isTabularRead(module, call)) return readSource(call);
  if (READING_FUNCTIONS.test(call.qualified)) return openedPath(module, call.positional[0]) ?? call.positional[0];
  if ((call.callee === 'open' && !module.isImportedName('open')) || call.qualified === 'io.open') return call.positional[0];
  if (call.method === 'read' && call.receiver?.type === 'identifier' && /config|parser|cfg/i.test(call.receiver.text)) return call.positional[0];
  if (READING_METHODS.has(call.method) && call.receiver?.type === 'call') return call.receiver; // Path("x").read_text()
  return undefined;
}

/** Paths the module reads and writes, as written, without `./`. */
export function filePaths(module: PythonModule): { pathsRead: string[]; pathsWritten: string[] } {
  const read = new Set<string>();
  const written = new Set<string>();
  for (const call of module.calls()) {
    const write = writeTarget(module, call);
    const target = write ?? readTarget(module, call);
    const path = literalPath(module, target);
    if (path) (write ? written : read).add(path.replace(/^\.\//, ''));
  }
  return { pathsRead: [...read], pathsWritten: [...written] };
}

/** Whether two paths written in code (relative to different working folders, so compared by their
 *  trailing segments) name the same file: `models/model.pkl` and `project/models/model.pkl`. */
export function samePath(a: string, b: string): boolean {
  const x = a.replace(/^\.\//, '');
  const y = b.replace(/^\.\//, '');
  return x === y || x.endsWith('/' + y) || y.endsWith('/' + x);
}
