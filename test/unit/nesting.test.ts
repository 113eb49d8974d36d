// The nesting check that runs before every parse: an edited text is read again only from before the
// edit to where the reading is as it was before, and that must always say what reading the whole
// text says.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { MAX_BRACKET_DEPTH, nestingOf } from '../../server/src/engine/python/nesting';

const SOURCE = `"""Feature pipeline: scale, then fit."""
import numpy as np
from sklearn.preprocessing import StandardScaler  # the scaler

COLUMNS = [
    "age",  # years
    "income",
]


def scale(frame):
    values = frame[COLUMNS].to_numpy()
    if values.size == 0:
        return values
    return StandardScaler().fit_transform(
        values.reshape(-1, len(COLUMNS)),
    )


QUERY = '''
SELECT age, income
FROM users
'''

model = fit(scale(load(QUERY)), {"depth": (3, [4, 5])})
`;

describe('the nesting check', () => {
  test("an edited text's nesting, read from the one before, is that of the whole text", () => {
    // Every place, and at each a bracket, a quote, a comment, a line break, indentation or a letter
    // typed, lines pasted, or a character deleted: they open and close what the reading skips or counts.
    const typed = ['(', ')', '[', '"', "'''", '#', '\n', '    ', 'x', '\nsplit = (', ')\nseed = 1\n', 'a = 1\nb = 2\n'];
    const before = nestingOf(SOURCE);
    for (let at = 0; at <= SOURCE.length; at++) {
      const edits = [...typed.map((text) => SOURCE.slice(0, at) + text + SOURCE.slice(at)), SOURCE.slice(0, at) + SOURCE.slice(at + 1)];
      for (const edited of edits) {
        assert.deepEqual(nestingOf(edited, before), nestingOf(edited), `${JSON.stringify(edited.slice(Math.max(0, at - 10), at + 10))} at ${at}`);
      }
    }
  });

  test('an edit that nests brackets too deep is seen, and so is the edit that mends it', () => {
    const at = SOURCE.indexOf('values.reshape');
    const tooDeep = SOURCE.slice(0, at) + '('.repeat(MAX_BRACKET_DEPTH + 1) + SOURCE.slice(at);
    const broken = nestingOf(tooDeep, nestingOf(SOURCE));
    assert.equal(broken.tooDeep, `brackets nest more than ${MAX_BRACKET_DEPTH} levels deep`);
    assert.deepEqual(nestingOf(SOURCE, broken), nestingOf(SOURCE));
    assert.equal(nestingOf(SOURCE, broken).tooDeep, undefined);
  });
});
