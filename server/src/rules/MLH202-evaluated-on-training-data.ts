import { defineRule, PythonContext } from '../engine/rule';
import { lastValueOf } from '../engine/python/bindings';
import { assignmentsIn, boundNames } from '../engine/python/flow';
import { Call, Node, scopeOf } from '../engine/python/module';
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

/** Whether `node` is `est.predict(X)` / `est.predict_proba(X)` on the fitted data, directly or through
 *  a variable assigned from it, a column of it included. */
function predictsOnFitData(ctx: PythonContext, node: Node, fit: Fitting): boolean {
  let value = node.type === 'identifier' ? lastValueOf(ctx.module, node) : node;
  // `est.predict_proba(X)[:, 1]`
  while (value?.type === 'subscript') value = value.childForFieldName('value') ?? undefined;
  if (value?.type !== 'call') return false;
  const call = ctx.module.describeCall(value);
  return /^predict(_proba|_log_proba)?$/.test(call.method) && call.receiver?.text === fit.estimator && call.positional[0]?.text === fit.features;
}

/** The data an evaluation call scores on (`X` of `est.score(X, y)`, of `metric(y, est.predict(X))`),
 *  or undefined for calls that evaluate nothing. */
function evaluatedData(ctx: PythonContext, call: Call, fit: Fitting): 'fit-data' | 'other-data' | undefined {
  if (call.method === 'score' && call.receiver?.text === fit.estimator && call.positional.length >= 2) {
    return call.positional[0].text === fit.features && call.positional[1].text === fit.target ? 'fit-data' : 'other-data';
  }
  if (!sklearnName(call.qualified, 'sklearn.metrics') || !call.imported) return undefined;
  const args = [...call.positional, ...call.keywords.values()];
  if (args.length < 2) return undefined;
  const onFitData = args.some((a) => a.text === fit.target) && args.some((a) => predictsOnFitData(ctx, a, fit));
  return onFitData ? 'fit-data' : 'other-data';
}

/** Whether a name of the fitted data is given a new value between two points. */
function reassignedBetween(scope: Node, names: string[], from: number, to: number): boolean {
  return assignmentsIn(scope).some(
    (a) => a.startIndex > from && a.startIndex < to && boundNames(a.childForFieldName('left')).some((b) => names.includes(b.name)),
  );
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
      // Per scope, once: whether it splits the data, and the calls that may evaluate (a file of a
      // thousand fits must not look at every call once per fit).
      const scopes = new Map<number, { splits: boolean; evaluating: Call[] }>();
      const scopeFacts = (scope: Node) => {
        let facts = scopes.get(scope.id);
        if (!facts) {
          const calls = ownCalls(module, scope);
          const splits = calls.some((c) => splitOf(module, c) !== undefined || /split/i.test(c.method));
          const evaluating = splits ? [] : calls.filter((c) => c.method === 'score' || (c.imported && sklearnName(c.qualified, 'sklearn.metrics')));
          scopes.set(scope.id, (facts = { splits, evaluating }));
        }
        return facts;
      };
      for (const call of module.calls()) {
        const fit = fittingOf(call);
        if (!fit || /train/i.test(fit.features)) continue;
        const scope = scopeOf(call.node);
        const { splits, evaluating } = scopeFacts(scope);
        if (splits) continue;
        const later = evaluating.filter((c) => c.node.startIndex > call.node.endIndex);
        const evaluations = later.map((c) => ({ call: c, data: evaluatedData(ctx, c, fit) })).filter((e) => e.data !== undefined);
        if (evaluations.some((e) => e.data === 'other-data')) continue;
        const first = evaluations[0];
        if (!first || reassignedBetween(scope, [fit.features, fit.target], call.node.endIndex, first.call.node.startIndex)) continue;
        ctx.report(
          first.call.node,
          `Evaluated on ${fit.features}, ${fit.target}, the data ${fit.estimator} was fitted on: hold out a test set or cross-validate`,
        );
      }
    },
  },
});
