// Runs the built `ml-hygiene` command as a user would: a separate node process, in a given folder.
import { spawnSync } from 'child_process';
import * as path from 'path';
import { REPO } from './project';

export const BIN = path.join(REPO, 'bin/ml-hygiene.js');

export interface CliResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** The environment of the command: this one without what changes the output's look or destination
 *  (node's test runner sets FORCE_COLOR on a terminal, GitHub Actions GITHUB_STEP_SUMMARY), plus `env`. */
export function cliEnv(env: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const { FORCE_COLOR, NO_COLOR, GITHUB_STEP_SUMMARY, ...rest } = process.env;
  return { ...rest, ...env };
}

export function runCli(args: string[], cwd: string, env?: NodeJS.ProcessEnv): CliResult {
  const result = spawnSync(process.execPath, [BIN, ...args], { cwd, env: cliEnv(env), encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (result.error) throw result.error;
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

export interface JsonFinding {
  code: string;
  name: string;
  severity: string;
  message: string;
  path: string;
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
  cell?: number;
  role?: string;
}

export interface JsonReport {
  version: number;
  findings: JsonFinding[];
  summary: { total: number; error: number; warning: number; information: number; files: number; byCode: Record<string, number> };
  notices: { path: string; message: string }[];
}

/** `check --format json` in `cwd`, parsed (with `env` added to the command's environment). */
export function checkJson(args: string[], cwd: string, env?: NodeJS.ProcessEnv): { status: number | null; report: JsonReport; stderr: string } {
  const result = runCli(['check', '--format', 'json', ...args], cwd, env);
  let report: JsonReport;
  try {
    report = JSON.parse(result.stdout) as JsonReport;
  } catch {
    throw new Error(`check ${args.join(' ')} printed no JSON report (status ${result.status}):\n${result.stderr}`);
  }
  return { status: result.status, report, stderr: result.stderr };
}

/** Signs that a process died of an unexpected exception rather than reporting a problem. */
export const CRASH = /internal error|^\s+at .+:\d+:\d+\)?$|Error:|Maximum call stack|out of memory/m;
