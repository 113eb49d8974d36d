// Train/test leakage as data flow: where something learns from the rows it is given (a transformer's
// fit, an oversampler, a statistic computed by hand and applied to the data), where data is cut into
// training and test parts (a split, a cross-validation, a fold loop), and whether what was learned
// reaches the cut. Followed through assignments in document order within each function and the
// module (a notebook's cells are one module, in cell order), and through the module's own functions:
// a helper that fits and returns the transformed data, a helper that splits what it is given.
//
// Entry point: `leakageOf(module)`, computed once per module: the leaks before a cut and the
// learning on a test part, each with the nodes a finding and its related places need. Rules read
// these facts and word them; none re-walks the flow. A new kind of source goes in
// `statementSources`, a new kind of cut in `onCall` (or beside `onOldFoldLoop`).
//
// While a module is edited, what is found of each top-level statement (its sources, where its
// scopes cut and whom they call, its functions' flows) is kept by the statement's node for the next
// version, and used again while the statement and what it reads of the module stay
// (KeptStatement): typing in one function follows that one again, not the module.
import { lastValueOf } from './bindings';
import { boundNames, namesRead, nodesIn, sameNode, variableRoot } from './flow';
import { Call, firstFrom, isInside, Node, nodesWithin, PythonModule, scopeOf } from './module';
import { constructedClass, constructorOf, FIT_TRANSFORM_FUNCTIONS, isLearningTransformer, sklearnName, splitOf, SPLITTERS } from './sklearn';
import { calledFunction, callsWithin, lastName, parameterNames } from './structure';
import { ModuleSurroundings, Surroundings, surroundingsOf } from './surroundings';

/** Something that learns from the rows it is given. */
export interface RowLearning {
  /** `fit`: a transformer's fit or fit_transform; `oversampling`: rows copied or interpolated
   *  (`SMOTE().fit_resample`); `statistic`: a mean, deviation, extreme or quantile of the data,
   *  computed by hand and applied to it (`df.fillna(df.mean())`, `(x - x.mean()) / x.std()`). */
  kind: 'fit' | 'oversampling' | 'statistic';
  /** Where it learns: the fit call, the resampling call, the expression applying the statistic. */
  node: Node;
  /** What learns, as a message names it: `` `scaler` (StandardScaler) ``, `scale()`, `` `df.mean()` ``. */
  what: string;
  /** The scikit-learn class that does the same inside a Pipeline (`StandardScaler`, `SimpleImputer`). */
  step: string;
  /** The variable holding the fitted transformer, when there is one. */
  instance?: string;
  /** The data it learns from. */
  input?: Node;
}

/** Where data is cut into training and test parts. */
export interface DataCut {
  node: Node;
  /** As people name it: `train_test_split()`, `KFold.split()`, `cross_val_score()`. */
  how: string;
}

/** What a source learned reaches a cut made afterwards: the test rows took part in the learning. */
export interface Leak {
  source: RowLearning;
  cut: DataCut;
  /** Calls of the module's own functions the data went through between the two (a helper that
   *  fits and returns, a helper that splits what it is given), in the order the data takes them. */
  through: Node[];
}

/** A transformer fitted on (or a statistic computed from) the test part of a cut. */
export interface TestPartLearning {
  source: RowLearning;
  cut: DataCut;
}

export interface ModuleLeakage {
  /** Learning before the cut, one leak per source (its first cut in document order). */
  beforeSplit: Leak[];
  /** Learning on the test part after the cut, one per source. */
  onTestPart: TestPartLearning[];
}

// ---------------------------------------------------------------------------------------------
// Sources

/** imbalanced-learn's samplers that add rows made from existing ones (copies or interpolations). */
const OVERSAMPLER = /^imblearn\.(over_sampling|combine)\.(SMOTE|SMOTENC|SMOTEN|ADASYN|BorderlineSMOTE|SVMSMOTE|KMeansSMOTE|RandomOverSampler|SMOTETomek|SMOTEENN)$/;

/** Transformer libraries beside scikit-learn whose classes learn from the rows they are fitted on. */
const THIRD_PARTY_TRANSFORMERS = /^(category_encoders|feature_engine)\.|^sklearn_pandas\.(DataFrameMapper|dataframe_mapper\.DataFrameMapper)$|^umap\.(umap_\.)?UMAP$/;

const PIPELINES = new Set(['Pipeline', 'make_pipeline']);

/** Reductions over the rows: their value is a statistic of the data. */
const STATISTIC_METHODS = new Set(['mean', 'median', 'std', 'var', 'min', 'max', 'quantile', 'mode']);
const NUMPY_STATISTICS = new Set(['mean', 'median', 'std', 'var', 'min', 'max', 'amin', 'amax', 'percentile', 'quantile', 'nanmean', 'nanmedian', 'nanstd', 'nanvar', 'nanmin', 'nanmax', 'nanpercentile', 'nanquantile']);
/** pandas methods that fill with or subtract / divide by their argument. */
const FILLING_METHODS = new Set(['fillna']);
const ARITHMETIC_METHODS = new Set(['sub', 'subtract', 'div', 'divide', 'truediv']);
/** Methods whose result is the value they are called on, in another form. */
const VALUE_KEEPING_METHODS = new Set(['round', 'astype', 'item', 'to_numpy', 'tolist', 'squeeze', 'copy', 'reshape', 'to_dict']);
const MAX_STATISTIC_DEPTH = 4;

function isNumber(node: Node | null | undefined): boolean {
  return node?.type === 'integer' || node?.type === 'float';
}

const transformersCache = new WeakMap<PythonModule, Set<string>>();

/** Classes of the module with `fit` and `transform` (or `fit_transform`) methods whose fit keeps
 *  something on the instance: a transformer written by hand. A fit that only returns `self` learns
 *  nothing (the usual stateless custom transformer). */
function projectTransformers(module: PythonModule): Set<string> {
  let found = transformersCache.get(module);
  if (found) return found;
  found = new Set<string>();
  transformersCache.set(module, found);
  for (const cls of module.nodes('class_definition')) {
    const name = cls.childForFieldName('name')?.text;
    const body = cls.childForFieldName('body');
    if (!name || !body) continue;
    const methods = new Map<string, Node>();
    for (const child of body.namedChildren) {
      const def = child?.type === 'decorated_definition' ? child.childForFieldName('definition') : child;
      const method = def?.type === 'function_definition' ? def.childForFieldName('name')?.text : undefined;
      if (def && method) methods.set(method, def);
    }
    const fit = methods.get('fit') ?? methods.get('fit_transform');
    if (!fit || !(methods.has('transform') || methods.has('fit_transform'))) continue;
    const keepsState = fit.descendantsOfType(['assignment', 'augmented_assignment']).some((a) => {
      const target = a?.childForFieldName('left');
      return target?.type === 'attribute' && target.childForFieldName('object')?.text === 'self';
    });
    if (keepsState) found.add(name);
  }
  return found;
}

/** `scaler = StandardScaler().fit(X)`: fit returns the transformer, so `scaler` holds it. */
function assignedFit(call: Call): string | undefined {
  const parent = call.node.parent;
  if (call.method !== 'fit' || parent?.type !== 'assignment' || !sameNode(parent.childForFieldName('right'), call.node)) return undefined;
  const left = parent.childForFieldName('left');
  return left?.type === 'identifier' ? left.text : undefined;
}

function described(cls: string, instance: string | undefined): string {
  return instance ? `\`${instance}\` (${cls})` : cls;
}

/** The transformer fit or the oversampling a call is, if any. */
function fittingOf(module: PythonModule, call: Call): RowLearning | undefined {
  // Read only for a fit: reading a call's arguments costs, and most calls are not one.
  const input = () => call.positional[0] ?? call.keywords.get('X');
  const fn = call.imported ? sklearnName(call.qualified, 'sklearn.preprocessing') : undefined;
  const step = fn && FIT_TRANSFORM_FUNCTIONS.get(fn);
  if (step) return { kind: 'fit', node: call.node, what: `${fn}()`, step, input: input() };
  if (!call.receiver) return undefined;
  const resamples = call.method === 'fit_resample' || call.method === 'fit_sample';
  if (!resamples && call.method !== 'fit' && call.method !== 'fit_transform') return undefined;
  const instance = call.receiver.type === 'identifier' ? call.receiver.text : assignedFit(call);
  const constructor = constructorOf(module, call.receiver.type === 'identifier' ? lastValueOf(module, call.receiver) : call.receiver);
  if (!constructor) return undefined;
  const built = module.describeCall(constructor);
  const cls = lastName(built.qualified);
  if (resamples) {
    return built.imported && OVERSAMPLER.test(built.qualified) ? { kind: 'oversampling', node: call.node, what: described(cls, instance), step: cls, instance, input: input() } : undefined;
  }
  const learns = built.imported
    ? isLearningTransformer(built.qualified) ||
      THIRD_PARTY_TRANSFORMERS.test(built.qualified) ||
      // A pipeline whose fit_transform is called is a chain of transformers.
      (call.method === 'fit_transform' && PIPELINES.has(constructedClass(module, constructor) ?? ''))
    : projectTransformers(module).has(built.callee);
  return learns ? { kind: 'fit', node: call.node, what: described(cls, instance), step: cls, instance, input: input() } : undefined;
}

/** `axis=1` / `axis="columns"` (or pandas' positional 1): a statistic of each row, not across rows. */
function isRowWise(call: Call): boolean {
  const axis = call.keywords.get('axis') ?? (call.receiver && !call.imported ? call.positional[0] : call.positional[1]);
  return !!axis && /^(1|-1|["']columns["'])$/.test(axis.text);
}

/** The statistic call an expression is or holds: `df["age"].mean()`, `X.std(axis=0)`, `np.median(X)`,
 *  `df.mode()[0]`, a variable assigned one, `X.max() - X.min()`. */
function statisticIn(module: PythonModule, node: Node | null | undefined, depth = 0): Call | undefined {
  if (!node || depth > MAX_STATISTIC_DEPTH) return undefined;
  switch (node.type) {
    case 'parenthesized_expression':
      return statisticIn(module, node.namedChildren[0], depth + 1);
    case 'subscript':
      return statisticIn(module, node.childForFieldName('value'), depth + 1);
    case 'attribute':
      // `.values`, `.iloc` of a statistic
      return statisticIn(module, node.childForFieldName('object'), depth + 1);
    case 'identifier':
      return statisticIn(module, lastValueOf(module, node), depth + 1);
    case 'binary_operator': {
      // `X.max() - X.min()`, `X.std() + 1e-8`: statistics combined with statistics or constants.
      const left = node.childForFieldName('left');
      const right = node.childForFieldName('right');
      const leftStatistic = statisticIn(module, left, depth + 1);
      const rightStatistic = statisticIn(module, right, depth + 1);
      if (leftStatistic && (rightStatistic || isNumber(right))) return leftStatistic;
      return rightStatistic && isNumber(left) ? rightStatistic : undefined;
    }
    case 'call': {
      const call = module.describeCall(node);
      if (call.imported && call.qualified.startsWith('numpy.') && NUMPY_STATISTICS.has(call.method)) {
        return call.positional[0] && !isRowWise(call) ? call : undefined;
      }
      if (call.receiver && !call.imported && STATISTIC_METHODS.has(call.method) && variableRoot(call.receiver) && !isRowWise(call)) return call;
      // `X.mean().round(2)`, `df.mode().to_numpy()`
      return call.receiver && !call.imported && VALUE_KEEPING_METHODS.has(call.method) ? statisticIn(module, call.receiver, depth + 1) : undefined;
    }
    default:
      return undefined;
  }
}

/** The data a statistic is computed on: the receiver of a method, the first argument of a NumPy function. */
function statisticData(statistic: Call): Node | undefined {
  return statistic.imported ? statistic.positional[0] : statistic.receiver;
}

/** Data (not a constant, not a statistic itself) in an arithmetic operand. */
function isData(module: PythonModule, node: Node | null | undefined): boolean {
  return !!node && namesRead(node).size > 0 && !statisticIn(module, node);
}

function statisticSource(node: Node, statistic: Call, step: string): RowLearning {
  return { kind: 'statistic', node, what: `\`${statistic.node.text.length <= 60 ? statistic.node.text : `….${statistic.method}()`}\``, step, input: statisticData(statistic) };
}

/** A statistic applied to data: a fill value (`fillna(df.mean())`, a dict of them), a centring or
 *  scaling (`x - x.mean()`, `x / x.std()`, `x.sub(mu).div(sigma)`, `X -= X.mean(axis=0)`). */
function statisticApplied(module: PythonModule, node: Node): RowLearning | undefined {
  if (node.type === 'call') {
    const call = module.describeCall(node);
    if (!call.receiver || call.imported) return undefined;
    if (FILLING_METHODS.has(call.method)) {
      const value = call.positional[0] ?? call.keywords.get('value');
      const values = value?.type === 'dictionary' ? value.namedChildren.flatMap((p) => (p?.type === 'pair' ? [p.childForFieldName('value')] : [])) : [value];
      const statistic = values.map((v) => statisticIn(module, v)).find((s) => s);
      return statistic ? statisticSource(node, statistic, 'SimpleImputer') : undefined;
    }
    if (ARITHMETIC_METHODS.has(call.method) && isData(module, call.receiver)) {
      const statistic = statisticIn(module, call.positional[0]);
      return statistic ? statisticSource(node, statistic, scalerFor(statistic)) : undefined;
    }
    return undefined;
  }
  const operator = node.childForFieldName('operator')?.text;
  if (node.type === 'binary_operator' && (operator === '-' || operator === '/')) {
    const left = node.childForFieldName('left');
    const statistic = statisticIn(module, node.childForFieldName('right'));
    return statistic && isData(module, left) ? statisticSource(node, statistic, scalerFor(statistic)) : undefined;
  }
  if (node.type === 'augmented_assignment' && (operator === '-=' || operator === '/=')) {
    const statistic = statisticIn(module, node.childForFieldName('right'));
    return statistic ? statisticSource(node, statistic, scalerFor(statistic)) : undefined;
  }
  return undefined;
}

/** The scaler that learns what a hand-written scaling uses: extremes make a min-max scaling. */
function scalerFor(statistic: Call): string {
  return /^(nan)?(a?min|a?max)$/.test(statistic.method) ? 'MinMaxScaler' : 'StandardScaler';
}

/** The kinds of node a source is: a call (a fit, a fill, `.sub()`), an operation (`x - x.mean()`). */
const SOURCE_TYPES = ['call', 'binary_operator', 'augmented_assignment'];

/** Every place of a top-level statement that learns from rows, in document order. An application
 *  nested in another (`(x - x.min()) / (x.max() - x.min())`, always in the same statement) is one
 *  source, the outer one. */
function statementSources(module: PythonModule, statement: Node): RowLearning[] {
  const fits = callsWithin(module, statement).flatMap((call) => fittingOf(module, call) ?? []);
  const candidates = SOURCE_TYPES.flatMap((type) => nodesWithin(module.nodes(type), statement));
  const applied = candidates.flatMap((node) => statisticApplied(module, node) ?? []);
  const outermost = applied.filter((s) => !applied.some((other) => other !== s && isInside(s.node, other.node)));
  return [...fits, ...outermost].sort((a, b) => a.node.startIndex - b.node.startIndex);
}

// ---------------------------------------------------------------------------------------------
// Cuts

/** The splitter a for loop iterates in the old form (`for train, test in KFold(len(X), n_folds=5)`:
 *  scikit-learn before 0.18, where the cross-validator was iterated itself). */
function iteratedSplitter(module: PythonModule, iterable: Node | null): string | undefined {
  if (!iterable) return undefined;
  const value = iterable.type === 'identifier' ? lastValueOf(module, iterable) : iterable;
  const cls = value?.type === 'call' ? constructedClass(module, value) : undefined;
  return cls && SPLITTERS.has(cls) ? cls : undefined;
}

/** The data a fold loop cuts: `X` in `X[train_idx]`, `X.iloc[test_idx]`, indexed by the loop's targets. */
function foldIndexedData(loop: Node): Node[] {
  const targets = new Set(boundNames(loop.childForFieldName('left')).map((b) => b.name));
  const body = loop.childForFieldName('body');
  if (!body || targets.size === 0) return [];
  return body.descendantsOfType('subscript').flatMap((s) => {
    const index = s?.childForFieldName('subscript');
    const value = s?.childForFieldName('value');
    if (!s || !value || !index || index.type !== 'identifier' || !targets.has(index.text)) return [];
    return [value];
  });
}

// ---------------------------------------------------------------------------------------------
// The flow

/** A parameter of the function being summarized, as an origin of data. */
interface Parameter {
  kind: 'parameter';
  index: number;
}
type Origin = RowLearning | Parameter;
/** What a value carries: each origin with the call of a module function it came in through. */
type Carried = Map<Origin, Node | undefined>;

interface CutReached {
  cut: DataCut;
  through: Node[];
}

/** What a function of the module does with data, for its callers. */
interface FunctionSummary {
  parameters: string[];
  /** Sources inside it (or its callees) whose learned data it returns. */
  returns: Set<RowLearning>;
  /** Parameters whose data reaches a cut inside it. */
  parameterCuts: Map<number, CutReached>;
  /** Names of the enclosing scope (module globals) whose data reaches a cut inside it. */
  globalCuts: Map<string, CutReached>;
}

/** Where the scopes of a top-level statement cut data and which functions of the module they call.
 *  A scope is a function definition, or none for the module's own level. */
interface StatementScopes {
  cutting: (Node | undefined)[];
  calls: { caller: Node | undefined; callee: Node }[];
}

/** Each call and loop counts for the innermost function around it (a lambda's for the function
 *  around the lambda). */
function statementScopes(module: PythonModule, statement: Node): StatementScopes {
  const found: StatementScopes = { cutting: [], calls: [] };
  forEachInnermostScope(module, statement, callsWithin(module, statement), (call) => call.node, (call, scope) => {
    if (splitOf(module, call)) found.cutting.push(scope);
    const callee = call.receiver ? undefined : calledFunction(module, call);
    if (callee) found.calls.push({ caller: scope, callee });
  });
  forEachInnermostScope(module, statement, nodesWithin(module.nodes('for_statement'), statement), (loop) => loop, (loop, scope) => {
    if (iteratedSplitter(module, loop.childForFieldName('right'))) found.cutting.push(scope);
  });
  return found;
}

/** The scopes (by id: the module's root and its functions) through which data may reach a cut: a
 *  cut is made in them, or they call a function of the module that is such a scope. Undefined when
 *  the functions that are not such scopes call each other in a cycle: whichever of a cycle is
 *  followed first misses what the others return, so they are then all followed in document order.
 *  A scope counted that need not be is followed for nothing, never wrongly. */
function scopesReachingCuts(module: PythonModule, scopes: StatementScopes[]): Set<number> | undefined {
  const idOf = (scope: Node | undefined) => (scope ?? module.root).id;
  const cuts = new Set<number>();
  const callers = new Map<number, number[]>();
  const callees = new Map<number, number[]>();
  for (const { cutting, calls } of scopes) {
    for (const scope of cutting) cuts.add(idOf(scope));
    for (const { caller, callee } of calls) {
      const list = callers.get(callee.id);
      if (list) list.push(idOf(caller));
      else callers.set(callee.id, [idOf(caller)]);
      const called = callees.get(idOf(caller));
      if (called) called.push(callee.id);
      else callees.set(idOf(caller), [callee.id]);
    }
  }
  const reaching = new Set(cuts);
  const pending = [...cuts];
  while (pending.length > 0) {
    for (const caller of callers.get(pending.pop()!) ?? []) {
      if (!reaching.has(caller)) {
        reaching.add(caller);
        pending.push(caller);
      }
    }
  }
  // A cycle among the others: a depth-first walk that meets a function still on its path.
  const onPath = new Set<number>();
  const done = new Set<number>();
  const cycles = (id: number): boolean => {
    if (done.has(id)) return false;
    onPath.add(id);
    for (const callee of callees.get(id) ?? []) if (callee !== id && !reaching.has(callee) && (onPath.has(callee) || cycles(callee))) return true;
    onPath.delete(id);
    done.add(id);
    return false;
  };
  return module.nodes('function_definition').some((def) => !reaching.has(def.id) && cycles(def.id)) ? undefined : reaching;
}

/** Calls `visit` with each item of a top-level statement (in document order) and the innermost
 *  function definition around its node (none at the module's level): one sweep beside the
 *  definitions, in document order, from the first in the statement. */
function forEachInnermostScope<T>(module: PythonModule, statement: Node, items: T[], nodeOf: (item: T) => Node, visit: (item: T, scope: Node | undefined) => void): void {
  const defs = module.nodes('function_definition');
  const open: Node[] = [];
  let next = firstFrom(defs, statement.startIndex);
  for (const item of items) {
    const node = nodeOf(item);
    while (next < defs.length && defs[next].startIndex <= node.startIndex) {
      while (open.length > 0 && open[open.length - 1].endIndex <= defs[next].startIndex) open.pop();
      open.push(defs[next++]);
    }
    while (open.length > 0 && !isInside(node, open[open.length - 1])) open.pop();
    visit(item, open[open.length - 1]);
  }
}

const ELEMENT_LOOPS = new Set(['list_comprehension', 'generator_expression', 'set_comprehension', 'dictionary_comprehension', 'lambda']);
const FUNCTION_TYPES = ['function_definition', 'lambda'];

// Per node of a module being edited, what the flow reads of its text again in every version: the
// names it reads, the calls in it (itself first), and for a top-level statement the nodes of each
// type of the module's own scope (in no function or lambda). A node object kept by a re-parse keeps
// its text. A module analysed once keeps none: they would only make more for its collector to do.
const readsCache = new WeakMap<Node, ReadonlySet<string>>();
const callsCache = new WeakMap<Node, Node[]>();
const topLevelCache = new WeakMap<Node, Map<string, Node[]>>();
/** The kinds of node the flow of the module's own scope follows. */
const TOP_LEVEL_TYPES = ['call', 'assignment', 'augmented_assignment', 'for_statement', 'return_statement', ...SOURCE_TYPES];
const NOTHING_READ: ReadonlySet<string> = new Set();

function readsOf(node: Node | null | undefined, keep: boolean): ReadonlySet<string> {
  if (!node) return NOTHING_READ;
  let names = keep ? readsCache.get(node) : undefined;
  if (!names) {
    names = namesRead(node);
    if (keep) readsCache.set(node, names);
  }
  return names;
}

function callsUnder(expression: Node, keep: boolean): Node[] {
  let calls = keep ? callsCache.get(expression) : undefined;
  if (!calls) {
    const inner = expression.descendantsOfType('call').filter((node): node is Node => node !== null);
    calls = expression.type === 'call' ? [expression, ...inner] : inner;
    if (keep) callsCache.set(expression, calls);
  }
  return calls;
}

/** The nodes of each kind the flow follows in a top-level statement that are in no function or
 *  lambda, in document order; only the kinds it has. */
function topLevelNodesIn(module: PythonModule, statement: Node): Map<string, Node[]> {
  let byType = topLevelCache.get(statement);
  if (!byType) {
    byType = new Map();
    const functions = FUNCTION_TYPES.flatMap((t) => nodesWithin(module.nodes(t), statement));
    for (const type of new Set(TOP_LEVEL_TYPES)) {
      const found = nodesWithin(module.nodes(type), statement).filter((node) => !functions.some((f) => isInside(node, f)));
      if (found.length > 0) byType.set(type, found);
    }
    topLevelCache.set(statement, byType);
  }
  return byType;
}

/** What following a scope finds, in the order found: a leak (a statistic's, with the node of its
 *  data, is reported once per data), learning on a test part, or a function of the module it
 *  followed into (what that function finds comes at that place, the first time one is followed). */
type Discovery = { leak: Leak; statisticData?: number } | { testPart: TestPartLearning } | { follows: Node };

/** A scope followed: its summary for callers, what it found, and what it took from elsewhere. */
interface ScopeFlow {
  summary: FunctionSummary;
  found: Discovery[];
  /** The module's functions it followed into, in the order first asked, with the flow each had
   *  (none: one being followed then, a recursion). With its scope's text and the module around its
   *  statement (ModuleSurroundings, imports, transformers), they are all the flow depends on. */
  callees: Map<number, { def: Node; flow: ScopeFlow | undefined }>;
}

/** What is kept of a top-level statement between versions of an edited module, by its node (the
 *  same object is the same text): its sources, its scopes and the flows of its functions, valid
 *  while the module around it is the same (the imports and the transformers written in the module,
 *  and its surroundings). */
interface KeptStatement {
  context: string;
  /** None where nothing is kept (see LeakageAnalysis.seenBefore). */
  surroundings?: Surroundings;
  sources?: RowLearning[];
  scopes?: StatementScopes;
  /** By the id of the function's node. */
  flows?: Map<number, ScopeFlow>;
}

const keptStatements = new WeakMap<Node, KeptStatement>();
/** The top-level statements of the versions of modules analysed so far. */
const statementsSeen = new WeakSet<Node>();

/** What the analysis of any statement reads of the module as a whole: the names its imports bind,
 *  and its classes written as transformers. */
function moduleContext(module: PythonModule): string {
  const context = [...module.imports.map((i) => `${i.local}=${i.target}`), '', ...projectTransformers(module)].join('\n');
  // The latest context object stands for an equal one: kept statements compare theirs with it at once.
  if (context !== latestContext) latestContext = context;
  return latestContext;
}

let latestContext = '';

class LeakageAnalysis {
  readonly leaks = new Map<RowLearning, Leak>();
  readonly testPart = new Map<RowLearning, TestPartLearning>();
  /** The module's top-level statements, and the sources of each (by its place among them), found
   *  when a scope that is followed first asks: most statements are never read for sources. */
  private readonly surroundings: ModuleSurroundings;
  private readonly statements: Node[];
  private readonly sourcesByStatement = new Map<number, RowLearning[]>();
  private readonly sourcesByScope = new Map<number, RowLearning[]>();
  /** Statistics (by the node of their data) already reported as applied to the parts of a cut. */
  private readonly statisticsReported = new Set<number>();
  /** The flow of each function followed, by id (null while it is being followed). */
  private readonly flows = new Map<number, ScopeFlow | null>();
  /** The nodes of each type of the module's own scope, and the places of the statements that hold
   *  a node of a kind that sources are there. */
  private topLevel?: { byType: Map<string, Node[]>; holdingSources: number[] };
  private context?: string;
  /** The statements of a version analysed before: results are kept for the next version only for
   *  those, in a module being edited. A file analysed once (a scan) keeps nothing, nor does a
   *  statement being typed. */
  private readonly seenBefore = new Set<Node>();
  /** Whether the module is being edited: it has statements of a version analysed before. */
  private readonly editing: boolean;
  /** The statements whose kept results were checked against this version of the module. */
  private readonly checked = new Map<Node, KeptStatement>();

  constructor(private readonly module: PythonModule) {
    this.surroundings = surroundingsOf(module);
    this.statements = this.surroundings.statements;
    for (const statement of this.statements) {
      if (statementsSeen.has(statement)) this.seenBefore.add(statement);
      else statementsSeen.add(statement);
    }
    this.editing = this.seenBefore.size > 0;
  }

  /** Follows the scopes that may leak: the module's top level and the functions, in document order,
   *  with the summaries of the functions they call as they call them. A scope through which no
   *  data reaches a cut leaves no leak and no learning on a test part, and is not followed for
   *  itself (only for what a caller needs from it): in most modules, most functions. Then takes
   *  what the flows found, in the order one walk through them finds it, since the first leak
   *  found of a source is the one reported. */
  run(): void {
    const { root } = this.module;
    const cutting = scopesReachingCuts(this.module, this.statements.map((statement) => (this.keptFor(statement).scopes ??= statementScopes(this.module, statement))));
    const rootFlow = !cutting || cutting.has(root.id) ? this.analyzeScope(root) : undefined;
    const defs = this.module.nodes('function_definition').filter((def) => !cutting || cutting.has(def.id));
    for (const def of defs) this.flowOf(def);
    const taken = new Set<number>();
    if (rootFlow) this.take(rootFlow.found, taken);
    for (const def of defs) this.takeFlowOf(def, taken);
  }

  private takeFlowOf(def: Node, taken: Set<number>): void {
    if (taken.has(def.id)) return;
    taken.add(def.id);
    this.take(this.flows.get(def.id)?.found ?? [], taken);
  }

  private take(found: Discovery[], taken: Set<number>): void {
    for (const discovery of found) {
      if ('follows' in discovery) {
        this.takeFlowOf(discovery.follows, taken);
      } else if ('testPart' in discovery) {
        const { source } = discovery.testPart;
        if (!this.testPart.has(source)) this.testPart.set(source, discovery.testPart);
      } else {
        const { leak, statisticData } = discovery;
        if (this.leaks.has(leak.source) || (statisticData !== undefined && this.statisticsReported.has(statisticData))) continue;
        this.leaks.set(leak.source, leak);
        if (statisticData !== undefined) this.statisticsReported.add(statisticData);
      }
    }
  }

  /** A function's flow: kept from the version of the module before when it still holds there. */
  private flowOf(def: Node): ScopeFlow | undefined {
    if (this.flows.has(def.id)) return this.flows.get(def.id) ?? undefined;
    this.flows.set(def.id, null); // recursion: a function calling itself adds nothing
    const kept = this.keptFor(this.statementOf(def));
    let flow = kept.flows?.get(def.id);
    // Its callees are asked in the order its flow asked them, as following it again would (this one
    // being followed meanwhile): the same flows, or the same recursions, make the same flow.
    if (!flow || ![...flow.callees.values()].every((callee) => this.flowOf(callee.def) === callee.flow)) {
      const parameters = parameterNames(def);
      flow = this.isInert(def) ? { summary: { parameters, returns: new Set(), parameterCuts: new Map(), globalCuts: new Map() }, found: [], callees: new Map() } : this.analyzeScope(def, parameters);
      (kept.flows ??= new Map()).set(def.id, flow);
    }
    this.flows.set(def.id, flow);
    return flow;
  }

  /** The top-level statement a node is in. */
  private statementOf(node: Node): Node {
    return this.statements[Math.max(firstFrom(this.statements, node.startIndex + 1) - 1, 0)];
  }

  /** What is kept of a top-level statement, checked against this version of the module (and
   *  started afresh where it no longer holds). */
  private keptFor(statement: Node): KeptStatement {
    let kept = this.checked.get(statement);
    if (kept) return kept;
    if (!this.seenBefore.has(statement)) {
      kept = { context: '' };
    } else {
      const context = (this.context ??= moduleContext(this.module));
      kept = keptStatements.get(statement);
      const surroundings = this.surroundings.of(statement);
      if (kept?.surroundings !== surroundings || kept.context !== context) keptStatements.set(statement, (kept = { context, surroundings }));
    }
    this.checked.set(statement, kept);
    return kept;
  }

  /** Whether a function neither learns, cuts nor hands data to a function of the module: no source
   *  is written in it, none of its calls cuts, it iterates no cross-validator and it calls none of the
   *  module's functions. Its flow would add nothing and give callers an empty summary: most
   *  functions of a module are such, and are not followed. */
  private isInert(def: Node): boolean {
    if (this.sourcesWithin(def).length > 0) return false;
    for (const call of callsWithin(this.module, def)) {
      if (splitOf(this.module, call) || (!call.receiver && calledFunction(this.module, call))) return false;
    }
    return !nodesIn(def, 'for_statement').some((node) => iteratedSplitter(this.module, node.childForFieldName('right')) !== undefined);
  }

  /** The augmented assignments, for loops and returns of a scope. */
  private statementsOf(scope: Node): Node[] {
    return ['augmented_assignment', 'for_statement', 'return_statement'].flatMap((type) => this.nodesOf(scope, type));
  }

  /** The nodes of a type whose data flow lives in `scope` (flow.ts nodesIn), the module's own from
   *  each statement's. */
  private nodesOf(scope: Node, type: string): Node[] {
    return sameNode(scope, this.module.root) && this.editing ? (this.topLevelNodes().byType.get(type) ?? []) : nodesIn(scope, type);
  }

  private topLevelNodes(): { byType: Map<string, Node[]>; holdingSources: number[] } {
    if (this.topLevel) return this.topLevel;
    const found = { byType: new Map<string, Node[]>(), holdingSources: [] as number[] };
    this.statements.forEach((statement, i) => {
      const nodes = topLevelNodesIn(this.module, statement);
      if (SOURCE_TYPES.some((type) => nodes.has(type))) found.holdingSources.push(i);
      for (const [kind, list] of nodes) {
        const all = found.byType.get(kind);
        if (all) all.push(...list);
        else found.byType.set(kind, [...list]);
      }
    });
    return (this.topLevel = found);
  }

  /** The sources of a scope (a function's body, the module's top level). The top level's are in the
   *  statements that hold a call or an operation of the top level. */
  private sourcesOf(scope: Node): RowLearning[] {
    let found = this.sourcesByScope.get(scope.id);
    if (!found) {
      const isModule = sameNode(scope, this.module.root);
      const written = isModule ? this.topLevelSources() : this.sourcesWithin(scope);
      found = written.filter((source) => sameNode(scopeOf(source.node), scope));
      this.sourcesByScope.set(scope.id, found);
    }
    return found;
  }

  /** The summary of the module function a call calls by name, if any (methods are left out), as
   *  the flow that asks follows into it. */
  private calledSummary(call: Call, asking: ScopeFlow): FunctionSummary | undefined {
    const def = call.receiver ? undefined : calledFunction(this.module, call);
    if (!def) return undefined;
    const flow = this.flowOf(def);
    if (!asking.callees.has(def.id)) {
      asking.callees.set(def.id, { def, flow });
      asking.found.push({ follows: def });
    }
    return flow?.summary;
  }

  /** The sources of the statements that hold a node of a kind that sources are, in the module's own
   *  scope (not in a function): the others can hold no source of that scope. */
  private topLevelSources(): RowLearning[] {
    if (this.editing) return this.topLevelNodes().holdingSources.flatMap((i) => this.sourcesIn(i));
    const holding = new Set<number>();
    for (const type of SOURCE_TYPES) for (const node of nodesIn(this.module.root, type)) holding.add(firstFrom(this.statements, node.startIndex + 1) - 1);
    return [...holding].sort((a, b) => a - b).flatMap((i) => this.sourcesIn(i));
  }

  /** The sources of the top-level statement at `index`. */
  private sourcesIn(index: number): RowLearning[] {
    let found = this.sourcesByStatement.get(index);
    if (!found) {
      const statement = this.statements[index];
      found = this.keptFor(statement).sources ??= statementSources(this.module, statement);
      this.sourcesByStatement.set(index, found);
    }
    return found;
  }

  /** The sources written inside a node, from the top-level statements it overlaps. */
  private sourcesWithin(node: Node): RowLearning[] {
    const within: RowLearning[] = [];
    for (let i = Math.max(firstFrom(this.statements, node.startIndex) - 1, 0); i < this.statements.length && this.statements[i].startIndex < node.endIndex; i++) {
      for (const source of this.sourcesIn(i)) if (isInside(source.node, node)) within.push(source);
    }
    return within;
  }

  /** Runs the flow through one scope in document order; for a function, returns what callers need. */
  private analyzeScope(scope: Node, parameters: string[] = []): ScopeFlow {
    const module = this.module;
    const carried = new Map<string, Carried>();
    parameters.forEach((name, index) => carried.set(name, new Map([[{ kind: 'parameter', index } as Origin, undefined]])));
    const isModule = sameNode(scope, module.root);
    // Names the scope binds (Python makes them local for the whole function); the others are globals.
    // Only a cut in a function asks, so they are found then.
    let locals: Set<string> | undefined;
    const isLocal = (name: string) =>
      (locals ??= new Set([...parameters, ...this.nodesOf(scope, 'assignment').flatMap((a) => boundNames(a.childForFieldName('left')).map((b) => b.name))])).has(name);
    // Names holding the test part of a cut made earlier.
    const testParts = new Map<string, DataCut>();
    const cutAt = new Map<number, DataCut>();
    // Cuts made so far, with the names their data reads (for a transformer applied to the parts).
    const cutsSoFar: { cut: DataCut; reads: Set<string> }[] = [];
    const summary: FunctionSummary = { parameters, returns: new Set(), parameterCuts: new Map(), globalCuts: new Map() };
    const flow: ScopeFlow = { summary, found: [], callees: new Map() };

    const valueOf = (expression: Node | null | undefined): Carried => {
      const value: Carried = new Map();
      if (!expression) return value;
      for (const name of readsOf(expression, this.editing)) for (const [origin, via] of carried.get(name) ?? []) if (!value.has(origin)) value.set(origin, via);
      for (const source of this.sourcesWithin(expression)) if (!value.has(source)) value.set(source, undefined);
      for (const node of callsUnder(expression, this.editing)) {
        const callee = this.calledSummary(module.describeCall(node), flow);
        if (!callee) continue;
        const perElement = withinElementLoop(node, expression);
        for (const source of callee.returns) {
          // A statistic of each element (`[normalize(img) for img in images]`) is not one of all rows.
          if (perElement && source.kind === 'statistic') continue;
          if (!value.has(source)) value.set(source, node);
        }
      }
      return value;
    };

    const reach = (value: Carried, cut: DataCut, throughCall: Node | undefined, inner: Node[] = []) => {
      for (const [origin, via] of value) {
        const through = [...(via ? [via] : []), ...(throughCall ? [throughCall] : []), ...inner];
        if (origin.kind === 'parameter') {
          if (!summary.parameterCuts.has(origin.index)) summary.parameterCuts.set(origin.index, { cut, through });
        } else {
          flow.found.push({ leak: { source: origin, cut, through } });
        }
      }
    };

    const checkCut = (cut: DataCut, data: Node[]) => {
      for (const d of data) {
        reach(valueOf(d), cut, undefined);
        if (!isModule) for (const name of readsOf(d, this.editing)) if (!isLocal(name) && !summary.globalCuts.has(name)) summary.globalCuts.set(name, { cut, through: [] });
      }
      cutsSoFar.push({ cut, reads: new Set(data.flatMap((d) => [...readsOf(d, this.editing)])) });
    };

    /** `df[col] = ...`, `df.fillna(..., inplace=True)`: the variable keeps what it held and gains more. */
    const addTo = (name: string, value: Carried) => {
      if (!value.size) return;
      const held = new Map(carried.get(name) ?? []);
      for (const [o, v] of value) if (!held.has(o)) held.set(o, v);
      carried.set(name, held);
    };

    const bind = (target: Node | null, value: Carried, right: Node | null) => {
      const root = right ? variableRoot(right) : undefined;
      for (const bound of boundNames(target)) {
        if (bound.replaces) {
          if (value.size) carried.set(bound.name, value);
          else carried.delete(bound.name);
          if (!(root && testParts.has(root))) testParts.delete(bound.name);
          else testParts.set(bound.name, testParts.get(root)!);
        } else {
          addTo(bound.name, value);
        }
      }
    };

    const onSource = (source: RowLearning) => {
      const inputs = readsOf(source.input, this.editing);
      // Learning on the test part of an earlier cut.
      const part = source.kind !== 'oversampling' ? [...inputs].find((n) => testParts.has(n)) : undefined;
      if (part) flow.found.push({ testPart: { source, cut: testParts.get(part)! } });
      // A statistic of all rows, computed before a cut of those rows and applied after it (to the
      // parts): one finding per statistic.
      const input = source.input;
      if (source.kind === 'statistic' && input && !isInside(input, source.node)) {
        const cut = cutsSoFar.find((c) => c.cut.node.startIndex > input.endIndex && [...inputs].some((n) => c.reads.has(n)));
        if (cut) flow.found.push({ leak: { source, cut: cut.cut, through: [] }, statisticData: input.id });
      }
      if (source.node.type !== 'call') return;
      const call = module.describeCall(source.node);
      // A fit changes the transformer it is called on: it now holds what it learned, and only that.
      if (source.instance && call.receiver?.type === 'identifier') carried.set(source.instance, new Map([[source, undefined]]));
      // `df.fillna(df.mean(), inplace=True)` changes df.
      const inPlace = call.keywords.get('inplace')?.text === 'True' ? variableRoot(call.receiver) : undefined;
      if (inPlace) addTo(inPlace, new Map([[source, undefined]]));
    };

    const onCall = (call: Call) => {
      // A transformer fitted on all rows, applied to the parts of a cut of those rows.
      if ((call.method === 'transform' || call.method === 'fit_transform') && call.receiver?.type === 'identifier') {
        for (const [origin] of carried.get(call.receiver.text) ?? []) {
          if (origin.kind !== 'fit' || call.method === 'fit_transform') continue;
          const inputs = readsOf(origin.input, this.editing);
          const cut = cutsSoFar.find((c) => c.cut.node.startIndex > origin.node.endIndex && [...inputs].some((n) => c.reads.has(n)));
          if (cut) flow.found.push({ leak: { source: origin, cut: cut.cut, through: [] } });
        }
      }
      const split = splitOf(module, call);
      if (split) {
        const cut = { node: call.node, how: split.how };
        const loop = call.node.parent?.type === 'for_statement' && sameNode(call.node.parent.childForFieldName('right'), call.node) ? call.node.parent : undefined;
        checkCut(cut, [...split.data, ...(loop ? foldIndexedData(loop) : [])]);
        cutAt.set(call.node.id, cut);
      }
      const callee = this.calledSummary(call, flow);
      if (callee) {
        const args = new Map<number, Node>();
        call.positional.forEach((a, i) => args.set(i, a));
        for (const [name, arg] of call.keywords) {
          const index = callee.parameters.indexOf(name);
          if (index >= 0) args.set(index, arg);
        }
        for (const [index, reached] of callee.parameterCuts) reach(valueOf(args.get(index)), reached.cut, call.node, reached.through);
        for (const [name, reached] of callee.globalCuts) {
          const value = carried.get(name);
          if (value) reach(value, reached.cut, call.node, reached.through);
        }
      }
    };

    /** `X_train, X_test, y_train, y_test = train_test_split(X, y)`: the parts at odd places are test parts. */
    const markTestParts = (target: Node | null, right: Node | null) => {
      const cut = right && cutAt.get(right.id);
      if (!cut || sklearnName(module.describeCall(right).qualified) !== 'train_test_split') return;
      const names = boundNames(target);
      if (names.length >= 2 && names.length % 2 === 0) names.forEach((b, i) => i % 2 === 1 && testParts.set(b.name, cut));
    };

    const onOldFoldLoop = (loop: Node) => {
      const cls = iteratedSplitter(module, loop.childForFieldName('right'));
      if (cls) checkCut({ node: loop.childForFieldName('right')!, how: `${cls}()` }, foldIndexedData(loop));
    };

    // Events in the order their effect happens: a call when it ends (the arguments first), an
    // assignment once its right side has run, a loop's cut before its body.
    type Event = { end: number; run: () => void };
    const events: Event[] = [];
    for (const node of this.nodesOf(scope, 'call')) events.push({ end: node.endIndex, run: () => onCall(module.describeCall(node)) });
    // A source runs before the call it is (or the assignment it is in) has its effect.
    for (const source of this.sourcesOf(scope)) events.push({ end: source.node.endIndex - 0.5, run: () => onSource(source) });
    for (const assignment of this.nodesOf(scope, 'assignment')) {
      const right = assignment.childForFieldName('right');
      events.push({
        end: assignment.endIndex,
        run: () => {
          bind(assignment.childForFieldName('left'), valueOf(right), right);
          markTestParts(assignment.childForFieldName('left'), right);
        },
      });
    }
    for (const node of this.statementsOf(scope)) {
      if (node.type === 'augmented_assignment') {
        const left = node.childForFieldName('left');
        events.push({ end: node.endIndex, run: () => bind(left, valueOf(node), null) });
      } else if (node.type === 'for_statement') {
        const iterable = node.childForFieldName('right');
        if (iterable) events.push({ end: iterable.endIndex + 0.5, run: () => onOldFoldLoop(node) });
      } else {
        events.push({
          end: node.endIndex,
          run: () => {
            for (const origin of valueOf(node).keys()) if (origin.kind !== 'parameter') summary.returns.add(origin);
          },
        });
      }
    }
    events.sort((a, b) => a.end - b.end);
    for (const event of events) event.run();
    return flow;
  }
}

/** Whether a call inside `expression` runs once per element of a comprehension or a lambda. */
function withinElementLoop(node: Node, expression: Node): boolean {
  for (let n = node.parent; n && isInside(n, expression); n = n.parent) if (ELEMENT_LOOPS.has(n.type)) return true;
  return false;
}

const cache = new WeakMap<PythonModule, ModuleLeakage>();

/** The module's leakage facts, computed once per module. */
export function leakageOf(module: PythonModule): ModuleLeakage {
  let found = cache.get(module);
  if (!found && !module.importsPackage('sklearn')) {
    // Every cut is scikit-learn's (a split, a cross-validation, a search's fit) and every leak
    // reaches one: a module that imports nothing of it has none, and its flow is not followed.
    found = { beforeSplit: [], onTestPart: [] };
    cache.set(module, found);
  }
  if (!found) {
    const analysis = new LeakageAnalysis(module);
    analysis.run();
    const byPosition = <T extends { source: RowLearning }>(items: Iterable<T>) => [...items].sort((a, b) => a.source.node.startIndex - b.source.node.startIndex);
    found = { beforeSplit: byPosition(analysis.leaks.values()), onTestPart: byPosition(analysis.testPart.values()) };
    cache.set(module, found);
  }
  return found;
}
