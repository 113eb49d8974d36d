import { defineRule } from '../engine/rule';
import { isThresholdDependentMetric, usesThresholdIndependentMetric } from '../engine/python/metrics';
import { PRODUCTION } from '../engine/roles';

export default defineRule({
  code: 'MLH204',
  name: 'threshold-dependent-metric-only',
  summary: 'Evaluation uses only accuracy / F1 / precision / recall, no AUC, PR-AUC or log loss',
  practices: ['P5'],
  references: ['Zhang et al. 2022, C22: Threshold-Dependent Validation'],
  severity: 'information',
  optIn: true,
  roles: PRODUCTION,
  docs: `## What it finds
A module (or notebook) that evaluates a classifier only with metrics computed at one decision
threshold — \`accuracy_score\`, \`f1_score\`, \`precision_score\`, \`recall_score\`,
\`classification_report\` (and their torchmetrics, Keras and TensorFlow Addons counterparts,
such as \`tfa.metrics.F1Score\`) — and nowhere with a
threshold-independent one: \`roc_auc_score\`, \`average_precision_score\`, \`log_loss\`,
\`brier_score_loss\`, \`roc_curve\`, \`precision_recall_curve\`, or a scorer such as
\`scoring="roc_auc"\`. The finding sits on the first threshold-dependent metric.

Runs on pipeline, serving and library code only: course material and first explorations often start with accuracy on purpose.

dslinter's TensorFlow cases import \`tensorflow.addons.metrics\` and \`tf.keras.metrics\`, modules
that do not exist (TensorFlow Addons is the \`tensorflow_addons\` package; \`tf\` is an alias), so
this rule, which resolves names through real imports, reports nothing there.

**Opt-in:** not in the default set. On a judged corpus of public ML repositories, 2 of 4 of its findings were worth acting on: threshold metrics often fit the task. Select it where it fits (\`extendSelect: [MLH204]\`).

## Why it matters
Accuracy, F1, precision and recall describe the model at one threshold (0.5 by default), which is
rarely the one production will use, and they hide how well the model ranks cases. Two models with
the same F1 can differ widely in ROC AUC or calibration; on imbalanced data accuracy can look
excellent for a model that never predicts the minority class. Choosing between models on these
numbers alone is choosing on an arbitrary operating point.

## How to fix
Report a threshold-independent metric next to the thresholded ones: ROC AUC or PR AUC (average
precision, better for rare positives) for ranking quality, log loss or the Brier score for the
quality of the probabilities. Then choose the threshold deliberately from the curve.

## Example
\`\`\`python
# Before
print(f1_score(y_test, model.predict(X_test)))

# After
scores = model.predict_proba(X_test)[:, 1]
print("PR AUC", average_precision_score(y_test, scores))
print("F1 at 0.5", f1_score(y_test, scores >= 0.5))
\`\`\`

## References
- Zhang, Cruz, van Deursen: *Code Smells for Machine Learning Applications* (2022), smell C22
  "Threshold-Dependent Validation".
- scikit-learn user guide: [Metrics and scoring](https://scikit-learn.org/stable/modules/model_evaluation.html)
  and [Tuning the decision threshold](https://scikit-learn.org/stable/modules/classification_threshold.html).
`,
  check: {
    python(ctx) {
      if (ctx.facts.isTest) return;
      const first = ctx.module.calls().find(isThresholdDependentMetric);
      if (!first || usesThresholdIndependentMetric(ctx.module)) return;
      ctx.report(
        first.node,
        `Evaluation here uses only threshold-dependent metrics such as ${first.method}; add ROC AUC, average precision or log loss`,
      );
    },
  },
});
