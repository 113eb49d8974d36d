// Where code sits: the calls inside a node or a scope, the class a method belongs to, its bases and
// decorators. Complements flow.ts (which follows values) with questions about the tree's shape.
import { Call, groupByScope, isInside, Node, PythonModule } from './module';

/** Calls written inside `node` (nested functions included), in document order. */
export function callsWithin(module: PythonModule, node: Node): Call[] {
  return module.calls().filter((c) => isInside(c.node, node));
}

// Per module, its calls grouped by the id of the scope they belong to.
const callsByScope = new WeakMap<PythonModule, Map<number, Call[]>>();

/** Calls that belong to `scope` itself (a function, or the module root for top-level code), not to a
 *  function nested in it. */
export function ownCalls(module: PythonModule, scope: Node): Call[] {
  let byScope = callsByScope.get(module);
  if (!byScope) callsByScope.set(module, (byScope = groupByScope(module.calls(), (c) => c.node)));
  return byScope.get(scope.id) ?? [];
}

/** The last segment of a dotted name: `model` for `self.model`. */
export function lastName(dotted: string): string {
  return dotted.slice(dotted.lastIndexOf('.') + 1);
}

/** The class a function is a method of, if any. */
export function classOf(fn: Node): Node | undefined {
  let n = fn.parent;
  if (n?.type === 'decorated_definition') n = n.parent;
  if (n?.type === 'block' && n.parent?.type === 'class_definition') return n.parent;
  return undefined;
}

/** Base classes of a class, resolved through imports (`torch.nn.Module`, `pydantic.BaseModel`). */
export function basesOf(module: PythonModule, cls: Node): string[] {
  const args = cls.childForFieldName('superclasses');
  if (!args) return [];
  return args.namedChildren.flatMap((b) => {
    const name = b && (b.type === 'identifier' || b.type === 'attribute') ? module.qualify(b) : undefined;
    return name ? [name] : [];
  });
}

/** The expressions of the decorators of a function or class definition (`app.post("/x")` for `@app.post("/x")`). */
export function decoratorsOf(def: Node): Node[] {
  const parent = def.parent;
  if (parent?.type !== 'decorated_definition') return [];
  return parent.namedChildren.flatMap((d) => {
    const expression = d?.type === 'decorator' ? d.namedChildren.find((c) => c !== null && c.type !== 'comment') : undefined;
    return expression ? [expression] : [];
  });
}
