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

/** Lists the project's files: .gitignore and `exclude` respected, unreadable folders skipped with a
 *  notice. Symbolic links to folders are not followed (git keeps the link, not the folder, and
 *  following them could loop or leave the project); links to files are read. Files git tracks
 *  (`tracked`) are listed although a .gitignore pattern matches them: ignore rules only keep
 *  untracked files out of git. */
export function discoverFiles(root: string, config: Config, tracked?: string[]): { files: DiscoveredFile[]; notices: Notice[] } {
  const files: DiscoveredFile[] = [];
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
    const own = readGitignore(path.join(dir, '.gitignore'), rel ? `${rel}/.gitignore` : '.gitignore', notices);
    const active: IgnoreFile[] = own ? [...ignores, { base: rel, ...own }] : ignores;
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const entry of entries) {
      const relPath = rel ? `${rel}/${entry.name}` : entry.name;
      const absolutePath = path.join(dir, entry.name);
      const isDir = entry.isDirectory();
      let isFile = entry.isFile();
      if (entry.isSymbolicLink()) {
        try {
          isFile = fs.statSync(absolutePath).isFile();
        } catch {
          continue; // dangling link
        }
      }
      if (isDir && (SKIPPED_DIRS.has(entry.name) || SKIPPED_DIRS.has(relPath))) continue;
      if ((isIgnored(active, relPath, isDir, notices) && !keptByGit(relPath, isDir)) || excluded(relPath, isDir)) continue;
      if (isDir) walk(absolutePath, relPath, active);
      else if (isFile) {
        let size = 0;
        try {
          size = fs.statSync(absolutePath).size;
        } catch {
          continue;
        }
        files.push({ path: relPath, absolutePath, kind: kindOf(relPath), size });
      }
    }
  };
  walk(root, '', []);
  return { files, notices };
}

interface IgnoreFile {
  base: string;
  rules: Ignore;
  /** The .gitignore, relative to the root; its rules are dropped, with a notice, if they fail. */
  path: string;
  failed?: boolean;
}

function readGitignore(file: string, relPath: string, notices: Notice[]): { rules: Ignore; path: string } | undefined {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
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

/** Reads a file for analysis; undefined (with a notice) when it is too big, binary or unreadable. */
export function readSource(file: { path: string; absolutePath: string; size: number }, maxFileSizeMB: number): { text?: string; notice?: Notice } {
  if (file.size > maxFileSizeMB * 1024 * 1024) {
    const mb = (file.size / 1024 / 1024).toFixed(1);
    return { notice: { path: file.path, message: `skipped: ${mb} MB is above the ${maxFileSizeMB} MB limit (thresholds.maxFileSizeMB)` } };
  }
  let bytes: Buffer;
  try {
    bytes = fs.readFileSync(file.absolutePath);
  } catch (e) {
    return { notice: { path: file.path, message: `cannot read: ${(e as NodeJS.ErrnoException).code ?? e}` } };
  }
  const decoded = decodeBytes(bytes);
  const notice = decoded.problem ? { path: file.path, message: decoded.problem } : undefined;
  return { text: decoded.text, notice };
}

/** The first `bytes` of a file as text, cut after its last complete line when the file is longer;
 *  undefined when it cannot be read or looks binary (a NUL byte). Costs the same for any file size. */
export function readSample(file: { absolutePath: string; size: number }, bytes: number): string | undefined {
  let fd: number | undefined;
  try {
    fd = fs.openSync(file.absolutePath, 'r');
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

/** Reads the project's configuration from its root. Throws ConfigError when it is invalid. */
export function readConfig(root: string): Config {
  const read = (name: string) => {
    try {
      return fs.readFileSync(path.join(root, name), 'utf8');
    } catch {
      return undefined;
    }
  };
  const mlHygieneYaml = read('.ml-hygiene.yaml') ?? read('.ml-hygiene.yml');
  return loadConfig({ mlHygieneYaml, pyprojectToml: read('pyproject.toml') });
}

export { ConfigError };
