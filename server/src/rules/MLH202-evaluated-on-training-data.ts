import { defineRule, PythonContext } from '../engine/rule';
import { lastValueOf } from '../engine/python/bindings';
import { Evaluation, Fitting, isHeldOutName, isSplitCall, modelEvaluations } from '../engine/python/evaluation';
import { assignmentsIn, boundNames, namesRead, readsAny, sameNode, variableRoot } from '../engine/python/flow';
import { Node, PythonModule, scopeOf } from '../engine/python/module';
import { ownCalls } from '../engine/python/structure';

/** Per name, where the assignments of a scope that give it a new value start, in document order. */
function assignmentStarts(scope: Node): Map<string, number[]> {
  const starts = new Map<string, number[]>();
  for (const a of assignmentsIn(scope)) {
    for (const bound of boundNames(a.childForFieldName('left'))) {
      const list = starts.get(bound.name);
      if (list) list.push(a.startIndex);
      else starts.set(bound.name, [a.startIndex]);
    }
  }
  return starts;
}

/** How many of the sorted offsets are below `offset`. */
function countBelow(offsets: number[] | undefined, offset: number): number {
  if (!offsets) return 0;
  let low = 0;
  let high = offsets.length;
  while (low < high) {
    const mid = (low + high) >> 1;
    if (offsets[mid] < offset) low = mid + 1;
    else high = mid;
  }
  return low;
}

function countBetween(offsets: number[] | undefined, from: number, to: number): number {
  return countBelow(offsets, to) - countBelow(offsets, from);
}

/** The first of the sorted offsets after `from`, else Infinity. */
function firstAfter(offsets: number[] | undefined, from: number): number {
  const i = countBelow(offsets, from + 1);
  return offsets && i < offsets.length ? offsets[i] : Infinity;
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

/** Names bound to the parts of a split (`X_tr, X_te, ... = train_test_split(...)`, `for tr, te in
 *  kf.split(X)`): data fitted from them is the training part of a split. */
function splitPartNames(module: PythonModule): Set<string> {
  const names = new Set<string>();
  // From the calls up: most assignments and loops are given no call, and their fields need not be
  // read; the calls are told by their names first, which they know already.
  for (const call of module.calls()) {
    if (!isSplitCall(module, call)) continue;
    const parent = call.node.parent;
    if (parent?.type !== 'assignment' && parent?.type !== 'for_statement') continue;
    if (!sameNode(parent.childForFieldName('right'), call.node)) continue;
    for (const b of boundNames(parent.childForFieldName('left'))) names.add(b.name);
  }
  return names;
}

/** Whether data comes from a part of a split: named as one, indexed by one, or assigned from one. */
function fromSplitPart(module: PythonModule, node: Node, parts: Set<string>): boolean {
  if (parts.size === 0) return false;
  if (readsAny(node, parts)) return true;
  const root = variableRoot(node);
  const use = root ? module.withText('identifier', root).find((id) => id.startIndex >= node.startIndex && id.endIndex <= node.endIndex) : undefined;
  const value = use && lastValueOf(module, use);
  return !!value && readsAny(value, parts);
}

interface ScopeEvaluations {
  /** Evaluations of each model, in document order. */
  byModel: Map<string, Evaluation[]>;
  /** Where library metrics of an unknown model start, and those among them that read each label. */
  unattributed: number[];
  unattributedWithLabel: Map<string, number[]>;
}

function scopeEvaluations(evaluations: Evaluation[]): ScopeEvaluations {
  const scoped: ScopeEvaluations = { byModel: new Map(), unattributed: [], unattributedWithLabel: new Map() };
  for (const e of evaluations) {
    if (e.estimator) push(scoped.byModel, e.estimator, e);
    else if (!e.handWritten) {
      scoped.unattributed.push(e.node.startIndex);
      for (const label of new Set(e.labels)) push(scoped.unattributedWithLabel, label, e.node.startIndex);
    }
  }
  return scoped;
}

function onFitData(e: Evaluation, fit: Fitting): boolean {
  return e.features === fit.features && e.labels.includes(fit.target);
}

export default defineRule({
  code: 'MLH202',
  name: 'evaluated-on-training-data',
  summary: 'A model is scored on the same data it was fitted on, with no split or cross-validation',
  practices: ['P5'],
  references: ['Zinkevich, Rules of ML #33'],
  severity: 'warning',
  roles: ['exploration', 'teaching', 'pipeline', 'serving', 'library', 'tooling'],
  docs: `## What it finds
\`est.fit(X, y)\` followed by a score of \`est\` on that same \`X\` and \`y\`, when the model is not also
scored on any other data and that data is not split or cross-validated. A score is
\`est.score(X, y)\` (or Keras' \`model.evaluate(X, y)\`), a metric of scikit-learn, torchmetrics or
Keras on \`est.predict(X)\` against \`y\`, a score written by hand (\`(est.predict(X) == y).mean()\`,
\`np.mean((pred - y) ** 2)\` with \`pred = est.predict(X)\`), or a call of a function of the same module
that does one of these (\`evaluate(model, X, y)\`); the fit may also be in such a function
(\`model = train(X, y)\`). The fit and the score are followed through a function or the module's
code, and through a notebook's cells in their order, up to the next fit of the model.

Left alone: data taken from a split's parts, data named as the training part of a split
(\`X_train\`) inside a function (its caller made the split), data that the same code splits or
cross-validates (the score on the training rows is then an extra, next to a held-out one), a model
also scored on other data, and a metric on predictions whose model is not known that could be the
held-out score. A script's or notebook's own \`X_train\` that no split made, where nothing is
scored on held-out data (a test or validation set), is all the labelled data it has (a Kaggle
notebook's \`train.csv\`, whose test file has no labels): scoring on it is scoring on the training
rows. Splitting some *other* data elsewhere in the file does not hide a
model scored on its own rows. The finding names the fit as a related location.

A score on the training data misleads wherever it is reported; tests fit and score tiny data on purpose and are left out.

## Why it matters
A model scored on its own training data reports how well it memorised, not how well it
generalises. A deep tree or a forest scores close to 100% there whatever its real quality, so the
number drives wrong decisions: shipping an overfitted model, or preferring it over a simpler one.
Zinkevich's rule 33 asks to evaluate on data the model has not seen (ideally data gathered after
the training data).

## How to fix
Hold data out before fitting (\`train_test_split\`, a time-based split) and score on the held-out
part, or estimate generalisation with cross-validation (\`cross_val_score\`, \`cross_validate\`).

## Example
\`\`\`python
# Before
model = RandomForestClassifier(n_estimators=300, random_state=0).fit(X, y)
print("accuracy", (model.predict(X) == y).mean())

# After
X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.2, stratify=y, random_state=0)
model = RandomForestClassifier(n_estimators=300, random_state=0).fit(X_train, y_train)
print("accuracy", accuracy_score(y_test, model.predict(X_test)))
\`\`\`

## References
- Martin Zinkevich, *Rules of Machine Learning*, rule #33: "If you produce a model based on the
  data until January 5th, test the model on the data from January 6th and after."
- scikit-learn user guide: [Cross-validation: evaluating estimator performance](https://scikit-learn.org/stable/modules/cross_validation.html).
`,
  check: {
    python(ctx: PythonContext) {
      const { module } = ctx;
      const { fits, evaluations } = modelEvaluations(module);
      if (fits.length === 0 || evaluations.length === 0) return;
      const parts = splitPartNames(module);
      const scoresHeldOutData = evaluations.some((e) => e.data.some((d) => [...namesRead(d)].some(isHeldOutName)));
      const fitsByScope = new Map<number, { scope: Node; fits: Fitting[] }>();
      for (const fit of fits) {
        if (fromSplitPart(module, fit.featuresNode, parts) || fromSplitPart(module, fit.targetNode, parts)) continue;
        const scope = scopeOf(fit.call.node);
        // A function given `X_train` scores the training part of a split made by its caller; a
        // script's or notebook's own `X_train` that no split made, where nothing is scored on
        // held-out data, is all the labelled data it has (Kaggle's train.csv).
        if (/train/i.test(fit.features) && (scope.type !== 'module' || scoresHeldOutData)) continue;
        const entry = fitsByScope.get(scope.id);
        if (entry) entry.fits.push(fit);
        else fitsByScope.set(scope.id, { scope, fits: [fit] });
      }
      const evaluationsByScope = new Map<number, Evaluation[]>();
      for (const e of evaluations) push(evaluationsByScope, scopeOf(e.node).id, e);
      for (const { scope, fits: scopeFits } of fitsByScope.values()) {
        const scoped = scopeEvaluations(evaluationsByScope.get(scope.id) ?? []);
        const reassigned = assignmentStarts(scope);
        // The data the scope splits or cross-validates: a score on its rows is a training score
        // reported next to a held-out one.
        const splitData = new Set<string>();
        for (const call of ownCalls(module, scope)) {
          if (isSplitCall(module, call)) for (const arg of [...call.positional, ...call.keywords.values()]) for (const name of namesRead(arg)) splitData.add(name);
        }
        const refits = new Map<string, number[]>();
        for (const fit of fits) if (scopeOf(fit.call.node).id === scope.id) push(refits, fit.estimator, fit.call.node.startIndex);
        for (const fit of scopeFits) {
          const roots = [variableRoot(fit.featuresNode), variableRoot(fit.targetNode)];
          if (roots.some((r) => r && splitData.has(r))) continue;
          const from = fit.call.node.endIndex;
          // The fit's evaluations end where the model is fitted again or replaced.
          const until = Math.min(firstAfter(refits.get(fit.estimator), fit.call.node.startIndex), firstAfter(reassigned.get(fit.estimator), from));
          const own = (scoped.byModel.get(fit.estimator) ?? []).filter((e) => e.node.startIndex > from && e.node.startIndex < until);
          if (own.length === 0 || !own.every((e) => onFitData(e, fit))) continue;
          const first = own[0];
          const start = first.node.startIndex;
          // A metric on predictions of an unknown model, on other labels, may be the held-out score.
          if (countBetween(scoped.unattributed, from, until) > countBetween(scoped.unattributedWithLabel.get(fit.target), from, until)) continue;
          const dataChanged = [fit.features, fit.target].some((d) => countBetween(reassigned.get(d), from, start) > 0);
          if (dataChanged) continue;
          ctx.report(first.node, `${fit.estimator} is scored (${first.how}) on ${fit.features}, ${fit.target}, the data it was fitted on: hold out a test set or cross-validate`, {
            related: [{ path: ctx.path, range: module.range(fit.call.node), message: `${fit.estimator} is fitted on ${fit.features}, ${fit.target} here` }],
          });
        }
      }
    },
  },
});
