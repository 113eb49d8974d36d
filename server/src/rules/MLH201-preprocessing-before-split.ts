import { defineRule } from '../engine/rule';
import { leakageOf, RowLearning } from '../engine/python/leakage';
import { ALL_BUT_GENERATED } from '../engine/roles';
import { RelatedLocation } from '../engine/types';

/** `cutBefore`: the source is applied after the cut, to its parts (it was computed before it). */
function learnsWhat(source: RowLearning, how: string, cutBefore: boolean): string {
  switch (source.kind) {
    case 'oversampling':
      return (
        `${source.what} oversamples data that ${how} splits afterwards: copies of the same rows land in both training and test. ` +
        `Split first and oversample the training part only, or put ${source.step} in an imblearn Pipeline with the model`
      );
    case 'statistic':
      if (cutBefore) {
        return (
          `${source.what} is computed on all rows before ${how} splits them, and applied to the parts: a statistic of the test rows leaks into training. ` +
          `Compute it on the training part only, or put a ${source.step} in a Pipeline with the model`
        );
      }
      return (
        `${source.what} is computed on all rows and applied to data that ${how} splits afterwards: a statistic of the test rows leaks into training. ` +
        `Split first and compute it on the training part only, or put a ${source.step} in a Pipeline with the model`
      );
    default:
      return (
        `${source.what} is fitted on data that ${how} splits afterwards: statistics of the test rows leak into training. ` +
        `Split first and fit on the training part only, or put ${source.step} in a Pipeline with the model`
      );
  }
}

function learnsFromTestPart(source: RowLearning, how: string): string {
  return source.kind === 'statistic'
    ? `${source.what} is computed on the test part that ${how} made: the test rows are transformed with their own statistic, not the one training used. ` +
        'Compute it on the training part and apply that value to both parts'
    : `${source.what} is fitted again on the test part that ${how} made: the test rows are transformed with their own statistics, not the ones training used. ` +
        `Fit on the training part only and call transform() on the test part`;
}

export default defineRule({
  code: 'MLH201',
  name: 'preprocessing-before-split',
  summary: 'A scaler, encoder, imputer, oversampler or hand-computed statistic fitted on data that is split into train and test afterwards, or on the test part (data leakage)',
  practices: ['P5'],
  references: ['Zhang et al. 2022, C21: data leakage'],
  severity: 'warning',
  roles: ALL_BUT_GENERATED,
  docs: `## What it finds
Something that learns from the rows it is given, applied before the data is cut into training and
test parts, so that the test rows take part in the learning:
- a transformer fitted with \`fit\` or \`fit_transform\`: scikit-learn's scalers, imputers, encoders,
  feature selectors, PCA and the other decompositions, \`TfidfVectorizer\`, \`CountVectorizer\`,
  \`DictVectorizer\`, \`ColumnTransformer\`, a pipeline of transformers; \`DataFrameMapper\`
  (sklearn-pandas), the encoders of category_encoders and feature-engine, UMAP; and a class of the
  same module or notebook with \`fit\` and \`transform\` methods whose \`fit\` keeps something on the
  instance (a transformer written by hand);
- a statistic computed by hand and applied to the data: a fill value (\`df.fillna(df.mean())\`, a
  dict of medians), a standardization or min-max scaling (\`(x - x.mean()) / x.std()\`,
  \`(x - x.min()) / (x.max() - x.min())\`, \`X -= X.mean(axis=0)\`), or computed on all rows before
  the split and applied to the parts after it;
- an oversampler of imbalanced-learn (\`SMOTE().fit_resample(X, y)\`, ADASYN,
  \`RandomOverSampler\`, the SMOTE variants and combinations), which puts copies or interpolations
  of the same rows on both sides of the cut.

The cut is \`train_test_split\`, a cross-validator's \`split\` (\`KFold\`, \`StratifiedKFold\`, ...),
a fold loop that indexes the data with the fold's indices (also in the old form that iterates
\`KFold(len(X), n_folds=5)\` itself), \`cross_val_score\` and friends, or a hyperparameter search's
\`fit\`. So cross-validating a model on data whose preprocessing saw every row
(\`X_s = StandardScaler().fit_transform(X)\` then \`cross_val_score(model, X_s, y)\`) is found too.

The data is followed through assignments in the order the code is written, within a function and
across the module's functions: a helper that fits and returns the transformed data, whose caller
then splits it; a helper that splits or cross-validates what it is given. A notebook's cells are
followed in cell order. The finding is on the fit (or the statistic), with the split and the
helper's call as related places.

It also finds a transformer fitted again on the test part after the cut
(\`X_test = scaler.fit_transform(X_test)\`) and a statistic computed on the test part: the test
rows are then transformed with their own statistics instead of the training ones.

Not reported, on purpose:
- stateless transformers (\`Normalizer\`, \`FunctionTransformer\`, \`PolynomialFeatures\`,
  \`HashingVectorizer\`, \`FeatureHasher\`) and a hand-written transformer whose \`fit\` only
  returns \`self\`: they learn nothing from the rows;
- \`LabelEncoder\`, \`LabelBinarizer\` and \`MultiLabelBinarizer\` fitted on all rows: they are meant
  for the target, whose classes are the task's definition; on a feature they learn only the list of
  category names, and the codes they give carry nothing about the test rows;
- a threshold at a statistic (\`df["label"] = df["price"] > df["price"].median()\`): it defines the
  label, a fixed part of the task, not something the model learns from the test rows;
- statistics of each row (\`axis=1\`) and of each element (\`[standardize(img) for img in images]\`);
- an estimator fitted on preprocessed training data without a \`Pipeline\` and without a later
  cross-validation (dslinter's \`pipeline-not-used\`): when the preprocessing was fitted on the
  training part only, nothing leaks, and a \`Pipeline\` is a convenience there, not a fix.
  dslinter's tests that expect a finding for \`scaler.fit_transform(X_train)\` followed by
  \`model.fit(X_train)\` are therefore not followed; its test that also refits the scaler on
  \`X_test\` is found (as a fit on the test part).

Leakage makes every reported score wrong, in a notebook or a lesson as much as in a pipeline, so every role but generated counts.

## Why it matters
The transformer's statistics (means, variances, fill values, selected columns, vocabulary) are
computed on every row, test rows included. The model then gets a glimpse of the test set before it
is evaluated, so the test score is too optimistic and the model looks better than it will be in
production. Honest evaluation is the heart of common-sense ML (practice P5).

## How to fix
Split first, then fit the transformer (or compute the statistic) on the training part only and
apply it to the test part: \`scaler.fit(X_train)\`, then \`scaler.transform(X_test)\`; never
\`fit_transform\` on the test part.
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
      const at = (node: Parameters<typeof module.range>[0], message: string): RelatedLocation => ({ path: ctx.path, range: module.range(node), message });
      const leakage = leakageOf(module);
      for (const { source, cut, through } of leakage.beforeSplit) {
        const related = [
          ...through.map((call) => at(call, `the data goes through ${call.childForFieldName('function')?.text ?? 'this call'}() here`)),
          at(cut.node, 'the data is split here'),
        ];
        const cutBefore = cut.node.startIndex < source.node.startIndex;
        if (cutBefore && source.input) related.unshift(at(source.input, 'the statistic is computed on all rows here'));
        ctx.report(source.node, learnsWhat(source, cut.how, cutBefore), { related });
      }
      for (const { source, cut } of leakage.onTestPart) {
        if (leakage.beforeSplit.some((leak) => leak.source === source)) continue;
        ctx.report(source.node, learnsFromTestPart(source, cut.how), { related: [at(cut.node, 'the test part comes from here')] });
      }
    },
  },
});
