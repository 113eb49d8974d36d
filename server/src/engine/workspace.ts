import * as fs from 'fs';
import ignore, { Ignore } from 'ignore';
import * as path from 'path';
import picomatch from 'picomatch';
import { kindOf } from './analyze';
import { Config, ConfigError, loadConfig } from './config';
import { ProjectFile } from './project';
import { MAX_PATTERN_LENGTH } from './gitPatterns';
import { decodeBytes } from './text';
import { Notice } from './types';

/** The folder of the command line's cache (scanCache.ts), in the checked folder. */
export const CACHE_FOLDER = '.ml-hygiene-cache';

/** Folders that never hold the project's own code. */
const SKIPPED_DIRS = new Set([
  '.git',
  '.hg',
  '.svn',
  'node_modules',
  '.venv',
  'venv',
  '.env',
  '__pycache__',
  '.mypy_cache',
  '.pytest_cache',
  '.ruff_cache',
  CACHE_FOLDER,
  '.tox',
  '.nox',
  '.ipynb_checkpoints',
  'site-packages',
  '.eggs',
  '.dvc/cache',
]);

/** Whether a relative path (forward slashes) lies in a folder that discovery never enters. */
export function isInSkippedDir(relPath: string): boolean {
  const parts = relPath.split('/');
  return parts.slice(0, -1).some((part, i) => SKIPPED_DIRS.has(part) || SKIPPED_DIRS.has(parts.slice(0, i + 1).join('/')));
}

/** Small files whose text the project index keeps for project rules (README, CI, ignore files ...). */
const DOCUMENT_MAX_BYTES = 256 * 1024;

export function isProjectDocument(file: ProjectFile): boolean {
  if (file.size > DOCUMENT_MAX_BYTES || file.kind === 'python' || file.kind === 'notebook') return false;
  const name = file.path.split('/').pop()!;
  return (
    file.kind !== 'other' ||
    /\.(md|rst|txt|cfg|ini|toml|dvc|json|lock)$/i.test(name) ||
    /^(\.gitignore|\.gitattributes|\.dvcignore|CODEOWNERS|OWNERS|Makefile|Jenkinsfile|Dockerfile|Pipfile|MLproject|Snakefile|config)$/.test(name)
  );
}

export interface DiscoveredFile extends ProjectFile {
  absolutePath: string;
}

/** Matches `exclude` globs. As in .gitignore and ruff, a pattern without a slash matches a file or
 *  folder name at any depth; a pattern with one matches the path from the root. */
function excludeMatcher(patterns: string[]): (relPath: string, isDir: boolean) => boolean {
  const never = () => false;
  const byName = patterns.filter((p) => !p.includes('/'));
  const byPath = patterns.filter((p) => p.includes('/'));
  const name = byName.length ? picomatch(byName, { dot: true }) : never;
  const full = byPath.length ? picomatch(byPath, { dot: true }) : never;
  return (relPath, isDir) => name(relPath.slice(relPath.lastIndexOf('/') + 1)) || full(relPath) || (isDir && full(relPath + '/'));
}

/** The real path of a folder to analyse (links and `..` resolved): files are read only when their
 *  real path lies inside it. */
export function realRootOf(root: string): string {
  try {
    return fs.realpathSync.native(root);
  } catch {
    return path.resolve(root); // missing: nothing under it resolves, so nothing is read
  }
}

/** Whether `child` is `parent` or lies inside it (both absolute and normalized). */
export function isInsideFolder(child: string, parent: string): boolean {
  const rel = path.relative(parent, child);
  return rel === '' || (rel !== '..' && !rel.startsWith('..' + path.sep) && !path.isAbsolute(rel));
}

const OUTSIDE_LINK_NOTICE = 'skipped: a symbolic link that leads outside the analysed folder; it is not read';
const HIDDEN_TARGET_NOTICE = 'skipped: a symbolic link to a file the analysis leaves out (.gitignore, exclude or a tool folder); it is not read';

/** Where a path really leads, relative to `realRoot` (forward slashes; '' for the root itself);
 *  'outside' when that is outside the root; undefined when it does not resolve (missing, a dangling
 *  link, a loop). */
function realRelativePath(realRoot: string, absolutePath: string): string | 'outside' | undefined {
  let real: string;
  try {
    real = fs.realpathSync.native(absolutePath);
  } catch {
    return undefined;
  }
  return isInsideFolder(real, realRoot) ? path.relative(realRoot, real).split(path.sep).join('/') : 'outside';
}

/** Whether a file of the listing now leads elsewhere than where it lies (it, or a folder on its
 *  way, became a symbolic link): a new listing must decide whether it is read. */
export function leadsElsewhere(root: string, relPath: string): boolean {
  const target = realRelativePath(realRootOf(root), path.join(root, relPath));
  return target !== undefined && target !== relPath;
}

/** Lists the project's files: .gitignore and `exclude` respected, unreadable folders skipped with a
 *  notice. Nothing outside the root is listed. Symbolic links to folders are not followed (git
 *  keeps the link, not the folder; what one inside leads to is listed under its own path, and
 *  following them could loop or leave the project). A link to a file is followed only when it leads
 *  to a file this listing holds itself (`requirements.txt -> requirements/base.txt`), so that a
 *  link never exposes what the analysis would not read anyway: a file outside the root, in .git or
 *  an ignored .env. Links that lead outside, or to such a file, are skipped with a notice. Files git
 *  tracks (`tracked`) are listed although a .gitignore pattern matches them: ignore rules only keep
 *  untracked files out of git. */
export function discoverFiles(root: string, config: Config, tracked?: string[]): { files: DiscoveredFile[]; notices: Notice[] } {
  const realRoot = realRootOf(root);
  // Links wait for the walk to end (their target must be listed); their place keeps the order.
  const listing: (DiscoveredFile | { link: string; absolutePath: string })[] = [];
  const notices: Notice[] = [];
  const excluded = excludeMatcher(config.exclude);
  const trackedFiles = new Set(tracked);
  const trackedFolders = new Set((tracked ?? []).flatMap((p) => p.split('/').slice(0, -1).map((_, i, parts) => parts.slice(0, i + 1).join('/'))));
  const keptByGit = (relPath: string, isDir: boolean) => (isDir ? trackedFolders : trackedFiles).has(relPath);
  const walk = (dir: string, rel: string, ignores: IgnoreFile[]) => {
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(dir, { withFileTypes: true });
    } catch (e) {
      notices.push({ path: rel || '.', message: `cannot read folder: ${(e as NodeJS.ErrnoException).code ?? e}` });
      return;
    }
    const own = entries.some((e) => e.name === '.gitignore')
      ? readGitignore(realRoot, path.join(dir, '.gitignore'), rel ? `${rel}/.gitignore` : '.gitignore', notices)
      : undefined;
    const active: IgnoreFile[] = own ? [...ignores, { base: rel, ...own }] : ignores;
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const entry of entries) {
      const relPath = rel ? `${rel}/${entry.name}` : entry.name;
      const absolutePath = path.join(dir, entry.name);
      const isDir = entry.isDirectory();
      if (isDir && (SKIPPED_DIRS.has(entry.name) || SKIPPED_DIRS.has(relPath))) continue;
      if ((isIgnored(active, relPath, isDir, notices) && !keptByGit(relPath, isDir)) || excluded(relPath, isDir)) continue;
      if (isDir) walk(absolutePath, relPath, active);
      else if (entry.isSymbolicLink()) listing.push({ link: relPath, absolutePath });
      else if (entry.isFile()) {
        let size = 0;
        try {
          size = fs.lstatSync(absolutePath).size;
        } catch {
          continue;
        }
        listing.push({ path: relPath, absolutePath, kind: kindOf(relPath), size });
      }
    }
  };
  walk(root, '', []);
  const listed = new Map(listing.flatMap((f) => ('link' in f ? [] : [[f.path, f] as const])));
  const files = listing.flatMap((entry): DiscoveredFile[] => {
    if (!('link' in entry)) return [entry];
    const target = realRelativePath(realRoot, entry.absolutePath);
    if (target === undefined) return []; // dangling, or a loop
    if (target === 'outside') notices.push({ path: entry.link, message: OUTSIDE_LINK_NOTICE });
    else if (listed.has(target)) return [{ path: entry.link, absolutePath: entry.absolutePath, kind: kindOf(entry.link), size: listed.get(target)!.size }];
    // A link to a folder inside the root is left out quietly: the folder is listed where it is.
    else if (!isFolder(entry.absolutePath)) notices.push({ path: entry.link, message: HIDDEN_TARGET_NOTICE });
    return [];
  });
  return { files, notices };
}

function isFolder(absolutePath: string): boolean {
  try {
    return fs.statSync(absolutePath).isDirectory();
  } catch {
    return false;
  }
}

interface IgnoreFile {
  base: string;
  rules: Ignore;
  /** The .gitignore, relative to the root; its rules are dropped, with a notice, if they fail. */
  path: string;
  failed?: boolean;
}

function readGitignore(realRoot: string, file: string, relPath: string, notices: Notice[]): { rules: Ignore; path: string } | undefined {
  let text: string;
  try {
    text = readFileInside(realRoot, file).toString('utf8');
  } catch {
    return undefined;
  }
  const lines = text.split(/\r\n|\r|\n/);
  const kept = lines.filter((line) => line.length <= MAX_PATTERN_LENGTH);
  if (kept.length < lines.length) {
    notices.push({ path: relPath, message: `${lines.length - kept.length} pattern(s) longer than ${MAX_PATTERN_LENGTH} characters ignored` });
  }
  try {
    return { rules: ignore().add(kept), path: relPath };
  } catch {
    notices.push({ path: relPath, message: 'its patterns could not be read; they were not applied' });
    return undefined;
  }
}

function isIgnored(ignores: IgnoreFile[], relPath: string, isDir: boolean, notices: Notice[]): boolean {
  for (const file of ignores) {
    if (file.failed) continue;
    const local = file.base ? relPath.slice(file.base.length + 1) : relPath;
    try {
      if (file.rules.ignores(isDir ? local + '/' : local)) return true;
    } catch {
      // A pattern whose regular expression cannot be built (the library builds them lazily).
      file.failed = true;
      notices.push({ path: file.path, message: 'its patterns could not be read; they were not applied' });
    }
  }
  return false;
}

/** Thrown when a path's real path lies outside the analysed folder. */
class OutsideRootError extends Error {
  constructor() {
    super(OUTSIDE_LINK_NOTICE);
  }
}

/** Opens a file for reading when its real path lies inside `realRoot`; throws OutsideRootError
 *  otherwise, or the error of the file system. The real path is opened without following a link
 *  again, so that what was checked is what is read. */
function openInside(realRoot: string, absolutePath: string): number {
  const real = fs.realpathSync.native(absolutePath);
  if (!isInsideFolder(real, realRoot)) throw new OutsideRootError();
  return fs.openSync(real, fs.constants.O_RDONLY | (fs.constants.O_NOFOLLOW ?? 0));
}

/** A file's bytes when its real path lies inside `realRoot`; throws otherwise (see openInside). */
export function readFileInside(realRoot: string, absolutePath: string): Buffer {
  const fd = openInside(realRoot, absolutePath);
  try {
    return fs.readFileSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}

function readProblem(e: unknown): string {
  return e instanceof OutsideRootError ? e.message : `cannot read: ${(e as NodeJS.ErrnoException).code ?? e}`;
}

/** Reads a file for analysis: its text, and the bytes it was decoded from; no text (with a notice)
 *  when it is too big, binary, unreadable or, by its real path, outside `realRoot`. */
export function readSource(file: { path: string; absolutePath: string; size: number }, maxFileSizeMB: number, realRoot: string): { text?: string; notice?: Notice; bytes?: Buffer } {
  if (file.size > maxFileSizeMB * 1024 * 1024) {
    const mb = (file.size / 1024 / 1024).toFixed(1);
    return { notice: { path: file.path, message: `skipped: ${mb} MB is above the ${maxFileSizeMB} MB limit (thresholds.maxFileSizeMB)` } };
  }
  let bytes: Buffer;
  try {
    bytes = readFileInside(realRoot, file.absolutePath);
  } catch (e) {
    return { notice: { path: file.path, message: readProblem(e) } };
  }
  const decoded = decodeBytes(bytes);
  const notice = decoded.problem ? { path: file.path, message: decoded.problem } : undefined;
  return { text: decoded.text, notice, bytes };
}

/** The first `bytes` of a file as text, cut after its last complete line when the file is longer;
 *  undefined when it cannot be read, looks binary (a NUL byte) or lies outside `realRoot`. Costs the
 *  same for any file size. */
export function readSample(file: { absolutePath: string; size: number }, bytes: number, realRoot: string): string | undefined {
  let fd: number | undefined;
  try {
    fd = openInside(realRoot, file.absolutePath);
    const buffer = Buffer.alloc(Math.min(bytes, file.size));
    const read = fs.readSync(fd, buffer, 0, buffer.length, 0);
    let sample = buffer.subarray(0, read);
    if (sample.includes(0)) return undefined;
    if (file.size > read) sample = sample.subarray(0, sample.lastIndexOf(10) + 1);
    return sample.toString('utf8');
  } catch {
    return undefined;
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
  }
}

/** Reads the project's configuration from its root. Throws ConfigError when it is invalid. A
 *  configuration file that is a link is read only when it leads to a file inside the root and
 *  outside the tool folders (.git, .venv, ...); otherwise it counts as absent (discovery gives the
 *  notice). */
export function readConfig(root: string): Config {
  const realRoot = realRootOf(root);
  const read = (name: string) => {
    const target = realRelativePath(realRoot, path.join(root, name));
    if (target === undefined || target === 'outside' || isInSkippedDir(target)) return undefined;
    try {
      return readFileInside(realRoot, path.join(root, name)).toString('utf8');
    } catch {
      return undefined;
    }
  };
  const mlHygieneYaml = read('.ml-hygiene.yaml') ?? read('.ml-hygiene.yml');
  return loadConfig({ mlHygieneYaml, pyprojectToml: read('pyproject.toml') });
}

export { ConfigError };
