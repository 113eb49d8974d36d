import { defineRule } from '../engine/rule';
import { variableRoot } from '../engine/python/flow';
import { Call, Node, PythonModule, scopeOf } from '../engine/python/module';
import { pandasTypes, stripIndexer } from '../engine/python/pandas';
import { callsWithin } from '../engine/python/structure';
import { PRODUCTION } from '../engine/roles';

const ROW_ITERATORS = new Set(['iterrows', 'itertuples']);

/** Assignments to a subscript (`df.at[i, "c"] = v`, `df["c"] = v`) written inside `node`, with their frame. */
interface ColumnWrite {
  frame: string | undefined;
  assignment: Node;
}

function columnWrites(node: Node): ColumnWrite[] {
  return [...node.descendantsOfType('assignment'), ...node.descendantsOfType('augmented_assignment')]
    .filter((a): a is Node => a?.childForFieldName('left')?.type === 'subscript')
    .map((assignment) => ({ frame: variableRoot(assignment.childForFieldName('left')), assignment }));
}

/** Lists filled with `.append` in the loop body. */
function appendedLists(module: PythonModule, body: Node): Set<string> {
  const names = new Set<string>();
  for (const call of callsWithin(module, body)) {
    if (call.method === 'append' && call.receiver?.type === 'identifier') names.add(call.receiver.text);
  }
  return names;
}

/** `df["c"] = values`, `df["c"] = pd.Series(values, ...)`, `df.assign(c=values)` after the loop, in its scope. */
function becomesColumn(module: PythonModule, loop: Node, frame: string, lists: Set<string>, writesIn: (scope: Node) => ColumnWrite[]): boolean {
  const scope = scopeOf(loop);
  const carries = (value: Node | null | undefined): boolean => {
    if (!value) return false;
    if (value.type === 'identifier') return lists.has(value.text);
    return value.type === 'call' && carries(module.describeCall(value).positional[0]);
  };
  const after = (n: Node) => n.startIndex >= loop.endIndex && scopeOf(n).id === scope.id;
  if (writesIn(scope).some(({ frame: f, assignment }) => f === frame && after(assignment) && carries(assignment.childForFieldName('right')))) {
    return true;
  }
  return callsWithin(module, scope).some(
    (c: Call) => c.method === 'assign' && after(c.node) && variableRoot(c.receiver) === frame && [...c.keywords.values()].some(carries),
  );
}

/** The name bound to each row: `row` in `for i, row in df.iterrows()`. */
function rowName(loop: Node): string | undefined {
  const names = loop.childForFieldName('left')?.descendantsOfType('identifier') ?? [];
  return names.length === 2 ? names[1]?.text : undefined;
}

/** `row["col"] = v` in the loop: iterrows yields copies, so the frame never sees the value. A row
 *  that is also used whole (appended, yielded, passed on) is a copy kept on purpose. */
function writeIntoRowCopy(body: Node, row: string): Node | undefined {
  const usedWhole = body
    .descendantsOfType('identifier')
    .some((n) => n?.text === row && n.parent?.type !== 'subscript' && n.parent?.type !== 'attribute');
  return usedWhole ? undefined : columnWrites(body).find((w) => w.frame === row)?.assignment;
}

/** A body that only adds row values into local totals or counters (`total += row["amount"]`),
 *  under conditions or not, or does nothing at all: a reduction over a column, written per row. */
function onlyAccumulates(block: Node): boolean {
  return block.namedChildren.every((statement) => {
    if (!statement) return true;
    switch (statement.type) {
      case 'comment':
      case 'pass_statement':
      case 'continue_statement':
        return true;
      case 'expression_statement': {
        const inner = statement.namedChildren[0];
        return inner?.type === 'augmented_assignment' && inner.childForFieldName('left')?.type === 'identifier';
      }
      case 'if_statement':
      case 'elif_clause':
      case 'else_clause': {
        const consequence = statement.childForFieldName(statement.type === 'else_clause' ? 'body' : 'consequence');
        const branches = statement.namedChildren.filter((c): c is Node => c?.type === 'elif_clause' || c?.type === 'else_clause');
        return !!consequence && onlyAccumulates(consequence) && branches.every(onlyAccumulates);
      }
      default:
        return false;
    }
  });
}

function isRowWise(call: Call): boolean {
  const axis = call.keywords.get('axis');
  return !!axis && (axis.text === '1' || /^["']columns["']$/.test(axis.text));
}

export default defineRule({
  code: 'MLH111',
  name: 'row-iteration',
  summary: 'A column or a total computed row by row (iterrows / itertuples loops, apply(axis=1)) instead of vectorised',
  practices: ['P4'],
  references: ['Zhang et al. 2022, C1: Unnecessary Iteration'],
  severity: 'information',
  roles: PRODUCTION,
  docs: `## What it finds
Columns computed one row at a time:
- a \`for ... in df.iterrows()\` or \`df.itertuples()\` loop that writes into the frame
  (\`df.at[i, "col"] = ...\`, \`df.loc[i, "col"] = ...\`), or appends to a list that becomes a column
  after the loop (\`df["col"] = values\`, \`df.assign(col=values)\`);
- \`df["col"] = df.apply(f, axis=1)\` on a DataFrame;
- a row loop that only adds row values into totals or counters (\`total += row["amount"]\`,
  under conditions or not), or does nothing at all: a sum, a count or a mean over a column;
- a write into the row of an \`iterrows()\` loop (\`row["col"] = v\`): the row is a copy, so the
  frame never sees the value.

Loops over rows that do something else with them (send them to an API, build records for a new
table, log them) are not reported.

Runs on pipeline, serving and library code only, where the loop runs on every batch; in exploration and teaching a row loop over a sample is fast enough.

## Why it matters
Row loops run Python code per row: often a hundred to a thousand times slower than the same
computation on whole columns, which turns feature pipelines into the slowest step of training and
makes serving-time features costly. \`iterrows\` also converts each row to a Series and loses the
column dtypes, so the computed values may not be what the vectorised code would give (practice P4).

## How to fix
Express the computation on columns: arithmetic on Series, \`np.where\` / \`np.select\` for
conditions, \`Series.map\` for lookups, \`pd.cut\` for bins, \`groupby().transform\` for per-group
values. Keep \`apply(axis=1)\` for logic that truly cannot be vectorised, and say why.

## Example
\`\`\`python
# Before
for i, row in orders.iterrows():
    orders.at[i, "total"] = row["price"] * row["quantity"]

# After
orders["total"] = orders["price"] * orders["quantity"]
\`\`\`

## References
- Zhang, Cruz, van Deursen: *Code Smells for Machine Learning Applications* (2022), smell C1
  "Unnecessary Iteration".
- pandas documentation: [Iteration](https://pandas.pydata.org/docs/user_guide/basics.html#iteration)
  ("Iterating through pandas objects is generally slow").
`,
  check: {
    python(ctx) {
      const { module } = ctx;
      const pandas = pandasTypes(module);
      // The column writes of a scope, gathered once however many row loops it has.
      const writesByScope = new Map<number, ColumnWrite[]>();
      const writesIn = (scope: Node) => {
        let writes = writesByScope.get(scope.id);
        if (!writes) writesByScope.set(scope.id, (writes = columnWrites(scope)));
        return writes;
      };
      for (const loop of module.nodes('for_statement')) {
        const iterated = loop.childForFieldName('right');
        const body = loop.childForFieldName('body');
        if (iterated?.type !== 'call' || !body) continue;
        const call = module.describeCall(iterated);
        const frame = variableRoot(call.receiver);
        if (!ROW_ITERATORS.has(call.method) || !frame || module.isImportedName(frame)) continue;
        const row = call.method === 'iterrows' ? rowName(loop) : undefined;
        const lostWrite = row ? writeIntoRowCopy(body, row) : undefined;
        if (lostWrite) {
          ctx.report(lostWrite, `${row} is a copy made by iterrows(): writing into it leaves ${frame} unchanged; compute the column on the whole frame instead`);
          continue;
        }
        if (onlyAccumulates(body)) {
          ctx.report(iterated, `A total or count computed row by row with ${call.method}(): compute it on whole columns (sum, mean, a boolean mask) instead`);
          continue;
        }
        const writesInLoop = columnWrites(body).some((w) => w.frame === frame);
        if (!writesInLoop && !becomesColumn(module, loop, frame, appendedLists(module, body), writesIn)) continue;
        ctx.report(iterated, `Column computed row by row with ${call.method}(): compute it on whole columns (vectorised) instead`);
      }
      for (const call of module.calls()) {
        if (call.method !== 'apply' || !isRowWise(call) || !pandas.isData(call.receiver)) continue;
        const parent = call.node.parent;
        const left = parent?.type === 'assignment' && parent.childForFieldName('right')?.id === call.node.id ? parent.childForFieldName('left') : undefined;
        const frame = left?.type === 'subscript' ? left.childForFieldName('value') : undefined;
        if (!frame || !pandas.isData(stripIndexer(frame))) continue;
        ctx.report(call.node, `Column computed row by row with apply(axis=1): compute it on whole columns (vectorised) instead`);
      }
    },
  },
});
