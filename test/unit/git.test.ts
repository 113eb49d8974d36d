// Git awareness of the project rules: in a real repository, what git tracks decides, and LFS / DVC
// files are left out. The repositories are made in temporary folders.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { trackedFiles } from '../../server/src/engine/git';
import { initPython } from '../../server/src/engine/python/parser';
import { scanProject } from '../../server/src/engine/scan';
import { EVERY_RULE } from '../support/config';

function write(root: string, rel: string, content: string | Buffer) {
  fs.mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
  fs.writeFileSync(path.join(root, rel), content);
}

function git(root: string, ...args: string[]) {
  execFileSync('git', ['-c', 'user.name=Test', '-c', 'user.email=test@example.com', '-c', 'commit.gpgsign=false', ...args], { cwd: root, stdio: 'ignore' });
}

const BIG_CSV = 'a,b\n' + '1,2\n'.repeat(400_000); // 1.6 MB

describe('git-aware project rules', () => {
  let repo: string;
  before(() => {
    repo = fs.mkdtempSync(path.join(os.tmpdir(), 'mlh-git-'));
    git(repo, 'init', '-q');
    write(repo, 'train.py', 'import joblib\nfrom sklearn.svm import SVC\n');
    write(repo, 'models/model.pkl', 'tracked model');
    write(repo, 'models/lfs.pt', 'lfs pointer');
    write(repo, '.gitattributes', '*.pt filter=lfs diff=lfs merge=lfs -text\n');
    write(repo, 'data/events.csv', BIG_CSV);
    write(repo, 'data/small.csv', 'a,b\n1,2\n');
    git(repo, 'add', '.');
    git(repo, 'commit', '-q', '-m', 'initial');
    // Present on disk, not ignored, never added: git does not have it.
    write(repo, 'models/scratch.joblib', 'untracked model');
    write(repo, 'data/local.parquet', BIG_CSV);
  });
  after(() => fs.rmSync(repo, { recursive: true, force: true }));

  test('trackedFiles lists what git tracks, and nothing outside a repository top folder', () => {
    const tracked = trackedFiles(repo)!;
    assert.ok(tracked.includes('models/model.pkl'));
    assert.ok(!tracked.includes('models/scratch.joblib'));
    assert.equal(trackedFiles(path.join(repo, 'models')), undefined);
    assert.equal(fs.readdirSync(path.join(repo, '.git')).includes('index.lock'), false);
  });

  test('a .git that is a link out of the folder is not asked: git would read another repository', () => {
    const copy = fs.mkdtempSync(path.join(os.tmpdir(), 'mlh-git-link-'));
    try {
      write(copy, 'train.py', 'import joblib\n');
      fs.symlinkSync(path.join(repo, '.git'), path.join(copy, '.git'), 'dir');
      assert.equal(trackedFiles(copy), undefined);
    } finally {
      fs.rmSync(copy, { recursive: true, force: true });
    }
  });

  test('MLH408 and MLH407 report tracked files only, as warnings', async () => {
    await initPython();
    const { findings } = await scanProject(repo, { config: EVERY_RULE, workers: 0 });
    const models = findings.filter((f) => f.code === 'MLH408');
    assert.equal(models.length, 1);
    assert.equal(models[0].severity, 'warning');
    assert.equal(models[0].path, '.gitattributes');
    assert.deepEqual(models[0].related?.map((r) => r.path), ['models/model.pkl']);
    const data = findings.filter((f) => f.code === 'MLH407');
    assert.equal(data.length, 1);
    assert.equal(data[0].severity, 'warning');
    assert.deepEqual(data[0].related?.map((r) => r.path), ['data/events.csv']);
  });

  test('without a repository, .gitignore decides and the findings are information', async () => {
    const copy = fs.mkdtempSync(path.join(os.tmpdir(), 'mlh-nogit-'));
    try {
      for (const rel of ['train.py', 'models/model.pkl', 'models/scratch.joblib', '.gitattributes']) write(copy, rel, fs.readFileSync(path.join(repo, rel)));
      write(copy, '.gitignore', 'scratch*\n');
      await initPython();
      const { findings } = await scanProject(copy, { config: EVERY_RULE, workers: 0 });
      const models = findings.filter((f) => f.code === 'MLH408');
      assert.equal(models.length, 1);
      assert.equal(models[0].severity, 'information');
      assert.equal(models[0].path, '.gitignore');
      assert.deepEqual(models[0].related?.map((r) => r.path), ['models/model.pkl']);
    } finally {
      fs.rmSync(copy, { recursive: true, force: true });
    }
  });
});

test('a tracked file that .gitignore also matches is still listed and judged', async () => {
  const repo = fs.mkdtempSync(path.join(os.tmpdir(), 'mlh-git-ignored-'));
  try {
    git(repo, 'init', '-q');
    write(repo, 'train.py', 'import joblib\nfrom sklearn.svm import SVC\n');
    write(repo, 'models/model.pkl', 'tracked model');
    git(repo, 'add', '.');
    git(repo, 'commit', '-q', '-m', 'initial');
    // Ignored after the fact: git keeps tracking the model.
    write(repo, '.gitignore', 'models/\n*.pkl\n');
    write(repo, 'models/scratch.pkl', 'untracked and ignored');
    await initPython();
    const { index, findings } = await scanProject(repo, { config: EVERY_RULE, workers: 0 });
    assert.ok(index.has('models/model.pkl'));
    assert.ok(!index.has('models/scratch.pkl'));
    const models = findings.filter((f) => f.code === 'MLH408');
    assert.deepEqual(models.map((f) => f.related?.map((r) => r.path)), [['models/model.pkl']]);
  } finally {
    fs.rmSync(repo, { recursive: true, force: true });
  }
});
