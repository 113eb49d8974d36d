// The command-line check: inputs written into a temporary folder, checked by a real `ml-hygiene`
// process. Inputs go in batches (a process start costs more than most inputs); when a batch fails
// without naming the file, each of its inputs is checked alone to find the one at fault.
import { spawn } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { CRASH } from '../support/cli';
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

function run(bin: string, cwd: string, timeoutMs: number): Promise<Run> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [bin, 'check', '--format', 'json', '.'], { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
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
      const dir = path.join(batchDir, folderOf(input));
      fs.mkdirSync(dir);
      fs.writeFileSync(path.join(dir, input.name), input.bytes);
    }
    const batchBudget = budgetMs * Math.max(1, inputs.length / 2);
    const { blamed, unexplained } = problemsOf(await run(bin, batchDir, batchBudget), inputs, batchBudget);
    if (!unexplained) return blamed;
    if (inputs.length === 1) return [...blamed, { input: inputs[0], problem: unexplained }];
    const alone: CliFailure[] = [];
    for (const input of inputs) alone.push(...(await checkWithCli(bin, workDir, [input], budgetMs)));
    return alone.length ? alone : [...blamed, { input: inputs[0], problem: `batch of inputs ${inputs.map((i) => i.index).join(', ')}: ${unexplained}` }];
  } finally {
    fs.rmSync(batchDir, { recursive: true, force: true });
  }
}
