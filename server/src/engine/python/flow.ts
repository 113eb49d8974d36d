// Straight-line data flow inside one scope (a function body or the module): which names an
// assignment binds, whether an expression reads a name. Which value reaches a use is bindings.ts.
// Deliberately simple: branches and loops are read in document order, as the code is written.
import { checkpoint } from '../budget';
import { firstFrom, isInside, Node } from './module';
import { nodesOfType, rootOf } from './parser';

/** Whether two nodes of one tree are the same node. */
export function sameNode(a: Node | null | undefined, b: Node | null | undefined): boolean {
  return !!a && !!b && a.id === b.id;
}

// Per module (by its root: a parse, a re-parse too, has a root of its own; the tree a node names is
// one of the module's parts, and a part's lasts from version to version), node type and scope (by
// id), the nodes of the type that belong to the scope: rules ask the same scopes again for every
// call they follow. Each scope is found for itself, by its place among the functions and lambdas:
// an analysis that asks for few scopes of a large module does not pay for grouping every node of
// the type.
const scopeCache = new WeakMap<Node, Map<string, Map<number, Node[]>>>();

/** The nodes of a type whose data flow lives in `scope` (nested functions excluded), in document order. */
export function nodesIn(scope: Node, type: string): Node[] {
  const module = rootOf(scope.tree);
  let byType = scopeCache.get(module);
  if (!byType) scopeCache.set(module, (byType = new Map()));
  let byScope = byType.get(type);
  if (!byScope) byType.set(type, (byScope = new Map()));
  let owned = byScope.get(scope.id);
  if (!owned) byScope.set(scope.id, (owned = ownedBy(scope, nodesOfType(scope.tree, type))));
  return owned;
}

const FUNCTION_TYPES = new Set(['function_definition', 'lambda']);

// Per module (by its root), its functions and lambdas (the scopes below the module), in document order.
const functionsCache = new WeakMap<Node, Node[]>();

function functionsOf(tree: Node['tree']): Node[] {
  const module = rootOf(tree);
  let found = functionsCache.get(module);
  if (!found) {
    found = [...FUNCTION_TYPES].flatMap((type) => nodesOfType(tree, type)).sort((a, b) => a.startIndex - b.startIndex);
    functionsCache.set(module, found);
  }
  return found;
}

/** The nodes of a list (in document order) whose scope (scopeOf) is `scope`: the module's root owns
 *  every node in no function or lambda, a function the nodes inside it and in none nested in it, any
 *  other node none.
 *  The list and the functions are walked side by side: a node is in a nested function when one that
 *  starts before it ends after it. */
function ownedBy(scope: Node, nodes: Node[]): Node[] {
  const isRoot = scope.parent === null;
  if (!isRoot && !FUNCTION_TYPES.has(scope.type)) return [];
  const functions = functionsOf(scope.tree);
  const owned: Node[] = [];
  let next = isRoot ? 0 : firstFrom(functions, scope.startIndex);
  let coveredUntil = -1;
  for (let i = isRoot ? 0 : firstFrom(nodes, scope.startIndex); i < nodes.length && (isRoot || nodes[i].startIndex < scope.endIndex); i++) {
    const node = nodes[i];
    for (; next < functions.length && functions[next].startIndex <= node.startIndex; next++) {
      if (!sameNode(functions[next], scope)) coveredUntil = Math.max(coveredUntil, functions[next].endIndex);
    }
    if (node.endIndex <= coveredUntil || (!isRoot && !isInside(node, scope))) continue;
    owned.push(node);
  }
  return owned;
}

/** Assignments whose data flow lives in `scope` (nested functions excluded), in document order. */
export function assignmentsIn(scope: Node): Node[] {
  return nodesIn(scope, 'assignment');
}

/** Calls made in `scope` (nested functions excluded), in document order. */
export function callsIn(scope: Node): Node[] {
  return nodesIn(scope, 'call');
}

export interface BoundName {
  name: string;
  /** True when the name gets a new value (`x = ...`); false when its value is changed in place (`x[col] = ...`). */
  replaces: boolean;
}

/** The names an assignment target binds: `a`, `a, b`, `[a, *rest]`; `df[col] = ...` changes `df` in place. */
export function boundNames(target: Node | null | undefined): BoundName[] {
  if (!target) return [];
  switch (target.type) {
    case 'identifier':
      return [{ name: target.text, replaces: true }];
    case 'pattern_list':
    case 'tuple_pattern':
    case 'list_pattern':
    case 'expression_list':
    case 'tuple':
    case 'list':
    case 'list_splat_pattern':
    case 'parenthesized_expression':
      return target.namedChildren.flatMap((c) => boundNames(c));
    case 'subscript': {
      const root = variableRoot(target.childForFieldName('value'));
      return root ? [{ name: root, replaces: false }] : [];
    }
    default:
      return [];
  }
}

/** The variable an expression takes its data from: `X` for `X`, `X[cols]`, `X.values`, `X.to_numpy()`. */
export function variableRoot(node: Node | null | undefined): string | undefined {
  if (!node) return undefined;
  if (node.type === 'identifier') return node.text;
  if (node.type === 'subscript') return variableRoot(node.childForFieldName('value'));
  if (node.type === 'attribute') return variableRoot(node.childForFieldName('object'));
  if (node.type === 'call') {
    const func = node.childForFieldName('function');
    return func?.type === 'attribute' ? variableRoot(func.childForFieldName('object')) : undefined;
  }
  return undefined;
}

/** An identifier used as a variable, not as an attribute name (`.x`) or a keyword name (`x=`). */
function isVariableUse(id: Node): boolean {
  const parent = id.parent;
  if (parent?.type === 'attribute') return !sameNode(parent.childForFieldName('attribute'), id);
  if (parent?.type === 'keyword_argument') return !sameNode(parent.childForFieldName('name'), id);
  return true;
}

/** The variables an expression reads. */
export function namesRead(node: Node | null | undefined): Set<string> {
  checkpoint();
  const found = new Set<string>();
  if (!node) return found;
  const ids = node.type === 'identifier' ? [node] : node.descendantsOfType('identifier');
  for (const id of ids) if (id && isVariableUse(id)) found.add(id.text);
  return found;
}

/** Whether an expression reads any of the names. */
export function readsAny(node: Node | null | undefined, names: Set<string>): boolean {
  if (names.size === 0) return false;
  for (const name of namesRead(node)) if (names.has(name)) return true;
  return false;
}
