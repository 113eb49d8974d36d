// Where code sits: the calls inside a node or a scope, the class a method belongs to, its bases and
// decorators. Complements flow.ts (which follows values) with questions about the tree's shape.
import { Call, enclosingFunction, enclosingLoop, groupByScope, isInside, Node, PythonModule } from './module';

/** Calls written inside `node` (nested functions included), in document order. */
export function callsWithin(module: PythonModule, node: Node): Call[] {
  // The calls are in document order: find the first that starts in the node by bisection, so that
  // asking for each function's calls does not go through every call of the module each time.
  const calls = module.calls();
  let lo = 0;
  let hi = calls.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (calls[mid].node.startIndex < node.startIndex) lo = mid + 1;
    else hi = mid;
  }
  const within: Call[] = [];
  for (let i = lo; i < calls.length && calls[i].node.startIndex < node.endIndex; i++) {
    if (isInside(calls[i].node, node)) within.push(calls[i]);
  }
  return within;
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

export const IMPORT_TYPES = new Set(['import_statement', 'import_from_statement', 'future_import_statement']);

/** The last import statement of the module's top level that ends before `offset`: where a fix
 *  defines what the code after it uses. */
export function lastImportBefore(module: PythonModule, offset: number): Node | undefined {
  let last: Node | undefined;
  for (const child of module.root.namedChildren) {
    if (!child || child.endIndex > offset) break;
    if (IMPORT_TYPES.has(child.type)) last = child;
  }
  return last;
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

interface Definitions {
  /** Functions that are not methods, by name, in document order. */
  functions: Map<string, Node[]>;
  /** Methods, by class id and name. */
  methods: Map<string, Node>;
  /** Classes, by name (the first definition). */
  classes: Map<string, Node>;
}

// Per module, its definitions by name: rules ask what a call runs for each call they follow.
const definitionsCache = new WeakMap<PythonModule, Definitions>();

function definitionsOf(module: PythonModule): Definitions {
  let found = definitionsCache.get(module);
  if (found) return found;
  found = { functions: new Map(), methods: new Map(), classes: new Map() };
  for (const def of module.nodes('function_definition')) {
    const name = def.childForFieldName('name')?.text;
    if (!name) continue;
    const cls = classOf(def);
    if (cls) {
      if (!found.methods.has(`${cls.id}:${name}`)) found.methods.set(`${cls.id}:${name}`, def);
    } else {
      const list = found.functions.get(name);
      if (list) list.push(def);
      else found.functions.set(name, [def]);
    }
  }
  for (const cls of module.nodes('class_definition')) {
    const name = cls.childForFieldName('name')?.text;
    if (name && !found.classes.has(name)) found.classes.set(name, cls);
  }
  definitionsCache.set(module, found);
  return found;
}

/** The class of this module a name refers to (`ChurnNet` in `ChurnNet(64)`). */
export function classNamed(module: PythonModule, name: string): Node | undefined {
  return definitionsOf(module).classes.get(name);
}

// Per module, by call node id, the function each call runs (null for none): the flows that follow
// data into the module's functions ask again for each expression a call is in.
const calledCache = new WeakMap<PythonModule, Map<number, Node | null>>();

/** The function of this module a call runs: `build_model()` for a function defined in the module,
 *  `self.evaluate()` for a method of the caller's class; undefined for anything else. */
export function calledFunction(module: PythonModule, call: Call): Node | undefined {
  let known = calledCache.get(module);
  if (!known) calledCache.set(module, (known = new Map()));
  let found = known.get(call.node.id);
  if (found === undefined) known.set(call.node.id, (found = findCalledFunction(module, call) ?? null));
  return found ?? undefined;
}

function findCalledFunction(module: PythonModule, call: Call): Node | undefined {
  if (!call.receiver) {
    // A name called as written (the callee) that no function of the module has runs none of them:
    // most calls are not asked further.
    const defs = definitionsOf(module).functions.get(call.callee);
    const func = defs && call.node.childForFieldName('function');
    if (!defs || func?.type !== 'identifier' || module.isImportedName(func.text)) return undefined;
    // A notebook may define a function again: the call runs the last definition before it.
    return defs.filter((d) => d.startIndex < call.node.startIndex).pop() ?? defs[0];
  }
  // `self.evaluate()`: the callee says so (or is too long to say) before the receiver is read.
  if (!/^(self\.|…)/.test(call.callee) || call.receiver.text !== 'self') return undefined;
  let method: Node | undefined = enclosingFunction(call.node);
  // A nested function's `self` is its method's.
  while (method && !classOf(method)) method = enclosingFunction(method);
  const cls = method && classOf(method);
  return cls && definitionsOf(module).methods.get(`${cls.id}:${call.method}`);
}

/** The `for` and `while` loops around a node within its function, innermost first. */
export function loopsAround(node: Node): Node[] {
  const fn = enclosingFunction(node);
  const loops: Node[] = [];
  for (let loop = enclosingLoop(node); loop && (!fn || isInside(loop, fn)); loop = enclosingLoop(loop)) loops.push(loop);
  return loops;
}

/** The names a function definition binds to its parameters (`self`, `*args` and `**kwargs` included). */
export function parameterNames(def: Node): string[] {
  const params = def.childForFieldName('parameters');
  if (!params) return [];
  return params.namedChildren.flatMap((p) => {
    if (!p) return [];
    if (p.type === 'identifier') return [p.text];
    const name = p.childForFieldName('name') ?? p.namedChildren.find((c) => c?.type === 'identifier');
    return name?.type === 'identifier' ? [name.text] : [];
  });
}
