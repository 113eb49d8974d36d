// What git tracks, asked read-only. Only `git ls-files` runs: it reads the index and writes nothing.
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { isInsideFolder, realRootOf } from './workspace';

const GIT_TIMEOUT_MS = 10_000;

/** The files git tracks, relative to `root`, when `root` is the top folder of a git repository and
 *  git is installed; undefined otherwise (callers then go by .gitignore alone). */
export function trackedFiles(root: string): string[] | undefined {
  const dotGit = path.join(root, '.git');
  if (!fs.existsSync(dotGit)) return undefined;
  // A .git link that leads out of the folder would have git read another repository. (A .git file,
  // as worktrees and submodules have, is the user's own set-up: a repository cannot hold one.)
  if (fs.lstatSync(dotGit).isSymbolicLink() && !isInsideFolder(fs.realpathSync.native(dotGit), realRootOf(root))) return undefined;
  const env: NodeJS.ProcessEnv = { ...process.env, GIT_OPTIONAL_LOCKS: '0' };
  // Variables that would point git at another repository or index than the one in `root`.
  for (const name of ['GIT_DIR', 'GIT_WORK_TREE', 'GIT_INDEX_FILE', 'GIT_COMMON_DIR']) delete env[name];
  try {
    const out = execFileSync(
      'git',
      // A repository's own config could name an fsmonitor program; it is not run.
      ['-c', 'core.fsmonitor=false', 'ls-files', '-z', '--cached'],
      { cwd: root, env, timeout: GIT_TIMEOUT_MS, maxBuffer: 1024 * 1024 * 1024, stdio: ['ignore', 'pipe', 'ignore'], windowsHide: true },
    );
    return out.toString('utf8').split('\0').filter(Boolean);
  } catch {
    return undefined; // git missing, not a repository, an unsafe owner, a timeout
  }
}
