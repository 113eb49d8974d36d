import { defineRule, PythonContext } from '../engine/rule';
import { lastValueOf } from '../engine/python/bindings';
import { Node } from '../engine/python/module';
import { isServingCode } from '../engine/python/serving';
import { numberValue } from '../engine/python/values';

const PROBABILITY_FUNCTIONS = new Set(['predict_proba', 'sigmoid', 'softmax', 'expit']);
// Calls that keep a probability a probability: float(p), p.item(), p.max(), np.max(p).
const PASS_THROUGH = new Set(['float', 'item', 'max', 'min', 'numpy', 'tolist', 'squeeze', 'cpu', 'detach', 'flatten', 'ravel']);

/** Whether an expression holds predicted probabilities: `model.predict_proba(x)[:, 1]`,
 *  `torch.sigmoid(logits)`, or a variable assigned from one of them in the same scope. */
function isProbability(ctx: PythonContext, node: Node | null | undefined, depth = 0): boolean {
  if (!node || depth > 4) return false;
  switch (node.type) {
    case 'subscript':
      return isProbability(ctx, node.childForFieldName('value'), depth + 1);
    case 'parenthesized_expression':
      return isProbability(ctx, node.namedChildren[0], depth + 1);
    case 'identifier':
      return isProbability(ctx, lastValueOf(ctx.module, node), depth + 1);
    case 'call': {
      const call = ctx.module.describeCall(node);
      if (PROBABILITY_FUNCTIONS.has(call.method)) return true;
      if (!PASS_THROUGH.has(call.method)) return false;
      return isProbability(ctx, call.receiver ?? call.positional[0], depth + 1);
    }
    default:
      return false;
  }
}

export default defineRule({
  code: 'MLH212',
  name: 'fixed-probability-threshold',
  summary: 'Predicted probabilities compared with a literal threshold in serving code',
  practices: ['P6', 'P9'],
  references: ['Sculley et al. 2015: fixed thresholds in dynamic systems'],
  severity: 'information',
  roles: ['serving'],
  docs: `## What it finds
In serving code (a module that defines request handlers, or lives under \`serve/\`, \`serving/\`,
\`api/\` or \`app/\`), a comparison of predicted probabilities — \`predict_proba(...)\`,
\`sigmoid\`, \`softmax\`, or a variable holding them — with a number written in the code:
\`if proba[0, 1] > 0.5:\`.

Runs on serving code only: that is where a fixed threshold decides for users.

## Why it matters
The decision threshold belongs to the model, not to the code. It was (or should have been)
chosen on validation data for the current model, and it stops being right as soon as the model is
retrained, recalibrated or the data drifts. Hidden Technical Debt in Machine Learning Systems
names fixed thresholds in dynamic systems as a debt: every retraining silently changes precision
and recall in production unless someone remembers to edit the constant.

## How to fix
Store the threshold with the model (in its metadata, model registry entry or configuration),
choose it on validation data when the model is trained, and read it when the model is loaded.

## Example
\`\`\`python
# Before
approve = model.predict_proba(features)[0, 1] >= 0.7

# After: the threshold travels with the model version
bundle = load_model_bundle(settings.model_uri)  # model + metadata chosen at training time
approve = bundle.model.predict_proba(features)[0, 1] >= bundle.metadata["threshold"]
\`\`\`

## References
- Sculley et al., *Hidden Technical Debt in Machine Learning Systems* (NeurIPS 2015), section
  "Dealing with Changes in the External World": fixed thresholds in dynamic systems.
- scikit-learn user guide: [Tuning the decision threshold for class prediction](https://scikit-learn.org/stable/modules/classification_threshold.html).
`,
  check: {
    python(ctx) {
      if (ctx.notebook || !isServingCode(ctx.module, ctx.path)) return;
      for (const comparison of ctx.module.nodes('comparison_operator')) {
        const operators = comparison.childrenForFieldName('operators').map((o) => o?.type ?? '');
        if (!operators.every((o) => ['<', '<=', '>', '>='].includes(o))) continue;
        const operands = comparison.namedChildren.filter((c): c is Node => c !== null && c.type !== 'comment');
        const literal = operands.find((o) => {
          const value = numberValue(o);
          return value !== undefined && value > 0 && value < 1;
        });
        if (!literal || !operands.some((o) => o !== literal && isProbability(ctx, o))) continue;
        ctx.report(comparison, `Predicted probability compared with the fixed threshold ${literal.text}; store the threshold with the model and read it from there`);
      }
    },
  },
});
