// The scaffold planner: a pure function from what the target folder holds to what to create, and
// whether all of it can be written (checked before the first file is, so that a scaffold is written
// whole or not at all).
import { TDSP_TEMPLATE } from './tdsp';
import { ScaffoldPart, TemplateVars } from './template';

export interface ScaffoldOptions {
  /** The project's name, e.g. "Customer churn". */
  name: string;
  /** Parts of the ML-engineering basics to leave out. */
  without?: ScaffoldPart[];
  /** The target folder's absolute path, for the length of the paths to write. */
  root?: string;
}

/** Why a template file is not created: it is there already (never overwritten), or a folder on
 *  its way (`at`) is a symbolic link (never written through) or a file. */
export type Obstacle = { kind: 'exists' } | { kind: 'link' | 'file'; at: string };

export interface ScaffoldPlan {
  create: { path: string; content: string }[];
  /** Template files that are not created: there already, or blocked. */
  skip: string[];
  /** What in the target blocks files, each once: symbolic links and files where the template has
   *  a folder. */
  blocked: { path: string; kind: 'link' | 'file' }[];
  /** Why the plan cannot be written; empty when it can. Each names what to change: the project's
   *  name (its length or characters, or the package folder made from it) or the target folder. */
  problems: { about: 'name' | 'target'; message: string }[];
}

/** A project name is a title: README headings, docstrings, the API's title. */
export const NAME_MAX_CHARS = 100;
/** What common file systems allow for one name (ext4, APFS, NTFS) and for a whole path (Linux). */
const COMPONENT_MAX_BYTES = 255;
const PATH_MAX_BYTES = 4095;
/** Characters no file name may hold on some system (Windows forbids the printable ones). */
const INVALID_NAME_CHARS = /[\u0000-\u001f<>:"|?*\\]/;

/** Names a package cannot take: Python's keywords (`from class.train import ...` does not parse),
 *  the modules the starter code imports or installs (a package of that name in Code/ would be
 *  imported in their place), and the device names Windows reserves for files and folders. */
const RESERVED_PACKAGE_NAMES = new Set([
  ...['and', 'as', 'assert', 'async', 'await', 'break', 'class', 'continue', 'def', 'del', 'elif', 'else', 'except', 'finally', 'for'],
  ...['from', 'global', 'if', 'import', 'in', 'is', 'lambda', 'nonlocal', 'not', 'or', 'pass', 'raise', 'return', 'try', 'while', 'with', 'yield'],
  ...['fastapi', 'logging', 'mlflow', 'numpy', 'os', 'pandas', 'pandera', 'pathlib', 'prometheus_client', 'pydantic', 'pytest', 'sklearn', 'sys', 'uvicorn', 'yaml'],
  ...['aux', 'con', 'nul', 'prn', ...[1, 2, 3, 4, 5, 6, 7, 8, 9].flatMap((n) => [`com${n}`, `lpt${n}`])],
]);

/** A Python package name from a project name: "Customer Churn 2" -> "customer_churn_2". Always an
 *  identifier of ASCII letters, digits and underscores, so it goes into code, paths and commands
 *  as it is; a reserved name gets a trailing underscore ("Class" -> "class_", as PEP 8 does). */
export function packageNameOf(name: string): string {
  const words = name.toLowerCase().normalize('NFKD').replace(/[\u0300-\u036f]/g, '').replace(/[^a-z0-9]+/g, '_').replace(/^_+|_+$/g, '');
  const safe = words || 'project';
  const identifier = /^[0-9]/.test(safe) ? `p_${safe}` : safe;
  return RESERVED_PACKAGE_NAMES.has(identifier) ? `${identifier}_` : identifier;
}

/** What to create in a folder where `obstacleAt(path)` tells why a relative path cannot be created
 *  (undefined: it can). */
export function planScaffold(obstacleAt: (path: string) => Obstacle | undefined, options: ScaffoldOptions): ScaffoldPlan {
  // A blank name gets a default, and the package follows the name the project is given.
  const name = options.name.trim() || 'ML project';
  const vars: TemplateVars = { name, package: packageNameOf(name) };
  const without = new Set(options.without ?? []);
  const plan: ScaffoldPlan = { create: [], skip: [], blocked: [], problems: [] };
  for (const file of TDSP_TEMPLATE) {
    if (file.part && without.has(file.part)) continue;
    const path = file.path.replace('{package}', () => vars.package);
    const obstacle = obstacleAt(path);
    if (!obstacle) plan.create.push({ path, content: file.content(vars) });
    else {
      plan.skip.push(path);
      if (obstacle.kind !== 'exists' && !plan.blocked.some((b) => b.path === obstacle.at)) plan.blocked.push({ path: obstacle.at, kind: obstacle.kind });
    }
  }
  const fromName = (path: string) => path === `Code/${vars.package}` || path.startsWith(`Code/${vars.package}/`);
  plan.problems = [
    ...nameProblems(options.name).map((message) => ({ about: 'name' as const, message })),
    ...pathProblems(plan.create.map((f) => f.path), options.root).map(({ path, message }) => ({ about: fromName(path) ? ('name' as const) : ('target' as const), message })),
  ];
  return plan;
}

/** Why the plan skips a file: `exists`, or what blocks it (`Docs is a symbolic link`). */
export function skipReason(plan: ScaffoldPlan, path: string): string {
  const block = plan.blocked.find((b) => path.startsWith(b.path + '/'));
  if (!block) return 'exists';
  return block.kind === 'link' ? `${block.path} is a symbolic link, never written through` : `${block.path} is a file, not a folder`;
}

function nameProblems(name: string): string[] {
  const problems: string[] = [];
  const length = [...name.trim()].length;
  if (length > NAME_MAX_CHARS) problems.push(`the project name has ${length} characters; at most ${NAME_MAX_CHARS} are allowed`);
  if (/\p{Cc}/u.test(name)) problems.push('the project name holds control characters (a line break, a tab); it must be one line of text');
  if (/\p{Cs}/u.test(name)) problems.push('the project name is not valid Unicode text: it holds an unpaired surrogate');
  return problems;
}

/** Names too long or invalid on some file system, paths too long, and paths that differ only in
 *  case (one file on macOS and Windows); each folder named once, with the path at fault. */
function pathProblems(paths: string[], root?: string): { path: string; message: string }[] {
  const problems = new Map<string, { path: string; message: string }>();
  const add = (path: string, message: string) => problems.set(message, { path, message });
  const byFoldedCase = new Map<string, string>();
  for (const file of paths) {
    const parts = file.split('/');
    parts.forEach((part, i) => {
      const prefix = parts.slice(0, i + 1).join('/');
      const bytes = Buffer.byteLength(part);
      if (bytes > COMPONENT_MAX_BYTES) add(prefix, `${shorten(prefix)}: a name of ${bytes} bytes; file systems allow ${COMPONENT_MAX_BYTES}`);
      if (INVALID_NAME_CHARS.test(part) || part === '.' || part === '..' || /[ .]$/.test(part)) add(prefix, `${shorten(prefix)}: not a valid file name on every system`);
      const folded = prefix.toLowerCase();
      const other = byFoldedCase.get(folded);
      if (other === undefined) byFoldedCase.set(folded, prefix);
      else if (other !== prefix) add(prefix, `${other} and ${prefix} differ only in case: one and the same on macOS and Windows`);
    });
    const bytes = Buffer.byteLength(root === undefined ? file : `${root}/${file}`);
    if (bytes > PATH_MAX_BYTES) add(file, `${shorten(file)}: a path of ${bytes} bytes; file systems allow ${PATH_MAX_BYTES}`);
  }
  return [...problems.values()];
}

function shorten(text: string): string {
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}
