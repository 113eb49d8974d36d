import { PythonContext, defineRule } from '../engine/rule';
import { Call, enclosingFunction, Node, PythonModule, stringValue, topLevelStatement } from '../engine/python/module';
import { sklearnName } from '../engine/python/sklearn';
import { IMPORT_TYPES, lastImportBefore } from '../engine/python/structure';
import { isUsed, usesOf } from '../engine/python/valueUses';
import { isTrueLiteral } from '../engine/python/values';
import { Fix } from '../engine/types';

/** When a scikit-learn call draws random numbers, and where it takes random_state. */
interface Randomized {
  /** Only random in some configurations (a shuffled KFold); absent: always random. */
  randomWhen?(call: Call): boolean;
  /** Index at which sklearn accepts random_state positionally, where it does. */
  positionalSeed?: number;
  /** Module the name must come from, when the bare name is ambiguous. */
  from?: string;
}

const keywordIs = (call: Call, name: string, value: string) => stringValue(call.keywords.get(name)) === value;
const keywordIn = (call: Call, name: string, values: string[]) => values.includes(stringValue(call.keywords.get(name)) ?? '');
const shuffled = (call: Call) => isTrueLiteral(call.keywords.get('shuffle'));
const always: Randomized = {};
/** A keyword given with a value other than its deterministic default. */
const setOtherThan = (call: Call, name: string, deterministic: string) => {
  const value = call.keywords.get(name);
  return value !== undefined && value.text !== deterministic;
};
// A tree with the default best splitter over all features draws only to break ties between equally
// good splits: the same tree on every run for most data. It draws for real with the random
// splitter or a max_features below all features.
const treeSamples = (c: Call) => setOtherThan(c, 'splitter', '"best"') && setOtherThan(c, 'splitter', "'best'") || setOtherThan(c, 'max_features', 'None');
// Gradient boosting draws with subsample below 1, max_features, or early stopping's validation split.
const boostingSamples = (c: Call) => setOtherThan(c, 'subsample', '1.0') && setOtherThan(c, 'subsample', '1') || setOtherThan(c, 'max_features', 'None') || setOtherThan(c, 'n_iter_no_change', 'None');

const RANDOMIZED = new Map<string, Randomized>([
  ['train_test_split', { randomWhen: (c) => c.keywords.get('shuffle')?.type !== 'false' }],
  ['ShuffleSplit', always],
  ['StratifiedShuffleSplit', always],
  ['GroupShuffleSplit', always],
  ['RepeatedKFold', always],
  ['RepeatedStratifiedKFold', always],
  ['KFold', { randomWhen: shuffled }],
  ['StratifiedKFold', { randomWhen: shuffled }],
  ['GroupKFold', { randomWhen: shuffled }],
  ['StratifiedGroupKFold', { randomWhen: (c) => shuffled(c) || isTrueLiteral(c.positional[1]), positionalSeed: 2 }],
  ['RandomForestClassifier', always],
  ['RandomForestRegressor', always],
  ['ExtraTreesClassifier', always],
  ['ExtraTreesRegressor', always],
  ['GradientBoostingClassifier', { randomWhen: (c) => boostingSamples(c) }],
  ['GradientBoostingRegressor', { randomWhen: (c) => boostingSamples(c) }],
  ['HistGradientBoostingClassifier', always],
  ['HistGradientBoostingRegressor', always],
  ['AdaBoostClassifier', always],
  ['AdaBoostRegressor', always],
  ['BaggingClassifier', always],
  ['BaggingRegressor', always],
  ['IsolationForest', always],
  ['DecisionTreeClassifier', { randomWhen: (c) => treeSamples(c) }],
  ['DecisionTreeRegressor', { randomWhen: (c) => treeSamples(c) }],
  ['ExtraTreeClassifier', always],
  ['ExtraTreeRegressor', always],
  ['MLPClassifier', always],
  ['MLPRegressor', always],
  ['SGDClassifier', always],
  ['SGDRegressor', always],
  // lbfgs (the default), newton-cg and newton-cholesky do not use random_state.
  ['LogisticRegression', { randomWhen: (c) => keywordIn(c, 'solver', ['sag', 'saga']) }],
  // An SVM draws only for the cross-validation behind probability estimates.
  ['SVC', { randomWhen: (c) => isTrueLiteral(c.keywords.get('probability')) }],
  ['NuSVC', { randomWhen: (c) => isTrueLiteral(c.keywords.get('probability')) }],
  ['KMeans', always],
  ['MiniBatchKMeans', always],
  ['PCA', { randomWhen: (c) => keywordIs(c, 'svd_solver', 'randomized') }],
  ['TruncatedSVD', always],
  ['TSNE', always],
  ['RandomizedSearchCV', always],
  ['make_classification', always],
  ['make_regression', always],
  ['make_blobs', always],
  ['make_moons', always],
  ['make_circles', always],
  ['resample', { from: 'sklearn.utils' }],
  ['shuffle', { from: 'sklearn.utils' }],
]);

/** Ensembles that give their base estimator a random_state of their own (sklearn's _set_random_states). */
const RESEEDING_ENSEMBLES = new Set(['BaggingClassifier', 'BaggingRegressor', 'AdaBoostClassifier', 'AdaBoostRegressor']);

/** Whether a use of an estimator is as the base estimator of an ensemble that reseeds it. */
function isReseededBaseEstimator(ctx: PythonContext, use: Node): boolean {
  const argument = use.parent?.type === 'keyword_argument' ? use.parent : use;
  const call = argument.parent?.type === 'argument_list' ? argument.parent.parent : undefined;
  if (call?.type !== 'call') return false;
  const described = ctx.module.describeCall(call);
  const name = described.imported ? sklearnName(described.qualified) : undefined;
  if (!name || !RESEEDING_ENSEMBLES.has(name)) return false;
  return described.positional[0]?.id === use.id || described.keywords.get('estimator')?.id === use.id || described.keywords.get('base_estimator')?.id === use.id;
}

/** Whether an estimator or splitter that a call constructs ever draws: it has to be used (fitted,
 *  split with, passed on), and not only as the base estimator of an ensemble that seeds it. */
function draws(ctx: PythonContext, call: Call): boolean {
  if (!isUsed(ctx.module, call.node)) return false;
  const uses = usesOf(ctx.module, call.node);
  return !uses.every((use) => isReseededBaseEstimator(ctx, use));
}

const SEED_CONSTANT = /^(?:[A-Z][A-Z0-9]*_)*(?:SEED|RANDOM_STATE)$/;
const SEED_PARAMETER = /^(?:seed|random_seed|random_state)$/;

/** A seed the call can use: a parameter of its function (`def train(X, y, seed=0)`), else a
 *  module-level constant (`SEED = 42`, or imported) defined before the call runs. */
function seedInScope(ctx: PythonContext, call: Call): string | undefined {
  const fn = enclosingFunction(call.node);
  const parameters = fn?.childForFieldName('parameters')?.namedChildren ?? [];
  for (const parameter of parameters) {
    const name = parameter?.type === 'identifier' ? parameter.text : parameter?.childForFieldName('name')?.text;
    if (name && SEED_PARAMETER.test(name)) return name;
  }
  const first = topLevelOf(ctx.module).seed;
  if (!first) return undefined;
  return fn || first.start < topLevelStatement(call.node).startIndex ? first.name : undefined;
}

/** What the module's top level holds that each unseeded call asks about, found once per module. */
interface TopLevel {
  /** The first seed constant (`SEED = 42`, or imported). */
  seed?: { name: string; start: number };
}

const topLevels = new WeakMap<PythonModule, TopLevel>();

function topLevelOf(module: PythonModule): TopLevel {
  let top = topLevels.get(module);
  if (top) return top;
  top = {};
  for (const child of module.root.namedChildren) {
    if (!child) continue;
    let seed: string | undefined;
    if (IMPORT_TYPES.has(child.type)) {
      seed = module.imports.find((i) => i.node.id === child.id && SEED_CONSTANT.test(i.local))?.local;
    } else {
      const assignment = child.type === 'expression_statement' ? child.namedChildren[0] : undefined;
      const left = assignment?.type === 'assignment' ? assignment.childForFieldName('left') : undefined;
      if (left?.type === 'identifier' && SEED_CONSTANT.test(left.text)) seed = left.text;
    }
    if (seed && !top.seed) top.seed = { name: seed, start: child.startIndex };
  }
  topLevels.set(module, top);
  return top;
}

/** Adds `random_state=<seed>` as the call's last keyword argument; defines RANDOM_SEED after the
 *  imports when the module has no seed yet. */
function fixFor(ctx: PythonContext, call: Call, seed: string, defineSeed: boolean): Fix | undefined {
  const { module } = ctx;
  const args = call.node.childForFieldName('arguments');
  if (!args) return undefined;
  const lastArgument = args.namedChildren.filter((c): c is Node => c !== null && c.type !== 'comment').pop();
  const at = lastArgument ? module.range(lastArgument).end : { line: args.startPosition.row, character: args.startPosition.column + 1 };
  const edits = [{ range: { start: at, end: at }, newText: `${lastArgument ? ', ' : ''}random_state=${seed}` }];
  if (!defineSeed) return { title: `Add random_state=${seed}`, edits };
  const lastImport = lastImportBefore(module, topLevelStatement(call.node).startIndex);
  if (!lastImport) return undefined;
  const afterImports = module.range(lastImport).end;
  edits.unshift({ range: { start: afterImports, end: afterImports }, newText: '\n\nRANDOM_SEED = 42' });
  return { title: 'Add random_state=RANDOM_SEED (and define RANDOM_SEED = 42 after the imports)', edits };
}

export default defineRule({
  code: 'MLH402',
  name: 'random-state-not-set',
  summary: 'A scikit-learn splitter or estimator that draws random numbers, called without random_state',
  practices: ['P7'],
  references: ['Zhang et al. 2022, C14: randomness uncontrolled'],
  severity: 'warning',
  fixable: true,
  optIn: true,
  roles: ['exploration', 'pipeline', 'serving', 'library'],
  docs: `## What it finds
Calls to scikit-learn functions and estimators that use randomness, made without \`random_state\`:
\`train_test_split\` (unless \`shuffle=False\`), \`ShuffleSplit\` and its stratified and grouped
variants, \`KFold\` / \`StratifiedKFold\` / \`GroupKFold\` with \`shuffle=True\`, repeated k-folds,
forests, extra trees, histogram gradient boosting, AdaBoost, bagging, \`MLPClassifier\` /
\`MLPRegressor\`, \`SGD*\`, \`LogisticRegression\` with the \`sag\` / \`saga\` solvers, \`KMeans\`,
\`PCA(svd_solver="randomized")\`, \`TruncatedSVD\`, \`TSNE\`, \`IsolationForest\`,
\`RandomizedSearchCV\`, the \`make_*\` dataset generators, and \`sklearn.utils.resample\` / \`shuffle\`.

Decision trees are reported only with \`splitter="random"\` or \`max_features\`, and
\`GradientBoosting*\` only with \`subsample\` below 1, \`max_features\` or \`n_iter_no_change\`:
otherwise their random_state only breaks ties between equally good splits, and the same data gives
the same model on every run. \`SVC\` / \`NuSVC\` are reported only with \`probability=True\` (scikit-learn ignores their
\`random_state\` otherwise), \`LogisticRegression\` only with the solvers that use it.

Not reported: calls that pass \`**params\` (which may carry \`random_state\`), calls that give
\`random_state\` positionally where scikit-learn allows it, estimators and splitters that are
built but never used (only printed, or listed in a parameter grid that no search reads), and base
estimators of a bagging or AdaBoost ensemble, which passes its own \`random_state\` on to them
(the ensemble is reported instead when it has none).

Runs on exploration, pipeline, serving and library code, whose results someone compares across runs (a serving app may train too); course material and tooling are left out.

dslinter reports \`KFold()\` and \`KFold(random_state=None)\` without \`shuffle=True\`. Those cases
are judged wrong: without shuffling, KFold splits in order and draws nothing, so its result is the
same on every run (recent scikit-learn even rejects a \`random_state\` without \`shuffle=True\`).
Splitters are reported when they shuffle.

**Opt-in:** not in the default set. On a judged corpus of public ML repositories, 5 of 9 of its findings were worth acting on: estimators whose randomness does not change the result at hand were reported too. Select it where it fits (\`extendSelect: [MLH402]\`).

## Why it matters
Without a seed every run splits the data differently and grows a different model. Scores move from
run to run, so a change cannot be told apart from noise, a result cannot be reproduced, and a bug
report cannot be replayed. Reproducible training is part of versioning code, data and models
together (practice P7).

## How to fix
Keep one seed in one place (a constant, a config value or a function parameter) and pass it as
\`random_state=\` to every call that draws random numbers. The quick fix adds
\`random_state=RANDOM_SEED\`, reusing a module constant named like \`SEED\` / \`RANDOM_SEED\` /
\`RANDOM_STATE\` or a \`seed\` parameter of the function, and otherwise defines
\`RANDOM_SEED = 42\` after the imports.

## Example
\`\`\`python
# Before: a different split and a different forest on every run
X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.2)
model = RandomForestClassifier(n_estimators=300)

# After
RANDOM_SEED = 42
X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.2, random_state=RANDOM_SEED)
model = RandomForestClassifier(n_estimators=300, random_state=RANDOM_SEED)
\`\`\`

## References
- Zhang, Cruz, van Deursen: *Code Smells for Machine Learning Applications* (2022), smell C14
  "Randomness Uncontrolled".
- scikit-learn user guide: [Controlling randomness](https://scikit-learn.org/stable/common_pitfalls.html#controlling-randomness).
`,
  check: {
    python(ctx) {
      for (const call of ctx.module.calls()) {
        if (!call.imported || call.hasSplat || call.keywords.has('random_state')) continue;
        const name = sklearnName(call.qualified);
        const spec = name ? RANDOMIZED.get(name) : undefined;
        if (!name || !spec) continue;
        if (spec.from && !call.qualified.startsWith(`${spec.from}.`)) continue;
        if (spec.positionalSeed !== undefined && call.positional.length > spec.positionalSeed) continue;
        if (spec.randomWhen && !spec.randomWhen(call)) continue;
        // Functions draw when called; classes when the object they build is used.
        if (/^[A-Z]/.test(name) && !draws(ctx, call)) continue;
        const callee = call.node.childForFieldName('function') ?? call.node;
        const existing = seedInScope(ctx, call);
        const seed = existing ?? 'RANDOM_SEED';
        ctx.report(
          callee,
          `${name}() draws random numbers but is called without random_state, so every run gives a different result; ` +
            `pass random_state=${seed} (one seed, kept in one place)`,
          { fix: fixFor(ctx, call, seed, !existing) },
        );
      }
    },
  },
});
