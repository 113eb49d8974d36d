// Writes a scaffold plan: only inside the target folder, never through a symbolic link, never over
// a file, and all of the plan or nothing.
import * as fs from 'fs';
import * as path from 'path';
import { Obstacle, ScaffoldPlan } from './plan';

/** A plan with problems was given to be written. */
export class ScaffoldError extends Error {
  constructor(readonly problems: ScaffoldPlan['problems']) {
    super(`nothing was written: ${problems.map((p) => p.message).join('; ')}`);
  }
}

/** Why a relative path cannot be created in `root` (see Obstacle); undefined when it can. A link at
 *  the path itself, even a dangling one, counts as there already. */
export function obstaclesIn(root: string): (relPath: string) => Obstacle | undefined {
  return (relPath) => {
    const parts = relPath.split('/');
    for (let i = 0; i < parts.length; i++) {
      const at = parts.slice(0, i + 1).join('/');
      let stat: fs.Stats;
      try {
        stat = fs.lstatSync(path.join(root, at));
      } catch {
        return undefined; // nothing there: neither is anything below it
      }
      if (i === parts.length - 1) return { kind: 'exists' };
      if (stat.isSymbolicLink()) return { kind: 'link', at };
      if (!stat.isDirectory()) return { kind: 'file', at };
    }
    return undefined;
  };
}

/** Writes a plan's files, or throws ScaffoldError when it has problems (before writing anything).
 *  Folders are made one at a time and each checked to be a folder, not a link; each file is created
 *  exclusively ('wx', which does not follow a link either). So a link or file that appeared after
 *  planning blocks what lies behind it, and is listed. When writing fails half-way (a full disk, a
 *  permission), what this run created is removed again and the error thrown. Returns what was
 *  created and what was skipped. */
export function applyScaffold(root: string, plan: ScaffoldPlan): { created: string[]; skipped: string[] } {
  if (plan.problems.length) throw new ScaffoldError(plan.problems);
  const created: string[] = [];
  const madeFolders: string[] = [];
  const skipped = [...plan.skip];
  try {
    fs.mkdirSync(root, { recursive: true });
    for (const file of plan.create) {
      if (!makeFolders(root, path.dirname(file.path), madeFolders)) {
        skipped.push(file.path);
        continue;
      }
      try {
        fs.writeFileSync(path.join(root, file.path), file.content, { flag: 'wx' });
        created.push(file.path);
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
        skipped.push(file.path);
      }
    }
  } catch (e) {
    for (const file of created) fs.rmSync(path.join(root, file), { force: true });
    for (const folder of madeFolders.reverse()) removeEmptyFolder(path.join(root, folder));
    throw e;
  }
  return { created, skipped };
}

/** Makes the folders of `relDir` in `root` that are missing; false when one on the way is not a
 *  folder (a link or a file). */
function makeFolders(root: string, relDir: string, made: string[]): boolean {
  if (relDir === '.') return true;
  const parts = relDir.split(/[\\/]/);
  for (let i = 0; i < parts.length; i++) {
    const rel = parts.slice(0, i + 1).join('/');
    const folder = path.join(root, rel);
    try {
      fs.mkdirSync(folder);
      made.push(rel);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    }
    if (!fs.lstatSync(folder).isDirectory()) return false;
  }
  return true;
}

function removeEmptyFolder(folder: string): void {
  try {
    fs.rmdirSync(folder);
  } catch {
    // not empty (something else wrote there meanwhile) or gone: left as it is
  }
}
