// `ml-hygiene report`: the project's score per practice, as Markdown (with an SVG chart beside it),
// self-contained HTML, or JSON.
import * as fs from 'fs';
import * as path from 'path';
import { scanProject } from '../engine/scan';
import { readConfig } from '../engine/workspace';
import { radarSvg } from '../report/radar';
import { reportHtml, reportJson, reportMarkdown } from '../report/render';
import { scoreProject } from '../report/score';
import { BaselineScores, baselineScores, trendSince } from '../report/trend';
import { RULES } from '../rules';
import { oneOf, parseArgs, UsageError } from './args';
import { readBaselineJson } from './baseline';
import { assertStaysInside, writeOutput } from './files';

export const REPORT_HELP = `Usage: ml-hygiene report [dir] [--format md|html|json] [--output FILE] [--baseline FILE]

Scores the project in <dir> (default: the current folder) from 0 to 100 on each of the ten
practices and overall: a practice scores the share of its applicable checks (enabled rules) that
pass, weighted by severity; checks with nothing to judge are shown as not applicable and left out.
Lists the checks, the findings to fix first (one row per rule and project) and the ML Test Score
(Breck et al.: 1 automated, 0.5 by hand, 0 not done; the lowest of its four sections). The report
ends with how the score is computed. With --format md and --output FILE, the radar chart of the
scores is written beside FILE as an SVG file of the same name.

  --baseline FILE   show the change of each practice's score since FILE, an earlier report's
                    output of 'ml-hygiene report --format json'
`;

export async function reportCommand(args: string[], out: (s: string) => void): Promise<number> {
  const options: { dir?: string; format: 'md' | 'html' | 'json'; output?: string; baseline?: string } = { format: 'md' };
  parseArgs(
    args,
    (flag, value) => {
      if (flag === '--format') options.format = oneOf(flag, value(), ['md', 'html', 'json'] as const);
      else if (flag === '--output') options.output = value();
      else if (flag === '--baseline') options.baseline = value();
      else return false;
      return true;
    },
    (arg) => {
      if (options.dir !== undefined) throw new UsageError(`report takes one folder, got '${options.dir}' and '${arg}'`);
      options.dir = arg;
    },
  );
  const root = path.resolve(options.dir ?? '.');
  if (!fs.existsSync(root) || !fs.statSync(root).isDirectory()) throw new UsageError(`no such folder: ${options.dir}`);
  assertStaysInside('the folder', options.dir ?? '.');
  const svgFile = options.output && options.format === 'md' ? options.output.replace(/(\.md)?$/i, '.svg') : undefined;
  // Before the scan, not after it.
  for (const file of [options.output, svgFile]) if (file) assertStaysInside('--output', file);
  const baseline = options.baseline === undefined ? undefined : readReportBaseline(options.baseline);
  const result = await scanProject(root, { config: readConfig(root) });
  const report = scoreProject(RULES, result.config, result.index, result.findings);
  const trend = baseline && trendSince(report, baseline);
  const title = path.basename(root);
  const text =
    options.format === 'json'
      ? reportJson(report, trend)
      : options.format === 'html'
        ? reportHtml(report, title, undefined, trend)
        : reportMarkdown(report, title, svgFile && path.basename(svgFile), trend);
  if (!options.output) {
    out(text);
    return 0;
  }
  writeOutput('--output', options.output, text);
  if (svgFile) writeOutput('--output', svgFile, radarSvg(report.practices) + '\n');
  return 0;
}

/** The scores of an earlier report, read before the scan so that a wrong file fails fast. */
function readReportBaseline(file: string): BaselineScores {
  assertStaysInside('--baseline', file);
  try {
    return baselineScores(readBaselineJson(file));
  } catch (e) {
    const message = (e as Error).message;
    throw new UsageError(message.startsWith('--baseline') ? message : `--baseline ${file}: ${message}`);
  }
}
