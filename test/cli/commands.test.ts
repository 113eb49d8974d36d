// `ml-hygiene rules`, `explain`, `--help`, `--version`, and the exit status 2 with a clear message
// for every usage or configuration error. The built command runs as a separate process.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { BIN, CRASH, runCli } from '../support/cli';
import { makeProject, NAN_MODULE, removeProject, REPO } from '../support/project';

const HEADINGS = ['What it finds', 'Why it matters', 'How to fix', 'Example', 'References'];

let root: string;
before(() => {
  root = makeProject({ 'train.py': NAN_MODULE });
});
after(() => removeProject(root));

/** A usage or configuration error: status 2, nothing on stdout, the message on stderr, no stack trace. */
function assertRefused(args: string[], message: RegExp, cwd = root): string {
  const { status, stdout, stderr } = runCli(args, cwd);
  assert.equal(status, 2, `${args.join(' ')}: ${stderr}`);
  assert.equal(stdout, '');
  assert.match(stderr, message);
  assert.doesNotMatch(stderr, CRASH);
  return stderr;
}

describe('rules, explain, help, version', () => {
  test('rules lists every rule, as text and as JSON', () => {
    const text = runCli(['rules'], root);
    assert.equal(text.status, 0);
    const [table, total] = text.stdout.trimEnd().split('\n\n');
    const lines = table.split('\n');
    for (const line of lines) assert.match(line, /^MLH\d{3}  [a-z0-9-]+ +(error|warning|information) +(default|opt-in) /);
    assert.ok(lines.some((l) => /^MLH106  nan-equality +error +default /.test(l)));
    assert.match(total, /^\d+ rules in the default set; \d+ opt-in/);

    const json = runCli(['rules', '--format', 'json'], root);
    assert.equal(json.status, 0);
    const rules = JSON.parse(json.stdout) as { code: string; name: string; severity: string; default: boolean; scopes: string[] }[];
    assert.equal(rules.length, lines.length);
    const nan = rules.find((r) => r.code === 'MLH106')!;
    assert.equal(nan.name, 'nan-equality');
    assert.equal(nan.severity, 'error');
    assert.equal(nan.default, true);
    assert.deepEqual(nan.scopes, ['python']);
  });

  test('explain prints the rule documentation, by code or by name', () => {
    const byCode = runCli(['explain', 'MLH106'], root);
    assert.equal(byCode.status, 0);
    assert.match(byCode.stdout, /^# MLH106 nan-equality\n/);
    const headings = [...byCode.stdout.matchAll(/^## (.+)$/gm)].map((m) => m[1]);
    assert.deepEqual(headings, HEADINGS);
    assert.equal(runCli(['explain', 'nan-equality'], root).stdout, byCode.stdout);
  });

  test('--help and --version', () => {
    for (const args of [['--help'], ['-h'], ['check', '--help']]) {
      const help = runCli(args, root);
      assert.equal(help.status, 0);
      assert.match(help.stdout, /Usage:\n\s+ml-hygiene check/);
      assert.match(help.stdout, /--fail-on error\|warning\|information/);
    }
    const { version } = JSON.parse(fs.readFileSync(path.join(REPO, 'package.json'), 'utf8'));
    const shown = runCli(['--version'], root);
    assert.equal(shown.status, 0);
    assert.equal(shown.stdout, `${version}\n`);
  });
});

test('a reader that closes the pipe early (| head) causes no error', async () => {
  const child = spawn(process.execPath, [BIN, 'check', '--format', 'sarif'], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (chunk) => (stderr += chunk));
  child.stdout.once('data', () => child.stdout.destroy());
  await new Promise((resolve) => child.on('close', resolve));
  assert.equal(stderr, '');
});

describe('usage errors exit with 2 and say what is wrong', () => {
  const cases: [string[], RegExp][] = [
    [[], /Usage:/],
    [['lint'], /unknown command 'lint'/],
    [['check', '--frobnicate'], /unknown option --frobnicate\nRun 'ml-hygiene --help' for usage\./],
    [['check', '--format', 'xml'], /--format must be text, json, sarif or github, not 'xml'/],
    [['check', '--format'], /--format needs a value/],
    [['check', '--fail-on', 'fatal'], /--fail-on must be error, warning or information, not 'fatal'/],
    [['check', '--select', 'MLHX,foo'], /--select: not a rule code or prefix: MLHX, FOO/],
    [['check', '--ignore', ' , '], /--ignore needs a comma-separated list of rule codes/],
    [['check', 'no/such/folder'], /no such file or folder: no\/such\/folder/],
    [['rules', '--format', 'sarif'], /--format must be text or json, not 'sarif'/],
    [['explain'], /explain needs a rule code or name/],
    [['explain', 'MLH999'], /no rule MLH999/],
  ];
  for (const [args, message] of cases) {
    test(`ml-hygiene ${args.join(' ') || '(nothing)'}`, () => {
      assertRefused(args, message);
    });
  }
});

describe('invalid configuration exits with 2 and lists each problem', () => {
  test('.ml-hygiene.yaml with invalid values', () => {
    const project = makeProject({
      'train.py': NAN_MODULE,
      '.ml-hygiene.yaml': 'select: MLH1\nseverity:\n  MLH106: fatal\nthresholds:\n  maxCellLines: 0\ncolour: blue\n',
    });
    try {
      const stderr = assertRefused(['check'], /\.ml-hygiene\.yaml: invalid ML Hygiene configuration/, project);
      const problems = stderr.split('\n').filter((l) => /^ {2}\S/.test(l));
      assert.equal(problems.length, 4, stderr);
      for (const where of [/^ {2}select: /, /^ {2}severity\.MLH106: .*error, warning, information, off/, /^ {2}thresholds\.maxCellLines: /, /colour/]) {
        assert.ok(problems.some((p) => where.test(p)), `${where} in\n${stderr}`);
      }
      // Checked from elsewhere, the file is named from there.
      assertRefused(['check', path.basename(project)], new RegExp(`${path.basename(project)}/\\.ml-hygiene\\.yaml: invalid`), path.dirname(project));
    } finally {
      removeProject(project);
    }
  });

  test('.ml-hygiene.yaml that does not parse', () => {
    const project = makeProject({ 'train.py': NAN_MODULE, '.ml-hygiene.yaml': 'select: [MLH1\nignore: MLH2]\n' });
    try {
      assertRefused(['check'], /\.ml-hygiene\.yaml: invalid ML Hygiene configuration:\n {2}YAML does not parse/, project);
    } finally {
      removeProject(project);
    }
  });

  test('[tool.ml-hygiene] in pyproject.toml with invalid values', () => {
    const project = makeProject({
      'train.py': NAN_MODULE,
      'pyproject.toml': '[project]\nname = "churn"\n\n[tool.ml-hygiene]\nignore = "MLH1"\nexclude = [1]\n',
    });
    try {
      const stderr = assertRefused(['check', '--format', 'json'], /pyproject\.toml: invalid ML Hygiene configuration/, project);
      assert.match(stderr, /^ {2}ignore: /m);
      assert.match(stderr, /^ {2}exclude\.0: /m);
    } finally {
      removeProject(project);
    }
  });
});
