// An expression's operator is read from the text between its operands, and left to the tree when
// anything but spaces (a comment, a line continuation) stands there.
import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { PythonModule } from '../../server/src/engine/python/module';
import { binaryOperatorType, operatorBetween } from '../../server/src/engine/python/operators';
import { initPython, parsePython } from '../../server/src/engine/python/parser';

before(() => initPython());

function moduleOf(source: string): PythonModule {
  return new PythonModule(parsePython(source), source);
}

/** The operator between the first comparison's first two named children, as read from the text. */
function firstComparisonOperator(source: string): string | undefined {
  const module = moduleOf(source);
  const [comparison] = module.nodes('comparison_operator');
  const [left, right] = comparison.namedChildren;
  return operatorBetween(module, left!, right!);
}

describe('operators read from the text', () => {
  test('a comparison operator, one word or two', () => {
    assert.equal(firstComparisonOperator('ok = y_pred == y_test\n'), '==');
    assert.equal(firstComparisonOperator('if "lr" in cfg:\n    pass\n'), 'in');
    assert.equal(firstComparisonOperator('if "lr" not  in cfg:\n    pass\n'), 'not  in');
    assert.equal(firstComparisonOperator('if a is not None:\n    pass\n'), 'is not');
  });

  test('a comment or a line continuation between the operands is for the tree to tell', () => {
    assert.equal(firstComparisonOperator('ok = (y_pred  # predicted\n      == y_test)\n'), undefined);
    assert.equal(firstComparisonOperator('ok = y_pred \\\n    == y_test\n'), undefined);
  });

  test("a binary operator's type, from the text or else from the tree", () => {
    const module = moduleOf('error = (y - p) ** 2\nspread = (high  # upper\n    - low)\n');
    const [squared, difference, spread] = module.nodes('binary_operator');
    assert.equal(binaryOperatorType(module, squared), '**');
    assert.equal(binaryOperatorType(module, difference), '-');
    assert.equal(binaryOperatorType(module, spread), '-');
  });
});
