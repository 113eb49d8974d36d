import { tensorFiles } from '../engine/projectQueries';
import { defineRule } from '../engine/rule';
import { Node, PythonModule } from '../engine/python/module';
import { isTensor } from '../engine/python/tensors';

/** `acc += piece` or `acc = acc + piece`: the piece added, when the statement is an accumulation. */
function addedPiece(statement: Node): Node | undefined {
  const expression = statement.type === 'expression_statement' ? statement.namedChildren[0] : undefined;
  if (expression?.type === 'augmented_assignment') return expression.child(1)?.type === '+=' ? (expression.childForFieldName('right') ?? undefined) : undefined;
  if (expression?.type !== 'assignment') return undefined;
  const left = expression.childForFieldName('left');
  const right = expression.childForFieldName('right');
  if (right?.type !== 'binary_operator' || right.child(1)?.type !== '+' || right.childForFieldName('left')?.text !== left?.text) return undefined;
  return right.childForFieldName('right') ?? undefined;
}

/** The tensor a loop adds up element by element: `x` in `for i in range(n): acc += x[i]` and in
 *  `for row in x: acc += row`, when the loop does nothing else. */
function reducedTensor(module: PythonModule, loop: Node): Node | undefined {
  const variable = loop.childForFieldName('left');
  const iterated = loop.childForFieldName('right');
  const statements = loop.childForFieldName('body')?.namedChildren.filter((c): c is Node => c !== null && c.type !== 'comment') ?? [];
  if (variable?.type !== 'identifier' || !iterated || statements.length !== 1 || loop.childForFieldName('alternative')) return undefined;
  const piece = addedPiece(statements[0]);
  if (!piece) return undefined;
  if (piece.type === 'identifier' && piece.text === variable.text) return isTensor(module, iterated) ? iterated : undefined;
  const indexed = piece.type === 'subscript' ? piece.childForFieldName('value') : undefined;
  const index = piece.type === 'subscript' ? piece.childrenForFieldName('subscript') : [];
  const overRange = iterated.type === 'call' && iterated.childForFieldName('function')?.text === 'range';
  if (!indexed || !overRange || index.length !== 1 || index[0]?.text !== variable.text) return undefined;
  return isTensor(module, indexed) ? indexed : undefined;
}

export default defineRule({
  code: 'MLH218',
  name: 'tensor-reduced-in-loop',
  summary: 'A Python loop adds up the rows of a tensor one at a time instead of one vectorised reduction',
  practices: ['P5'],
  references: ['Zhang et al. 2022, C1: Unnecessary Iteration'],
  severity: 'information',
  optIn: true,
  roles: ['exploration', 'teaching', 'pipeline', 'serving', 'library'],
  applies: (project) => tensorFiles(project).length > 0,
  docs: `## What it finds
A \`for\` loop whose only statement adds one row of a PyTorch or TensorFlow tensor to an
accumulator: \`for i in range(n): total += x[i]\` or \`for row in x: total = total + row\`, where
\`x\` was made by torch or TensorFlow (\`tf.random.uniform\`, \`torch.randn\`, \`tf.constant\` ...).
Loops that do anything else in their body are not reported, since they may not be a reduction;
nor are loops over Python numbers or data frames (MLH111 is about row loops over data frames).
Scripts, notebooks and library code are checked; tests and tooling are left out.

**Opt-in:** not in the default set yet: it has no finding on a judged corpus of public ML
repositories, so there is no evidence of its precision. Select it where tensors are processed in
Python loops (\`extendSelect: [MLH218]\`).

## Why it matters
Each iteration of a Python loop over a tensor launches a separate small operation (a kernel on the
GPU) and goes through the interpreter, so the loop runs orders of magnitude slower than one
reduction over the whole tensor, and in TensorFlow graph mode it adds one node per row to the
graph. The vectorised form is also shorter and says what it computes.

## How to fix
Reduce over the axis in one call: \`tf.reduce_sum(x, axis=0)\` in TensorFlow, \`x.sum(dim=0)\` in
PyTorch (slice first, \`x[:n]\`, when the loop covers only part of the rows).

## Example
\`\`\`python
# Before
x = tf.random.uniform([500, 10])
z = tf.zeros([10])
for i in range(500):
    z += x[i]

# After
z = tf.reduce_sum(x, axis=0)
\`\`\`

## References
- Zhang, Cruz, van Deursen: *Code Smells for Machine Learning Applications* (2022), smell C1
  "Unnecessary Iteration".
- TensorFlow documentation: [tf.math.reduce_sum](https://www.tensorflow.org/api_docs/python/tf/math/reduce_sum).
- dslinter's \`unnecessary-iteration-tensorflow\` check: its positive and its three negative test
  cases are matched.
`,
  check: {
    python(ctx) {
      if (ctx.facts.isTest) return;
      const { module } = ctx;
      for (const loop of module.nodes('for_statement')) {
        const tensor = reducedTensor(module, loop);
        if (!tensor) continue;
        const reduction = module.importsPackage('torch') ? `${tensor.text}.sum(dim=0)` : `tf.reduce_sum(${tensor.text}, axis=0)`;
        ctx.report(loop.childForFieldName('body')!.namedChildren.find((c) => c?.type !== 'comment')!, `This loop adds up the rows of the tensor ${tensor.text} one at a time: ${reduction} does it in one vectorised call`);
      }
    },
  },
});
