// Paths the command line is given (folders to check, --baseline, --output). A path inside the
// current folder must stay inside it by its real path: a repository that CI checks can hold a
// symbolic link (`src -> /home/runner`, `hygiene.json -> ~/.bashrc`), and a pull request can add one.
import * as fs from 'fs';
import * as path from 'path';
import { isInsideFolder, realRootOf } from '../engine/workspace';
import { UsageError } from './args';

/** Throws a UsageError when `file` (absolute, or relative to the current folder) lies in the current
 *  folder by its name but leads out of it through a symbolic link. Paths outside it by name, such
 *  as `../other` or `/data/project`, are the caller's plain choice. */
export function assertStaysInside(what: string, file: string): void {
  const cwd = process.cwd();
  const absolute = path.resolve(file);
  if (!isInsideFolder(absolute, cwd)) return;
  // A file to be written may not exist yet: its folder is what must stay inside.
  const existing = fs.existsSync(absolute) ? absolute : path.dirname(absolute);
  if (!isInsideFolder(realRootOf(existing), realRootOf(cwd))) {
    throw new UsageError(`${what} ${file} leads out of the current folder through a symbolic link; give its real path to use it`);
  }
}

/** Writes `text` to the file of `flag` (--output): never through a symbolic link. */
export function writeOutput(flag: string, file: string, text: string): void {
  assertStaysInside(flag, file);
  let fd: number | undefined;
  try {
    fd = fs.openSync(file, fs.constants.O_WRONLY | fs.constants.O_CREAT | fs.constants.O_TRUNC | (fs.constants.O_NOFOLLOW ?? 0), 0o666);
    fs.writeSync(fd, text);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new UsageError(`cannot write ${file}: ${code === 'ELOOP' ? 'it is a symbolic link, which is never written through' : (code ?? e)}`);
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
  }
}
