import * as fs from 'fs';
import * as path from 'path';
import { ScaffoldPlan } from './plan';

/** Whether a relative path is taken in `root`: a file, a folder, or a link (even a dangling one). */
export function existsIn(root: string): (relPath: string) => boolean {
  return (relPath) => {
    try {
      fs.lstatSync(path.join(root, relPath));
      return true;
    } catch {
      return false;
    }
  };
}

/** Writes a plan's files. Each file is created exclusively ('wx'), so a file that appeared after
 *  planning is skipped, never overwritten. Returns what was created and what was skipped. */
export function applyScaffold(root: string, plan: ScaffoldPlan): { created: string[]; skipped: string[] } {
  const created: string[] = [];
  const skipped = [...plan.skip];
  for (const file of plan.create) {
    const target = path.join(root, file.path);
    try {
      fs.mkdirSync(path.dirname(target), { recursive: true });
      fs.writeFileSync(target, file.content, { flag: 'wx' });
      created.push(file.path);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST' && (e as NodeJS.ErrnoException).code !== 'ENOTDIR') throw e;
      skipped.push(file.path);
    }
  }
  return { created, skipped };
}
