// `ml-hygiene scaffold tdsp` writes only inside its target, never through a symbolic link, and
// writes its whole plan or nothing.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterEach, test } from 'node:test';
import { CRASH, runCli } from '../support/cli';
import { removeProject, treeHash } from '../support/project';

const temps: string[] = [];
afterEach(() => temps.splice(0).forEach(removeProject));
function tempDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mlh-scaffold-cli-'));
  temps.push(dir);
  return dir;
}

test('folders of the target that are links out of it are not written through, and are listed', () => {
  const base = tempDir();
  const outside = path.join(base, 'shared');
  fs.mkdirSync(path.join(outside, 'team-docs'), { recursive: true });
  fs.mkdirSync(path.join(outside, 'team-code'));
  fs.mkdirSync(path.join(outside, 'team-github'));
  fs.writeFileSync(path.join(outside, 'team-docs', 'handbook.md'), '# Handbook\n');
  const before = treeHash(outside);
  fs.mkdirSync(path.join(base, 'churn'));
  fs.symlinkSync('../shared/team-docs', path.join(base, 'churn', 'Docs'), 'dir');
  fs.symlinkSync('../shared/team-code', path.join(base, 'churn', 'Code'), 'dir');
  fs.symlinkSync(path.join(outside, 'team-github'), path.join(base, 'churn', '.github'), 'dir');

  const { status, stdout, stderr } = runCli(['scaffold', 'tdsp', 'churn', '--name', 'Customer churn'], base);
  assert.equal(status, 0, stderr);
  assert.equal(treeHash(outside), before, 'nothing changed behind the links');
  assert.match(stdout, /^skipped {2}Docs\/Project\/Charter\.md \(Docs is a symbolic link, never written through\)$/m);
  assert.match(stdout, /^skipped {2}Code\/customer_churn\/train\.py \(Code is a symbolic link, never written through\)$/m);
  assert.match(stdout, /^skipped {2}\.github\/workflows\/ci\.yml \(\.github is a symbolic link, never written through\)$/m);
  assert.match(stdout, /^created {2}README\.md$/m);
});

test('a 300-character name writes nothing and says why (exit status 2)', () => {
  const base = tempDir();
  const { status, stdout, stderr } = runCli(['scaffold', 'tdsp', 'churn', '--name', 'Customer-churn-'.repeat(20)], base);
  assert.equal(status, 2);
  assert.equal(stdout, '');
  assert.doesNotMatch(stderr, CRASH);
  assert.match(stderr, /^ml-hygiene: nothing was written to churn:\n {2}--name: the project name has 300 characters; at most 100 are allowed\n/);
  assert.deepEqual(fs.readdirSync(base), [], 'not even the folder is made');
});
