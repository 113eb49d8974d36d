// The hover's two lines per rule come from the rule's own docs: the first sentence of "Why it
// matters" and of "How to fix".
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { firstSentence, ruleDigest } from '../../server/src/engine/docs';
import { RULES } from '../../server/src/rules';

describe('rule digest for the hover', () => {
  test('the first sentence ends at its period, not at an abbreviation or a period in code', () => {
    assert.equal(
      firstSentence('Call `model.eval()` before scoring, e.g. in\n`evaluate()`. Then train again.'),
      'Call `model.eval()` before scoring, e.g. in `evaluate()`.',
    );
    assert.equal(firstSentence('Pin versions (i.e. `==1.2.3`)! Ranges drift.'), 'Pin versions (i.e. `==1.2.3`)!');
    assert.equal(firstSentence('A list follows:\n\n- one\n- two'), 'A list follows:');
  });

  test('every rule has a why and a fix of one sentence, short enough for a hover', () => {
    for (const rule of RULES) {
      const { why, fix } = ruleDigest(rule);
      for (const [what, sentence] of [['why', why], ['fix', fix]]) {
        assert.ok(sentence.length >= 20 && sentence.length <= 400, `${rule.code} ${what}: "${sentence}"`);
        assert.ok(!sentence.includes('\n'), `${rule.code} ${what} is one line`);
        assert.match(sentence, /[.?!:]$/, `${rule.code} ${what} ends a sentence: "${sentence}"`);
      }
    }
  });
});
