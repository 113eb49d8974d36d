// File URIs <-> paths. Editors spell URIs differently (%3A for a drive colon, upper or lower case
// drive letters), so URIs are compared in the form this module gives them.
import * as path from 'path';
import { fileURLToPath, pathToFileURL } from 'url';

export function uriToPath(uri: string): string | undefined {
  if (!uri.startsWith('file:')) return undefined;
  try {
    return path.normalize(fileURLToPath(uri));
  } catch {
    return undefined;
  }
}

export function pathToUri(fsPath: string): string {
  return pathToFileURL(fsPath).href;
}

/** The URI in one spelling per file. Non-file URIs (notebook cells, untitled) are kept as they are. */
export function normalizeUri(uri: string): string {
  const fsPath = uriToPath(uri);
  return fsPath === undefined ? uri : pathToUri(fsPath);
}

/** `rel` (forward slashes) when `fsPath` is inside `root`, else undefined. */
export function relativeTo(root: string, fsPath: string): string | undefined {
  const rel = path.relative(root, fsPath);
  if (!rel || rel === '..' || rel.startsWith('..' + path.sep) || path.isAbsolute(rel)) return undefined;
  return rel.split(path.sep).join('/');
}
