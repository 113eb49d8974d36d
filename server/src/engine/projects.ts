// Where the projects of a repository start. Course and monorepos hold many independent projects side
// by side; each has its own dependencies, tests and entry points, so cross-file questions are
// answered inside one of them.
import picomatch from 'picomatch';
import { folderOf } from './folders';

/** Files that make their folder a project root. */
const PROJECT_MARKER = /^(pyproject\.toml|setup\.py|setup\.cfg|requirements[^/]*\.(txt|in)|Pipfile|environment\.ya?ml|dvc\.yaml)$/;
/** Folders whose dependency files serve the project around them (documentation builds, CI, test
 *  extras, Binder, split requirements): they are no project of their own. */
const AUXILIARY_FOLDER = /^(docs?|tests?|\.github|\.gitlab|ci|\.ci|binder|\.binder|\.devcontainer|requirements)$/i;


/** The project roots of a repository, as folders relative to its root ('' is the root itself, which
 *  is always one: files with no other root above them belong to it). `configured` (the `roots`
 *  setting: folders or globs) replaces the detection by marker files. */
export function projectRoots(paths: string[], configured?: string[]): string[] {
  const roots = new Set<string>(['']);
  const folders = new Set<string>();
  for (const path of paths) for (let f = folderOf(path); f; f = folderOf(f)) folders.add(f);
  if (configured) {
    const patterns = configured.map((p) => p.replace(/^\.\/|\/+$/g, '')).filter((p) => p && p !== '.');
    const matches = patterns.length ? picomatch(patterns, { dot: true }) : () => false;
    for (const folder of folders) if (matches(folder)) roots.add(folder);
  } else {
    // A saved MLflow model holds a requirements.txt and a conda.yaml too: it is an artifact, not a project.
    const mlflowModels = new Set(paths.filter((p) => p.slice(p.lastIndexOf('/') + 1) === 'MLmodel').map(folderOf));
    for (const path of paths) {
      if (!PROJECT_MARKER.test(path.slice(path.lastIndexOf('/') + 1))) continue;
      const folder = folderOf(path);
      if (!folder.split('/').some((part) => AUXILIARY_FOLDER.test(part)) && !mlflowModels.has(folder)) roots.add(folder);
    }
  }
  return [...roots].sort();
}

/** A function giving the root of the project a path belongs to: the deepest root above it. */
export function projectRootOf(roots: string[]): (path: string) => string {
  const set = new Set(roots);
  return (path) => {
    for (let f = folderOf(path); f; f = folderOf(f)) if (set.has(f)) return f;
    return '';
  };
}
