import { defineRule } from '../engine/rule';
import { sameNode } from '../engine/python/flow';
import { Call, dottedName, groupByScope, isInside, Node, PythonModule, scopeOf } from '../engine/python/module';
import { ownCalls } from '../engine/python/structure';
import { attributesNamed } from '../engine/python/syntax';
import { PRODUCTION } from '../engine/roles';

/** A function is glue when it moves data between libraries at least this many times... */
export const MIN_CONVERSIONS = 4;
/** ...and those moves are more than this share of its operations. */
export const MIN_SHARE = 0.5;

const CONVERTING_METHODS = new Set(['to_numpy', 'tolist', 'to_list', 'numpy', 'cpu', 'to_pandas', 'to_arrow', 'to_records', 'to_dict']);
const CONVERTING_FUNCTIONS = new Set([
  'numpy.array', 'numpy.asarray', 'numpy.asanyarray', 'numpy.ascontiguousarray',
  'torch.tensor', 'torch.as_tensor', 'torch.from_numpy', 'torch.Tensor', 'torch.FloatTensor', 'torch.LongTensor',
  'pandas.DataFrame', 'pandas.Series', 'pandas.DataFrame.from_records', 'pandas.DataFrame.from_dict',
  'tensorflow.convert_to_tensor', 'tensorflow.constant', 'jax.numpy.array', 'jax.numpy.asarray',
  'polars.from_pandas', 'polars.DataFrame', 'pyarrow.Table.from_pandas', 'xgboost.DMatrix', 'lightgbm.Dataset',
]);

/** What a conversion converts: the receiver of `x.to_numpy()`, the first argument of `np.asarray(x)`;
 *  undefined when the node is no conversion. `.values` read as an attribute (not `dict.values()`) converts its object. */
function convertedBy(module: PythonModule, node: Node): Node | undefined {
  if (node.type === 'attribute') {
    return node.childForFieldName('attribute')?.text === 'values' && node.parent?.type !== 'call' ? (node.childForFieldName('object') ?? undefined) : undefined;
  }
  if (node.type !== 'call') return undefined;
  const call: Call = module.describeCall(node);
  const converting = call.imported && CONVERTING_FUNCTIONS.has(call.qualified);
  const method = call.receiver && CONVERTING_METHODS.has(call.method) ? call.receiver : undefined;
  if (!converting && !method) return undefined;
  // `np.asarray(x)` is a function of an imported module; `np.asarray(x).tolist()` a method of its result.
  if (call.imported && dottedName(node.childForFieldName('function')) !== undefined) return converting ? (call.positional[0] ?? node) : undefined;
  return method;
}

/** Whether a conversion's result goes straight into another conversion (`x.cpu().numpy()`,
 *  `np.asarray(v.tolist())`): a chain moves the data once and counts once. */
function feedsConversion(module: PythonModule, node: Node): boolean {
  let consumer = node.parent;
  if (consumer?.type === 'attribute') consumer = consumer.parent ?? null;
  else if (consumer?.type === 'argument_list') consumer = consumer.parent ?? null;
  if (!consumer) return false;
  const input = convertedBy(module, consumer);
  return input !== undefined && sameNode(input, node);
}

/** Names of functions whose job is converting: \`to_tensor\`, \`as_frame\`, \`from_records\`,
 *  \`frame_to_array\`, \`_convert_batch\`, \`collate_fn\`, \`df2tensor\`. */
const CONVERTER_NAME = /^_*(to|as|from)_|_to_|(^|_)(convert|conversion|collate|adapt|tensorize|numpify)|2(np|numpy|tensor|torch|df|pandas|frame|array|list)$/i;
/** Protocol methods through which a dataset or batch iterator hands data to a consumer. */
const DATA_PROTOCOL = new Set(['__getitem__', '__iter__', '__next__', '__array__', '__dataframe__']);

/** A function whose purpose is the conversion: a converter named for it, a dataset's or iterator's
 *  protocol method, or a generator that yields batches. It is the one adapter at the boundary that
 *  the fix asks for, not glue spread through the code. */
function convertsByPurpose(fn: Node, generators: Set<number>): boolean {
  const name = fn.childForFieldName('name')?.text ?? '';
  return CONVERTER_NAME.test(name) || DATA_PROTOCOL.has(name) || generators.has(fn.id);
}

const SIMPLE_STATEMENTS = ['expression_statement', 'return_statement'];

/** Whether most of a function's own statements convert something: a function that computes
 *  features or fits a vectorizer between a few conversions does real work, whatever its calls. */
function mostStatementsConvert(fn: Node, conversions: Node[]): boolean {
  const statements = fn.descendantsOfType(SIMPLE_STATEMENTS).filter((s): s is Node => s !== null && sameNode(scopeOf(s), fn));
  const converting = statements.filter((s) => conversions.some((c) => isInside(c, s)));
  return converting.length > MIN_SHARE * statements.length;
}

export default defineRule({
  code: 'MLH503',
  name: 'glue-code',
  summary: 'A function that mostly converts data between libraries',
  practices: ['P8'],
  references: ['Sculley et al. 2015: glue code', 'ML Hygiene practice P8 (design for ML)'],
  severity: 'information',
  optIn: true,
  roles: PRODUCTION,
  docs: `## What it finds
Functions whose work is mostly moving data from one library's types to another's:
\`to_numpy()\`, \`tolist()\`, \`.values\`, \`.numpy()\`, \`.cpu()\`, \`np.array\` / \`np.asarray\`,
\`torch.tensor\` / \`torch.from_numpy\`, \`pd.DataFrame\` / \`pd.Series\`, \`tf.convert_to_tensor\`,
\`xgb.DMatrix\` and the like. A function is reported when it makes at least ${MIN_CONVERSIONS}
such conversions and they are more than ${MIN_SHARE * 100}% of its operations (calls and
\`.values\` reads). A chain that converts one value several times (\`x.detach().cpu().numpy()\`,
\`np.asarray(v.tolist())\`) moves the data once and counts once; nested functions are counted on
their own. Most of the function's statements must convert something, too: a function that builds
features or fits a vectorizer between a few conversions does real work.

Functions whose purpose is the conversion are left alone, since they are the one adapter at the
boundary that the fix asks for: converters named for it (\`to_tensor\`, \`as_frame\`,
\`from_records\`, \`frame_to_array\`, \`_convert_batch\`, \`collate_fn\`), a dataset's or
iterator's \`__getitem__\` / \`__iter__\` / \`__next__\`, and generators that yield batches.

The rule counts calls, not intent, and cannot tell an adapter with an unhelpful name from glue
spread through the code; it stays an information for that reason.

Runs on pipeline, serving and library code only: conversions in exploration and course material are there to show the data.

**Opt-in:** not in the default set. On a judged corpus of public ML repositories, 0 of 1 of its findings were worth acting on: functions whose job is the conversion were reported. Select it where it fits (\`extendSelect: [MLH503]\`).

## Why it matters
Sculley et al. found that a mature ML system is often 5% ML code and 95% glue code: code that
exists only to get data in and out of general-purpose packages. Glue freezes the system around
the packages it adapts, costs copies and device transfers at run time, and hides the data's type
and shape from the reader. Each conversion is also a place where dtypes, index alignment or
device placement silently change.

## How to fix
Pick one representation per stage and keep the data in it: use pandas end to end with
scikit-learn's \`set_output(transform="pandas")\`, torch tensors end to end in a training loop, a
\`Dataset\` that yields tensors directly. Wrap the conversions that must remain in one adapter
at the boundary, with the types written down.

## Example
\`\`\`python
# Before
def predict(df):
    x = torch.tensor(np.asarray(df[FEATURES].values.tolist()))
    out = model(x).detach().cpu().numpy()
    return pd.DataFrame(out.tolist(), columns=["p"])

# After: one conversion in, one out
def predict(df: pd.DataFrame) -> pd.Series:
    x = torch.from_numpy(df[FEATURES].to_numpy(dtype="float32"))
    return pd.Series(model(x).detach().cpu().numpy()[:, 0], index=df.index, name="p")
\`\`\`

## References
- Sculley et al., *Hidden Technical Debt in Machine Learning Systems* (2015), section 5: glue code.
- ML Hygiene practice P8 (design for ML).
`,
  check: {
    python(ctx) {
      const { module, facts } = ctx;
      if (facts.isTest) return;
      const valuesReads = attributesNamed(module, 'values').filter((a) => convertedBy(module, a) !== undefined);
      const convertingCalls = module.calls().filter((c) => convertedBy(module, c.node) !== undefined).map((c) => c.node);
      // Conversions counted per function first: only a function with enough of them is looked at
      // closer, and most have none.
      const conversionsIn = groupByScope([...convertingCalls, ...valuesReads], (n) => n);
      // The scopes (the ids of the functions) that yield: generators.
      const generators = new Set(module.nodes('yield').map((y) => scopeOf(y).id));
      for (const fn of module.nodes('function_definition')) {
        const conversions = conversionsIn.get(fn.id) ?? [];
        if (conversions.length < MIN_CONVERSIONS || convertsByPurpose(fn, generators)) continue;
        const moves = conversions.filter((n) => !feedsConversion(module, n)).length;
        const otherCalls = ownCalls(module, fn).length - conversions.filter((n) => n.type === 'call').length;
        const operations = otherCalls + moves;
        if (moves < MIN_CONVERSIONS || moves <= MIN_SHARE * operations) continue;
        if (!mostStatementsConvert(fn, conversions)) continue;
        const name = fn.childForFieldName('name') ?? fn;
        ctx.report(name, `${name.text}() is glue code: ${moves} of its ${operations} operations convert data between libraries; keep one representation per stage and convert once at the boundary`);
      }
    },
  },
});
