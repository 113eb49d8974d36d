// The GitHub Action (action.yml): its steps' scripts run here as the runner runs them, with the
// checkout as the action's folder, and the workflow the scaffold writes uses it.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, test } from 'node:test';
import { parse } from 'yaml';
import { runCli } from '../support/cli';
import { makeProject, NAN_MODULE, removeProject, REPO } from '../support/project';

interface Step {
  name: string;
  id?: string;
  if?: string;
  shell?: string;
  env?: Record<string, string>;
  run?: string;
  uses?: string;
  with?: Record<string, string>;
}

interface Action {
  runs: { using: string; steps: Step[] };
  inputs: Record<string, { description: string; default: string }>;
  outputs: Record<string, { value: string }>;
}

const action = parse(fs.readFileSync(path.join(REPO, 'action.yml'), 'utf8')) as Action;
const packageJson = JSON.parse(fs.readFileSync(path.join(REPO, 'package.json'), 'utf8')) as { version: string; repository: { url: string } };
const steps = action.runs.steps;
const step = (name: string) => steps.find((s) => s.name === name)!;

const scratch: string[] = [];
function temp(files: Record<string, string> = {}): string {
  const dir = makeProject(files);
  scratch.push(dir);
  return dir;
}
after(() => scratch.forEach(removeProject));

/** The value of a workflow expression, for the few kinds the action uses. */
function evaluate(expression: string, inputs: Record<string, string>, outputs: Record<string, string>): string {
  if (expression === 'github.action_path') return REPO;
  const input = /^inputs\.([\w-]+)$/.exec(expression);
  if (input) return inputs[input[1]] ?? action.inputs[input[1]].default;
  const output = /^steps\.check\.outputs\.([\w-]+)$/.exec(expression);
  if (output) return outputs[output[1]];
  throw new Error(`the test knows no expression ${expression}`);
}

interface StepRun {
  status: number | null;
  stdout: string;
  stderr: string;
  outputs: Record<string, string>;
}

/** Runs a step's script as the runner does (`bash --noprofile --norc -eo pipefail`), in `workspace`. */
function runStep(s: Step, workspace: string, inputs: Record<string, string>, outputs: Record<string, string> = {}, summaryFile?: string): StepRun {
  const runnerFiles = temp();
  const outputFile = path.join(runnerFiles, 'output');
  fs.writeFileSync(outputFile, '');
  const stepEnv = Object.fromEntries(Object.entries(s.env ?? {}).map(([k, v]) => [k, v.replace(/\$\{\{\s*(.*?)\s*\}\}/g, (_, e: string) => evaluate(e, inputs, outputs))]));
  const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, HOME: process.env.HOME, GITHUB_OUTPUT: outputFile, ...stepEnv };
  if (summaryFile) env.GITHUB_STEP_SUMMARY = summaryFile;
  const script = path.join(runnerFiles, 'step.sh');
  fs.writeFileSync(script, s.run!);
  const result = spawnSync('bash', ['--noprofile', '--norc', '-eo', 'pipefail', script], { cwd: workspace, env, encoding: 'utf8' });
  const written = Object.fromEntries(
    fs
      .readFileSync(outputFile, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((line) => line.split(/=(.*)/s).slice(0, 2) as [string, string]),
  );
  return { status: result.status, stdout: result.stdout, stderr: result.stderr, outputs: written };
}

test('a composite action with inputs for paths, fail-on and baseline, and no input spliced into a script', () => {
  assert.equal(action.runs.using, 'composite');
  for (const input of ['paths', 'fail-on', 'baseline', 'upload-sarif', 'sarif-file']) assert.ok(action.inputs[input]?.description, input);
  for (const s of steps) {
    if (s.run) assert.doesNotMatch(s.run, /\$\{\{/, `${s.name}: inputs reach scripts through env only`);
    if (s.run) assert.equal(s.shell, 'bash', s.name);
  }
});

test('the options the scripts pass to ml-hygiene check are options of check', () => {
  const help = runCli(['check', '--help'], REPO).stdout;
  const passed = steps.flatMap((s) => (s.run ?? '').split('\n').filter((l) => l.includes('ml-hygiene') || l.includes('options')).flatMap((l) => l.match(/--[a-z-]+/g) ?? []));
  assert.ok(passed.length >= 4, passed.join(' '));
  for (const option of new Set(passed)) assert.match(help, new RegExp(`^ {2}${option} `, 'm'), `${option} is not an option of check`);
  const formats = /^ {2}--format ([\w|]+)/m.exec(help)![1].split('|');
  for (const format of steps.flatMap((s) => [...(s.run ?? '').matchAll(/--format (\w+)/g)].map((m) => m[1]))) assert.ok(formats.includes(format), format);
});

test('the check step annotates, writes the job summary and hands its status to the last step', () => {
  const workspace = temp({ 'requirements.txt': 'numpy==2.1.0\n', 'src/clean.py': NAN_MODULE });
  const summary = path.join(temp(), 'summary.md');
  fs.writeFileSync(summary, '## Tests\n\n');
  const check = runStep(step('Check'), workspace, { paths: 'src\nrequirements.txt' }, {}, summary);
  assert.equal(check.status, 0, check.stderr);
  assert.deepEqual(check.outputs, { 'exit-code': '1' });
  assert.match(check.stdout, /^::error file=src\/clean\.py,line=4,col=8,/m);
  // Appended after what earlier steps wrote: one section per folder checked.
  assert.match(fs.readFileSync(summary, 'utf8'), /^## Tests\n\n## ML Hygiene: src\n[\s\S]*\| \*\*Overall\*\* \| \*\*\d+\*\* \|\n/);

  const result = runStep(step('Result'), workspace, {}, check.outputs);
  assert.equal(result.status, 1);
  assert.equal(action.outputs['exit-code'].value, '${{ steps.check.outputs.exit-code }}');
});

test('with a baseline, only new findings fail; fail-on sets the severity that fails', () => {
  const workspace = temp({ 'requirements.txt': 'numpy==2.1.0\n', 'src/clean.py': NAN_MODULE });
  assert.equal(runCli(['check', '--format', 'json', '--output', 'hygiene-baseline.json'], workspace).status, 1);
  const withBaseline = runStep(step('Check'), workspace, { baseline: 'hygiene-baseline.json' });
  assert.deepEqual(withBaseline.outputs, { 'exit-code': '0' }, withBaseline.stderr);
  assert.equal(withBaseline.stdout, '');

  const information = temp({ 'requirements.txt': 'numpy==2.1.0\n', '.ml-hygiene.yaml': 'severity:\n  MLH106: information\n', 'src/clean.py': NAN_MODULE });
  assert.deepEqual(runStep(step('Check'), information, {}).outputs, { 'exit-code': '0' });
  assert.deepEqual(runStep(step('Check'), information, { 'fail-on': 'information' }).outputs, { 'exit-code': '1' });
});

test('the SARIF steps write the findings to the file that is uploaded to code scanning', () => {
  const workspace = temp({ 'requirements.txt': 'numpy==2.1.0\n', 'src/clean.py': NAN_MODULE });
  const write = runStep(step('Write SARIF'), workspace, {});
  assert.equal(write.status, 0, write.stderr);
  const sarif = JSON.parse(fs.readFileSync(path.join(workspace, action.inputs['sarif-file'].default), 'utf8')) as { runs: { results: { ruleId: string }[] }[] };
  assert.deepEqual(sarif.runs[0].results.map((r) => r.ruleId), ['MLH106']);

  const upload = step('Upload SARIF');
  assert.match(upload.uses!, /^github\/codeql-action\/upload-sarif@v\d+$/);
  assert.equal(upload.with!.sarif_file, '${{ inputs.sarif-file }}');
  for (const s of [step('Write SARIF'), upload]) assert.equal(s.if, "inputs.upload-sarif == 'true' && steps.check.outputs.exit-code != '2'");
});

test('the CI workflow the scaffold writes runs this action, at this version', () => {
  const target = temp();
  assert.equal(runCli(['scaffold', 'tdsp', 'churn', '--name', 'Customer churn'], target).status, 0);
  const workflow = parse(fs.readFileSync(path.join(target, 'churn/.github/workflows/ci.yml'), 'utf8')) as { jobs: Record<string, { steps: Step[] }> };
  const uses = Object.values(workflow.jobs).flatMap((job) => job.steps.map((s) => s.uses ?? ''));
  const repository = /github\.com\/([^/]+\/[^/.]+)/.exec(packageJson.repository.url)![1];
  assert.ok(uses.includes(`${repository}@v${packageJson.version}`), uses.join('\n'));
});
