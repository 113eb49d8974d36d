// `ml-hygiene check` output formats, run as a separate process on a project in a temporary folder.
// Only MLH106 is relied on: other rules may report on the same files.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { checkJson, JsonFinding, runCli } from '../support/cli';
import { makeProject, NAN_MODULE, notebookJson, removeProject, CLEAN_MODULE } from '../support/project';

const NOTEBOOK = notebookJson([
  { type: 'markdown', source: '# Churn analysis\n' },
  { type: 'code', source: '%matplotlib inline\nimport numpy as np\n', executionCount: 1 },
  { type: 'code', source: 'values = [1.0]\nbad = values[0] == np.nan\n', executionCount: 2 },
]);

const FILES = {
  'train.py': NAN_MODULE,
  'src/features/clean.py': NAN_MODULE,
  'src/ok.py': CLEAN_MODULE,
  'analysis.ipynb': NOTEBOOK,
  // A folder name that must be percent-encoded in a URI.
  'exp #2/run it.py': NAN_MODULE,
};
const FILE_COUNT = Object.keys(FILES).length;

let root: string;
before(() => {
  root = makeProject(FILES);
});
after(() => removeProject(root));

const MLH106 = (f: { code?: string; ruleId?: string }) => (f.code ?? f.ruleId) === 'MLH106';

describe('text format', () => {
  test('one line per finding, path:line:col: CODE message, then a summary line', () => {
    const { status, stdout, stderr } = runCli(['check', '--select', 'MLH106'], root);
    assert.equal(status, 1, stderr);
    const lines = stdout.trimEnd().split('\n');
    assert.equal(lines.length, 5, stdout);
    const expected = [
      /^analysis\.ipynb:cell 3:2:7: MLH106 \S.*$/,
      /^exp #2\/run it\.py:4:8: MLH106 \S/,
      /^src\/features\/clean\.py:4:8: MLH106 \S/,
      /^train\.py:4:8: MLH106 \S/,
      new RegExp(`^Found 4 findings \\(4 errors\\) in ${FILE_COUNT} files\\.$`),
    ];
    expected.forEach((pattern, i) => assert.match(lines[i], pattern));
    assert.equal(stderr, '');
  });

  test('a clean result says so', () => {
    const { status, stdout } = runCli(['check', 'src/ok.py', '--select', 'MLH106'], root);
    assert.equal(status, 0);
    assert.equal(stdout, 'All clear: no findings in 1 file.\n');
  });
});

describe('JSON format', () => {
  test('version 1, findings with 1-based positions relative to the checked folder, a summary', () => {
    // Run from the parent folder: paths stay relative to the folder that was checked.
    const { status, report } = checkJson([path.basename(root)], path.dirname(root));
    assert.equal(status, 1);
    assert.equal(report.version, 1);
    const nan = report.findings.filter(MLH106);
    const byPath = new Map(nan.map((f) => [f.path, f]));
    assert.deepEqual([...byPath.keys()].sort(), ['analysis.ipynb', 'exp #2/run it.py', 'src/features/clean.py', 'train.py']);
    const { message, ...module } = byPath.get('src/features/clean.py')!;
    assert.ok(message.length > 10);
    assert.deepEqual(module, { code: 'MLH106', name: 'nan-equality', severity: 'error', path: 'src/features/clean.py', line: 4, column: 8, endLine: 4, endColumn: 19, role: 'pipeline' });
    const cell = byPath.get('analysis.ipynb')!;
    assert.deepEqual(
      { line: cell.line, column: cell.column, endLine: cell.endLine, endColumn: cell.endColumn, cell: cell.cell, role: cell.role },
      { line: 2, column: 7, endLine: 2, endColumn: 26, cell: 3, role: 'exploration' },
    );
    for (const f of report.findings) {
      const keys = ['code', 'name', 'severity', 'message', 'path', 'line', 'column', 'endLine', 'endColumn', 'role', ...(f.path.endsWith('.ipynb') && f.cell ? ['cell'] : [])];
      assert.deepEqual(Object.keys(f).sort(), keys.sort(), `keys of ${JSON.stringify(f)}`);
      assert.ok(!f.path.includes('\\') && !path.isAbsolute(f.path), f.path);
      assert.ok(f.line >= 1 && f.column >= 1 && f.endLine >= f.line);
    }
    const { summary } = report;
    assert.equal(summary.total, report.findings.length);
    assert.equal(summary.error + summary.warning + summary.information, summary.total);
    assert.equal(summary.byCode.MLH106, 4);
    assert.equal(summary.files, FILE_COUNT);
  });

  test('--output writes the report to a file', () => {
    const { status, stdout } = runCli(['check', '--format=json', '--output', 'report.json', '--select', 'MLH106'], root);
    try {
      assert.equal(status, 1);
      assert.equal(stdout, '');
      const report = JSON.parse(fs.readFileSync(path.join(root, 'report.json'), 'utf8'));
      assert.equal(report.findings.length, 4);
    } finally {
      fs.rmSync(path.join(root, 'report.json'), { force: true });
    }
  });
});

// What GitHub code scanning requires of an uploaded SARIF 2.1.0 file (and what the SARIF schema says
// of the fields it reads), checked field by field.
function assertCodeScanningSarif(sarif: any, projectRoot: string): void {
  assert.equal(sarif.version, '2.1.0');
  assert.match(sarif.$schema, /sarif.*2\.1\.0.*\.json$/);
  assert.ok(Array.isArray(sarif.runs) && sarif.runs.length === 1);
  const run = sarif.runs[0];
  const driver = run.tool.driver;
  assert.equal(typeof driver.name, 'string');
  assert.ok(driver.name.length > 0);
  assert.ok(Array.isArray(driver.rules) && driver.rules.length > 0);
  const ids = driver.rules.map((r: any) => r.id);
  assert.equal(new Set(ids).size, ids.length, 'rule ids are unique');
  const levels = ['none', 'note', 'warning', 'error'];
  for (const rule of driver.rules) {
    assert.match(rule.id, /^MLH\d{3}$/);
    assert.ok(rule.shortDescription?.text?.length > 0, `${rule.id} shortDescription`);
    assert.ok(rule.fullDescription?.text?.length > 0, `${rule.id} fullDescription`);
    assert.ok(rule.help?.text?.length > 0, `${rule.id} help.text`);
    assert.ok(rule.help?.markdown?.length > 0, `${rule.id} help.markdown`);
    assert.ok(levels.includes(rule.defaultConfiguration.level));
  }
  assert.ok(Array.isArray(run.results));
  for (const result of run.results) {
    assert.ok(ids.includes(result.ruleId), result.ruleId);
    if (result.ruleIndex !== undefined) assert.equal(driver.rules[result.ruleIndex].id, result.ruleId);
    assert.ok(levels.includes(result.level));
    assert.ok(result.message.text.length > 0);
    assert.ok(result.locations.length > 0);
    for (const { physicalLocation } of result.locations) {
      const { uri } = physicalLocation.artifactLocation;
      assert.ok(!/^[a-z][a-z0-9+.-]*:/i.test(uri) && !uri.startsWith('/'), `uri is relative: ${uri}`);
      assert.doesNotMatch(uri, /[\s#?\\]/, `uri is encoded: ${uri}`);
      const file = path.join(projectRoot, ...uri.split('/').map(decodeURIComponent));
      assert.ok(fs.existsSync(file), `uri names a file of the project: ${uri}`);
      const { region } = physicalLocation;
      assert.ok(Number.isInteger(region.startLine) && region.startLine >= 1);
      assert.ok(region.startColumn === undefined || region.startColumn >= 1);
      assert.ok(region.endLine === undefined || region.endLine >= region.startLine);
    }
  }
}

describe('SARIF format', () => {
  test('is a SARIF 2.1.0 log that GitHub code scanning accepts', () => {
    const { status, stdout } = runCli(['check', '--format', 'sarif'], root);
    assert.equal(status, 1);
    const sarif = JSON.parse(stdout);
    assertCodeScanningSarif(sarif, root);
    const json = checkJson([], root).report;
    assert.equal(sarif.runs[0].results.length, json.findings.length);
  });

  test('results point at the flagged line, in the notebook file itself for notebook cells', () => {
    const sarif = JSON.parse(runCli(['check', '--format', 'sarif', '--select', 'MLH106'], root).stdout);
    const results = sarif.runs[0].results.filter(MLH106);
    const located = results.map((r: any) => [r.locations[0].physicalLocation.artifactLocation.uri, r.locations[0].physicalLocation.region]);
    const byUri = new Map<string, any>(located);
    assert.deepEqual([...byUri.keys()].sort(), ['analysis.ipynb', 'exp%20%232/run%20it.py', 'src/features/clean.py', 'train.py']);
    assert.deepEqual(byUri.get('train.py'), { startLine: 4, startColumn: 8, endLine: 4, endColumn: 19 });
    const inNotebook = byUri.get('analysis.ipynb');
    const notebookLine = NOTEBOOK.split('\n')[inNotebook.startLine - 1];
    assert.match(notebookLine, /bad = values\[0\] == np\.nan/);
    assert.equal(results.find((r: any) => r.locations[0].physicalLocation.artifactLocation.uri === 'train.py').level, 'error');
  });
});

describe('rule selection and exit status', () => {
  const nanCount = (args: string[], cwd = root) => checkJson(args, cwd).report.findings.filter(MLH106).length;
  const codes = (args: string[]) => new Set(checkJson(args, root).report.findings.map((f: JsonFinding) => f.code));

  test('--select and --ignore take codes and prefixes', () => {
    assert.equal(nanCount([]), 4);
    assert.equal(nanCount(['--ignore', 'MLH106']), 0);
    assert.equal(nanCount(['--ignore', 'MLH1']), 0);
    assert.equal(nanCount(['--select', 'MLH2,MLH3']), 0);
    assert.equal(nanCount(['--select', 'MLH1']), 4);
    assert.deepEqual(codes(['--select', 'mlh106']), new Set(['MLH106']));
    for (const code of codes(['--select', 'MLH1'])) assert.match(code, /^MLH1/);
    for (const code of codes(['--ignore', 'MLH1'])) assert.doesNotMatch(code, /^MLH1/);
    assert.equal(nanCount(['--select', 'MLH106', '--ignore', 'MLH10']), 0);
  });

  test('--select replaces the configured selection, --ignore adds to it', () => {
    const project = makeProject({ 'train.py': NAN_MODULE, '.ml-hygiene.yaml': 'ignore: [MLH106]\n' });
    try {
      assert.equal(nanCount([], project), 0);
      assert.equal(nanCount(['--select', 'MLH106'], project), 1);
    } finally {
      removeProject(project);
    }
  });

  test('--fail-on decides the exit status from the severities found', () => {
    const status = (args: string[], cwd: string) => runCli(['check', '--select', 'MLH106', ...args], cwd).status;
    const clean = makeProject({ 'train.py': CLEAN_MODULE });
    const information = makeProject({ 'train.py': NAN_MODULE, '.ml-hygiene.yaml': 'severity:\n  MLH106: information\n' });
    const warning = makeProject({ 'train.py': NAN_MODULE, 'pyproject.toml': '[tool.ml-hygiene.severity]\nMLH106 = "warning"\n' });
    try {
      assert.equal(status([], clean), 0);
      assert.equal(status(['--fail-on', 'information'], clean), 0);
      assert.equal(status([], root), 1, 'an error fails the default --fail-on warning');
      assert.equal(status(['--fail-on', 'error'], root), 1);
      assert.equal(status([], information), 0);
      assert.equal(status(['--fail-on', 'warning'], information), 0);
      assert.equal(status(['--fail-on', 'information'], information), 1);
      assert.equal(status(['--fail-on', 'error'], warning), 0);
      assert.equal(status(['--fail-on=warning'], warning), 1);
    } finally {
      for (const p of [clean, information, warning]) removeProject(p);
    }
  });
});

describe('files given on the command line', () => {
  test('are analysed within the project of the current folder, and only their findings are shown', () => {
    const project = makeProject({
      '.ml-hygiene.yaml': 'severity:\n  MLH106: warning\n',
      '.gitignore': 'generated/\n',
      'src/a.py': NAN_MODULE,
      'src/b.py': NAN_MODULE,
      'generated/c.py': NAN_MODULE,
    });
    try {
      const { report, stderr } = checkJson(['src/a.py', '--select', 'MLH106'], project);
      assert.deepEqual(
        report.findings.map((f) => `${f.path}:${f.line} ${f.severity}`),
        ['src/a.py:4 warning'],
        'the project configuration applies to the file',
      );
      assert.equal(report.summary.files, 1);
      assert.equal(stderr, '');

      const ignored = runCli(['check', 'src/b.py', 'generated/c.py', '--select', 'MLH106'], project);
      assert.match(ignored.stdout, /^src\/b\.py:4:8: MLH106 /m);
      assert.doesNotMatch(ignored.stdout, /generated/);
      assert.match(ignored.stderr, /^generated\/c\.py: note: not analysed: excluded by \.gitignore/m);

      // From another folder, a file outside it is analysed in its own folder; paths stay clickable.
      const elsewhere = makeProject({});
      try {
        const outside = runCli(['check', path.join(project, 'src/a.py'), '--select', 'MLH106'], elsewhere);
        const shown = path.relative(elsewhere, path.join(project, 'src/a.py')).split(path.sep).join('/');
        assert.ok(outside.stdout.startsWith(`${shown}:4:8: MLH106 `), outside.stdout);
      } finally {
        removeProject(elsewhere);
      }
    } finally {
      removeProject(project);
    }
  });
});
