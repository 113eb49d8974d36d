import { tensorFiles } from '../engine/projectQueries';
import { defineRule } from '../engine/rule';
import { Node, PythonModule } from '../engine/python/module';
import { lastName } from '../engine/python/structure';
import { usesTensorflow } from '../engine/python/tensorflow';
import { usesTorch } from '../engine/python/torch';
import { isKeptAwayFromZero, isProbabilityOutput, isResultClipped, isSummedProductFactor, loggedValue } from '../engine/python/tensors';

const MASK = /(^|_)mask(s)?$/i;

/** Why the logged value can be exactly zero, when the code tells; undefined when it does not. */
function zeroBecause(module: PythonModule, log: Node, value: Node): string | undefined {
  if ((value.type === 'identifier' || value.type === 'attribute') && MASK.test(lastName(value.text))) {
    return 'is -inf wherever the mask is 0';
  }
  if (isProbabilityOutput(module, value)) return 'is -inf wherever a softmax or sigmoid probability underflows to 0: use log_softmax / logsigmoid, or clip';
  if (isSummedProductFactor(module, log) && value.type !== 'integer' && value.type !== 'float') {
    return 'in a hand-written cross-entropy or entropy is -inf wherever a probability is 0, and the loss and its gradients become NaN';
  }
  return undefined;
}

export default defineRule({
  code: 'MLH215',
  name: 'unmasked-log',
  summary: 'A tensor logarithm of a value that can be zero, with no clipping or epsilon',
  practices: ['P5'],
  references: ['Zhang et al. 2022, C15: Missing the Mask of Invalid Value'],
  severity: 'warning',
  optIn: true,
  roles: ['exploration', 'teaching', 'pipeline', 'serving', 'library'],
  applies: (project) => tensorFiles(project).length > 0,
  docs: `## What it finds
A logarithm of a PyTorch or TensorFlow tensor (\`torch.log\`, \`x.log()\`, \`tf.math.log\`, TF1's
\`tf.log\`, Keras' \`K.log\` / \`keras.ops.log\`) whose argument can be exactly zero, and that
nothing keeps away from zero:
- a mask (\`action_mask\`, \`attention_mask\`): its zeros give \`-inf\`;
- the output of a softmax or sigmoid, directly or through a variable (\`1 - sigmoid(z)\` too):
  probabilities underflow to 0 in float32;
- the \`log(p)\` of a cross-entropy or entropy written by hand, a factor of a product that is
  summed or averaged: \`-tf.reduce_sum(y * tf.log(p))\`, \`(target * torch.log(pred)).sum()\`.

The argument counts as kept away from zero when it is clipped (\`clip\`, \`clamp\`,
\`clip_by_value\`, \`maximum\`, \`where\`), has a positive constant or an epsilon added
(\`p + 1e-8\`, \`p + eps\`, \`p + K.epsilon()\`), is a product or quotient of such values (the
\`y_true / y_pred\` of a KL divergence), or is a variable last assigned such a value; a
result clipped afterwards (\`torch.clamp(torch.log(mask), min=FLOAT_MIN)\`) counts too. Other
logarithms (of a scale, a variance, a count) are not reported: nothing says they can be zero.
Scripts, notebooks and library code are checked; tests and tooling are left out.

dslinter's \`missing-mask\` checks also report \`torch.log(action_mask + 1e-9)\` and
\`tf.log(y_conv + 1e-9)\`; this rule does not, on purpose: adding a small epsilon is the usual
way to keep a logarithm finite (Keras' own losses add \`K.epsilon()\`), so those findings would
ask for a fix that is already there.

**Opt-in:** not in the default set yet. Its only finding on a judged corpus of public ML
repositories (0 of 1 worth acting on) was a textbook cell that takes the log of the softmax of
three fixed logits to show what \`CrossEntropyLoss\` does for you. Select it for training code
with hand-written losses (\`extendSelect: [MLH215]\`).

## Why it matters
The logarithm of zero is \`-inf\`, and in a loss \`0 * -inf\` is NaN: a single NaN spreads through the
gradients into every weight: training does not fail, it silently produces a model of NaNs, often
only after many epochs, when some probability finally underflows. Computing \`log(softmax(x))\` in
two steps also loses precision that \`log_softmax\` keeps. Common-sense training code (practice
P5) keeps its losses finite.

## How to fix
Use the library's fused, stable function where there is one: \`F.log_softmax\`,
\`F.logsigmoid\`, \`F.cross_entropy\` / \`F.binary_cross_entropy_with_logits\`,
\`tf.nn.softmax_cross_entropy_with_logits\`, \`tf.keras.losses.CategoricalCrossentropy(from_logits=True)\`.
Otherwise clip the argument: \`torch.log(p.clamp(min=1e-8))\`, \`tf.math.log(tf.clip_by_value(p, 1e-7, 1.0))\`.
For masks, use \`masked_fill\` / \`tf.where\` with a large negative number instead of a logarithm.

## Example
\`\`\`python
# Before: NaN loss as soon as one predicted probability is 0
probs = torch.softmax(logits, dim=-1)
loss = -(targets * torch.log(probs)).sum(dim=-1).mean()

# After
loss = -(targets * torch.log_softmax(logits, dim=-1)).sum(dim=-1).mean()
\`\`\`

## References
- Zhang, Cruz, van Deursen: *Code Smells for Machine Learning Applications* (2022), smell C15
  "Missing the Mask of Invalid Value".
- PyTorch documentation: [torch.nn.functional.log_softmax](https://pytorch.org/docs/stable/generated/torch.nn.functional.log_softmax.html).
- TensorFlow documentation: [tf.clip_by_value](https://www.tensorflow.org/api_docs/python/tf/clip_by_value).
`,
  check: {
    python(ctx) {
      const { module } = ctx;
      if (ctx.facts.isTest || (!usesTorch(module) && !usesTensorflow(module))) return;
      for (const call of module.calls()) {
        const value = loggedValue(call);
        if (!value || isKeptAwayFromZero(module, value) || isResultClipped(module, call.node)) continue;
        const because = zeroBecause(module, call.node, value);
        const shown = call.node.text.length <= 60 && !call.node.text.includes('\n') ? call.node.text : `${call.callee}(...)`;
        if (because) ctx.report(call.node, `${shown} ${because}`);
      }
    },
  },
});
