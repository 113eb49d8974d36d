// Inputs the command must survive: unparsable Python, broken notebook JSON, invalid YAML, a binary
// file named .py, a 20 MB file, Latin-1 bytes, a symbolic link loop. The check finishes, the good
// files' findings are reported, and each bad file gives at most one note on stderr.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { checkJson, CRASH, runCli } from '../support/cli';
import { makeProject, removeProject, writeBadInputProject } from '../support/project';

let root: string;
let badFiles: string[];
before(() => {
  root = makeProject({});
  badFiles = writeBadInputProject(root);
});
after(() => removeProject(root));

function notesByPath(stderr: string): Map<string, string[]> {
  const notes = new Map<string, string[]>();
  for (const line of stderr.split('\n').filter(Boolean)) {
    const m = /^(.+?): note: (.+)$/.exec(line);
    assert.ok(m, `stderr holds only notes: ${line}`);
    notes.set(m[1], [...(notes.get(m[1]) ?? []), m[2]]);
  }
  return notes;
}

test('check reports the good files and at most one note per bad file', () => {
  const { status, report, stderr } = checkJson([], root);
  assert.equal(status, 1);
  assert.doesNotMatch(stderr, CRASH);
  const nan = report.findings.filter((f) => f.code === 'MLH106').map((f) => `${f.path}:${f.line}`);
  assert.deepEqual(nan, ['good.py:4', 'latin1.py:3']);
  const notes = notesByPath(stderr);
  for (const [file, messages] of notes) {
    assert.equal(messages.length, 1, `${file}: ${messages.join(' / ')}`);
    assert.ok(badFiles.includes(file), `a note about a bad file: ${file}`);
  }
  assert.match(notes.get('huge.py')![0], /20\.0 MB is above the 5 MB limit/);
  assert.match(notes.get('binary.py')![0], /binary/);
  assert.match(notes.get('latin1.py')![0], /not valid UTF-8/);
  assert.match(notes.get('broken.py')![0], /syntax error at line 3/);
  // The notes also reach the JSON report.
  assert.deepEqual(new Set(report.notices.map((n) => n.path)), new Set(notes.keys()));
});

test('every format completes on the same project', () => {
  for (const format of ['text', 'sarif']) {
    const { status, stdout, stderr } = runCli(['check', '--format', format], root);
    assert.equal(status, 1, stderr);
    assert.doesNotMatch(stderr, CRASH);
    assert.match(stdout, /good\.py/);
  }
});

test('inputs that used to hang or end the run give notes, and the other files their findings', { timeout: 120_000 }, () => {
  const hostile = makeProject({
    'load.py': 'import json\njson.load(f)\ndef load(f, t: int % r(f, y=t\n',
    'environment.yml': `name: churn\ndependencies:\n  - ${'['.repeat(3000)}numpy${']'.repeat(3000)}\n`,
    '.gitignore': `${'a'.repeat(100_000)}\n`,
    'mac.py': 'import numpy as np\r\rlabels = load()\rmissing = labels == np.nan\r',
    'good.py': 'import numpy as np\n\nlabels = load()\nmissing = labels == np.nan\n',
  });
  try {
    const { status, report, stderr } = checkJson([], hostile);
    assert.equal(status, 1, stderr);
    assert.doesNotMatch(stderr, CRASH);
    assert.deepEqual(
      report.findings.filter((f) => f.code === 'MLH106').map((f) => `${f.path}:${f.line}`),
      ['good.py:4', 'mac.py:4'],
    );
    const notes = notesByPath(stderr);
    assert.match(notes.get('environment.yml')![0], /nested more than 100 levels deep/);
    assert.match(notes.get('.gitignore')![0], /longer than 4096 characters ignored/);
    assert.ok(!notes.has('mac.py'), 'CR line ends are no syntax error');
  } finally {
    removeProject(hostile);
  }
});
