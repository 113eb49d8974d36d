// What CI jobs consume: GitHub annotations, baselines, the report and the scaffold from the command line.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, test } from 'node:test';
import { checkJson, CRASH, runCli } from '../support/cli';
import { CLEAN_MODULE, makeProject, NAN_MODULE, removeProject, REPO } from '../support/project';

const projects: string[] = [];
function project(files: Record<string, string>): string {
  const root = makeProject(files);
  projects.push(root);
  return root;
}
after(() => projects.forEach(removeProject));

test('--format github prints one workflow command per finding, escaped', () => {
  const root = project({ 'clean.py': NAN_MODULE, 'notes, 100%.py': NAN_MODULE });
  const result = runCli(['check', '--select', 'MLH106', '--format', 'github'], root);
  assert.equal(result.status, 1);
  const lines = result.stdout.trim().split('\n').sort();
  assert.deepEqual(lines, [
    '::error file=clean.py,line=4,col=8,endLine=4,endColumn=19,title=MLH106 nan-equality::Comparison with np.nan is always False; use isna()/np.isnan() to test for missing values',
    '::error file=notes%2C 100%25.py,line=4,col=8,endLine=4,endColumn=19,title=MLH106 nan-equality::Comparison with np.nan is always False; use isna()/np.isnan() to test for missing values',
  ]);
});

test('--baseline fails only on findings that are new since the baseline', () => {
  const root = project({ 'old.py': NAN_MODULE, 'new.py': CLEAN_MODULE });
  const baselineFile = path.join(root, 'baseline.json');
  assert.equal(runCli(['check', '.', '--select', 'MLH106', '--format', 'json', '--output', baselineFile], root).status, 1);

  // Lines moved above the old finding: still the same finding, not a new one.
  fs.writeFileSync(path.join(root, 'old.py'), '"""Cleaning."""\n\n' + NAN_MODULE);
  const unchanged = checkJson(['.', '--select', 'MLH106', '--baseline', baselineFile], root);
  assert.equal(unchanged.status, 0);
  assert.deepEqual(unchanged.report.findings, []);

  fs.writeFileSync(path.join(root, 'new.py'), NAN_MODULE);
  const grown = checkJson(['.', '--select', 'MLH106', '--baseline', baselineFile], root);
  assert.equal(grown.status, 1);
  assert.deepEqual(grown.report.findings.map((f) => `${f.path}:${f.line} ${f.code}`), ['new.py:4 MLH106']);
});

test('a baseline that is not a check report is a usage error', () => {
  const root = project({ 'a.py': NAN_MODULE, 'bad.json': '{"findings": 3}' });
  for (const [file, why] of [['bad.json', /not the JSON output/], ['missing.json', /no such file/]] as const) {
    const result = runCli(['check', '--baseline', file], root);
    assert.equal(result.status, 2);
    assert.match(result.stderr, why);
    assert.doesNotMatch(result.stderr, CRASH);
  }
});

test('report writes Markdown with the radar chart beside it, HTML and JSON', () => {
  const root = project({ 'train.py': NAN_MODULE });
  const md = runCli(['report', '.', '--output', 'hygiene.md'], root);
  assert.equal(md.status, 0, md.stderr);
  assert.match(fs.readFileSync(path.join(root, 'hygiene.md'), 'utf8'), /Overall score: \d+ \/ 100[\s\S]*!\[Practice scores\]\(hygiene\.svg\)/);
  assert.match(fs.readFileSync(path.join(root, 'hygiene.svg'), 'utf8'), /^<svg [^>]*xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
  const html = runCli(['report', '.', '--format', 'html'], root);
  assert.match(html.stdout, /^<!DOCTYPE html>[\s\S]*<svg[\s\S]*MLH106/);
  const json = JSON.parse(runCli(['report', '--format', 'json'], root).stdout);
  assert.equal(json.version, 2);
  assert.equal(json.practices.length, 10);
  assert.equal(json.fixFirst[0].code, 'MLH106');
  assert.equal(runCli(['report', 'no-such-folder'], root).status, 2);
});

test('scaffold tdsp creates the layout, then skips what exists; --dry-run writes nothing', () => {
  const root = project({});
  const dry = runCli(['scaffold', 'tdsp', 'churn', '--dry-run'], root);
  assert.equal(dry.status, 0);
  assert.match(dry.stdout, /would create {2}Docs\/Project\/Charter\.md/);
  assert.ok(!fs.existsSync(path.join(root, 'churn')));

  const first = runCli(['scaffold', 'tdsp', 'churn', '--name', 'Customer churn', '--without', 'ci,dvc'], root);
  assert.equal(first.status, 0, first.stderr);
  assert.ok(fs.existsSync(path.join(root, 'churn/Code/customer_churn/train.py')));
  assert.ok(!fs.existsSync(path.join(root, 'churn/dvc.yaml')));
  fs.writeFileSync(path.join(root, 'churn/README.md'), 'ours');
  const second = runCli(['scaffold', 'tdsp', 'churn'], root);
  assert.match(second.stdout, /skipped {2}README\.md \(exists\)/);
  assert.equal(fs.readFileSync(path.join(root, 'churn/README.md'), 'utf8'), 'ours');
  assert.equal(runCli(['scaffold', 'tdsp', 'churn', '--without', 'nonsense'], root).status, 2);
  assert.equal(runCli(['scaffold', 'cookiecutter', 'x'], root).status, 2);
});

test('report and scaffold have their own --help', () => {
  assert.match(runCli(['report', '--help'], REPO).stdout, /^Usage: ml-hygiene report/);
  assert.match(runCli(['scaffold', '--help'], REPO).stdout, /^Usage: ml-hygiene scaffold tdsp/);
});
