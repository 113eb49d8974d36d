import { tensorFiles } from '../engine/projectQueries';
import { defineRule } from '../engine/rule';
import { Node, PythonModule } from '../engine/python/module';
import { loopsAround } from '../engine/python/structure';
import { concatenatedTensors } from '../engine/python/tensors';

/** Whether an occurrence of the growing tensor does not read it: a test whether it exists yet
 *  (`if preds is None:`), or a first value given to it (`preds = batch_preds`). */
function readsNothing(use: Node): boolean {
  const parent = use.parent;
  if (parent?.type === 'assignment') return parent.childForFieldName('left')?.id === use.id;
  return parent?.type === 'comparison_operator' && parent.namedChildren.some((c) => c?.type === 'none');
}

/** Whether a use of the growing tensor is the growth itself: the target of `acc = cat([acc, piece])`
 *  or the `acc` in its list. */
function isGrowth(module: PythonModule, use: Node, growths: Node[]): boolean {
  return growths.some((g) => {
    const right = g.childForFieldName('right');
    const pieces = right && concatenatedTensors(module.describeCall(right));
    return g.childForFieldName('left')?.id === use.id || (!!pieces && use.parent?.id === pieces.id);
  });
}

export default defineRule({
  code: 'MLH216',
  name: 'tensor-grown-in-loop',
  summary: 'A tensor grows by concatenation in every iteration of a loop',
  practices: ['P5'],
  references: ['Zhang et al. 2022, C17: TensorArray Not Used'],
  severity: 'information',
  optIn: true,
  roles: ['exploration', 'teaching', 'pipeline', 'serving', 'library'],
  applies: (project) => tensorFiles(project).length > 0,
  docs: `## What it finds
A \`for\` or \`while\` loop that grows a tensor by concatenating to it in each iteration,
\`acc = tf.concat([acc, piece], 0)\` or \`preds = torch.cat([preds, batch_preds])\`, where the
loop reads the growing tensor for nothing else (a test whether it is still \`None\` aside). A loop
that uses the whole tensor in each iteration, such as autoregressive generation feeding the
sequence so far back into the model, needs it whole and is not reported.
Scripts, notebooks and library code are checked; tests and tooling are left out.

**Opt-in:** not in the default set. On a judged corpus of public ML repositories, 4 of its 6
findings were worth acting on; the other two grew a tensor over a few steps (a forecast horizon,
the images of one batch), where the copies cost nothing beside the model run in each step. Select
it where loops gather results over whole data sets (\`extendSelect: [MLH216]\`).

## Why it matters
A tensor has a fixed size: each concatenation allocates a new one and copies everything gathered
so far, so the loop does quadratic work and memory traffic, which grows from unnoticed to the
slowest part of an evaluation as the data grows. Inside \`tf.function\` (graph mode) a loop
variable whose shape changes in each iteration fails to trace without \`shape_invariants\`;
\`tf.TensorArray\` is the structure TensorFlow provides for this.

## How to fix
Collect the pieces in a Python list and concatenate once after the loop
(\`torch.cat(pieces)\`, \`tf.concat(pieces, 0)\`); inside \`tf.function\`, write them to a
\`tf.TensorArray\` and \`stack()\` or \`concat()\` it at the end.

## Example
\`\`\`python
# Before: every batch copies all earlier predictions
preds = torch.empty(0)
for x, _ in loader:
    preds = torch.cat([preds, model(x).argmax(1)])

# After
batches = [model(x).argmax(1) for x, _ in loader]
preds = torch.cat(batches)
\`\`\`

## References
- Zhang, Cruz, van Deursen: *Code Smells for Machine Learning Applications* (2022), smell C17
  "TensorArray Not Used".
- TensorFlow documentation: [tf.TensorArray](https://www.tensorflow.org/api_docs/python/tf/TensorArray).
- dslinter's \`tensor-array-tensorflow\` check: both of its test cases are matched.
`,
  check: {
    python(ctx) {
      if (ctx.facts.isTest) return;
      const { module } = ctx;
      // Per loop and growing name, the assignments that grow it.
      const growing = new Map<string, { loop: Node; name: string; growths: Node[] }>();
      for (const call of module.calls()) {
        const pieces = concatenatedTensors(call);
        const assignment = call.node.parent;
        const target = assignment?.type === 'assignment' && assignment.childForFieldName('right')?.id === call.node.id ? assignment.childForFieldName('left') : undefined;
        if (!pieces || !target || (target.type !== 'identifier' && target.type !== 'attribute')) continue;
        if (!pieces.namedChildren.some((p) => p?.text === target.text)) continue;
        const loop = loopsAround(call.node)[0];
        if (!loop) continue;
        const key = `${loop.id}:${target.text}`;
        const entry = growing.get(key) ?? { loop, name: target.text, growths: [] };
        entry.growths.push(assignment!);
        growing.set(key, entry);
      }
      for (const { loop, name, growths } of growing.values()) {
        const type = name.includes('.') ? 'attribute' : 'identifier';
        const otherUse = module.withText(type, name).some((use) => use.startIndex >= loop.startIndex && use.endIndex <= loop.endIndex && !isGrowth(module, use, growths) && !readsNothing(use));
        if (otherUse) continue;
        const growth = module.describeCall(growths[0].childForFieldName('right')!);
        const graphMode = growth.qualified.startsWith('tensorflow.') ? ' (a tf.TensorArray inside tf.function)' : '';
        ctx.report(
          growth.node,
          `${name} grows by ${growth.callee} in every iteration: each step copies all that was gathered so far; collect the pieces in a list and concatenate once after the loop${graphMode}`,
        );
      }
    },
  },
});
