// What a dependency specifier admits, in each tool's own reading, and when two exclude each other.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Dialect, disjoint, versionRange } from '../../server/src/engine/versionRanges';

function conflict(a: [string, Dialect], b: [string, Dialect]): boolean {
  return disjoint(versionRange(...a)!, versionRange(...b)!);
}

test('pins and ranges that exclude each other', () => {
  assert.ok(conflict(['==1.5.3', 'pip'], ['^2.1', 'poetry']));
  assert.ok(conflict(['=1.7', 'conda'], ['~=2.0.2', 'pip']));
  assert.ok(conflict(['>=1.0', 'pip'], ['=0.24', 'conda']));
  assert.ok(conflict(['<2', 'pip'], ['>=2.0', 'pip']));
  assert.ok(conflict(['^0.3.1', 'poetry'], ['==0.4.0', 'pip']), 'a caret below 1 keeps the minor version');
  assert.ok(conflict(['~1.2', 'poetry'], ['1.3.0', 'poetry']));
});

test('ranges that meet', () => {
  assert.ok(!conflict(['=1.26', 'conda'], ['~=1.26.2', 'pip']), "conda's =1.26 is any 1.26.x");
  assert.ok(!conflict(['1.26.4', 'conda'], ['==1.26.4', 'pip']));
  assert.ok(!conflict(['==2.1.2+cpu', 'pip'], ['>=2.0,<2.3', 'poetry']), 'a local label is the same release');
  assert.ok(!conflict(['>=1.2 <2', 'poetry'], ['==1.9', 'pip']));
  assert.ok(!conflict(['==2.0.0rc1', 'pip'], ['<2.0', 'pip']), 'a pre-release sorts below its release');
  assert.ok(!conflict(['*', 'pip'], ['==1.0', 'pip']));
  assert.ok(!conflict(['!=1.5.0', 'pip'], ['==1.5.1', 'pip']));
  assert.ok(!conflict(['=1.26.4=py310h5f9d8c6_0', 'conda'], ['==1.26.4', 'pip']), 'a conda build string is not part of the version');
});

test('forms it does not read are left alone', () => {
  assert.equal(versionRange('>=1,<2 || >=3', 'poetry'), undefined);
  assert.equal(versionRange('==latest', 'pip'), undefined);
});
