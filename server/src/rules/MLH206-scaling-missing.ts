import { defineRule, PythonContext } from '../engine/rule';
import { PRODUCTION } from '../engine/roles';
import { isScaler, scaleSensitiveEstimator } from '../engine/python/estimators';
import { isTabularRead } from '../engine/python/dataio';
import { Node } from '../engine/python/module';
import { numberValue } from '../engine/python/values';

/** `x / x.std()`, `(x - lo) / (x.max() - x.min())`, `pixels / 255.0`: features scaled by hand. */
function scalesByHand(node: Node): boolean {
  if (node.type !== 'binary_operator' || node.child(1)?.type !== '/') return false;
  const divisor = node.childForFieldName('right');
  if (!divisor) return false;
  if (numberValue(divisor) === 255) return true;
  const calls = divisor.type === 'call' ? [divisor] : divisor.descendantsOfType('call');
  return calls.some((c) => {
    const func = c?.childForFieldName('function');
    return func?.type === 'attribute' && ['std', 'max', 'norm'].includes(func.childForFieldName('attribute')?.text ?? '');
  });
}

// Data whose features share one unit: synthetic generators, pixel intensities of images.
const SAME_SCALE_SOURCES = /^(sklearn\.datasets\.(make_\w+|load_digits|load_sample_images?|fetch_olivetti_faces|fetch_lfw_\w+)|(tensorflow\.)?keras\.datasets\.\w+|torchvision\.datasets\.\w+|matplotlib\.(image|pyplot)\.imread|PIL\.Image\.open|cv2\.imread|imageio\.(v3\.)?imread|skimage\.io\.imread)/;

/** Whether the module's data all comes from sources whose features share one unit. */
function sameScaleData(ctx: PythonContext): boolean {
  const calls = ctx.module.calls();
  return calls.some((c) => c.imported && SAME_SCALE_SOURCES.test(c.qualified)) && !calls.some((c) => isTabularRead(ctx.module, c));
}

/** Whether features are scaled in this module or in a project module it imports. */
function scalesFeatures(ctx: PythonContext): boolean {
  if (ctx.module.calls().some((c) => c.imported && isScaler(c.qualified))) return true;
  if (ctx.module.nodes('binary_operator').some(scalesByHand)) return true;
  return ctx.project.importClosure(ctx.path).some((p) => p !== ctx.path && ctx.project.python(p)?.calls.some(isScaler));
}

export default defineRule({
  code: 'MLH206',
  name: 'scaling-missing',
  summary: 'A scale-sensitive estimator is used with no feature scaling in its pipeline or module',
  practices: ['P5'],
  references: ['Zhang et al. 2022, C10: No Scaling before Scaling-sensitive Operation'],
  severity: 'information',
  optIn: true,
  roles: PRODUCTION,
  docs: `## What it finds
Scale-sensitive scikit-learn estimators — SVMs (\`SVC\`, \`SVR\`, \`LinearSVC\`), nearest
neighbours, \`PCA\`, MLPs, \`SGDClassifier\`/\`SGDRegressor\`, \`KMeans\`, and regularized linear
models (\`LogisticRegression\`, \`Ridge\`, \`Lasso\`, \`ElasticNet\`) — in a module where no feature
is scaled: no \`StandardScaler\`, \`MinMaxScaler\`, \`RobustScaler\`, \`Normalizer\`... (alone, in
\`make_pipeline\` or a \`ColumnTransformer\`), no TF-IDF (its rows are normalized), no scaling by
hand (\`x / x.std()\`, \`pixels / 255\`), and none in the project modules it imports. Modules whose
data all share one unit (synthetic \`make_*\` data sets, images) are left alone. The finding sits
on the first such estimator of the module.

Runs on pipeline, serving and library code: exploration notebooks and lessons try models on raw features on purpose, and compare.

**Opt-in:** not in the default set. On a judged corpus of public ML repositories, 0 of 1 of its findings were worth acting on: inputs are often on one scale already. Select it where it fits (\`extendSelect: [MLH206]\`).

## Why it matters
These models compare features through distances, kernels, gradient steps, penalties or
variance. A column measured in dollars (0–100,000) then outweighs one measured in years (0–80)
by orders of magnitude, whatever their predictive value: neighbours are found by income alone,
PCA's first component is the column with the largest unit, the penalty of a regularized model
shrinks coefficients unevenly, and gradient-based solvers converge slowly or not at all.

## How to fix
Put a scaler in front of the estimator inside a pipeline, so that it is fitted on the training
folds only: \`make_pipeline(StandardScaler(), SVC())\`, or a \`ColumnTransformer\` that scales the
numeric columns.

## Example
\`\`\`python
# Before
model = KNeighborsClassifier(n_neighbors=15).fit(X_train, y_train)

# After
model = make_pipeline(StandardScaler(), KNeighborsClassifier(n_neighbors=15)).fit(X_train, y_train)
\`\`\`

## References
- Zhang, Cruz, van Deursen: *Code Smells for Machine Learning Applications* (2022), smell C10
  "No Scaling before Scaling-sensitive Operation".
- scikit-learn user guide: [Importance of feature scaling](https://scikit-learn.org/stable/auto_examples/preprocessing/plot_scaling_importance.html).
`,
  check: {
    python(ctx) {
      if (ctx.facts.isTest) return;
      const sensitive = ctx.module.calls().flatMap((c) => {
        const name = scaleSensitiveEstimator(c);
        return name ? [{ call: c, name }] : [];
      });
      if (sensitive.length === 0 || scalesFeatures(ctx) || sameScaleData(ctx)) return;
      // One finding per module: the missing scaler is one cause, however many estimators it affects.
      const [{ call, name }] = sensitive;
      const more = sensitive.length - 1;
      const others = more > 0 ? ` (like ${more} other estimator${more > 1 ? 's' : ''} here)` : '';
      ctx.report(call.node, `${name} is sensitive to feature scale${others}, and no feature is scaled here; put a scaler in front of it in a pipeline`);
    },
  },
});
