// File discovery: .gitignore files (at the root and nested) are respected, tool folders skipped,
// symbolic links to folders not followed.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, describe, test } from 'node:test';
import { DEFAULT_CONFIG } from '../../server/src/engine/config';
import { discoverFiles } from '../../server/src/engine/workspace';
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
});
