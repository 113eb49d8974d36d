import { defineRule, PythonContext } from '../engine/rule';
import { lastValueOf } from '../engine/python/bindings';
import { assignmentsIn, boundNames } from '../engine/python/flow';
import { Call, nameText, Node, scopeOf } from '../engine/python/module';
import { sklearnName, splitOf } from '../engine/python/sklearn';
import { ownCalls } from '../engine/python/structure';

interface Fitting {
  call: Call;
  estimator: string;
  features: string;
  target: string;
}

/** `est.fit(X, y)` with plain data variables (supervised: it has a target). */
function fittingOf(call: Call): Fitting | undefined {
  if (call.method !== 'fit' || !call.receiver) return undefined;
  const features = call.positional[0] ?? call.keywords.get('X');
  const target = call.positional[1] ?? call.keywords.get('y');
  if (!features || !target) return undefined;
  // `model = Estimator().fit(X, y)`: the fitted estimator is the assigned name.
  const assignment = call.node.parent?.type === 'assignment' ? call.node.parent : undefined;
  const estimator = call.receiver.type === 'call' ? assignment?.childForFieldName('left')?.text : call.receiver.text;
  return estimator ? { call, estimator, features: features.text, target: target.text } : undefined;
}

/** The model and data of \`est.predict(X)\` / \`est.predict_proba(X)\`, directly or through a variable
 *  assigned from it, a column of it included: \`est\\0X\`. */
function predictionKey(ctx: PythonContext, node: Node): string | undefined {
  let value = node.type === 'identifier' ? lastValueOf(ctx.module, node) : node;
  // `est.predict_proba(X)[:, 1]`
  while (value?.type === 'subscript') value = value.childForFieldName('value') ?? undefined;
  if (value?.type !== 'call') return undefined;
  const call = ctx.module.describeCall(value);
  if (!/^predict(_proba|_log_proba)?$/.test(call.method) || !call.receiver || !call.positional[0]) return undefined;
  return `${nameText(call.receiver)}\0${call.positional[0].text}`;
}

/** What an evaluation call scores: \`est.score(X, y)\` scores est on X and y; a metric
 *  (\`metric(y, est.predict(X))\`) scores on fitted data when its arguments hold the fit's target and
 *  a prediction of the fitted model on the fit's features. Undefined for calls that evaluate nothing. */
type Evaluation =
  | { call: Call; score: { estimator: string; data: string } }
  | { call: Call; metric: { texts: Set<string>; predictions: Set<string> } };

function evaluationOf(ctx: PythonContext, call: Call): Evaluation | undefined {
  if (call.method === 'score' && call.receiver && call.positional.length >= 2) {
    return { call, score: { estimator: nameText(call.receiver), data: `${call.positional[0].text}\0${call.positional[1].text}` } };
  }
  if (!sklearnName(call.qualified, 'sklearn.metrics') || !call.imported) return undefined;
  const args = [...call.positional, ...call.keywords.values()];
  if (args.length < 2) return undefined;
  const predictions = new Set(args.flatMap((a) => predictionKey(ctx, a) ?? []));
  return { call, metric: { texts: new Set(args.map((a) => a.text)), predictions } };
}

/** The evaluations after a point of a scope, counted as a sweep from the scope's end adds them, so
 *  that each fit asks in constant time whether every later evaluation is on its own data. */
class LaterEvaluations {
  private metrics = 0;
  private readonly metricsWithText = new Map<string, number>();
  private readonly metricsWithPrediction = new Map<string, number>();
  private firstMetric?: Call;
  private readonly scores = new Map<string, number>();
  private readonly scoresOnData = new Map<string, number>();
  private readonly firstScore = new Map<string, Call>();

  add(e: Evaluation): void {
    if ('score' in e) {
      increment(this.scores, e.score.estimator);
      increment(this.scoresOnData, `${e.score.estimator}\0${e.score.data}`);
      this.firstScore.set(e.score.estimator, e.call);
    } else {
      this.metrics++;
      for (const text of e.metric.texts) increment(this.metricsWithText, text);
      for (const prediction of e.metric.predictions) increment(this.metricsWithPrediction, prediction);
      this.firstMetric = e.call;
    }
  }

  /** The first later evaluation of the fit's model when every one is on the fitted data. */
  onlyOnFitData(fit: Fitting): Call | undefined {
    const metricsOnFitData = this.metrics === (this.metricsWithText.get(fit.target) ?? 0) && this.metrics === (this.metricsWithPrediction.get(`${fit.estimator}\0${fit.features}`) ?? 0);
    const scores = this.scores.get(fit.estimator) ?? 0;
    const scoresOnFitData = scores === (this.scoresOnData.get(`${fit.estimator}\0${fit.features}\0${fit.target}`) ?? 0);
    if (!metricsOnFitData || !scoresOnFitData) return undefined;
    const score = this.firstScore.get(fit.estimator);
    const metric = this.firstMetric;
    return score && metric ? (score.node.startIndex < metric.node.startIndex ? score : metric) : (score ?? metric);
  }
}

function increment(counts: Map<string, number>, key: string): void {
  counts.set(key, (counts.get(key) ?? 0) + 1);
}

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

/** Whether one of the sorted offsets lies strictly between two points. */
function someBetween(offsets: number[] | undefined, from: number, to: number): boolean {
  if (!offsets) return false;
  let low = 0;
  let high = offsets.length;
  while (low < high) {
    const mid = (low + high) >> 1;
    if (offsets[mid] <= from) low = mid + 1;
    else high = mid;
  }
  return low < offsets.length && offsets[low] < to;
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
\`est.fit(X, y)\` followed, in the same function or script, by \`est.score(X, y)\` or by a metric on
\`est.predict(X)\` against \`y\` — the very data the model was fitted on — where that scope neither
splits the data (\`train_test_split\`, a cross-validator's \`split\`, \`cross_val_score\`, a search)
nor evaluates on any other data. Variables named as the training part of a split (\`X_train\`) are
left alone: reporting training accuracy next to a held-out score is fine.

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
print("accuracy", accuracy_score(y, model.predict(X)))

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
    python(ctx) {
      const { module } = ctx;
      // Per scope, the fits and the calls that may evaluate them; a sweep from the scope's end
      // meets each fit with what is evaluated after it (a file of a thousand fits must not look at
      // every later call once per fit).
      const scopes = new Map<number, { scope: Node; fits: Fitting[] }>();
      for (const call of module.calls()) {
        const fit = fittingOf(call);
        if (!fit || /train/i.test(fit.features)) continue;
        const scope = scopeOf(call.node);
        const entry = scopes.get(scope.id);
        if (entry) entry.fits.push(fit);
        else scopes.set(scope.id, { scope, fits: [fit] });
      }
      for (const { scope, fits } of scopes.values()) {
        const calls = ownCalls(module, scope);
        if (calls.some((c) => splitOf(module, c) !== undefined || /split/i.test(c.method))) continue;
        const evaluations = calls.flatMap((c) => evaluationOf(ctx, c) ?? []);
        const reassigned = assignmentStarts(scope);
        const later = new LaterEvaluations();
        let next = evaluations.length - 1;
        for (const fit of [...fits].sort((a, b) => b.call.node.endIndex - a.call.node.endIndex)) {
          const end = fit.call.node.endIndex;
          for (; next >= 0 && evaluations[next].call.node.startIndex > end; next--) later.add(evaluations[next]);
          const first = later.onlyOnFitData(fit);
          if (!first) continue;
          const start = first.node.startIndex;
          if (someBetween(reassigned.get(fit.features), end, start) || someBetween(reassigned.get(fit.target), end, start)) continue;
          ctx.report(first.node, `Evaluated on ${fit.features}, ${fit.target}, the data ${fit.estimator} was fitted on: hold out a test set or cross-validate`);
        }
      }
    },
  },
});
