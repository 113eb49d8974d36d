// Once tree-sitter's wasm runtime trapped, its memory may be inconsistent: the parser is not used
// again. The trap here is a real one, of the real runtime: a tree whose handle points far outside
// the runtime's memory, whose root the runtime then reads.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { initPython, parsePython, pythonParser } from '../../server/src/engine/python/parser';
import { ParserFailed, parserFailed } from '../../server/src/engine/python/parserFailure';

test('a trap ends the parser: every later parse fails at once, and freeing a tree does nothing', async () => {
  await initPython();
  const kept = parsePython('import torch\n\nmodel = torch.nn.Linear(4, 2)\n');
  assert.equal(kept.rootNode.namedChildren.length, 2);
  assert.equal(parserFailed(), false);

  const forged = pythonParser().parse('x = 1\n')!;
  (forged as unknown as { 0: number })[0] = 0xfffffff0;
  assert.throws(() => forged.rootNode, { name: 'RuntimeError', message: /memory access out of bounds/ });

  assert.equal(parserFailed(), true);
  assert.throws(() => parsePython('import torch\n'), ParserFailed);
  assert.throws(() => kept.rootNode.namedChildren[0]!.children, ParserFailed, 'a tree of the failed runtime is not read either');
  kept.delete();
});
