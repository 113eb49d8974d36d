// File discovery: .gitignore files (at the root and nested) are respected, tool folders skipped,
// symbolic links to folders not followed, links to files followed only to a file listed itself.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, describe, test } from 'node:test';
import { DEFAULT_CONFIG } from '../../server/src/engine/config';
import { discoverFiles, readConfig } from '../../server/src/engine/workspace';
import { makeProject, removeProject } from '../support/project';

const projects: string[] = [];
after(() => projects.forEach(removeProject));

function listed(files: Record<string, string>, prepare?: (root: string) => void): string[] {
  const root = makeProject(files);
  projects.push(root);
  prepare?.(root);
  return discoverFiles(root, DEFAULT_CONFIG).files.map((f) => f.path);
}

describe('.gitignore', () => {
  test('the root .gitignore: folders, globs, negation, anchored patterns', () => {
    const files = listed({
      '.gitignore': '# outputs\nmodels/\n*.tmp.py\n!keep.tmp.py\n/local_settings.py\n',
      'train.py': '',
      'models/model.py': '',
      'scratch.tmp.py': '',
      'keep.tmp.py': '',
      'local_settings.py': '',
      'src/local_settings.py': '',
      'src/deep/try.tmp.py': '',
    });
    assert.deepEqual(files, ['.gitignore', 'keep.tmp.py', 'src/local_settings.py', 'train.py']);
  });

  test('a nested .gitignore applies below its folder, relative to it', () => {
    const files = listed({
      '.gitignore': '*.log\n',
      'pipeline/.gitignore': '/cache/\ngenerated_*.py\n',
      'pipeline/train.py': '',
      'pipeline/cache/step.py': '',
      'pipeline/generated_features.py': '',
      'pipeline/sub/cache/kept.py': '',
      'pipeline/run.log': '',
      'generated_elsewhere.py': '',
      'cache/kept_too.py': '',
    });
    assert.deepEqual(files, ['.gitignore', 'cache/kept_too.py', 'generated_elsewhere.py', 'pipeline/.gitignore', 'pipeline/sub/cache/kept.py', 'pipeline/train.py']);
  });

  test('tool and environment folders are skipped without a .gitignore', () => {
    const files = listed({ 'train.py': '', '.venv/lib/site.py': '', '.git/config': '', 'node_modules/x/index.py': '', 'nb/.ipynb_checkpoints/a-checkpoint.ipynb': '' });
    assert.deepEqual(files, ['train.py']);
  });
});

describe('symbolic links', () => {
  test('a link to a folder (here a loop to the parent) is not followed; a link to a file is read', () => {
    let notices: unknown[] = [];
    const files = listed({ 'src/train.py': '', 'src/features.py': '' }, (root) => {
      fs.symlinkSync('..', path.join(root, 'src', 'up'), 'dir');
      fs.symlinkSync('features.py', path.join(root, 'src', 'alias.py'));
      fs.symlinkSync('missing.py', path.join(root, 'src', 'dangling.py'));
      notices = discoverFiles(root, DEFAULT_CONFIG).notices;
    });
    assert.deepEqual(files, ['src/alias.py', 'src/features.py', 'src/train.py']);
    assert.deepEqual(notices, []);
  });

  test('a link to a file is read only when it leads to a file that is listed itself', () => {
    let notices: { path: string; message: string }[] = [];
    const files = listed({ '.gitignore': '.env\n', '.env': 'DB_PASSWORD=hunter2\n', '.git/config': '[remote "origin"]\n', 'requirements/base.txt': 'numpy==2.1.0\n' }, (root) => {
      fs.symlinkSync('requirements/base.txt', path.join(root, 'requirements.txt'));
      fs.symlinkSync('.git/config', path.join(root, 'settings.cfg'));
      fs.symlinkSync('.env', path.join(root, 'env.txt'));
      fs.symlinkSync('requirements', path.join(root, 'reqs'), 'dir');
      notices = discoverFiles(root, DEFAULT_CONFIG).notices;
    });
    assert.deepEqual(files, ['.gitignore', 'requirements/base.txt', 'requirements.txt']);
    assert.deepEqual(
      notices.map((n) => n.path),
      ['env.txt', 'settings.cfg'],
      'a link into .git or to an ignored file is named; a link to a folder inside is left out quietly',
    );
    assert.ok(notices.every((n) => /symbolic link to a file the analysis leaves out/.test(n.message)));
  });

  test('links that lead out of the folder, to a file or a folder, are skipped with a notice', () => {
    const outside = makeProject({ 'secret.txt': 'token\n', 'data/users.csv': 'email\na@example.com\n' });
    projects.push(outside);
    let notices: { path: string; message: string }[] = [];
    const files = listed({ 'train.py': '' }, (root) => {
      fs.symlinkSync(path.join(outside, 'secret.txt'), path.join(root, 'requirements.txt'));
      fs.symlinkSync(path.join(outside, 'data'), path.join(root, 'data'), 'dir');
      fs.symlinkSync('../' + path.basename(root) + '/../' + path.basename(outside) + '/secret.txt', path.join(root, 'relative.txt'));
      notices = discoverFiles(root, DEFAULT_CONFIG).notices;
    });
    assert.deepEqual(files, ['train.py']);
    assert.deepEqual(
      notices.map((n) => `${n.path}: ${n.message}`),
      ['data', 'relative.txt', 'requirements.txt'].map((p) => `${p}: skipped: a symbolic link that leads outside the analysed folder; it is not read`),
    );
  });
});

describe('the configuration through a link', () => {
  test('is read when the link leads to a file inside the folder, and not when it leads outside or into .git', () => {
    const outside = makeProject({ 'lint.yaml': 'ignore: [MLH109]\n' });
    const root = makeProject({ 'configs/lint.yaml': 'ignore: [MLH402]\n', '.git/lint.yaml': 'ignore: [MLH601]\n' });
    projects.push(outside, root);
    const link = path.join(root, '.ml-hygiene.yaml');
    fs.symlinkSync('configs/lint.yaml', link);
    assert.deepEqual(readConfig(root).ignore, ['MLH402']);
    for (const target of [path.join(outside, 'lint.yaml'), '.git/lint.yaml']) {
      fs.rmSync(link);
      fs.symlinkSync(target, link);
      assert.deepEqual(readConfig(root).ignore, [], `a link to ${target} counts as no configuration`);
    }
  });
});
