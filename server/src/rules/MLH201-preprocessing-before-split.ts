import { defineRule } from '../engine/rule';
import { lastValueOf } from '../engine/python/bindings';
import { assignmentsIn, boundNames, callsIn, namesRead, readsAny, sameNode } from '../engine/python/flow';
import { Call, isInside, Node, PythonModule, scopeOf } from '../engine/python/module';
import { constructedClass, constructorOf, DataSplit, FIT_TRANSFORM_FUNCTIONS, isLearningTransformer, sklearnName, splitOf } from '../engine/python/sklearn';
import { ALL_BUT_GENERATED } from '../engine/roles';

/** A transformer learning from data: `scaler.fit(X)`, `PCA().fit_transform(X)`, `scale(X)`. */
interface Fitting {
  call: Call;
  /** What is fitted, as the message names it: `StandardScaler`, `scale()`. */
  transformer: string;
  /** The class to put in a Pipeline instead. */
  step: string;
  /** The variable holding the fitted transformer, when there is one. */
  instance?: string;
  /** The data it learns from. */
  input?: Node;
  /** An oversampler (`SMOTE().fit_resample(X, y)`): it copies or interpolates rows rather than learning statistics. */
  oversamples?: boolean;
}

/** imbalanced-learn's samplers that add rows made from existing ones (copies or interpolations). */
const OVERSAMPLER = /^imblearn\.(over_sampling|combine)\.(SMOTE|SMOTENC|SMOTEN|ADASYN|BorderlineSMOTE|SVMSMOTE|KMeansSMOTE|RandomOverSampler|SMOTETomek|SMOTEENN)$/;

const PIPELINES = new Set(['Pipeline', 'make_pipeline']);

/** `scaler = StandardScaler().fit(X)`: fit returns the transformer, so `scaler` holds it. */
function assignedFit(call: Call): string | undefined {
  const parent = call.node.parent;
  if (call.method !== 'fit' || parent?.type !== 'assignment' || !sameNode(parent.childForFieldName('right'), call.node)) return undefined;
  const left = parent.childForFieldName('left');
  return left?.type === 'identifier' ? left.text : undefined;
}

function fittingOf(module: PythonModule, call: Call): Fitting | undefined {
  const input = call.positional[0] ?? call.keywords.get('X');
  const fn = call.imported ? sklearnName(call.qualified, 'sklearn.preprocessing') : undefined;
  const step = fn && FIT_TRANSFORM_FUNCTIONS.get(fn);
  if (step) return { call, transformer: `${fn}()`, step, input };
  if ((call.method === 'fit_resample' || call.method === 'fit_sample') && call.receiver) {
    const sampler = constructorOf(module, call.receiver.type === 'identifier' ? lastValueOf(module, call.receiver) : call.receiver);
    const qualified = sampler && module.describeCall(sampler).qualified;
    const cls = qualified?.slice(qualified.lastIndexOf('.') + 1);
    const instance = call.receiver.type === 'identifier' ? call.receiver.text : undefined;
    return qualified && OVERSAMPLER.test(qualified) ? { call, transformer: cls!, step: cls!, instance, input, oversamples: true } : undefined;
  }
  if ((call.method !== 'fit' && call.method !== 'fit_transform') || !call.receiver) return undefined;
  const instance = call.receiver.type === 'identifier' ? call.receiver.text : assignedFit(call);
  const constructor = constructorOf(module, call.receiver.type === 'identifier' ? lastValueOf(module, call.receiver) : call.receiver);
  if (!constructor) return undefined;
  const built = module.describeCall(constructor);
  if (!built.imported) return undefined;
  const cls = constructedClass(module, constructor);
  // A pipeline whose fit_transform is called is a chain of transformers.
  const learns = isLearningTransformer(built.qualified) || (call.method === 'fit_transform' && !!cls && PIPELINES.has(cls));
  return learns && cls ? { call, transformer: cls, step: cls, instance, input } : undefined;
}

/** Calls `instance.transform(...)` / `.fit_transform(...)`, or transforms right off the fit (`scaler.fit(X).transform(X)`). */
function appliesTransformer(expression: Node, fitting: Fitting, module: PythonModule): boolean {
  const calls = expression.type === 'call' ? [expression, ...expression.descendantsOfType('call')] : expression.descendantsOfType('call');
  return calls.some((node) => {
    if (!node) return false;
    const call = module.describeCall(node);
    if (call.method !== 'transform' && call.method !== 'fit_transform') return false;
    return sameNode(call.receiver, fitting.call.node) || (!!fitting.instance && call.receiver?.type === 'identifier' && call.receiver.text === fitting.instance);
  });
}

/** Variables holding data the transformer produced: the fit_transform result, later `transform`
 *  results, and what is computed from them. Reads the scope's assignments in order, as far as asked. */
function fittedDataTracker(fitting: Fitting, assignments: Node[], module: PythonModule): (until: Node) => Set<string> {
  const held = new Set<string>();
  let next = 0;
  return (until) => {
    for (; next < assignments.length && assignments[next].startIndex < until.startIndex; next++) {
      const assignment = assignments[next];
      if (assignment.endIndex <= fitting.call.node.startIndex) continue;
      const right = assignment.childForFieldName('right');
      const produced =
        !!right && (isInside(fitting.call.node, right) || readsAny(right, held) || appliesTransformer(right, fitting, module));
      for (const bound of boundNames(assignment.childForFieldName('left'))) {
        if (produced) held.add(bound.name);
        else if (bound.replaces) held.delete(bound.name);
      }
    }
    return held;
  };
}

/** After a split of the raw input, the instance fitted on all of it is applied (and not refitted first). */
function rawInputTransformedAfter(fitting: Fitting, split: Call, scopeCalls: Call[]): boolean {
  if (!fitting.instance) return false;
  const next = scopeCalls.find(
    (c) =>
      c.node.startIndex > split.node.endIndex &&
      c.receiver?.type === 'identifier' &&
      c.receiver.text === fitting.instance &&
      ['fit', 'fit_transform', 'transform'].includes(c.method),
  );
  return next?.method === 'transform';
}

/** What leakingSplit needs of a scope, computed once per scope rather than once per fit. */
interface ScopeFlow {
  assignments: Node[];
  calls: Call[];
  /** Each split with the names its data reads. */
  splits: { call: Call; split: DataSplit; reads: Set<string> }[];
}

function scopeFlow(module: PythonModule, scope: Node): ScopeFlow {
  const calls = callsIn(scope).map((n) => module.describeCall(n));
  const splits = calls.flatMap((call) => {
    const split = splitOf(module, call);
    return split ? [{ call, split, reads: new Set(split.data.flatMap((d) => [...namesRead(d)])) }] : [];
  });
  return { assignments: assignmentsIn(scope), calls, splits };
}

function leakingSplit(fitting: Fitting, flow: ScopeFlow, module: PythonModule): { split: Call; how: DataSplit['how'] } | undefined {
  const inputNames = namesRead(fitting.input);
  const readsOneOf = (reads: Set<string>, names: Set<string>) => [...names].some((name) => reads.has(name));
  // The scope's state just before each split, read once as the splits follow each other.
  const fittedDataBefore = fittedDataTracker(fitting, flow.assignments, module);
  for (const { call, split, reads } of flow.splits) {
    if (call.node.startIndex < fitting.call.node.endIndex) continue;
    const held = fittedDataBefore(call.node);
    if (readsOneOf(reads, held)) return { split: call, how: split.how };
    if (readsOneOf(reads, inputNames) && rawInputTransformedAfter(fitting, call, flow.calls)) {
      return { split: call, how: split.how };
    }
  }
  return undefined;
}

export default defineRule({
  code: 'MLH201',
  name: 'preprocessing-before-split',
  summary: 'A scaler, encoder, imputer, feature selector or oversampler fitted on data that is split into train and test afterwards (data leakage)',
  practices: ['P5'],
  references: ['Zhang et al. 2022, C21: data leakage'],
  severity: 'warning',
  roles: ALL_BUT_GENERATED,
  docs: `## What it finds
A transformer that learns from data (a scaler, encoder, imputer, feature selector, PCA, a TF-IDF
vectorizer, a column transformer) fitted with \`fit\` or \`fit_transform\` on a dataset that the same
function (or script) splits into training and test parts afterwards: with \`train_test_split\`, a
cross-validator's \`split\` (\`KFold\`, \`StratifiedKFold\`, ...), \`cross_val_score\` and friends, or a
hyperparameter search's \`fit\`. Simple assignments are followed, so
\`X_scaled = scaler.fit_transform(X)\` then \`train_test_split(X_scaled, y)\` is found, and so is
fitting on \`X\`, splitting \`X\` and then applying the fitted scaler to the parts.

Oversampling before the split is found the same way: \`SMOTE().fit_resample(X, y)\` (or ADASYN,
\`RandomOverSampler\`, the SMOTE variants and combinations of imbalanced-learn) followed by a split of
its output puts copies or interpolations of the same rows on both sides of the split.

Stateless transformers (\`Normalizer\`, \`FunctionTransformer\`, \`PolynomialFeatures\`, ...) and
label encoders of the target are not reported, nor is a fit in one function followed by a split
in another.

Leakage makes every reported score wrong, in a notebook or a lesson as much as in a pipeline, so every role but generated counts.

## Why it matters
The transformer's statistics (means, variances, fill values, selected columns, vocabulary) are
computed on every row, test rows included. The model then gets a glimpse of the test set before it
is evaluated, so the test score is too optimistic and the model looks better than it will be in
production. Honest evaluation is the heart of common-sense ML (practice P5).

## How to fix
Split first, then fit the transformer on the training part only and apply it to the test part.
Better, put the transformer and the model in one \`Pipeline\`: \`fit\`, \`cross_val_score\` and
\`GridSearchCV\` then refit the preprocessing inside each fold automatically.

## Example
\`\`\`python
# Before: the scaler sees the test rows
scaler = StandardScaler()
X_scaled = scaler.fit_transform(X)
X_train, X_test, y_train, y_test = train_test_split(X_scaled, y, random_state=RANDOM_SEED)

# After: preprocessing is part of the model and is fitted on training data only
X_train, X_test, y_train, y_test = train_test_split(X, y, random_state=RANDOM_SEED)
model = make_pipeline(StandardScaler(), LogisticRegression())
model.fit(X_train, y_train)
print(model.score(X_test, y_test))
\`\`\`

## References
- Zhang, Cruz, van Deursen: *Code Smells for Machine Learning Applications* (2022), smell C21
  "Data Leakage".
- scikit-learn user guide: [Common pitfalls: data leakage](https://scikit-learn.org/stable/common_pitfalls.html#data-leakage).
- Kaufman et al.: *Leakage in Data Mining: Formulation, Detection, and Avoidance* (KDD 2011).
`,
  check: {
    python(ctx) {
      const { module } = ctx;
      const flows = new Map<number, ScopeFlow>();
      for (const call of module.calls()) {
        const fitting = fittingOf(module, call);
        if (!fitting) continue;
        const scope = scopeOf(call.node);
        let flow = flows.get(scope.id);
        if (!flow) flows.set(scope.id, (flow = scopeFlow(module, scope)));
        const leak = leakingSplit(fitting, flow, module);
        if (!leak) continue;
        const what = fitting.instance ? `\`${fitting.instance}\` (${fitting.transformer})` : fitting.transformer;
        const message = fitting.oversamples
          ? `${what} oversamples data that ${leak.how} splits afterwards: copies of the same rows land in both training and test. ` +
            `Split first and oversample the training part only, or put ${fitting.step} in an imblearn Pipeline with the model`
          : `${what} is fitted on data that ${leak.how} splits afterwards: statistics of the test rows leak into training. ` +
            `Split first and fit on the training part only, or put ${fitting.step} in a Pipeline with the model`;
        ctx.report(
          call.node,
          message,
          {
            // In a notebook the split may sit in another cell, which a related location cannot name.
            related: ctx.notebook ? undefined : [{ path: ctx.path, range: module.range(leak.split.node), message: 'the data is split here' }],
          },
        );
      }
    },
  },
});
