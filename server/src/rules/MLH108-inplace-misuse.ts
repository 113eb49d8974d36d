import { notebookCode } from '../engine/notebook';
import { PythonContext, defineRule } from '../engine/rule';
import { Call, Node, dottedName } from '../engine/python/module';
import { pandasTypes } from '../engine/python/pandas';
import { ALL_BUT_GENERATED } from '../engine/roles';

/** pandas methods that take `inplace=` and then return None. */
const INPLACE_METHODS = new Set([
  'bfill', 'clip', 'drop', 'drop_duplicates', 'dropna', 'eval', 'ffill', 'fillna', 'interpolate', 'mask', 'query',
  'rename', 'rename_axis', 'replace', 'reset_index', 'set_index', 'sort_index', 'sort_values', 'where',
]);

/** pandas methods that return a transformed copy and leave the receiver unchanged unless inplace=True.
 *  Not apply / map / pipe / transform, whose function may be called for its side effects, nor
 *  head / describe / info, which are looked at rather than kept. */
const RETURNS_NEW = new Set([
  ...INPLACE_METHODS,
  'abs', 'add_prefix', 'add_suffix', 'append', 'assign', 'astype', 'combine_first', 'convert_dtypes', 'cummax', 'cummin',
  'cumprod', 'cumsum', 'diff', 'explode', 'infer_objects', 'melt', 'merge', 'pct_change', 'pivot', 'pivot_table', 'rank',
  'reindex', 'round', 'set_axis', 'shift', 'stack', 'transpose', 'unstack',
]);

/** NumPy functions that return a new array and change none of their arguments (unless given out=). */
const NUMPY_RETURNS_NEW = new Set([
  'abs', 'absolute', 'append', 'around', 'clip', 'concatenate', 'cos', 'cumsum', 'delete', 'exp', 'expand_dims', 'flip',
  'hstack', 'insert', 'log', 'log1p', 'maximum', 'minimum', 'nan_to_num', 'reshape', 'round', 'sin', 'sort', 'sqrt',
  'squeeze', 'stack', 'tanh', 'transpose', 'unique', 'vstack', 'where',
]);

/** In a notebook, a bare expression that ends its cell is displayed: its result is not discarded. */
function endsNotebookCell(ctx: PythonContext, statement: Node): boolean {
  if (!ctx.notebook || statement.parent?.type !== 'module') return false;
  const { lineMap } = notebookCode(ctx.notebook);
  let next = statement.nextNamedSibling;
  while (next?.type === 'comment') next = next.nextNamedSibling;
  return !next || lineMap[next.startPosition.row]?.cell !== lineMap[statement.endPosition.row]?.cell;
}

function isBareStatement(call: Call): boolean {
  // (The index's list of named children: the count would be asked of tree-sitter.)
  return call.node.parent?.type === 'expression_statement' && call.node.parent.namedChildren.length === 1;
}

function isAssignedValue(call: Call): boolean {
  const parent = call.node.parent;
  return parent?.type === 'assignment' && parent.childForFieldName('right')?.id === call.node.id;
}

export default defineRule({
  code: 'MLH108',
  name: 'inplace-misuse',
  summary: 'The result of an inplace=True call is assigned (it is None), or a pandas or NumPy result is discarded',
  practices: ['P4'],
  references: ['Zhang et al. 2022, C7: In-Place APIs Misused'],
  severity: 'error',
  roles: ALL_BUT_GENERATED,
  statementLocal: 'reachingByName',
  docs: `## What it finds
Two ways of losing a pandas result:
- **Error**: the result of a call with \`inplace=True\` is assigned, as in
  \`df = df.dropna(inplace=True)\`. With \`inplace=True\` pandas returns \`None\`, so \`df\` is now
  \`None\`.
- **Warning**: a method that returns a new object (\`dropna\`, \`fillna\`, \`drop\`, \`rename\`,
  \`sort_values\`, \`reset_index\`, \`replace\`, \`astype\`, \`drop_duplicates\`, \`set_index\` ...) is
  called as a bare statement on a DataFrame or Series, without \`inplace=True\`: the cleaned data is
  thrown away and the original is used afterwards. The same for arithmetic and reshaping methods
  (\`abs\`, \`round\`, \`shift\`, \`cumsum\`, \`append\`, \`pivot\`, \`melt\`, \`transpose\` ...). The warning
  needs the receiver to be known as a pandas object; methods that are looked at rather than kept
  (\`head\`, \`describe\`, \`info\`) and those whose function may be called for its effect (\`apply\`,
  \`map\`, \`pipe\`) are left alone.
- **Warning**: a NumPy function that returns a new array (\`np.clip\`, \`np.append\`, \`np.where\`,
  \`np.reshape\`, \`np.sort\`, \`np.sin\` ...) called as a bare statement without \`out=\`: NumPy changes
  none of its arguments, so the statement does nothing.

In a notebook, the last expression of a cell is displayed, so it is not reported.

Three of dslinter's test cases expect no finding where this rule reports one, because dslinter
cannot see them (its tests call them known false negatives): \`df.abs().abs()\` alone on a line,
\`a = df.abs(); df.abs()\` and a discarded call spread over several lines. Each throws a result
away, so each is reported.

A lost result is a bug wherever it is, so every role but generated counts.

## Why it matters
Either way the code that follows works on other data than the author intended: a \`None\` that
fails later, far from the cause, or rows with missing values that were supposed to be dropped.
Data preparation that silently does nothing undermines everything trained on it (practice P4).

## How to fix
Assign the result and do not pass \`inplace\`: \`df = df.dropna()\`. pandas discourages
\`inplace=True\`; it rarely saves memory and it breaks method chaining.

## Example
\`\`\`python
# Before
train = train.drop_duplicates(inplace=True)   # train is None
train.fillna({"age": train["age"].median()})  # result discarded

# After
train = train.drop_duplicates()
train = train.fillna({"age": train["age"].median()})
\`\`\`

## References
- Zhang, Cruz, van Deursen: *Code Smells for Machine Learning Applications* (2022), smell C7
  "In-Place APIs Misused".
- pandas documentation: [DataFrame.dropna](https://pandas.pydata.org/docs/reference/api/pandas.DataFrame.dropna.html)
  ("Returns DataFrame or None").
`,
  check: {
    python(ctx) {
      const { module } = ctx;
      const pandas = pandasTypes(module);
      for (const call of module.calls()) {
        // (The method first: it is a lookup, the qualified name a string made.)
        if (NUMPY_RETURNS_NEW.has(call.method) && call.qualified === `numpy.${call.method}` && !call.keywords.has('out')) {
          if (isBareStatement(call) && !endsNotebookCell(ctx, call.node.parent!)) {
            ctx.report(call.node.childForFieldName('function')!, `The result of ${call.callee}() is discarded: NumPy returns a new array and changes none of its arguments; assign it (or pass out=)`, {
              severity: 'warning',
            });
          }
          continue;
        }
        if (!call.receiver || !RETURNS_NEW.has(call.method)) continue;
        // Only a result that is assigned or left alone as a statement is lost (most calls are neither).
        const holder = call.node.parent?.type;
        if ((holder !== 'assignment' && holder !== 'expression_statement') || call.hasSplat) continue;
        // `pd.eval(...)`, `F.relu(x, inplace=True)`: functions of an imported module, not methods of a frame.
        if (dottedName(call.receiver) !== undefined && module.isImportedName(call.receiver.text)) continue;
        const inplace = call.keywords.get('inplace');
        if (inplace?.type === 'true' && INPLACE_METHODS.has(call.method) && isAssignedValue(call)) {
          const target = call.node.parent?.childForFieldName('left')?.text ?? 'the target';
          ctx.report(call.node, `${call.method}(inplace=True) returns None, so ${target} becomes None; drop inplace=True and keep the assignment`, {
            severity: 'error',
          });
          continue;
        }
        if (!isBareStatement(call) || (inplace && inplace.type !== 'false') || !pandas.isData(call.receiver)) continue;
        if (endsNotebookCell(ctx, call.node.parent!)) continue;
        const name = call.node.childForFieldName('function')!.childForFieldName('attribute')!;
        ctx.report(name, `The result of ${call.method}() is discarded: it returns a new object and leaves ${call.receiver.text} unchanged; assign it`, {
          severity: 'warning',
        });
      }
    },
  },
});
