// How code chooses among models by their scores: where a score's value goes (a name, a counter, a
// container of scores, a frame made of one) and what picks the best of them (a running best, `max`,
// `np.argmax`, `idxmax`). With evaluation.ts, for the rule on choosing by the test set (MLH213) and
// the project's facts (functions that return the test scores of several models).
import { bindingsOf } from './bindings';
import { Evaluation, modelEvaluations, testDataRead } from './evaluation';
import { boundNames, namesRead, sameNode, variableRoot } from './flow';
import { enclosing, enclosingFunction, isInside, Node, PythonModule, scopeOf } from './module';

// Calls that pick the best of several scores: `max(scores)`, `np.argmax(scores)`, `scores.idxmax()`.
const SELECTING_FUNCTIONS = new Set(['max', 'min', 'sorted', 'numpy.argmax', 'numpy.argmin', 'numpy.nanargmax', 'numpy.nanargmin', 'numpy.max', 'numpy.min', 'numpy.amax', 'numpy.amin']);
const SELECTING_METHODS = new Set(['idxmax', 'idxmin', 'argmax', 'argmin', 'nlargest', 'nsmallest', 'max', 'min']);
const FILLING_METHODS = new Set(['append', 'extend', 'insert', 'add', 'update', 'setdefault']);
const LOOPS = new Set(['for_statement', 'while_statement', 'list_comprehension', 'dictionary_comprehension', 'generator_expression', 'set_comprehension']);
const STATEMENT_BOUNDARIES = new Set(['expression_statement', 'return_statement', 'if_statement', 'block', 'module', 'function_definition']);
const COMPARISON = new Set(['comparison_operator']);

/** A test-set score and where its value goes next: a name it is assigned to, or a container it fills. */
export interface Carrier {
  name: string;
  container: boolean;
  /** The statement that gives the name the score. */
  at: Node;
  /** A container made from one filled with several scores (`frame = pd.DataFrame(results)`). */
  madeFromSeveral?: boolean;
}

// Per module, by node id, where each expression's value lands (null for nowhere known): each
// container asks again for every evaluation of the module.
const carriers = new WeakMap<PythonModule, Map<number, Carrier | null>>();

/** Where the value of an expression lands: `s = <e>`, `results[k] = <e>`, `scores.append(<e>)`,
 *  `correct += <e>`, or the container a comprehension over it builds. */
export function carrierOf(module: PythonModule, node: Node): Carrier | undefined {
  let known = carriers.get(module);
  if (!known) carriers.set(module, (known = new Map()));
  let found = known.get(node.id);
  if (found === undefined) known.set(node.id, (found = findCarrier(module, node) ?? null));
  return found ?? undefined;
}

function findCarrier(module: PythonModule, node: Node): Carrier | undefined {
  let inComprehension = false;
  for (let n: Node | null = node; n && !STATEMENT_BOUNDARIES.has(n.type); n = n.parent) {
    const parent = n.parent;
    if (!parent) return undefined;
    if (parent.type.endsWith('comprehension') || parent.type === 'generator_expression' || parent.type === 'list' || parent.type === 'dictionary') inComprehension = true;
    if ((parent.type === 'assignment' || parent.type === 'augmented_assignment') && sameNode(parent.childForFieldName('right'), n)) {
      const left = parent.childForFieldName('left');
      const [bound] = boundNames(left);
      if (!bound) return undefined;
      return { name: bound.name, container: !bound.replaces || inComprehension, at: parent };
    }
    if (parent.type === 'argument_list' && parent.parent?.type === 'call') {
      const call = module.describeCall(parent.parent);
      const root = call.receiver && variableRoot(call.receiver);
      if (FILLING_METHODS.has(call.method) && root) return { name: root, container: true, at: call.node };
    }
  }
  return undefined;
}

/** The reads of a carrier's name after it is given the score, while it still holds it (a name
 *  reused for another score in a later cell is another value). */
export function usesAfter(module: PythonModule, carrier: Carrier): Node[] {
  const bindings = bindingsOf(module);
  const holder = (id: Node) => bindings.reaching(id)?.at(-1)?.visibleFrom;
  const name = carrier.name;
  // A name the statement binds holds the statement's value; a container filled in place keeps the
  // binding it had when it was filled.
  const binds = carrier.at.type.endsWith('assignment') && boundNames(carrier.at.childForFieldName('left')).some((b) => b.name === name && b.replaces);
  const filled = binds ? undefined : module.withText('identifier', name).find((id) => isInside(id, carrier.at));
  const expected = filled ? holder(filled) : carrier.at.endIndex;
  const scope = scopeOf(carrier.at);
  return module
    .withText('identifier', name)
    .filter((id) => id.startIndex > carrier.at.endIndex && scopeOf(id).id === scope.id && namesRead(id).has(name) && holder(id) === expected);
}

/** Where a running best is kept: `if score > best: best = score` (also `<` for losses), or
 *  `best = max(best, score)`; the node that compares. */
export function runningBest(module: PythonModule, use: Node): Node | undefined {
  const comparison = enclosing(use, COMPARISON);
  const condition = comparison?.parent?.type === 'if_statement' && sameNode(comparison.parent.childForFieldName('condition'), comparison) ? comparison : undefined;
  if (condition) {
    const operators = condition.childrenForFieldName('operators').map((o) => o?.type);
    if (operators.length !== 1 || !['>', '>=', '<', '<='].includes(operators[0] ?? '')) return undefined;
    const other = condition.namedChildren.find((c) => c && !namesRead(c).has(use.text));
    const best = other && (variableRoot(other) ?? other.text);
    const body = condition.parent!.childForFieldName('consequence');
    const assignments = body?.descendantsOfType('assignment') ?? [];
    const keeps = assignments.some((a) => !!a && (boundNames(a.childForFieldName('left')).some((b) => b.name === best) || a.childForFieldName('left')?.text === other?.text));
    return keeps ? condition : undefined;
  }
  // `best = max(best, score)`
  const call = use.parent?.type === 'argument_list' ? use.parent.parent : undefined;
  if (call?.type !== 'call') return undefined;
  const described = module.describeCall(call);
  if (described.callee !== 'max' && described.callee !== 'min') return undefined;
  const assigned = call.parent?.type === 'assignment' ? boundNames(call.parent.childForFieldName('left'))[0]?.name : undefined;
  return assigned && described.positional.some((p) => p.text === assigned) ? call : undefined;
}

/** The call that picks the best from a container (or from a frame built from it): `max(scores)`,
 *  `np.argmax(scores)`, `results.idxmax()`, `max(results, key=results.get)`, `sorted(...)[0]`. */
export function selectorOver(module: PythonModule, use: Node): Node | undefined {
  for (let n: Node | null = use.parent; n && !STATEMENT_BOUNDARIES.has(n.type); n = n.parent) {
    if (n.type !== 'call') continue;
    const call = module.describeCall(n);
    if (call.receiver && SELECTING_METHODS.has(call.method) && !call.imported) return n;
    if (!call.receiver || call.imported) {
      const name = call.imported ? call.qualified : call.callee;
      if (!SELECTING_FUNCTIONS.has(name)) continue;
      // `sorted(...)` picks only when its first or last item is taken.
      if (name === 'sorted' && !(n.parent?.type === 'subscript' && /^-?[01]$/.test(n.parent.childForFieldName('subscript')?.text ?? ''))) continue;
      return n;
    }
  }
  return undefined;
}

/** The names holding a test-set score, the containers filled with them, and the frames made of those. */
export function flowOfScore(module: PythonModule, evaluation: Evaluation): { values: Carrier[]; containers: Carrier[] } {
  const values: Carrier[] = [];
  const containers: Carrier[] = [];
  const add = (c: Carrier | undefined) => {
    if (!c || [...values, ...containers].some((k) => k.name === c.name)) return;
    (c.container ? containers : values).push(c);
  };
  add(carrierOf(module, evaluation.node));
  // A counter (`correct += ...`) or a score is carried on by what is computed from it (`acc = correct / total`).
  for (let i = 0; i < values.length && i < 4; i++) {
    for (const use of usesAfter(module, values[i])) add(carrierOf(module, use));
  }
  for (let i = 0; i < containers.length && i < 4; i++) {
    for (const use of usesAfter(module, containers[i])) {
      const derived = carrierOf(module, use);
      // `frame = pd.DataFrame(results)`: the frame holds the scores too.
      if (derived && !derived.container && derived.at.type === 'assignment') add({ ...derived, container: true, madeFromSeveral: true });
    }
  }
  return { values, containers };
}

/** Whether a container is filled with several scores: in a loop, or at two places. */
export function filledWithSeveral(module: PythonModule, container: Carrier, evaluations: Node[]): boolean {
  if (container.madeFromSeveral || enclosing(container.at, LOOPS)) return true;
  const right = container.at.type === 'assignment' ? container.at.childForFieldName('right') : undefined;
  if (right && LOOPS.has(right.type)) return true;
  return evaluations.filter((e) => carrierOf(module, e)?.name === container.name).length >= 2;
}

/** The loop or comprehension a node is in (module.ts's enclosingLoop knows only for and while statements). */
export function enclosingIteration(node: Node): Node | undefined {
  return enclosing(node, LOOPS);
}

/** The evaluations of a module that score on a test set, with the test set's name. */
export function testSetEvaluations(module: PythonModule): { evaluation: Evaluation; testName: string }[] {
  return modelEvaluations(module).evaluations.flatMap((evaluation) => {
    const testName = evaluation.data.map((d) => testDataRead(module, d)).find(Boolean);
    return testName ? [{ evaluation, testName }] : [];
  });
}

/** Module-level functions that return a container of several test-set scores (a dict of each
 *  model's test score): their callers choose by the test set when they pick the best of it. */
export function testScoreFunctions(module: PythonModule): { name: string; line: number }[] {
  const tested = testSetEvaluations(module);
  const nodes = tested.map((t) => t.evaluation.node);
  const found = new Map<string, number>();
  for (const { evaluation } of tested) {
    const fn = enclosingFunction(evaluation.node);
    const name = fn?.type === 'function_definition' && (fn.parent?.type === 'module' || fn.parent?.parent?.type === 'module') ? fn.childForFieldName('name')?.text : undefined;
    if (!fn || !name || found.has(name)) continue;
    const returned = flowOfScore(module, evaluation).containers.some(
      (c) => filledWithSeveral(module, c, nodes) && usesAfter(module, c).some((use) => use.parent?.type === 'return_statement'),
    );
    if (returned) found.set(name, fn.startPosition.row);
  }
  return [...found].map(([name, line]) => ({ name, line }));
}
