import { PythonContext, defineRule } from '../engine/rule';
import { Node, PythonModule, stringValue } from '../engine/python/module';
import { ALL_BUT_GENERATED } from '../engine/roles';

const NAN_CONSTANTS = new Set(['numpy.nan', 'numpy.NaN', 'numpy.NAN', 'math.nan', 'pandas.NA', 'torch.nan']);

/** `np.nan`, `math.nan`, `float("nan")` and friends. */
function isNaN(module: PythonModule, node: Node): boolean {
  if (node.type === 'attribute' || node.type === 'identifier') {
    const name = module.qualify(node);
    return name !== undefined && module.isImportedName(node.text) && NAN_CONSTANTS.has(name);
  }
  if (node.type === 'call') {
    const call = module.describeCall(node);
    const arg = stringValue(call.positional[0]);
    return call.callee === 'float' && arg !== undefined && arg.trim().toLowerCase() === 'nan';
  }
  return false;
}

/** Local name under which a module is imported (`np` for `import numpy as np`). */
function aliasOf(module: PythonModule, target: string): string | undefined {
  return module.imports.find((i) => i.target === target)?.local;
}

function fixFor(ctx: PythonContext, comparison: Node, other: Node, negated: boolean) {
  const { module } = ctx;
  const pandasLike = module.importsPackage('pandas') && (other.type === 'subscript' || other.type === 'attribute');
  if (pandasLike) {
    const method = negated ? 'notna' : 'isna';
    return { title: `Use ${other.text}.${method}()`, edits: [{ range: module.range(comparison), newText: `${other.text}.${method}()` }] };
  }
  const np = aliasOf(module, 'numpy');
  if (np && !negated) {
    return { title: `Use ${np}.isnan(${other.text})`, edits: [{ range: module.range(comparison), newText: `${np}.isnan(${other.text})` }] };
  }
  return undefined;
}

export default defineRule({
  code: 'MLH106',
  name: 'nan-equality',
  summary: 'Comparison with NaN, which is always False (or always True with !=)',
  practices: ['P4'],
  references: ['Zhang et al. 2022, C2: NaN equivalence comparison misused'],
  severity: 'error',
  fixable: true,
  roles: ALL_BUT_GENERATED,
  statementLocal: true,
  docs: `## What it finds
Comparisons such as \`x == np.nan\`, \`df["age"] != math.nan\` or \`value == float("nan")\`.

A comparison with NaN is a bug wherever it is, so every role but generated counts.

## Why it matters
NaN is not equal to anything, itself included: \`x == np.nan\` is always \`False\` and
\`x != np.nan\` always \`True\`. A filter written this way silently selects no rows (or all of
them), so missing values flow into training unnoticed. Data quality is part of the information
architecture a model stands on (practice P4).

## How to fix
Use the missing-value tests: \`Series.isna()\` / \`notna()\` for pandas data, \`np.isnan(x)\` for
NumPy arrays, \`math.isnan(x)\` for floats. The quick fix rewrites the comparison.

## Example
\`\`\`python
# Before: selects nothing
missing = df[df["income"] == np.nan]

# After
missing = df[df["income"].isna()]
\`\`\`

## References
- Zhang, Cruz, van Deursen: *Code Smells for Machine Learning Applications* (2022), smell C2
  "NaN Equivalence Comparison Misused".
- pandas documentation: [Working with missing data](https://pandas.pydata.org/docs/user_guide/missing_data.html).
`,
  check: {
    python(ctx) {
      const { module } = ctx;
      for (const comparison of module.nodes('comparison_operator')) {
        const operands = comparison.namedChildren.filter((c): c is Node => c !== null);
        if (operands.length !== 2) continue;
        const [left, right] = operands;
        const nanSide = isNaN(module, right) ? right : isNaN(module, left) ? left : undefined;
        if (!nanSide) continue;
        // Read only beside a NaN: the operators are no named nodes, and tree-sitter finds them for
        // each comparison (on keras, that was 95% of the rule's time).
        const operators = comparison.childrenForFieldName('operators').map((o) => o?.type);
        if (operators.length !== 1 || (operators[0] !== '==' && operators[0] !== '!=')) continue;
        const other = nanSide === right ? left : right;
        const negated = operators[0] === '!=';
        ctx.report(
          comparison,
          `Comparison with ${nanSide.text} is always ${negated ? 'True' : 'False'}; use isna()/np.isnan() to test for missing values`,
          { fix: fixFor(ctx, comparison, other, negated) },
        );
      }
    },
  },
});
