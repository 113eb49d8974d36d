// The command-line check: inputs written into a temporary folder, checked by a real `ml-hygiene`
// process. Inputs go in batches (a process start costs more than most inputs); when a batch fails
// without naming the file, each of its inputs is checked alone to find the one at fault. In a batch
// with inputs in folders of hostile names, the Markdown report of one such folder is checked too.
import { spawn } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { PRACTICE_TITLES } from '../../server/src/engine/types';
import { CRASH } from '../support/cli';
import { markdownTokens } from '../support/markdown';
import { FuzzInput } from './mutate';

export interface CliFailure {
  input: FuzzInput;
  problem: string;
}

interface Run {
  status: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  timedOut: boolean;
}

function run(bin: string, args: string[], cwd: string, timeoutMs: number): Promise<Run> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [bin, ...args], { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    child.stdout.on('data', (c: Buffer) => stdout.push(c));
    child.stderr.on('data', (c: Buffer) => stderr.push(c));
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, timeoutMs);
    child.on('close', (status, signal) => {
      clearTimeout(timer);
      resolve({ status, signal, stdout: Buffer.concat(stdout).toString(), stderr: Buffer.concat(stderr).toString(), timedOut });
    });
  });
}

function folderOf(input: FuzzInput): string {
  return `in-${input.index}`;
}

/** What is wrong with the Markdown report of a batch in folders with hostile names: raw HTML, a
 *  link, or headings other than the report's own (a name's line break or # starting one). */
function reportMarkdownProblem(markdown: string): string | undefined {
  const tokens = markdownTokens(markdown);
  const html = tokens.filter((t) => t.type.startsWith('html_'));
  if (html.length) return `raw HTML in the Markdown report: ${html[0].content.slice(0, 200)}`;
  const link = tokens.find((t) => t.type === 'link_open');
  if (link) return `a link in the Markdown report: ${link.attrGet('href')}`;
  const headings = tokens.filter((t) => t.type === 'heading_open').map((t) => t.tag);
  const expected = ['h1', 'h2', 'h2', 'h2', ...Object.keys(PRACTICE_TITLES).map(() => 'h3'), 'h2'];
  if (headings.join() !== expected.join()) return `the Markdown report has the headings ${headings.join(', ')}, not ${expected.join(', ')}`;
  return undefined;
}

/** What is wrong with a run; the inputs named by a notice are blamed directly. */
function problemsOf(result: Run, inputs: FuzzInput[], budgetMs: number): { blamed: CliFailure[]; unexplained?: string } {
  if (result.timedOut) return { blamed: [], unexplained: `over its budget: no result after ${budgetMs} ms` };
  if (result.signal) return { blamed: [], unexplained: `killed by ${result.signal}` };
  const blamed: CliFailure[] = [];
  let report: { notices?: { path: string; message: string }[] };
  try {
    report = JSON.parse(result.stdout);
  } catch {
    return { blamed, unexplained: `exit status ${result.status} without a JSON report: ${result.stderr.slice(0, 2000)}` };
  }
  for (const notice of report.notices ?? []) {
    if (!/could not be analysed|internal error/i.test(notice.message)) continue;
    const input = inputs.find((i) => notice.path.startsWith(folderOf(i) + '/'));
    if (input) blamed.push({ input, problem: `exception caught as a notice: ${notice.message}` });
  }
  if (result.status !== 0 && result.status !== 1) return { blamed, unexplained: `exit status ${result.status}: ${result.stderr.slice(0, 2000)}` };
  // Notes name the files they are about (and were blamed above); anything else is a crash.
  const other = result.stderr
    .split('\n')
    .filter((line) => !/: note: /.test(line))
    .join('\n');
  if (CRASH.test(other)) return { blamed, unexplained: `a crash on standard error: ${other.slice(0, 2000)}` };
  return { blamed };
}

export async function checkWithCli(bin: string, workDir: string, inputs: FuzzInput[], budgetMs: number): Promise<CliFailure[]> {
  const batchDir = fs.mkdtempSync(path.join(workDir, 'cli-'));
  try {
    for (const input of inputs) {
      const dir = path.join(batchDir, folderOf(input), input.folder ?? '');
      fs.mkdirSync(dir, { recursive: true });
      fs.writeFileSync(path.join(dir, input.name), input.bytes);
    }
    const batchBudget = budgetMs * Math.max(1, inputs.length / 2);
    const { blamed, unexplained } = problemsOf(await run(bin, ['check', '--format', 'json', '.'], batchDir, batchBudget), inputs, batchBudget);
    // The report of the folder itself: its name is the report's title, its file's findings come first.
    const named = inputs.find((i) => i.folder !== undefined);
    if (!unexplained && named) {
      const report = await run(bin, ['report', '--format', 'md', path.join(folderOf(named), named.folder!)], batchDir, budgetMs);
      // Status 2 is the user's error, such as an input that is an invalid configuration.
      const refused = report.status === 2 && !CRASH.test(report.stderr);
      const problem = report.status === 0 ? reportMarkdownProblem(report.stdout) : refused ? undefined : `report: exit status ${report.status}: ${report.stderr.slice(0, 2000)}`;
      if (problem) blamed.push({ input: named, problem: `${problem} (in the folder ${JSON.stringify(named.folder)})` });
    }
    if (!unexplained) return blamed;
    if (inputs.length === 1) return [...blamed, { input: inputs[0], problem: unexplained }];
    const alone: CliFailure[] = [];
    for (const input of inputs) alone.push(...(await checkWithCli(bin, workDir, [input], budgetMs)));
    return alone.length ? alone : [...blamed, { input: inputs[0], problem: `batch of inputs ${inputs.map((i) => i.index).join(', ')}: ${unexplained}` }];
  } finally {
    fs.rmSync(batchDir, { recursive: true, force: true });
  }
}
