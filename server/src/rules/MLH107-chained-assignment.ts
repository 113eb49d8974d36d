import { defineRule } from '../engine/rule';
import { Node } from '../engine/python/module';
import { PandasTypes, pandasTypes, stripIndexer } from '../engine/python/pandas';
import { ALL_BUT_GENERATED } from '../engine/roles';

/** A selection out of a pandas object: `df[a]`, `df.loc[a]`, `df.col`. Writing into it may write into a copy. */
function isSelection(pandas: PandasTypes, node: Node): boolean {
  if (node.type === 'subscript') {
    const value = node.childForFieldName('value');
    return !!value && pandas.isData(stripIndexer(value));
  }
  if (node.type === 'attribute' && stripIndexer(node) === node) return pandas.isData(node) && pandas.isData(node.childForFieldName('object'));
  return false;
}

export default defineRule({
  code: 'MLH107',
  name: 'chained-assignment',
  summary: 'Assignment through chained indexing (df[a][b] = v), which may write into a temporary copy',
  practices: ['P4'],
  references: ['Zhang et al. 2022, C3: Chain Indexing'],
  severity: 'warning',
  roles: ALL_BUT_GENERATED,
  statementLocal: 'reachingByName',
  docs: `## What it finds
Assignments whose target indexes a selection of a pandas object instead of the object itself:
\`df[mask]["label"] = 0\`, \`df.loc[rows]["price"] = p\`, \`df["age"].iloc[0] = 30\`,
\`df.age[df.age < 0] = 0\`. Only objects known to be pandas are checked: nested dicts such as
\`config["model"]["lr"] = 0.1\` are not.

A write into a temporary copy is a bug wherever it is, so every role but generated counts.

## Why it matters
The first indexing step may return a copy; the assignment then changes the copy and the
DataFrame stays as it was. pandas warns (\`SettingWithCopyWarning\`) only sometimes, and with
copy-on-write (the default from pandas 3.0) such an assignment never changes the original. The
data you train on silently differs from the data you think you cleaned (practice P4).

## How to fix
Index once, with both the rows and the column: \`df.loc[mask, "label"] = 0\`. When you really
want a separate object, take it explicitly with \`.copy()\` and assign to that.

## Example
\`\`\`python
# Before: may change a temporary copy only
df[df["income"] < 0]["income"] = 0

# After
df.loc[df["income"] < 0, "income"] = 0
\`\`\`

## References
- Zhang, Cruz, van Deursen: *Code Smells for Machine Learning Applications* (2022), smell C3
  "Chain Indexing".
- pandas documentation: [Copy-on-Write](https://pandas.pydata.org/docs/user_guide/copy_on_write.html)
  and "Returning a view versus a copy" in the indexing guide.
`,
  check: {
    python(ctx) {
      // Nothing is known to be pandas in a module that imports none of it.
      if (!ctx.module.importsPackage('pandas')) return;
      const pandas = pandasTypes(ctx.module);
      const targets = [...ctx.module.nodes('assignment'), ...ctx.module.nodes('augmented_assignment')]
        // The target is an assignment's first part: its list of parts, already known, says which
        // assignments need their target asked for.
        .filter((a) => a.namedChildren[0]?.type === 'subscript')
        .map((a) => a.childForFieldName('left'))
        .filter((t): t is Node => t?.type === 'subscript');
      for (const target of targets) {
        const value = target.childForFieldName('value');
        const indexed = value && stripIndexer(value);
        if (!indexed || !isSelection(pandas, indexed)) continue;
        ctx.report(target, `Chained assignment: ${indexed.text} may be a copy, so this assignment may not change the DataFrame; index once with .loc[rows, column]`);
      }
    },
  },
});
