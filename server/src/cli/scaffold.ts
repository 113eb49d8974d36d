// `ml-hygiene scaffold tdsp <dir>`: the TDSP layout with the ML-engineering basics; never overwrites.
import * as fs from 'fs';
import * as path from 'path';
import { applyScaffold, obstaclesIn } from '../scaffold/apply';
import { planScaffold, skipReason } from '../scaffold/plan';
import { SCAFFOLD_PARTS } from '../scaffold/tdsp';
import { ScaffoldPart } from '../scaffold/template';
import { parseArgs, UsageError } from './args';

export const SCAFFOLD_HELP = `Usage: ml-hygiene scaffold tdsp <dir> [--name NAME] [--without PART]... [--dry-run]

Creates the Team Data Science Process layout in <dir> (created if missing) with the ML-engineering
basics. Existing files are never overwritten: they are skipped and listed. Nothing is written outside
<dir>: a symbolic link inside it is never written through (what lies behind it is skipped and
listed). The whole plan is checked first (the name: one line, at most 100 characters; file name and
path lengths; names that differ only in case): a run writes all it planned or nothing.
NAME (default: the folder's name) is written only as text: a Python string, a YAML scalar, escaped
Markdown. The package in Code/ is NAME as a Python identifier ('Customer churn' -> customer_churn).

Parts that --without can leave out (repeat it or give a comma-separated list):
${SCAFFOLD_PARTS.map((p) => `  ${p.part.padEnd(13)} ${p.label}: ${p.detail}`).join('\n')}
`;

const PART_NAMES = new Set(SCAFFOLD_PARTS.map((p) => p.part as string));

/** Runs `scaffold tdsp <dir>`: prints what it creates (or would) and what it skips. */
export function scaffoldCommand(args: string[], out: (s: string) => void): number {
  const [template, ...rest] = args;
  if (template !== 'tdsp') throw new UsageError(`scaffold needs a template: 'ml-hygiene scaffold tdsp <dir>'${template ? ` (no template '${template}')` : ''}`);
  const options: { dir?: string; name?: string; dryRun: boolean; without: ScaffoldPart[] } = { dryRun: false, without: [] };
  parseArgs(
    rest,
    (flag, value) => {
      if (flag === '--name') options.name = value();
      else if (flag === '--dry-run') options.dryRun = true;
      else if (flag === '--without') {
        for (const part of value().split(',').map((p) => p.trim()).filter(Boolean)) {
          if (!PART_NAMES.has(part)) throw new UsageError(`--without: no part '${part}'; parts: ${[...PART_NAMES].join(', ')}`);
          options.without.push(part as ScaffoldPart);
        }
      } else return false;
      return true;
    },
    (arg) => {
      if (options.dir !== undefined) throw new UsageError(`scaffold takes one folder, got '${options.dir}' and '${arg}'`);
      options.dir = arg;
    },
  );
  const { dir, dryRun } = options;
  if (!dir) throw new UsageError('scaffold tdsp needs a target folder');
  const root = path.resolve(dir);
  if (fs.existsSync(root) && !fs.statSync(root).isDirectory()) throw new UsageError(`${dir} exists and is not a folder`);
  const plan = planScaffold(obstaclesIn(root), { name: options.name ?? path.basename(root), without: options.without, root });
  if (plan.problems.length) {
    const lines = plan.problems.map((p) => (p.about === 'name' ? `--name: ${p.message}` : p.message));
    throw new UsageError(`nothing was written to ${dir}:\n  ${lines.join('\n  ')}`);
  }
  const result = dryRun ? { created: plan.create.map((f) => f.path), skipped: plan.skip } : applyScaffold(root, plan);
  const verb = dryRun ? 'would create' : 'created';
  const lines = [
    ...result.created.map((p) => `${verb}  ${p}`),
    ...result.skipped.map((p) => `skipped  ${p} (${skipReason(plan, p)})`),
    `${result.created.length} file${result.created.length === 1 ? '' : 's'} ${verb}, ${result.skipped.length} skipped in ${dir}.`,
  ];
  if (!dryRun && result.created.includes('Docs/Project/Charter.md')) lines.push(`Next: open ${path.join(dir, 'Docs/Project/Charter.md')}`);
  out(lines.join('\n') + '\n');
  return 0;
}
