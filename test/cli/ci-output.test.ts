// What CI jobs consume: GitHub annotations, baselines, the report and the scaffold from the command line.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, describe, test } from 'node:test';
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

test('--format github appends a job summary: the scores, project findings by practice, a count per rule', () => {
  const root = project({
    'requirements.txt': 'scikit-learn==1.5.2\n',
    'train.py': NAN_MODULE,
    'features.py': NAN_MODULE,
    // Names and text from the repository must not become links, HTML or table cells.
    'docs/plan|<img src=x onerror=alert(1)>.md': '# Plan\n\nOwner: [TO FILL: <script>alert(1)</script> | [team](https://evil.example) @octocat]\n',
  });
  const summaryFile = path.join(project({}), 'summary.md');
  const result = runCli(['check', '--format', 'github'], root, { GITHUB_STEP_SUMMARY: summaryFile });
  assert.equal(result.status, 1, result.stderr);
  const summary = fs.readFileSync(summaryFile, 'utf8');
  const lines = summary.split('\n');

  assert.equal(lines[0], `## ML Hygiene: ${path.basename(root).replace(/-/g, '\\-')}`);
  assert.match(summary, /^\*\*3 findings\*\* \(2 errors, 1 warning\) in 4 files; the check fails/m);
  const practiceRows = lines.filter((l) => /^\| P\d+ /.test(l));
  assert.deepEqual(practiceRows.map((l) => l.split(' ')[1]), ['P1', 'P2', 'P3', 'P4', 'P5', 'P6', 'P7', 'P8', 'P9', 'P10']);
  assert.match(summary, /^\| \*\*Overall\*\* \| \*\*\d+\*\* \|$/m);

  const projectSection = summary.slice(summary.indexOf('### Project findings'), summary.indexOf('### Findings in files'));
  assert.match(projectSection, /^\*\*P3 ML project management\*\*\n\n- warning MLH002 template\\-placeholder\\-left: /m);
  assert.match(summary, /^\| MLH106 nan\\-equality \| error \| 2 \| 2 \|$/m);

  // Every table row keeps its cells; nothing from the repository is left unescaped.
  for (const row of lines.filter((l) => l.startsWith('|'))) assert.equal(row.split(/(?<!\\)\|/).length, practiceRows.includes(row) || row.includes('Overall') || row.startsWith('| Practice') || row.startsWith('|---|--:|') ? 4 : 6, row);
  for (const raw of [/(?<!\\)</, /(?<!\\)\[/, /(?<!\\)@/]) assert.doesNotMatch(projectSection, raw);
});

test('without $GITHUB_STEP_SUMMARY, or in another format, no summary is written', () => {
  const root = project({ 'train.py': NAN_MODULE });
  const summaryFile = path.join(root, 'summary.md');
  assert.equal(runCli(['check', '--format', 'sarif'], root, { GITHUB_STEP_SUMMARY: summaryFile }).status, 1);
  assert.equal(fs.existsSync(summaryFile), false);
});

describe('text output for people and for tools', () => {
  const files = { 'requirements.txt': 'numpy==2.1.0\n', 'train.py': NAN_MODULE, 'features.py': NAN_MODULE + '\n\ndef ratio(x):\n    return x != np.nan\n' };

  test('piped, it is plain: one line per finding', () => {
    const result = runCli(['check', '--select', 'MLH106'], project(files));
    assert.equal(
      result.stdout,
      [
        'features.py:4:8: MLH106 Comparison with np.nan is always False; use isna()/np.isnan() to test for missing values',
        'features.py:10:12: MLH106 Comparison with np.nan is always True; use isna()/np.isnan() to test for missing values',
        'train.py:4:8: MLH106 Comparison with np.nan is always False; use isna()/np.isnan() to test for missing values',
        'Found 3 findings (3 errors) in 3 files.',
        '',
      ].join('\n'),
    );
    assert.equal(runCli(['check', '--select', 'MLH106'], project(files), { FORCE_COLOR: '0' }).stdout, result.stdout);
  });

  test('FORCE_COLOR gives the terminal form in a pipe too: grouped by file, a count per rule, colored', () => {
    const result = runCli(['check', '--select', 'MLH106'], project(files), { FORCE_COLOR: '1', NO_COLOR: '1' });
    const plain = result.stdout.replace(/\x1b\[\d+m/g, '');
    assert.equal(
      plain,
      [
        'features.py:',
        '  4:8   MLH106 Comparison with np.nan is always False; use isna()/np.isnan() to test for missing values',
        '  10:12 MLH106 Comparison with np.nan is always True; use isna()/np.isnan() to test for missing values',
        '',
        'train.py:',
        '  4:8 MLH106 Comparison with np.nan is always False; use isna()/np.isnan() to test for missing values',
        '',
        '3  MLH106  nan-equality  error',
        '',
        'Found 3 findings (3 errors) in 3 files.',
        '',
      ].join('\n'),
    );
    assert.ok(result.stdout.includes('\x1b[31mMLH106\x1b[0m'), 'errors in red');
    assert.ok(result.stdout.includes('\x1b[1mtrain.py:\x1b[0m'), 'files in bold');
  });
});
