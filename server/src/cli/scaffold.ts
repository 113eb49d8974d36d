// `ml-hygiene scaffold tdsp <dir>`: the TDSP layout with the ML-engineering basics; never overwrites.
import * as fs from 'fs';
import * as path from 'path';
import { applyScaffold, existsIn } from '../scaffold/apply';
import { planScaffold } from '../scaffold/plan';
import { SCAFFOLD_PARTS } from '../scaffold/tdsp';
import { ScaffoldPart } from '../scaffold/template';

export const SCAFFOLD_HELP = `Usage: ml-hygiene scaffold tdsp <dir> [--name NAME] [--without PART]... [--dry-run]

Creates the Team Data Science Process layout in <dir> (created if missing) with the ML-engineering
basics. Existing files are never overwritten: they are skipped and listed.

Parts that --without can leave out (repeat it or give a comma-separated list):
${SCAFFOLD_PARTS.map((p) => `  ${p.part.padEnd(13)} ${p.label}: ${p.detail}`).join('\n')}
`;

const PART_NAMES = new Set(SCAFFOLD_PARTS.map((p) => p.part as string));

/** Runs the scaffold command; throws a message (string) for usage errors. */
export function scaffoldCommand(args: string[], out: (s: string) => void): number {
  const [template, ...rest] = args;
  if (template !== 'tdsp') throw `scaffold needs a template: 'ml-hygiene scaffold tdsp <dir>'${template ? ` (no template '${template}')` : ''}`;
  let dir: string | undefined;
  let name: string | undefined;
  let dryRun = false;
  const without: ScaffoldPart[] = [];
  for (let i = 0; i < rest.length; i++) {
    const [flag, inline] = rest[i].startsWith('--') ? rest[i].split(/=(.*)/s, 2) : [rest[i], undefined];
    const value = () => {
      const v = inline ?? rest[++i];
      if (v === undefined) throw `${flag} needs a value`;
      return v;
    };
    if (flag === '--name') name = value();
    else if (flag === '--dry-run') dryRun = true;
    else if (flag === '--without') {
      for (const part of value().split(',').map((p) => p.trim()).filter(Boolean)) {
        if (!PART_NAMES.has(part)) throw `--without: no part '${part}'; parts: ${[...PART_NAMES].join(', ')}`;
        without.push(part as ScaffoldPart);
      }
    } else if (flag.startsWith('-')) throw `unknown option ${flag}`;
    else if (dir === undefined) dir = flag;
    else throw `scaffold takes one folder, got '${dir}' and '${flag}'`;
  }
  if (!dir) throw 'scaffold tdsp needs a target folder';
  const root = path.resolve(dir);
  if (fs.existsSync(root) && !fs.statSync(root).isDirectory()) throw `${dir} exists and is not a folder`;
  const plan = planScaffold(existsIn(root), { name: name ?? path.basename(root), without });
  const result = dryRun ? { created: plan.create.map((f) => f.path), skipped: plan.skip } : applyScaffold(root, plan);
  const verb = dryRun ? 'would create' : 'created';
  out(result.created.map((p) => `${verb}  ${p}`).join('\n') + (result.created.length ? '\n' : ''));
  out(result.skipped.map((p) => `skipped  ${p} (exists)`).join('\n') + (result.skipped.length ? '\n' : ''));
  out(`${result.created.length} file${result.created.length === 1 ? '' : 's'} ${verb}, ${result.skipped.length} skipped in ${dir}.\n`);
  if (!dryRun && result.created.includes('Docs/Project/Charter.md')) out(`Next: open ${path.join(dir, 'Docs/Project/Charter.md')}\n`);
  return 0;
}
