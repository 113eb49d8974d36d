import { defineRule } from '../engine/rule';
import { Call, Node, PythonModule, stringValue } from '../engine/python/module';
import { usesOf } from '../engine/python/valueUses';
import { Fix } from '../engine/types';
import { PRODUCTION } from '../engine/roles';

const TEXT_READERS = new Set(['pandas.read_csv', 'pandas.read_table']);
/** Keywords that fix which columns are read or what type they get. */
const TYPING_KEYWORDS = ['dtype', 'usecols', 'converters'];

/** The columns the code reads from the frame a call returns, when that is all it does with it: each
 *  use a subscript by string (`df["income"]`, `df[["age", "income"]]`). Columns the code assigns
 *  are its own, not the file's. Undefined when the frame is used any other way (passed on, a
 *  method called), since such code may need any column. */
function columnsRead(module: PythonModule, call: Call): string[] | undefined {
  const uses = usesOf(module, call.node);
  if (uses.length === 0 || uses.some((u) => u.id === call.node.id)) return undefined;
  const read = new Set<string>();
  const written = new Set<string>();
  for (const use of uses) {
    const subscript = use.parent;
    if (subscript?.type !== 'subscript' || subscript.childForFieldName('value')?.id !== use.id) return undefined;
    const key = subscript.childForFieldName('subscript');
    const keys = key?.type === 'list' ? key.namedChildren.map((k) => stringValue(k)) : [stringValue(key)];
    if (keys.length === 0 || keys.some((k) => k === undefined)) return undefined;
    const assigned = subscript.parent?.type === 'assignment' && subscript.parent.childForFieldName('left')?.id === subscript.id;
    for (const k of keys) (assigned ? written : read).add(k!);
  }
  const columns = [...read].filter((c) => !written.has(c));
  return columns.length ? columns : undefined;
}

/** Reads only the columns the code uses: `usecols=[...]` as the call's last argument. */
function usecolsFix(module: PythonModule, call: Call): Fix | undefined {
  const columns = columnsRead(module, call);
  const args = call.node.childForFieldName('arguments');
  const last = args?.namedChildren.filter((c): c is Node => c !== null && c.type !== 'comment').pop();
  if (!columns || !last) return undefined;
  const at = module.range(last).end;
  const list = `[${columns.map((c) => JSON.stringify(c)).join(', ')}]`;
  return { title: `Read only the columns the code uses: usecols=${list}`, edits: [{ range: { start: at, end: at }, newText: `, usecols=${list}` }] };
}

export default defineRule({
  code: 'MLH102',
  name: 'untyped-data-read',
  summary: 'pandas read_csv / read_table without dtype= or usecols=, so column types are guessed',
  practices: ['P4'],
  references: ['Zhang et al. 2022, C4: Columns and DataType Not Explicitly Set'],
  severity: 'information',
  optIn: true,
  fixable: true,
  roles: PRODUCTION,
  docs: `## What it finds
\`pd.read_csv(...)\` and \`pd.read_table(...)\` calls that pass none of \`dtype=\`, \`usecols=\` or
\`converters=\`, so pandas guesses the type of every column and reads every column there is.
Calls that pass \`**options\` are not reported (the options may hold them). Typed formats such as
Parquet are not concerned.

Runs on pipeline, serving and library code only: in exploration and teaching, guessed column types are the point of a first look.

dslinter's column-selection check is content when the frame read is narrowed afterwards
(\`df = df[["a", "b"]]\`); this rule still reports that read, since pandas has already guessed the
type of every column, the selected ones included. Pass \`usecols=\` and \`dtype=\` instead: the
three dslinter cases that select columns after the read are judged not to fit this rule.

**Opt-in:** not in the default set. On a judged corpus of public ML repositories, 3 of 21 of its findings were worth acting on: fixed-schema files and the project's own outputs gain nothing from dtypes. Select it where it fits (\`extendSelect: [MLH102]\`).

## Why it matters
Type inference looks at the values of this particular file: an ID column with leading zeros
becomes an integer, a column that is empty in one extract becomes float, a new column upstream
flows straight into the features. The next file can give different types and a different model,
without any error. Stating the columns and their types documents the data contract the model
relies on (practice P4).

## How to fix
Pass \`usecols=\` with the columns the code needs and \`dtype=\` with their types (keep the mapping
in one place, next to the data dictionary). Use \`parse_dates=\` for dates. Where the code does
nothing with the frame but read columns by name (\`df["income"]\`), the quick fix adds \`usecols=\`
with those columns; the types are yours to state.

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
        ctx.report(reader, `${call.callee}() without dtype= or usecols=: pandas guesses every column's type from this file; state the columns and their types`, {
          fix: usecolsFix(ctx.module, call),
        });
      }
    },
  },
});
