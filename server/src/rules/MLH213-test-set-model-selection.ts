import { defineRule, PythonContext } from '../engine/rule';
import { lastValueOf } from '../engine/python/bindings';
import { Evaluation, isSplitCall, isTestName } from '../engine/python/evaluation';
import { scopeKeyOf } from '../engine/python/facts';
import { boundNames, namesRead, readsAny } from '../engine/python/flow';
import { carrierOf, enclosingIteration, filledWithSeveral, flowOfScore, runningBest, selectorOver, testSetEvaluations, usesAfter } from '../engine/python/modelSelection';
import { Call, enclosing, enclosingFunction, Node, PythonModule, scopeOf } from '../engine/python/module';
import { callTarget } from '../engine/python/projectCalls';
import { ProjectIndex } from '../engine/project';
import { rangeOf, RelatedLocation } from '../engine/types';

const ASSIGNMENT = new Set(['assignment']);

/** Where the test set named `name` that an evaluation reads is split off: in the evaluation's own
 *  function when it splits one there, else anywhere in the module. */
function splitOfTestSet(module: PythonModule, name: string, evaluation: Node): Node | undefined {
  const splits: Node[] = [];
  for (const id of module.withText('identifier', name)) {
    const assignment = enclosing(id, ASSIGNMENT);
    const right = assignment?.childForFieldName('right');
    if (!assignment || right?.type !== 'call' || !isSplitCall(module, module.describeCall(right))) continue;
    if (boundNames(assignment.childForFieldName('left')).some((b) => b.name === name)) splits.push(assignment);
  }
  const scope = scopeOf(evaluation).id;
  return splits.find((s) => scopeOf(s).id === scope) ?? splits[0];
}

/** A split inside a function of the data it is given: its "test" part is the function's own
 *  validation holdout (sequential feature selection, a hand-written search), not the caller's test set. */
function isInternalHoldout(split: Node | undefined): boolean {
  const fn = split && enclosingFunction(split);
  if (!fn || !split) return false;
  const parameters = new Set((fn.childForFieldName('parameters')?.namedChildren ?? []).flatMap((p) => (p ? [...namesRead(p)] : [])));
  return readsAny(split.childForFieldName('right'), parameters);
}

const RETURNS_TEST_SCORES = new WeakMap<ProjectIndex, boolean>();

/** Whether a function of the project returns the test scores of several models (asked once per
 *  project: most have none, and then no call needs to be followed to one). */
function returnsTestScores(project: ProjectIndex): boolean {
  let found = RETURNS_TEST_SCORES.get(project);
  if (found === undefined) RETURNS_TEST_SCORES.set(project, (found = project.pythonFiles().some(([, f]) => (f.testScoreFunctions?.length ?? 0) > 0)));
  return found;
}

const EARLY_STOPPING_KEYWORDS = ['early_stopping_rounds', 'early_stopping'];

/** The early-stopping keyword argument a call is given (`early_stopping_rounds=50`), if set. */
function earlyStoppingKeyword(call: Call): Node | undefined {
  for (const k of EARLY_STOPPING_KEYWORDS) {
    const value = call.keywords.get(k);
    if (value && value.text !== 'None' && value.text !== 'False') return value.parent ?? value;
  }
  return undefined;
}

/** The callback or keyword of a fit that stops or keeps the best epoch by its validation data: on
 *  the fit, in its callbacks, or on the model's constructor
 *  (`XGBClassifier(early_stopping_rounds=50).fit(..., eval_set=[(X_test, y_test)])`). */
function earlyStoppingOf(module: PythonModule, call: Call): Node | undefined {
  const callbacks = call.keywords.get('callbacks');
  const items = callbacks?.type === 'list' || callbacks?.type === 'tuple' ? callbacks.namedChildren : callbacks ? [callbacks] : [];
  for (const item of items) {
    const value = item?.type === 'identifier' ? lastValueOf(module, item) : item;
    if (value?.type !== 'call') continue;
    const callback = module.describeCall(value);
    const saveBest = callback.keywords.get('save_best_only')?.text === 'True';
    if (/EarlyStopping$|early_stopping$/.test(callback.callee) || (/ModelCheckpoint$/.test(callback.callee) && saveBest)) return item ?? undefined;
  }
  const receiver = call.receiver?.type === 'identifier' ? lastValueOf(module, call.receiver) : call.receiver;
  return earlyStoppingKeyword(call) ?? (receiver?.type === 'call' ? earlyStoppingKeyword(module.describeCall(receiver)) : undefined);
}

const VALIDATION_KEYWORDS = ['validation_data', 'eval_set', 'valid_sets', 'evals'];

export default defineRule({
  code: 'MLH213',
  name: 'test-set-model-selection',
  summary: 'The test set chooses among models, hyperparameters or epochs: its score is no longer an unbiased estimate',
  practices: ['P5'],
  references: ['Zinkevich, Rules of ML #33', 'Cawley & Talbot 2010, On over-fitting in model selection'],
  severity: 'warning',
  optIn: true,
  roles: ['exploration', 'teaching', 'pipeline', 'library', 'tooling'],
  facts: ['testScoreFunctions'],
  docs: `## What it finds
The test set used to choose, where a validation split or cross-validation should:
- several models or hyperparameter settings scored on a test set (a variable named as one:
  \`X_test\`, \`y_te\`, \`test_loader\`, \`holdout\`) and the best kept: a running best in a loop
  (\`if score > best_score: best_score, best_model = score, model\`, \`best = max(best, score)\`), or
  scores collected in a dict, a list or a frame built from them and then picked with \`max\`,
  \`min\`, \`np.argmax\`, \`idxmax\`, \`max(scores, key=scores.get)\` or \`sorted(...)[0]\`;
- the best epoch of a training run picked on the test set: a PyTorch-style loop that keeps the
  checkpoint of the best test accuracy, or a fit whose \`validation_data\` / \`eval_set\` is the
  test set with early stopping (\`EarlyStopping\`, \`ModelCheckpoint(save_best_only=True)\`,
  \`early_stopping_rounds\`).

A score is any evaluation MLH202 knows (\`score()\`, a library metric, a hand-written accuracy or
error, a helper of the module that scores), followed through the variables and counters it goes
into, in a function, a module or a notebook's cells in order. The finding is on the choice; the
test-set evaluation and the split that made the test set are its related locations.

Left alone: scores of several models on the test set that are only printed, plotted or tabled
(a comparison table is how tutorials report; nothing in the code chooses by it), data named as a
validation set (\`X_val\`, \`valid_loader\`), and a "test" part that a function splits off the data
it is given (its own holdout, as in a hand-written feature selection). Tests are left out.

Reporting several models' test scores is common in tutorials and courses and is left alone on
purpose. In the judged corpus such reports are there to teach (each member of a voting ensemble
printed beside the ensemble, the mean test accuracy of hand-made bagged trees): nothing is chosen
by them, and a finding there would not be worth acting on. A table can still lead a reader to
choose by it; the rule speaks up when the code does.

**Opt-in:** not in the default set. On the judged corpus of public ML repositories it has 1
finding, worth acting on (a project template that keeps the model with the best test R² and
reports that same R²): too few to show that it meets the bar of the default set. Select it where
models are compared (\`extendSelect: [MLH213]\`).

## Why it matters
A test score estimates how the chosen model does on new data only if nothing was chosen by it.
Choosing the best of several candidates by their test scores fits the choice to the test set's
noise (multiple testing): the winner's test score is biased upwards, and the more candidates, the
more so. The number reported, and the decision to ship, then rest on an estimate that new data
will not confirm. Zinkevich's rule 33 and the model-selection literature (Cawley & Talbot 2010)
ask for selection on validation data, and for the test set to be used once, at the end.

## How to fix
Split a validation set off the training data (or cross-validate: \`GridSearchCV\`,
\`cross_val_score\` on the training data) and choose the model, the hyperparameters or the epoch by
the validation score; then score the chosen model on the test set once. For early stopping, pass a
validation split (\`validation_split=0.1\`, \`eval_set=[(X_val, y_val)]\`).

## Example
\`\`\`python
# Before
scores = {}
for k in range(1, 30):
    knn = KNeighborsClassifier(n_neighbors=k).fit(X_train, y_train)
    scores[k] = knn.score(X_test, y_test)
best_k = max(scores, key=scores.get)

# After
search = GridSearchCV(KNeighborsClassifier(), {"n_neighbors": range(1, 30)}, cv=5).fit(X_train, y_train)
print("test accuracy of the chosen k:", search.score(X_test, y_test))
\`\`\`

## References
- Martin Zinkevich, *Rules of Machine Learning*, rule #33.
- Gavin C. Cawley, Nicola L. C. Talbot, [On over-fitting in model selection and subsequent selection bias in performance evaluation](https://jmlr.org/papers/v11/cawley10a.html), JMLR 11, 2010.
- scikit-learn user guide: [Tuning the hyper-parameters of an estimator](https://scikit-learn.org/stable/modules/grid_search.html).
`,
  check: {
    python(ctx: PythonContext) {
      const { module } = ctx;
      const reported = new Set<number>();
      const report = (at: Node, testName: string, what: string, source: RelatedLocation) => {
        if (reported.has(at.id)) return;
        const split = splitOfTestSet(module, testName, at);
        if (isInternalHoldout(split)) return;
        reported.add(at.id);
        const related = [source];
        if (split) related.push({ path: ctx.path, range: module.range(split), message: `the test set ${testName} is split off here` });
        ctx.report(at, `${what} by the test set (${testName}): choose on a validation split or by cross-validation, and score the chosen model on the test set once`, { related });
      };
      const scoredHere = (e: Evaluation, testName: string): RelatedLocation => ({ path: ctx.path, range: module.range(e.node), message: `scored on the test set (${testName}) here` });
      const tested = testSetEvaluations(module);
      const testNodes = tested.map((t) => t.evaluation.node);
      for (const { evaluation: e, testName } of tested) {
        const { values, containers } = flowOfScore(module, e);
        for (const value of values) {
          for (const use of usesAfter(module, value)) {
            const best = runningBest(module, use);
            if (best && (enclosingIteration(best) || enclosingFunction(best))) report(best, testName, 'The best model is kept', scoredHere(e, testName));
          }
        }
        // A comprehension of scores picked at once: `np.argmax([m.score(X_test, y_test) for m in models])`.
        const direct = enclosingIteration(e.node) && selectorOver(module, e.node);
        if (direct) report(direct, testName, 'The best model is chosen', scoredHere(e, testName));
        for (const container of containers) {
          if (!filledWithSeveral(module, container, testNodes)) continue;
          for (const use of usesAfter(module, container)) {
            const selector = selectorOver(module, use);
            if (selector) report(selector, testName, 'The best model is chosen', scoredHere(e, testName));
          }
        }
      }
      // The test scores of several models returned by a function of another module of the project
      // (`report = evaluate_models(X_train, y_train, X_test, y_test, models)`), then picked from.
      const scopeKey = scopeKeyOf(module);
      for (const call of returnsTestScores(ctx.project) ? module.calls() : []) {
        if (call.receiver && !call.imported) continue;
        const carrier = call.node.parent?.type === 'assignment' ? carrierOf(module, call.node) : undefined;
        const target = carrier && !carrier.container ? callTarget(ctx.project, ctx.path, ctx.facts, scopeKey(call.node), call.qualified) : undefined;
        const scores = target && ctx.project.python(target[0])?.testScoreFunctions?.find((f) => f.name === target[1]);
        if (!carrier || !target || !scores) continue;
        const testName = [...call.positional, ...call.keywords.values()].flatMap((a) => [...namesRead(a)]).find(isTestName) ?? 'its test set';
        const source = { path: target[0], range: rangeOf(scores.line, 0, scores.line, 0), message: `${target[1]}() returns each model's score on the test set` };
        for (const use of usesAfter(module, { ...carrier, container: true, madeFromSeveral: true })) {
          const selector = selectorOver(module, use);
          if (selector) report(selector, testName, 'The best model is chosen', source);
        }
      }
      // Early stopping or best-checkpoint keeping on the test set.
      for (const call of module.calls()) {
        if (call.method !== 'fit' && call.method !== 'train') continue;
        for (const keyword of VALIDATION_KEYWORDS) {
          const value = call.keywords.get(keyword);
          const testName = value && [...namesRead(value)].find(isTestName);
          if (!value || !testName) continue;
          const stopping = earlyStoppingOf(module, call);
          if (stopping) report(value.parent ?? value, testName, 'The training epoch is chosen', { path: ctx.path, range: module.range(stopping), message: 'early stopping watches the test set' });
        }
      }
    },
  },
});
