// When the text format is for a person (grouped) and when it may use color.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { textStyleFor } from '../../server/src/cli/format';

test('a terminal gets the grouped form in color; a pipe the plain form', () => {
  assert.deepEqual(textStyleFor({}, true), { grouped: true, color: true });
  assert.deepEqual(textStyleFor({}, false), { grouped: false, color: false });
});

test('NO_COLOR, NODE_DISABLE_COLORS, TERM=dumb and FORCE_COLOR=0 keep a terminal grouped but without color', () => {
  for (const env of [{ NO_COLOR: '1' }, { NODE_DISABLE_COLORS: '1' }, { TERM: 'dumb' }, { FORCE_COLOR: '0' }, { FORCE_COLOR: 'false' }]) {
    assert.deepEqual(textStyleFor(env, true), { grouped: true, color: false }, JSON.stringify(env));
  }
  // NO_COLOR set but empty does not count (no-color.org).
  assert.deepEqual(textStyleFor({ NO_COLOR: '' }, true), { grouped: true, color: true });
});

test('FORCE_COLOR wins, in a pipe and over NO_COLOR', () => {
  for (const value of ['1', '2', '3', 'true', '']) {
    assert.deepEqual(textStyleFor({ FORCE_COLOR: value, NO_COLOR: '1' }, false), { grouped: true, color: true }, value);
  }
  assert.deepEqual(textStyleFor({ FORCE_COLOR: '0' }, false), { grouped: false, color: false });
});
