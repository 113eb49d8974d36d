import { torchFiles } from '../engine/projectQueries';
import { defineRule, PythonContext } from '../engine/rule';
import { Node } from '../engine/python/module';
import { resetsGradients, steppedOptimizer, trainingLoopAround } from '../engine/python/torch';
import { Fix } from '../engine/types';
import { ALL_BUT_GENERATED } from '../engine/roles';

function loopResetsGradients(loop: Node): boolean {
  return loop.descendantsOfType(['call', 'assignment']).some((n) => n !== null && resetsGradients(n));
}

/** Inserts `<optimizer>.zero_grad()` before the first statement of the loop body, at its indentation. */
function insertZeroGrad(ctx: PythonContext, loop: Node, optimizer: Node): Fix | undefined {
  const first = loop.childForFieldName('body')?.namedChildren.find((c): c is Node => c !== null && c.type !== 'comment');
  if (!first) return undefined;
  const { row, column } = first.startPosition;
  const indent = ctx.module.lines.lineText(row).slice(0, column);
  if (/\S/.test(indent)) return undefined; // the body shares the header's line
  const call = `${optimizer.text}.zero_grad()`;
  const at = { line: row, character: column };
  return { title: `Call ${call} at the top of the loop`, edits: [{ range: { start: at, end: at }, newText: `${call}\n${indent}` }] };
}

export default defineRule({
  code: 'MLH207',
  name: 'zero-grad-missing',
  summary: 'A training loop calls backward() and step() but never zero_grad()',
  practices: ['P5'],
  references: ['Zhang et al. 2022, C20: Gradients Not Cleared before Backward Propagation'],
  severity: 'warning',
  fixable: true,
  roles: ALL_BUT_GENERATED,
  applies: (project) => torchFiles(project).length > 0,
  docs: `## What it finds
A loop that runs \`loss.backward()\` and \`optimizer.step()\` but never resets the gradients inside
that loop: no \`optimizer.zero_grad()\`, \`model.zero_grad()\`, \`zero_grad(set_to_none=True)\` or
\`p.grad = None\`. A reset under an \`if\` (gradient accumulation) counts.

Accumulated gradients are a bug wherever the loop is, so every role but generated counts.

## Why it matters
PyTorch adds each new gradient to the one already stored in \`.grad\`. Without a reset, every step
applies the sum of all gradients since the start of training: the effective learning rate grows
with every batch and the model diverges or trains on stale directions. Nothing fails loudly; the
loss curve just looks wrong. Common-sense training code (practice P5) resets once per step.

## How to fix
Call \`optimizer.zero_grad()\` at the start of each iteration (or right after \`optimizer.step()\`).
For gradient accumulation, reset after every \`step()\`. The quick fix inserts the call at the
top of the loop body.

## Example
\`\`\`python
# Before: gradients pile up across batches
for inputs, targets in train_loader:
    loss = criterion(model(inputs), targets)
    loss.backward()
    optimizer.step()

# After
for inputs, targets in train_loader:
    optimizer.zero_grad(set_to_none=True)
    loss = criterion(model(inputs), targets)
    loss.backward()
    optimizer.step()
\`\`\`

## References
- Zhang, Cruz, van Deursen: *Code Smells for Machine Learning Applications* (2022), smell C20
  "Gradients Not Cleared before Backward Propagation".
- PyTorch documentation: [Zeroing out gradients](https://pytorch.org/tutorials/recipes/recipes/zeroing_out_gradients.html).
`,
  check: {
    python(ctx) {
      if (ctx.facts.isTest) return; // tests run a few mock steps on purpose
      const reported = new Set<number>(); // loops, by start offset
      for (const call of ctx.module.calls()) {
        const optimizer = steppedOptimizer(ctx.module, call);
        if (!optimizer) continue;
        const loop = trainingLoopAround(ctx.module, call.node);
        if (!loop || reported.has(loop.startIndex) || loopResetsGradients(loop)) continue;
        reported.add(loop.startIndex);
        ctx.report(
          call.node,
          `${call.node.text} runs in a loop that calls backward() but never zero_grad(): gradients accumulate across iterations`,
          { fix: insertZeroGrad(ctx, loop, optimizer) },
        );
      }
    },
  },
});
