// Where a module can be parsed apart (statementStarts): at the lines that start a top-level
// statement, never inside one; and what that gives a module with a syntax error.
import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { initPython, parsePython, rootOf } from '../../server/src/engine/python/parser';
import { statementStarts } from '../../server/src/engine/python/statementStarts';

const MODULE = [
  '"""Train the churn model.',
  'Run nightly: the features come from the warehouse.',
  '"""', // a docstring's lines at column 0 start nothing
  'import numpy as np',
  '',
  '# seeds for the run',
  'SEED = 42',
  'params = dict(',
  'max_depth=6,', // inside brackets
  ')',
  'total = 1 + \\',
  '2', // after a line continuation
  '@register("gbm")',
  '@timed',
  'def train(frame):', // after decorators
  '    return frame',
  '',
  'if SEED:',
  '    np.random.seed(SEED)',
  'elif SEED is None:', // a clause of the statement above
  '    np.random.seed(0)',
  'else:', // a clause of the statement above
  '    pass',
  'try:',
  '    import torch',
  'except ImportError:',
  '    torch = None',
  'finally_step = "done"', // an identifier, not the keyword
  'query = f"select {SEED!r}"',
  '',
].join('\n');

/** The lines that start a statement, by their text. */
function startLines(text: string): string[] {
  return statementStarts(text).map((start) => text.slice(start, text.indexOf('\n', start)));
}

describe('statement starts', () => {
  before(() => initPython());

  test('are the lines at column 0 that begin a top-level statement', () => {
    assert.deepEqual(startLines(MODULE), [
      'import numpy as np',
      'SEED = 42',
      'params = dict(',
      'total = 1 + \\',
      '@register("gbm")',
      'if SEED:',
      'try:',
      'finally_step = "done"',
      'query = f"select {SEED!r}"',
    ]);
  });

  test('are where the statements of a fresh parse start', () => {
    const tree = parsePython(MODULE);
    const statements = rootOf(tree).namedChildren.filter((s) => s?.type !== 'comment');
    assert.deepEqual(
      statements.map((s) => s!.startIndex),
      [0, ...statementStarts(MODULE)],
    );
    tree.delete();
  });

  test("leave a module's own tokens among its children, after an edit too", () => {
    const text = 'import numpy as np; import pandas as pd\nSEED = 1; np.random.seed(SEED)\n';
    const tree = parsePython(text);
    const types = (t: typeof tree) => rootOf(t).children.map((c) => c!.type);
    const before = types(tree);
    assert.deepEqual(before, ['import_statement', ';', 'import_statement', 'expression_statement', ';', 'expression_statement']);
    const edited = parsePython(text.replace('SEED = 1', 'SEED = 42'), tree);
    assert.deepEqual(types(edited), before);
    assert.equal(rootOf(edited).children[4]!.startIndex, text.indexOf('; np') + 1);
    tree.delete();
    edited.delete();
  });

  test('keep a syntax error in its statement', () => {
    const text = [
      'import pandas as pd',
      '',
      'def load(path):',
      '    return pd.read_csv(path',
      '',
      'def clean(frame):',
      '    return frame.dropna()',
      '',
      'scores = [0.5, 0.7]',
      '',
    ].join('\n');
    const tree = parsePython(text);
    const statements = rootOf(tree).namedChildren.map((s) => `${s!.type}${s!.hasError ? ' (error)' : ''}`);
    // The bracket left open in `load` spoils `load` alone: a definition cannot be inside brackets.
    assert.deepEqual(statements, ['import_statement', 'function_definition (error)', 'function_definition', 'expression_statement']);
    assert.equal(rootOf(tree).hasError, true);
    tree.delete();
  });
});
