import { defineRule } from '../engine/rule';
import { Call } from '../engine/python/module';
import { pandasTypes } from '../engine/python/pandas';
import { PRODUCTION } from '../engine/roles';

const MERGE_FUNCTIONS = new Set(['pandas.merge']);

/** How the join keys are given: `on=`, `left_on=` with `right_on=`, or the indexes. */
function hasKeys(call: Call): boolean {
  const k = call.keywords;
  return k.has('on') || (k.has('left_on') && k.has('right_on')) || k.has('left_index') || k.has('right_index');
}

export default defineRule({
  code: 'MLH103',
  name: 'merge-without-validate',
  summary: 'DataFrame merge without how= and on= (or validate=)',
  practices: ['P4'],
  references: ['Zhang et al. 2022, C6: Merge API Parameter Not Explicitly Set'],
  severity: 'information',
  optIn: true,
  roles: PRODUCTION,
  docs: `## What it finds
\`pd.merge(left, right)\` and \`left.merge(right)\` calls on pandas DataFrames that leave out
\`how=\` or the join keys (\`on=\`, \`left_on=\`/\`right_on=\`, \`left_index=\`/\`right_index=\`) and do
not pass \`validate=\` either. A merge with \`validate=\` states its expectation and is not
reported. \`.merge\` of objects not known to be DataFrames is not looked at.

Runs on pipeline, serving and library code only, where a silent many-to-many join corrupts every later run; exploration shows the result of a merge at once.

**Opt-in:** not in the default set. On a judged corpus of public ML repositories, 1 of 6 of its findings were worth acting on: joins whose keys are unique by construction were reported. Select it where it fits (\`extendSelect: [MLH103]\`).

## Why it matters
Without \`on=\`, pandas joins on every column the two frames happen to share, so a column added
upstream changes the join. Without \`how=\`, the inner join silently drops unmatched rows. And a key
that is not unique where it should be multiplies rows: the training set grows duplicated examples
without any error. Stating the keys, the join type and the expected cardinality turns those
silent changes into visible ones (practice P4).

## How to fix
Pass \`on=\` (or \`left_on=\`/\`right_on=\`), \`how=\` and \`validate=\` (\`"one_to_one"\`,
\`"many_to_one"\`, ...). \`indicator=True\` helps to count unmatched rows.

## Example
\`\`\`python
# Before
features = orders.merge(customers)

# After
features = orders.merge(customers, on="customer_id", how="left", validate="many_to_one")
\`\`\`

## References
- Zhang, Cruz, van Deursen: *Code Smells for Machine Learning Applications* (2022), smell C6
  "Merge API Parameter Not Explicitly Set".
- pandas documentation: [DataFrame.merge](https://pandas.pydata.org/docs/reference/api/pandas.DataFrame.merge.html),
  parameter \`validate\`.
`,
  check: {
    python(ctx) {
      const pandas = pandasTypes(ctx.module);
      for (const call of ctx.module.calls()) {
        const isFunction = call.imported && MERGE_FUNCTIONS.has(call.qualified);
        const isMethod = call.method === 'merge' && !!call.receiver && !call.imported && pandas.isData(call.receiver);
        if ((!isFunction && !isMethod) || call.hasSplat || call.keywords.has('validate')) continue;
        const missing = [...(call.keywords.has('how') ? [] : ['how=']), ...(hasKeys(call) ? [] : ['on='])];
        if (missing.length === 0) continue;
        ctx.report(call.node.childForFieldName('function')!, `merge without ${missing.join(' and ')} or validate=: the join keys, join type and cardinality are left to chance`);
      }
    },
  },
});
