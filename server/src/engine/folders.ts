// Folders of the relative, forward-slash paths that the engine names files by.

/** The folder a path is in: `src/pkg` for `src/pkg/train.py`, '' at the top. */
export function folderOf(path: string): string {
  const slash = path.lastIndexOf('/');
  return slash < 0 ? '' : path.slice(0, slash);
}

/** The folder a path is in as a prefix of its siblings' paths: `src/pkg/`, '' at the top. */
export function folderPrefix(path: string): string {
  return path.slice(0, path.lastIndexOf('/') + 1);
}
