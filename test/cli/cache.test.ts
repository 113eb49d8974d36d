// The cache of `check` in the checked folder: a second run reports what the first did, from the
// cache; an edited file and a changed configuration are analysed afresh (each configuration keeps a
// cache of its own, the last four are kept); a corrupt cache, and an
// entry that is not what the scan writes (another shape, a path out of the folder), are ignored;
// --no-cache neither reads nor writes it; and it is never written through a symbolic link.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterEach, beforeEach, test } from 'node:test';
import { checkJson, CRASH, runCli } from '../support/cli';
import { CLEAN_MODULE, makeProject, NAN_MODULE, removeProject, writeFiles } from '../support/project';

const CACHE = '.ml-hygiene-cache';

const PROJECT = {
  'requirements.txt': 'numpy==1.26.4\npandas==2.2.2\n',
  'churn/__init__.py': '',
  'churn/clean.py': NAN_MODULE,
  'churn/features.py': 'import pandas as pd\n\ndef tenure(df):\n    return df["tenure_months"] / 12\n',
  'train.py': 'from churn.features import tenure\nfrom churn.clean import clean\n\nprint(tenure, clean)\n',
};

let root: string;
beforeEach(() => {
  root = makeProject(PROJECT);
});
afterEach(() => removeProject(root));

function nanPaths(args: string[] = []): string[] {
  const { report, stderr } = checkJson(args, root);
  assert.doesNotMatch(stderr, CRASH);
  return report.findings.filter((f) => f.code === 'MLH106').map((f) => `${f.path}:${f.line}`);
}

function cacheFiles(): string[] {
  return fs.readdirSync(path.join(root, CACHE)).filter((name) => name.endsWith('.json'));
}

/** Rewrites the cache file's body with `edit`, keeping its checksum valid, as a run would write it. */
function editCache(edit: (body: string) => string): void {
  const [name] = cacheFiles();
  const file = path.join(root, CACHE, name);
  const text = fs.readFileSync(file, 'utf8');
  const newline = text.indexOf('\n');
  const body = edit(text.slice(newline + 1));
  const header = { ...JSON.parse(text.slice(0, newline)), checksum: createHash('sha1').update(body).digest('hex') };
  fs.writeFileSync(file, `${JSON.stringify(header)}\n${body}`);
}

test('a second check reports exactly what the first did, and git ignores the cache folder', () => {
  const first = runCli(['check', '--format', 'json'], root);
  assert.equal(first.status, 1, first.stderr);
  assert.equal(fs.readFileSync(path.join(root, CACHE, '.gitignore'), 'utf8').split('\n').filter((l) => l && !l.startsWith('#')).join(), '*');
  assert.equal(cacheFiles().length, 1);
  const second = runCli(['check', '--format', 'json'], root);
  assert.deepEqual(second, first);
  // The cache's own files are not part of the project.
  assert.equal(JSON.parse(second.stdout).summary.files, Object.keys(PROJECT).length);
});

test('an unchanged file is not analysed again: what the cache holds for it is reported', () => {
  assert.deepEqual(nanPaths(), ['churn/clean.py:4']);
  editCache((body) => body.replaceAll('Comparison with', 'Cached: comparison with'));
  const { report } = checkJson([], root);
  const nan = report.findings.find((f) => f.code === 'MLH106');
  assert.match(nan?.message ?? '', /^Cached: /);
  // --no-cache neither reads it ...
  const fresh = checkJson(['--no-cache'], root).report.findings.find((f) => f.code === 'MLH106');
  assert.doesNotMatch(fresh?.message ?? '', /^Cached: /);
});

test('a check that finds every file in the cache leaves the cache as it was; one that analyses a file writes it again', () => {
  const cacheFile = () => fs.statSync(path.join(root, CACHE, cacheFiles()[0]));
  assert.deepEqual(nanPaths(), ['churn/clean.py:4']);
  const written = cacheFile();
  assert.deepEqual(nanPaths(), ['churn/clean.py:4']);
  // A write replaces the file (a new one, renamed over it).
  assert.equal(cacheFile().ino, written.ino);
  writeFiles(root, { 'churn/features.py': `${PROJECT['churn/features.py']}\n${NAN_MODULE}` });
  assert.deepEqual(nanPaths(), ['churn/clean.py:4', 'churn/features.py:9']);
  assert.notEqual(cacheFile().ino, written.ino);
  // What it wrote is what the next check finds.
  const rewritten = cacheFile();
  assert.deepEqual(nanPaths(), ['churn/clean.py:4', 'churn/features.py:9']);
  assert.equal(cacheFile().ino, rewritten.ino);
});

test('--no-cache writes nothing into the checked folder', () => {
  assert.deepEqual(nanPaths(['--no-cache']), ['churn/clean.py:4']);
  assert.equal(fs.existsSync(path.join(root, CACHE)), false);
});

test('an edited file is analysed again', () => {
  assert.deepEqual(nanPaths(), ['churn/clean.py:4']);
  writeFiles(root, { 'churn/clean.py': CLEAN_MODULE, 'churn/features.py': `${PROJECT['churn/features.py']}\n${NAN_MODULE}` });
  assert.deepEqual(nanPaths(), ['churn/features.py:9']);
});

test('a changed configuration or rule selection starts afresh, in a cache of its own; those of the last four are kept', () => {
  assert.deepEqual(nanPaths(), ['churn/clean.py:4']);
  const [first] = cacheFiles();
  assert.deepEqual(nanPaths(['--ignore', 'MLH106']), []);
  writeFiles(root, { '.ml-hygiene.yaml': 'severity:\n  MLH106: off\n' });
  assert.deepEqual(nanPaths(), []);
  writeFiles(root, { '.ml-hygiene.yaml': 'severity:\n  MLH106: error\n' });
  const { report } = checkJson([], root);
  assert.deepEqual(report.findings.filter((f) => f.code === 'MLH106').map((f) => f.severity), ['error']);
  assert.equal(cacheFiles().length, 4);
  // A fifth configuration: the cache written longest ago goes.
  writeFiles(root, { '.ml-hygiene.yaml': 'severity:\n  MLH106: information\n' });
  assert.deepEqual(nanPaths(), ['churn/clean.py:4']);
  assert.equal(cacheFiles().length, 4);
  assert.ok(!cacheFiles().includes(first), `${first} is gone`);
});

test('a check with other settings keeps the cache of the first (the language server with personal settings beside the command line)', () => {
  assert.deepEqual(nanPaths(), ['churn/clean.py:4']);
  editCache((body) => body.replaceAll('Comparison with', 'Cached: comparison with'));
  // (A rule added on top, as a personal setting would: another key, analysed afresh.)
  const other = checkJson(['--extend-select', 'MLH301'], root).report.findings.find((f) => f.code === 'MLH106');
  assert.doesNotMatch(other?.message ?? '', /^Cached: /);
  const again = checkJson([], root).report.findings.find((f) => f.code === 'MLH106');
  assert.match(again?.message ?? '', /^Cached: /);
});

test('a corrupt or unreadable cache is ignored: the check analyses every file and reports as usual', () => {
  const expected = runCli(['check', '--format', 'json'], root).stdout;
  const [name] = cacheFiles();
  const file = path.join(root, CACHE, name);
  const text = fs.readFileSync(file, 'utf8');
  const corruptions = [
    text.slice(0, text.length / 2), // cut short
    text.replace('churn/clean.py', 'churn/cleaN.py'), // changed behind the checksum's back
    `${text.slice(0, text.indexOf('\n'))}\n{"indexHash": 1, "files": "none"}`,
    '\u0000\u0001 not a cache',
  ];
  for (const corrupt of corruptions) {
    fs.writeFileSync(file, corrupt);
    const again = runCli(['check', '--format', 'json'], root);
    assert.doesNotMatch(again.stderr, CRASH);
    assert.equal(again.stdout, expected);
  }
  // A cache entry of the right checksum but the wrong shape is ignored too.
  editCache((body) => {
    const parsed = JSON.parse(body);
    parsed.files['churn/clean.py'] = { hash: parsed.files['churn/clean.py'].hash, entry: 'not an entry' };
    return JSON.stringify(parsed);
  });
  const again = runCli(['check', '--format', 'json'], root);
  assert.doesNotMatch(again.stderr, CRASH);
  assert.equal(again.stdout, expected);
});

test('a cache entry of the right checksum but of another shape than the scan writes is ignored, not reported nor crashed on', () => {
  // (With a project rule that fires here: no continuous integration.)
  const args = ['check', '--format', 'json', '--extend-select', 'MLH301'];
  const expected = runCli(args, root).stdout;
  assert.match(expected, /MLH301/);
  type Body = { files: Record<string, { entry: { first: { facts: { python: Record<string, unknown> } }; second: { findings: Record<string, unknown>[] } } }>; project: { findings: Record<string, unknown>[] } };
  const edits: ((body: Body) => void)[] = [
    // A finding without a range (sorting the findings read it) ...
    (body) => delete body.files['churn/clean.py'].entry.second.findings[0].range,
    // ... or facts of the wrong type (the index reads what each module imports).
    (body) => (body.files['train.py'].entry.first.facts.python.imports = 'churn.features'),
    // A finding placed in another file than its own, or out of the folder.
    (body) => (body.files['churn/clean.py'].entry.second.findings[0].path = 'train.py'),
    (body) => (body.project.findings[0].path = '../outside.py'),
    // A fix that creates a file out of the folder.
    (body) => (body.files['churn/clean.py'].entry.second.findings[0].fix = { title: 'Create', create: [{ path: '../../.profile', content: 'x' }] }),
  ];
  for (const edit of edits) {
    editCache((text) => {
      const body = JSON.parse(text) as Body;
      edit(body);
      return JSON.stringify(body);
    });
    const again = runCli(args, root);
    assert.doesNotMatch(again.stderr, CRASH);
    assert.equal(again.stdout, expected);
  }
});

test('a cache folder that is a symbolic link is neither read nor written through', () => {
  const outside = makeProject({});
  try {
    fs.symlinkSync(outside, path.join(root, CACHE));
    assert.deepEqual(nanPaths(), ['churn/clean.py:4']);
    assert.deepEqual(fs.readdirSync(outside), []);
  } finally {
    removeProject(outside);
  }
});
