// What evaluating a model looks like in code: the fits of a supervised model and the evaluations
// that score one (`est.score(X, y)`, a library metric on its predictions, a hand-written score such
// as `(est.predict(X) == y).mean()`, a helper function of the module that does one of these), each
// with the model and the data it scores; and which data is a test set. For the rules about scoring
// on the wrong data: the training rows (MLH202), the test set used to choose (MLH213).
import { lastValueOf } from './bindings';
import { boundNames, namesRead, sameNode, variableRoot } from './flow';
import { isMetricCall } from './metrics';
import { Call, enclosingFunction, nameText, Node, PythonModule } from './module';
import { binaryOperatorType, operatorBetween } from './operators';
import { sklearnName, splitOf } from './sklearn';
import { parameterNames } from './structure';
import { identifierWords } from '../text';

/** A supervised fit, `est.fit(X, y)`, or a call of a helper of the module that fits one. */
export interface Fitting {
  /** The fit, or the call of the helper that fits. */
  call: Call;
  /** The fitted model as named where it is used next: the receiver, or the name assigned the result. */
  estimator: string;
  /** The data fitted on, as data keys (dataKey). */
  features: string;
  target: string;
  featuresNode: Node;
  targetNode: Node;
}

/** One evaluation of a model on data. */
export interface Evaluation {
  /** The call that scores, or the aggregate of a hand-written score (`(pred == y).mean()`). */
  node: Node;
  /** As people name it: `accuracy_score()`, `score()`, `a hand-written score`. */
  how: string;
  /** The model scored, when known. */
  estimator?: string;
  /** The data it predicted on (a data key), when known. */
  features?: string;
  /** The data keys of the other arguments: the labels its predictions are compared with. */
  labels: string[];
  /** The expressions holding the data it reads: predictions and labels. */
  data: Node[];
  /** A comparison or difference aggregated by hand: counted only when it compares a model's predictions. */
  handWritten?: boolean;
}

// Wrappers that change a value's container, not its rows: `y.values`, `np.asarray(y)`, `y.ravel()`.
const SAME_ROWS_METHODS = new Set(['to_numpy', 'ravel', 'flatten', 'squeeze', 'tolist', 'astype', 'copy', 'numpy', 'cpu', 'detach', 'reshape', 'float', 'long']);
const SAME_ROWS_FUNCTIONS = new Set(['numpy.array', 'numpy.asarray', 'numpy.ravel', 'numpy.squeeze', 'list', 'torch.tensor', 'torch.as_tensor']);
// What turns a model's output into predictions of the same rows: `proba[:, 1]`, `.argmax(1)`, `> 0.5`.
const PREDICTION_METHODS = new Set([...SAME_ROWS_METHODS, 'argmax', 'round']);
const PREDICTION_FUNCTIONS = new Set([...SAME_ROWS_FUNCTIONS, 'numpy.argmax', 'numpy.round', 'numpy.rint', 'numpy.where', 'torch.argmax', 'torch.round']);
const PREDICT_METHOD = /^(predict(_proba|_log_proba)?|decision_function)$/;

/** The expression under wrappers that keep the rows: what an argument holds as data. */
function unwrapData(module: PythonModule, node: Node, methods: Set<string>, functions: Set<string>): Node {
  let current = node;
  for (let depth = 0; depth < 8; depth++) {
    if (current.type === 'parenthesized_expression' && current.namedChildren[0]) {
      current = current.namedChildren[0];
    } else if (current.type === 'attribute' && current.childForFieldName('attribute')?.text === 'values') {
      current = current.childForFieldName('object') ?? current;
    } else if (current.type === 'call') {
      const call = module.describeCall(current);
      if (call.receiver && methods.has(call.method) && !call.imported) current = call.receiver;
      else if (functions.has(call.qualified) && call.positional[0]) current = call.positional[0];
      else break;
    } else break;
  }
  return current;
}

/** How data is compared: its expression without the wrappers that keep its rows (`y` for `y.values`). */
export function dataKey(module: PythonModule, node: Node): string {
  return nameText(unwrapData(module, node, SAME_ROWS_METHODS, SAME_ROWS_FUNCTIONS));
}

/** The model and data of a prediction, `est.predict(X)` directly or through the variable assigned it,
 *  with what turns it into labels (`[:, 1]`, `.argmax(1)`, `> 0.5`). */
export function predictionOf(module: PythonModule, node: Node): { estimator: string; features: string } | undefined {
  let value: Node | undefined = node;
  for (let hops = 0; value && hops < 4; hops++) {
    value = unwrapData(module, value, PREDICTION_METHODS, PREDICTION_FUNCTIONS);
    if (value.type === 'identifier') value = lastValueOf(module, value);
    else if (value.type === 'subscript') value = value.childForFieldName('value') ?? undefined;
    else if (value.type === 'comparison_operator') value = value.namedChildren[0] ?? undefined;
    else break;
  }
  if (value?.type !== 'call') return undefined;
  const call = module.describeCall(value);
  if (!PREDICT_METHOD.test(call.method) || !call.receiver || !call.positional[0]) return undefined;
  return { estimator: nameText(call.receiver), features: dataKey(module, call.positional[0]) };
}

/** `est.fit(X, y)` with a target (supervised), unless it holds data out itself (`validation_split=`,
 *  `validation_data=`, `eval_set=`): that fit is measured on other rows already. */
export function fittingOf(module: PythonModule, call: Call): Fitting | undefined {
  if (call.method !== 'fit' || !call.receiver) return undefined;
  const features = call.positional[0] ?? call.keywords.get('X') ?? call.keywords.get('x');
  const target = call.positional[1] ?? call.keywords.get('y');
  if (!features || !target) return undefined;
  if (['validation_split', 'validation_data', 'eval_set'].some((k) => call.keywords.has(k))) return undefined;
  // `model = Estimator().fit(X, y)`: the fitted estimator is the assigned name.
  const assignment = call.node.parent?.type === 'assignment' ? call.node.parent : undefined;
  const estimator = call.receiver.type === 'call' ? assignment?.childForFieldName('left')?.text : nameText(call.receiver);
  if (!estimator) return undefined;
  return { call, estimator, features: dataKey(module, features), target: dataKey(module, target), featuresNode: features, targetNode: target };
}

/** The evaluation a call makes: `est.score(X, y)` / Keras' `model.evaluate(X, y)`, or a metric of a
 *  metrics library on two or more arguments. */
function callEvaluation(module: PythonModule, call: Call): Evaluation | undefined {
  if ((call.method === 'score' || call.method === 'evaluate') && call.receiver && call.positional.length >= 2 && !call.imported) {
    const [x, y] = call.positional;
    return { node: call.node, how: `${call.method}()`, estimator: nameText(call.receiver), features: dataKey(module, x), labels: [dataKey(module, y)], data: [x, y] };
  }
  if (!call.imported || (!sklearnName(call.qualified, 'sklearn.metrics') && !isMetricCall(call))) return undefined;
  const args = [...call.positional, ...call.keywords.values()];
  if (args.length < 2) return undefined;
  const evaluation: Evaluation = { node: call.node, how: `${call.callee}()`, labels: [], data: args };
  for (const arg of args) {
    const prediction = !evaluation.estimator ? predictionOf(module, arg) : undefined;
    if (prediction) Object.assign(evaluation, prediction);
    else evaluation.labels.push(dataKey(module, arg));
  }
  return evaluation;
}

// Aggregates that turn a comparison of predictions and labels into a score.
const AGGREGATE_METHODS = new Set(['mean', 'sum', 'count_nonzero']);
const AGGREGATE_FUNCTIONS = new Set(['numpy.mean', 'numpy.sum', 'numpy.average', 'numpy.count_nonzero', 'numpy.nanmean', 'torch.mean', 'torch.sum', 'sum']);
// Element-wise steps between the comparison and its aggregate: `abs(d)`, `d ** 2`, `(c).float()`.
const ELEMENTWISE_METHODS = new Set(['astype', 'float', 'double', 'abs', 'type']);
const ELEMENTWISE_FUNCTIONS = new Set(['abs', 'numpy.abs', 'numpy.square', 'numpy.absolute', 'torch.abs', 'torch.square']);

/** The aggregate a comparison or difference feeds (`(a == b).mean()`, `np.mean((a - b) ** 2)`), if any. */
function aggregateOf(module: PythonModule, node: Node): Node | undefined {
  let current = node;
  for (let depth = 0; depth < 8; depth++) {
    const parent = current.parent;
    if (!parent) return undefined;
    if (parent.type === 'parenthesized_expression') {
      current = parent;
      continue;
    }
    if (parent.type === 'binary_operator' && sameNode(parent.childForFieldName('left'), current) && binaryOperatorType(module, parent) === '**') {
      current = parent;
      continue;
    }
    // `current.mean()`: an attribute whose object is current, called.
    if (parent.type === 'attribute' && sameNode(parent.childForFieldName('object'), current) && parent.parent?.type === 'call') {
      const call = module.describeCall(parent.parent);
      if (AGGREGATE_METHODS.has(call.method)) return call.node;
      if (!ELEMENTWISE_METHODS.has(call.method)) return undefined;
      current = call.node;
      continue;
    }
    // `np.mean(current)`
    if (parent.type === 'argument_list' && parent.parent?.type === 'call') {
      const call = module.describeCall(parent.parent);
      if (!sameNode(call.positional[0], current)) return undefined;
      if (AGGREGATE_FUNCTIONS.has(call.qualified)) return call.node;
      if (!ELEMENTWISE_FUNCTIONS.has(call.qualified)) return undefined;
      current = call.node;
      continue;
    }
    return undefined;
  }
  return undefined;
}

/** A score computed by hand from a comparison (`==`, `!=`) or a difference (`-`) of two expressions,
 *  aggregated with a mean or a sum: accuracy, error rate, mean squared or absolute error. */
function handWrittenEvaluation(module: PythonModule, node: Node): Evaluation | undefined {
  // Asked first: most operators are no part of an aggregate, and this is the quicker question.
  const aggregate = aggregateOf(module, node);
  if (!aggregate) return undefined;
  let operands: Node[];
  if (node.type === 'call') {
    // `predicted.eq(labels)`
    const call = module.describeCall(node);
    if (call.method !== 'eq' || !call.receiver || call.positional.length !== 1) return undefined;
    operands = [call.receiver, call.positional[0]];
  } else if (node.type === 'comparison_operator') {
    operands = node.namedChildren.filter((c): c is Node => c !== null && c.type !== 'comment');
    if (operands.length !== 2) return undefined;
    const operator = operatorBetween(module, operands[0], operands[1]) ?? node.childrenForFieldName('operators').map((o) => o?.type).join(' ');
    if (operator !== '==' && operator !== '!=') return undefined;
  } else {
    if (binaryOperatorType(module, node) !== '-') return undefined;
    operands = [node.childForFieldName('left'), node.childForFieldName('right')].filter((c): c is Node => c !== null);
  }
  if (operands.length !== 2 || operands.some((o) => o.type === 'integer' || o.type === 'float' || o.type === 'string')) return undefined;
  const evaluation: Evaluation = { node: aggregate, how: 'a hand-written score', labels: [], data: operands, handWritten: true };
  for (const operand of operands) {
    const prediction = !evaluation.estimator ? predictionOf(module, operand) : undefined;
    if (prediction) Object.assign(evaluation, prediction);
    else evaluation.labels.push(dataKey(module, operand));
  }
  return evaluation;
}

/** What a module-level function does with its parameters: evaluates one as a model on others, fits one. */
class HelperSummary {
  /** Evaluations of a parameter model on parameter data: the positions of model, features and labels. */
  readonly evaluations: { how: string; estimator: number; features: number; labels: number[] }[] = [];
  /** A fit of parameter data, of a parameter model (in place) or of a model the function returns. */
  readonly fits: { estimator: number | 'returned'; features: number; target: number }[] = [];
  private names?: string[];

  constructor(private readonly def: Node) {}

  /** Its parameters' names, read the first time an evaluation or a fit in it asks: most functions
   *  of a module have none. */
  get parameters(): string[] {
    return (this.names ??= parameterNames(this.def));
  }
}

/** The value a call passes for a parameter, by position or by keyword. */
function argumentFor(call: Call, parameters: string[], index: number): Node | undefined {
  return call.keywords.get(parameters[index]) ?? call.positional[index];
}

/** A module's view of its evaluations and fits, helpers of the module followed one level. */
export class ModelEvaluations {
  readonly evaluations: Evaluation[] = [];
  readonly fits: Fitting[] = [];
  private readonly helpers = new Map<string, HelperSummary>();

  constructor(readonly module: PythonModule) {
    const direct: Evaluation[] = [];
    const eqCalls: Node[] = [];
    const directFits: Fitting[] = [];
    for (const call of module.calls()) {
      const evaluation = callEvaluation(module, call);
      if (evaluation) direct.push(evaluation);
      if (call.method === 'eq') eqCalls.push(call.node);
      const fitting = fittingOf(module, call);
      if (fitting) directFits.push(fitting);
    }
    for (const node of [...module.nodes('comparison_operator'), ...module.nodes('binary_operator'), ...eqCalls]) {
      const evaluation = handWrittenEvaluation(module, node);
      if (evaluation) direct.push(evaluation);
    }
    // A module that evaluates and fits nothing itself has no helper that does.
    if (direct.length === 0 && directFits.length === 0) return;
    this.summarizeHelpers(direct, directFits);
    this.evaluations.push(...direct);
    this.fits.push(...directFits);
    for (const call of module.calls()) this.addHelperCall(call);
    this.evaluations.sort((a, b) => a.node.startIndex - b.node.startIndex);
    this.fits.sort((a, b) => a.call.node.startIndex - b.call.node.startIndex);
  }

  private summarizeHelpers(evaluations: Evaluation[], fits: Fitting[]): void {
    for (const statement of this.module.root.namedChildren) {
      const def = statement?.type === 'decorated_definition' ? statement.childForFieldName('definition') : statement;
      if (def?.type !== 'function_definition') continue;
      const name = def.childForFieldName('name')?.text;
      if (!name) continue;
      this.helpers.set(name, new HelperSummary(def));
    }
    const summaryOf = (node: Node) => {
      const def = enclosingFunction(node);
      const name = def?.type === 'function_definition' && def.parent?.type !== 'block' ? def.childForFieldName('name')?.text : undefined;
      const top = def?.parent?.type === 'module' || def?.parent?.parent?.type === 'module';
      return name && top ? this.helpers.get(name) : undefined;
    };
    for (const e of evaluations) {
      const summary = summaryOf(e.node);
      if (!summary || !e.estimator || !e.features) continue;
      const estimator = summary.parameters.indexOf(e.estimator);
      const features = summary.parameters.indexOf(e.features);
      const labels = e.labels.map((l) => summary.parameters.indexOf(l)).filter((i) => i >= 0);
      if (estimator >= 0 && features >= 0 && labels.length > 0) summary.evaluations.push({ how: e.how, estimator, features, labels });
    }
    for (const fit of fits) {
      const summary = summaryOf(fit.call.node);
      if (!summary) continue;
      const features = summary.parameters.indexOf(fit.features);
      const target = summary.parameters.indexOf(fit.target);
      if (features < 0 || target < 0) continue;
      const estimator = summary.parameters.indexOf(fit.estimator);
      const def = enclosingFunction(fit.call.node)!;
      const returned = def.descendantsOfType('return_statement').some((r) => r?.namedChildren[0]?.text === fit.estimator);
      if (estimator >= 0) summary.fits.push({ estimator, features, target });
      else if (returned) summary.fits.push({ estimator: 'returned', features, target });
    }
  }

  private addHelperCall(call: Call): void {
    if (call.receiver || call.imported) return;
    const summary = this.helpers.get(call.callee);
    if (!summary) return;
    const arg = (i: number) => argumentFor(call, summary.parameters, i);
    for (const e of summary.evaluations) {
      const [estimator, features] = [arg(e.estimator), arg(e.features)];
      const labels = e.labels.flatMap((i) => arg(i) ?? []);
      if (!estimator || !features || labels.length === 0) continue;
      this.evaluations.push({
        node: call.node,
        how: `${call.callee}()`,
        estimator: nameText(estimator),
        features: dataKey(this.module, features),
        labels: labels.map((l) => dataKey(this.module, l)),
        data: [features, ...labels],
      });
    }
    for (const f of summary.fits) {
      const [features, target] = [arg(f.features), arg(f.target)];
      const assignment = call.node.parent?.type === 'assignment' ? call.node.parent : undefined;
      const model = f.estimator === 'returned' ? assignment?.childForFieldName('left') : arg(f.estimator);
      if (!features || !target || model?.type !== 'identifier') continue;
      this.fits.push({ call, estimator: model.text, features: dataKey(this.module, features), target: dataKey(this.module, target), featuresNode: features, targetNode: target });
    }
  }
}

const cache = new WeakMap<PythonModule, ModelEvaluations>();

export function modelEvaluations(module: PythonModule): ModelEvaluations {
  let found = cache.get(module);
  if (!found) cache.set(module, (found = new ModelEvaluations(module)));
  return found;
}

/** Whether a call splits data into parts: a scikit-learn split or cross-validation, or any function or
 *  method named for splitting (`randomSplit`, `split_data`). */
export function isSplitCall(module: PythonModule, call: Call): boolean {
  return splitOf(module, call) !== undefined || /split/i.test(call.method);
}

/** A name's words with digits dropped: `X_test2` names a test set as `X_test` does. */
function wordsOf(name: string): string[] {
  return identifierWords(name).flatMap((word) => word.split(/[0-9]+/).filter(Boolean));
}

const VALIDATION_WORD = /^(val|valid|validation|dev)$/;
// Words that make a name about a split rather than the data in it: `test_size`, `n_test`, `test_idx`.
const NOT_DATA_WORD = /^(size|sizes|ratio|frac|n|num|count|idx|ids|index|indices|mode|name|names|path|paths|dir|file|files|url|case|cases)$/;

/** Whether a variable name says it holds a test set: `X_test`, `testloader`, `test_df`, `X_te`,
 *  `dtest` (an XGBoost DMatrix), `holdout`; not `latest`, `contest`, `test_size` or a validation set. */
export function isTestName(name: string): boolean {
  const words = wordsOf(name);
  if (words.some((w) => VALIDATION_WORD.test(w) || NOT_DATA_WORD.test(w))) return false;
  return words.some((w) => w === 'te' || w === 'tst' || w === 'holdout' || /^([xyd]?test|test([xy]|loader|set|data|ds|dataset|df|dl|gen|generator|iter|batch|batches|features|labels|target|targets)?)$/.test(w));
}

/** Whether a variable name says it holds data held out from training: a test or a validation set. */
export function isHeldOutName(name: string): boolean {
  const words = wordsOf(name);
  return isTestName(name) || (words.some((w) => VALIDATION_WORD.test(w)) && !words.some((w) => NOT_DATA_WORD.test(w)));
}

/** The first test-set name an expression reads, directly or through variables assigned from one
 *  (`preds = model.predict(X_test)`), or counted in a loop over one (`for x, y in test_loader:
 *  correct += ...`). */
export function testDataRead(module: PythonModule, node: Node): string | undefined {
  const seen = new Set<number>();
  const visit = (n: Node, depth: number): string | undefined => {
    if (seen.has(n.id) || depth > 3) return undefined;
    seen.add(n.id);
    for (const id of n.type === 'identifier' ? [n] : n.descendantsOfType('identifier')) {
      if (!id || !namesRead(id).has(id.text)) continue;
      if (isTestName(id.text)) return id.text;
    }
    for (const id of n.type === 'identifier' ? [n] : n.descendantsOfType('identifier')) {
      if (!id) continue;
      const value = lastValueOf(module, id);
      const found = (value && visit(value, depth + 1)) ?? loopTargetOverTestData(id) ?? loopOverTestData(module, id);
      if (found) return found;
    }
    return undefined;
  };
  return visit(node, 0);
}

/** The test set a loop iterates over when the name is one of its targets (`for x, y in test_loader`). */
function loopTargetOverTestData(use: Node): string | undefined {
  for (let n = use.parent; n; n = n.parent) {
    if (n.type !== 'for_statement' || !boundNames(n.childForFieldName('left')).some((b) => b.name === use.text)) continue;
    return [...namesRead(n.childForFieldName('right'))].find(isTestName);
  }
  return undefined;
}

// Per module, the targets of its augmented assignments (`correct += ...`) by name.
const counterUpdates = new WeakMap<PythonModule, Map<string, Node[]>>();

function updatesOf(module: PythonModule, name: string): Node[] {
  let byName = counterUpdates.get(module);
  if (!byName) {
    counterUpdates.set(module, (byName = new Map()));
    for (const update of module.nodes('augmented_assignment')) {
      const left = update.childForFieldName('left');
      if (left?.type !== 'identifier') continue;
      const list = byName.get(left.text);
      if (list) list.push(update);
      else byName.set(left.text, [update]);
    }
  }
  return byName.get(name) ?? [];
}

/** The test set a loop iterates over when a counter it updates (`correct += ...`) is read at `use`. */
function loopOverTestData(module: PythonModule, use: Node): string | undefined {
  const scope = enclosingFunction(use) ?? use.tree.rootNode;
  for (const update of updatesOf(module, use.text)) {
    if (update.startIndex >= use.startIndex || (enclosingFunction(update) ?? update.tree.rootNode).id !== scope.id) continue;
    for (let n = update.parent; n && n.id !== scope.id; n = n.parent) {
      if (n.type !== 'for_statement') continue;
      const iterable = n.childForFieldName('right');
      const root = variableRoot(iterable);
      const named = root && isTestName(root) ? root : [...namesRead(iterable)].find(isTestName);
      if (named) return named;
    }
  }
  return undefined;
}
