// Where the value of an expression goes: the places that read it, followed through assignments to
// names (and `self.` attributes) and through the lists, tuples and dicts that hold it. Rules ask
// this to tell an object that is used (fitted, drawn from, passed on) from one that is only built,
// printed or left in a variable nobody reads.
import { bindingsOf } from './bindings';
import { Node, PythonModule } from './module';

/** Containers whose value carries the element on: `[est]`, `(a, b)`, `{"rf": est}`. */
const CONTAINERS = new Set(['list', 'tuple', 'set', 'dictionary', 'pair', 'expression_list', 'parenthesized_expression', 'conditional_expression']);

/** Calls that only show a value. */
const DISPLAY_FUNCTIONS = new Set(['print', 'display', 'pprint', 'repr', 'str', 'type', 'id', 'len', 'isinstance']);

const MAX_DEPTH = 8;

/** The outermost container holding `node` (node itself when it is not in one). */
function holder(node: Node): Node {
  let n = node;
  while (n.parent && CONTAINERS.has(n.parent.type)) {
    // In `{key: value}` only the value is carried; a key is used as a key.
    if (n.parent.type === 'pair' && n.parent.childForFieldName('value')?.id !== n.id) break;
    n = n.parent;
  }
  return n;
}

/** Per module, the reads of each name or `self.` attribute, by the value of each binding that reaches
 *  them (the id of the assigned expression). */
const readsByValue = new WeakMap<PythonModule, Map<string, Map<number, Node[]>>>();

/** Reads of the name or `self.` attribute that `assignment` binds, which that binding reaches. The
 *  reads of a name are followed once per module, not once per assignment: a long script assigns the
 *  same names again and again. The list is shared: not to be changed. */
function readsOfBinding(module: PythonModule, assignment: Node, target: Node): Node[] {
  const value = assignment.childForFieldName('right');
  if (!value) return [];
  const type = target.type === 'identifier' ? 'identifier' : 'attribute';
  let byName = readsByValue.get(module);
  if (!byName) readsByValue.set(module, (byName = new Map()));
  const key = `${type} ${target.text}`;
  let byValue = byName.get(key);
  if (!byValue) {
    byName.set(key, (byValue = new Map()));
    const bindings = bindingsOf(module);
    // The target itself, as every binding target, is no read.
    for (const use of module.withText(type, target.text)) {
      if (isBindingTarget(use)) continue;
      for (const binding of bindings.reaching(use) ?? []) {
        if (binding.value === undefined) continue;
        const reads = byValue.get(binding.value.id);
        if (!reads) byValue.set(binding.value.id, [use]);
        else if (reads[reads.length - 1] !== use) reads.push(use);
      }
    }
  }
  return byValue.get(value.id) ?? [];
}

/** Whether a name or attribute node is written to rather than read (`x = ...`, `def f(x)`, `x=` keyword). */
function isBindingTarget(node: Node): boolean {
  const parent = node.parent;
  if (!parent) return false;
  if (parent.type === 'assignment' || parent.type === 'augmented_assignment') return parent.childForFieldName('left')?.id === node.id;
  if (parent.type === 'keyword_argument') return parent.childForFieldName('name')?.id === node.id;
  if (parent.type === 'attribute') return parent.childForFieldName('attribute')?.id === node.id;
  return ['parameters', 'default_parameter', 'typed_parameter', 'typed_default_parameter', 'function_definition', 'class_definition'].includes(parent.type);
}

/** The nodes that consume the value of `expression`: the expression (or the container holding it)
 *  where it is used in place, and the reads of the names it is assigned to. A statement of its own
 *  consumes nothing; an assignment to anything but a name or `self.` attribute counts as a use. */
export function usesOf(module: PythonModule, expression: Node, depth = 0): Node[] {
  if (depth > MAX_DEPTH) return [expression];
  const node = holder(expression);
  const parent = node.parent;
  if (!parent || parent.type === 'expression_statement') return [];
  if (parent.type === 'assignment' && parent.childForFieldName('right')?.id === node.id) {
    const target = parent.childForFieldName('left');
    const simple = target && (target.type === 'identifier' || (target.type === 'attribute' && target.text.startsWith('self.')));
    if (!target || !simple || parent.parent?.type === 'assignment') return [node];
    return readsOfBinding(module, parent, target).flatMap((read) => usesOf(module, read, depth + 1));
  }
  return [node];
}

/** Whether a use only shows the value (`print(x)`, `display(x)`, a name alone in a notebook cell). */
function onlyShows(module: PythonModule, use: Node): boolean {
  const call = use.parent?.type === 'argument_list' ? use.parent.parent : undefined;
  if (call?.type === 'call') return DISPLAY_FUNCTIONS.has(module.describeCall(call).callee);
  return use.parent?.type === 'interpolation';
}

/** Whether the value of an expression is used for anything but showing it. */
export function isUsed(module: PythonModule, expression: Node): boolean {
  return usesOf(module, expression).some((use) => !onlyShows(module, use));
}
