import { defineRule } from '../engine/rule';
import { PRODUCTION } from '../engine/roles';

const TEXT_READERS = new Set(['pandas.read_csv', 'pandas.read_table']);
/** Keywords that fix which columns are read or what type they get. */
const TYPING_KEYWORDS = ['dtype', 'usecols', 'converters'];

export default defineRule({
  code: 'MLH102',
  name: 'untyped-data-read',
  summary: 'pandas read_csv / read_table without dtype= or usecols=, so column types are guessed',
  practices: ['P4'],
  references: ['Zhang et al. 2022, C4: Columns and DataType Not Explicitly Set'],
  severity: 'information',
  optIn: true,
  roles: PRODUCTION,
  docs: `## What it finds
\`pd.read_csv(...)\` and \`pd.read_table(...)\` calls that pass none of \`dtype=\`, \`usecols=\` or
\`converters=\`, so pandas guesses the type of every column and reads every column there is.
Calls that pass \`**options\` are not reported (the options may hold them). Typed formats such as
Parquet are not concerned.

Runs on pipeline, serving and library code only: in exploration and teaching, guessed column types are the point of a first look.

**Opt-in:** not in the default set. On a judged corpus of public ML repositories, 3 of 21 of its findings were worth acting on: fixed-schema files and the project's own outputs gain nothing from dtypes. Select it where it fits (\`extendSelect: [MLH102]\`).

## Why it matters
Type inference looks at the values of this particular file: an ID column with leading zeros
becomes an integer, a column that is empty in one extract becomes float, a new column upstream
flows straight into the features. The next file can give different types and a different model,
without any error. Stating the columns and their types documents the data contract the model
relies on (practice P4).

## How to fix
Pass \`usecols=\` with the columns the code needs and \`dtype=\` with their types (keep the mapping
in one place, next to the data dictionary). Use \`parse_dates=\` for dates.

## Example
\`\`\`python
# Before
customers = pd.read_csv("data/raw/customers.csv")

# After
CUSTOMER_DTYPES = {"customer_id": "string", "plan": "category", "monthly_charges": "float64"}
customers = pd.read_csv("data/raw/customers.csv", usecols=list(CUSTOMER_DTYPES), dtype=CUSTOMER_DTYPES)
\`\`\`

## References
- Zhang, Cruz, van Deursen: *Code Smells for Machine Learning Applications* (2022), smell C4
  "Columns and DataType Not Explicitly Set".
- pandas documentation: [read_csv](https://pandas.pydata.org/docs/reference/api/pandas.read_csv.html),
  parameters \`dtype\` and \`usecols\`.
`,
  check: {
    python(ctx) {
      for (const call of ctx.module.calls()) {
        if (!call.imported || !TEXT_READERS.has(call.qualified) || call.hasSplat) continue;
        if (TYPING_KEYWORDS.some((k) => call.keywords.has(k))) continue;
        const reader = call.node.childForFieldName('function')!;
        ctx.report(reader, `${call.callee}() without dtype= or usecols=: pandas guesses every column's type from this file; state the columns and their types`);
      }
    },
  },
});
