// A language server that has just started warms V8 up on the rules' own examples (lsp/warmUp.ts),
// so that the first line a user types is analysed about as fast as the next ones. It analyses them
// as an open document is analysed: each example, all of them as one module, then a line typed into
// that module a character at a time. No rule may fail on its own example, and the warm-up must get
// to the end of its line.
import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import { initPython } from '../../server/src/engine/python/parser';
import { ruleExamples, warmUpSteps } from '../../server/src/lsp/warmUp';
import { RULES } from '../../server/src/rules';

before(initPython);

test('the warm-up analyses every example, then all of them as one module, then each keystroke of a typed line, and nothing fails', () => {
  const examples = ruleExamples(RULES);
  assert.ok(examples.length >= RULES.length / 2, `only ${examples.length} Python examples in the rules' docs`);
  const notices = [...warmUpSteps()];
  const typedLine = 'warmed_up = True\n';
  assert.equal(notices.length, examples.length + 1 + typedLine.length);
  assert.deepEqual(notices.flat(), []);
});
