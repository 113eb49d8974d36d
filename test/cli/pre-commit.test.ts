// The pre-commit hook, run as pre-commit runs it: its entry with the changed files' names as
// arguments, in the repository's top folder.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, test } from 'node:test';
import { parse } from 'yaml';
import { runCli } from '../support/cli';
import { makeProject, removeProject, REPO } from '../support/project';

interface Hook {
  id: string;
  entry: string;
  language: string;
  require_serial?: boolean;
  pass_filenames?: boolean;
}

const [hook, ...others] = parse(fs.readFileSync(path.join(REPO, '.pre-commit-hooks.yaml'), 'utf8')) as Hook[];
const [command, ...entryArgs] = hook.entry.split(' ');

const TRAIN = `import numpy as np
import pandas as pd
from sklearn.linear_model import LogisticRegression


def train(path):
    customers = pd.read_csv(path)
    customers = customers[customers["tenure"] != np.nan]
    model = LogisticRegression(max_iter=1000)
    model.fit(customers[["tenure", "monthly_charges"]], customers["churned"])
    return model
`;

/** A repository with two projects: churn/ (the one the commit changes) and dashboard/. */
const repo = makeProject({
  '.ml-hygiene.yaml': 'extendSelect: [MLH406, MLH004]\n',
  'churn/requirements.txt': 'scikit-learn\npandas==2.2.2\n',
  'churn/train.py': TRAIN,
  'churn/features.py': TRAIN.replace('def train', 'def features'),
  'dashboard/requirements.txt': 'streamlit\n',
  'dashboard/app.py': 'import streamlit as st\n\nst.title("Churn")\n',
});
execFileSync('git', ['init', '--quiet'], { cwd: repo });
execFileSync('git', ['add', '--all'], { cwd: repo });
after(() => removeProject(repo));

test('the hook is one node hook whose entry is the check command, run once per commit', () => {
  assert.deepEqual(others, []);
  assert.equal(hook.id, 'ml-hygiene');
  assert.equal(hook.language, 'node');
  const { bin } = JSON.parse(fs.readFileSync(path.join(REPO, 'package.json'), 'utf8')) as { bin: Record<string, string> };
  assert.ok(command in bin, `${command} is a command the package installs`);
  assert.deepEqual(entryArgs, ['check']);
  assert.notEqual(hook.pass_filenames, false);
  // Each run reads the whole repository: parallel runs would repeat the project findings.
  assert.equal(hook.require_serial, true);
});

test('the changed files are checked with the project findings of their project and the repository', () => {
  const result = runCli([...entryArgs, 'churn/train.py'], repo);
  assert.equal(result.status, 1, result.stderr);
  assert.equal(result.stderr, '');
  const lines = result.stdout.trimEnd().split('\n');
  assert.deepEqual(lines.slice(0, -1).map((l) => l.slice(0, l.indexOf(' ', l.indexOf(': ') + 2))), [
    'churn/features.py:1:1: MLH004',
    'churn/requirements.txt:1:1: MLH406',
    'churn/train.py:8:27: MLH106',
  ]);
  assert.equal(lines.at(-1), 'Found 3 findings (1 error, 1 warning, 1 information) in 1 file.');
});

test('a commit in another project gets its project findings and the repository findings, not the first project findings', () => {
  const dashboard = runCli([...entryArgs, 'dashboard/app.py', 'dashboard/requirements.txt'], repo);
  assert.equal(dashboard.status, 1);
  assert.deepEqual(dashboard.stdout.match(/^\S+ MLH\d+/gm), ['churn/features.py:1:1: MLH004', 'dashboard/requirements.txt:1:1: MLH406']);

  fs.writeFileSync(path.join(repo, 'dashboard/requirements.txt'), 'streamlit==1.40.0\n');
  fs.writeFileSync(path.join(repo, 'CODEOWNERS'), '* @churn-team\n');
  execFileSync('git', ['add', '--all'], { cwd: repo });
  const fixed = runCli([...entryArgs, 'dashboard/requirements.txt', 'CODEOWNERS'], repo);
  assert.equal(fixed.status, 0, fixed.stdout);
  assert.equal(fixed.stdout, 'All clear: no findings in 2 files.\n');
});
