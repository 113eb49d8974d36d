import { defineRule } from '../engine/rule';
import { pandasTypes } from '../engine/python/pandas';
import { attributesNamed } from '../engine/python/syntax';
import { PRODUCTION } from '../engine/roles';

export default defineRule({
  code: 'MLH109',
  name: 'dataframe-values',
  summary: 'DataFrame or Series .values, whose return type depends on the data; use .to_numpy()',
  practices: ['P4'],
  references: ['Zhang et al. 2022, C8: Dataframe Conversion API Misused'],
  severity: 'information',
  fixable: true,
  optIn: true,
  roles: PRODUCTION,
  docs: `## What it finds
\`.values\` read on a pandas DataFrame or Series: \`X = train[FEATURES].values\`,
\`y = df.label.values\`. The rule only looks at objects known to be pandas (made by
\`pd.read_*\`, \`pd.DataFrame\`, a selection or method of another pandas object, or a parameter
annotated \`pd.DataFrame\`); \`dict.values()\` and \`.values\` of objects whose type is unknown are
left alone.

Runs on pipeline, serving and library code only: in exploration and teaching, \`.values\` on a frame of known types does no harm.

dslinter also reports \`price.values\` where \`price\` comes from nowhere in the snippet; this rule
reports \`.values\` only on objects known to be pandas, so that arrays and other objects with a
\`values\` attribute stay quiet.

**Opt-in:** not in the default set. On a judged corpus of public ML repositories, 0 of 16 of its findings were worth acting on: on those frames .values and .to_numpy() return the same array. Select it where it fits (\`extendSelect: [MLH109]\`).

## Why it matters
\`.values\` returns a NumPy array for plain columns but an extension array (Categorical,
DatetimeArray, nullable integers) for others, and its behaviour has changed between pandas
versions. The model then receives data of a different type than the one tested. \`.to_numpy()\`
always returns a NumPy array and takes \`dtype=\` and \`na_value=\`, which makes the conversion at
the boundary between the data and the model explicit (practice P4).

## How to fix
Call \`.to_numpy()\` instead (the quick fix does it); pass \`dtype=\` when the model needs a
specific type. Use \`.array\` when you want the pandas extension array.

## Example
\`\`\`python
# Before
X = train[FEATURES].values
y = train["churned"].values

# After
X = train[FEATURES].to_numpy(dtype="float32")
y = train["churned"].to_numpy()
\`\`\`

## References
- Zhang, Cruz, van Deursen: *Code Smells for Machine Learning Applications* (2022), smell C8
  "Dataframe Conversion API Misused".
- pandas documentation: [DataFrame.values](https://pandas.pydata.org/docs/reference/api/pandas.DataFrame.values.html)
  recommends \`DataFrame.to_numpy()\`.
`,
  check: {
    python(ctx) {
      const { module } = ctx;
      const pandas = pandasTypes(module);
      for (const node of attributesNamed(module, 'values')) {
        const name = node.childForFieldName('attribute');
        if (!name) continue;
        // `obj.values()` is a method call (dict, ...), not the pandas property.
        if (node.parent?.type === 'call' && node.parent.childForFieldName('function')?.id === node.id) continue;
        // Assigning to `.values` is not a conversion.
        if (node.parent?.type === 'assignment' && node.parent.childForFieldName('left')?.id === node.id) continue;
        if (!pandas.isData(node.childForFieldName('object'))) continue;
        ctx.report(node, `Use .to_numpy() instead of .values on a pandas object: its return type depends on the column dtypes`, {
          fix: { title: 'Use .to_numpy()', edits: [{ range: module.range(name), newText: 'to_numpy()' }] },
        });
      }
    },
  },
});
