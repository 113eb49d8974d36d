// Which assignment gave a name its value at a given use: the simple, flow-insensitive-per-branch
// data flow that rules share (latest binding before the use in the same scope, else every binding
// of an enclosing scope). Attributes of `self` are tracked per class.
import { checkpoint } from '../budget';
import { boundNames } from './flow';
import { enclosing, Node, PythonModule, StatementCursor } from './module';
import { rootOf } from './parser';
import { StatementMemo } from './statementMemo';

const SCOPES = new Set([
  'module',
  'function_definition',
  'lambda',
  'class_definition',
  'list_comprehension',
  'dictionary_comprehension',
  'set_comprehension',
  'generator_expression',
]);

export interface Binding {
  /** `df`, or `self.df` for an attribute of the instance. */
  readonly name: string;
  /** Offset from which the bound value is visible. */
  readonly visibleFrom: number;
  /** The assigned expression of `name = value`; undefined when the value is unknown (loop target, unpacking, `+=`). */
  readonly value?: Node;
  /** The declared type of an annotated parameter or assignment. */
  readonly annotation?: Node;
}

type ScopeTable = Map<string, Binding[]>;

/** The nearest enclosing scope; for top-level code the tree's root, which is an ERROR node rather
 *  than a module when the file is broken enough. */
function innermostScope(node: Node): Node {
  return enclosing(node, SCOPES) ?? rootOf(node.tree);
}

const CLASS_DEFINITION = new Set(['class_definition']);

export function enclosingClass(node: Node): Node | undefined {
  return enclosing(node, CLASS_DEFINITION);
}

/** A binding of a top-level statement: its place is kept as an offset into the statement, which
 *  moves when the text before it is edited. */
class StatementBinding implements Binding {
  constructor(
    readonly name: string,
    private readonly statement: Node,
    private readonly offset: number,
    readonly value?: Node,
    readonly annotation?: Node,
  ) {}

  get visibleFrom(): number {
    return this.statement.startIndex + this.offset;
  }
}

/** The types of the nodes that bind names. */
const BINDING_TYPES = [
  'assignment',
  'augmented_assignment',
  'for_statement',
  'for_in_clause',
  'as_pattern_target',
  'named_expression',
  'function_definition',
  'class_definition',
  'parameters',
  'lambda_parameters',
];

const byPlace = (a: Binding, b: Binding) => a.visibleFrom - b.visibleFrom;

/** The module's part of a statement that binds nothing there: shared, not to be changed. */
const NO_BINDINGS: Binding[] = [];

/** The binding tables of the scopes inside top-level statements (functions, classes, lambdas,
 *  comprehensions), by their node: made with the bindings of the statement they are in. */
const scopeTables = new WeakMap<Node, ScopeTable>();

/** Finds what one top-level statement binds, from its nodes of each of BINDING_TYPES in turn: the
 *  tables of the scopes inside it, which `finish` files in scopeTables, and its part of the
 *  module's table, which `finish` gives (each name's bindings in the order of the table). */
class StatementBinder {
  // (Made when first needed: most statements bind little.)
  private scopes?: Map<Node, ScopeTable>;
  /** What it binds in the module's scope, in the order found; sorted by place when found out of order. */
  private module?: Binding[];
  private moduleUnsorted = false;
  /** The lists of its scopes a binding was added to out of order (before one visible earlier): only those are sorted. */
  private unsorted?: Set<Binding[]>;

  constructor(
    private readonly root: Node,
    private readonly statement: Node,
  ) {}

  bind(type: string, node: Node): void {
    switch (type) {
      case 'assignment':
        return this.addAssignment(node);
      case 'augmented_assignment':
        return this.addTargets(node.childForFieldName('left'), innermostScope(node), node.endIndex);
      case 'for_statement':
        return this.addTargets(node.childForFieldName('left'), innermostScope(node), node.childForFieldName('right')?.endIndex ?? node.startIndex);
      case 'for_in_clause':
        return this.addTargets(node.childForFieldName('left'), innermostScope(node), node.startIndex);
      case 'as_pattern_target':
        return this.addTargets(node.namedChildren[0] ?? null, innermostScope(node), node.endIndex);
      case 'named_expression': {
        const name = node.childForFieldName('name');
        if (name) this.add(innermostScope(node), name.text, node.endIndex, node.childForFieldName('value') ?? undefined);
        return;
      }
      case 'function_definition':
      case 'class_definition': {
        const name = node.childForFieldName('name');
        if (name) this.add(innermostScope(node), name.text, node.startIndex);
        return;
      }
      default:
        return this.addParameters(node);
    }
  }

  finish(): Binding[] {
    // Sorted once, stably: bindings at one offset keep the order they were added in (so each
    // name's, in the module's list).
    if (this.unsorted) for (const list of this.unsorted) list.sort(byPlace);
    if (this.moduleUnsorted) this.module!.sort(byPlace);
    this.scopes?.forEach((table, scope) => scopeTables.set(scope, table));
    return this.module ?? NO_BINDINGS;
  }

  private add(scope: Node, name: string, visibleFrom: number, value?: Node, annotation?: Node): void {
    const binding = new StatementBinding(name, this.statement, visibleFrom - this.statement.startIndex, value, annotation);
    if (scope === this.root) {
      const module = (this.module ??= []);
      if (module.length > 0 && visibleFrom < module[module.length - 1].visibleFrom) this.moduleUnsorted = true;
      module.push(binding);
      return;
    }
    let table = (this.scopes ??= new Map()).get(scope);
    if (!table) this.scopes.set(scope, (table = new Map()));
    const list = table.get(name);
    if (!list) table.set(name, [binding]);
    else {
      if (binding.visibleFrom < list[list.length - 1].visibleFrom) (this.unsorted ??= new Set()).add(list);
      list.push(binding);
    }
  }

  private addTargets(target: Node | null, scope: Node, visibleFrom: number): void {
    if (!target) return;
    // Only new values bind: `df[col] = ...` changes df in place.
    for (const bound of boundNames(target)) if (bound.replaces) this.add(scope, bound.name, visibleFrom);
    const self = target.type === 'attribute' ? selfAttribute(target) : undefined;
    const cls = self && enclosingClass(target);
    if (self && cls) this.add(cls, self, visibleFrom);
  }

  private addAssignment(assignment: Node): void {
    // `a = b = value`: the outer assignment's right side is the inner assignment.
    if (assignment.parent?.type === 'assignment') return;
    const chain: Node[] = [];
    let value: Node | null = assignment;
    while (value?.type === 'assignment') {
      chain.push(value);
      value = value.childForFieldName('right');
    }
    const scope = innermostScope(assignment);
    for (const link of chain) {
      const left = link.childForFieldName('left');
      const annotation = link.childForFieldName('type') ?? undefined;
      if (!left) continue;
      // `x: int` declares without binding.
      if (!value && !annotation) continue;
      if (left.type === 'identifier') {
        this.add(scope, left.text, assignment.endIndex, value ?? undefined, annotation);
      } else if (left.type === 'attribute' && selfAttribute(left)) {
        const cls = enclosingClass(left);
        if (cls) this.add(cls, selfAttribute(left)!, assignment.endIndex, value ?? undefined, annotation);
      } else {
        this.addTargets(left, scope, assignment.endIndex);
      }
    }
  }

  private addParameters(params: Node): void {
    const fn = params.parent;
    if (!fn) return;
    for (const param of params.namedChildren) {
      if (!param) continue;
      const name = param.type === 'identifier' ? param : (param.childForFieldName('name') ?? param.namedChildren.find((c) => c?.type === 'identifier'));
      if (!name || name.type !== 'identifier') continue;
      this.add(fn, name.text, fn.startIndex, undefined, param.childForFieldName('type') ?? undefined);
    }
  }
}

/** What each top-level statement binds, kept for the statements an edit did not change: it depends
 *  on nothing outside the statement. */
const statementBindings = new StatementMemo<Binding[]>();

export class Bindings {
  /** The module's own table; those of the scopes inside its statements are in scopeTables. */
  private readonly moduleTable: ScopeTable = new Map();
  private readonly root: Node;

  constructor(module: PythonModule) {
    const root = (this.root = module.root);
    // Per statement (by its place), the part it gives the module's table, kept or being found.
    const parts: (Binding[] | StatementBinder)[] = [];
    for (const type of BINDING_TYPES) {
      const statements = new StatementCursor(root);
      let statement: Node | undefined;
      let part: Binding[] | StatementBinder | undefined;
      for (const node of module.nodes(type)) {
        const next = statements.moveTo(node);
        if (next !== statement) {
          statement = next;
          part = parts[statements.index] ??= statementBindings.get(statement, '') ?? new StatementBinder(root, statement);
        }
        if (part instanceof StatementBinder) part.bind(type, node);
      }
    }
    const statements = root.namedChildren;
    parts.forEach((part, i) => {
      if (part instanceof StatementBinder) statementBindings.set(statements[i]!, '', (part = part.finish()));
      // The statements are in document order, and so are the places of what they bind.
      for (const binding of part) {
        const list = this.moduleTable.get(binding.name);
        if (list) list.push(binding);
        else this.moduleTable.set(binding.name, [binding]);
      }
    });
  }

  /** The bindings that may have given `use` (an identifier, or `self.attr`) its value; undefined when none is known. */
  reaching(use: Node): readonly Binding[] | undefined {
    checkpoint();
    const name = use.type === 'attribute' ? selfAttribute(use) : use.type === 'identifier' ? use.text : undefined;
    if (!name) return undefined;
    if (name.startsWith('self.')) {
      const cls = enclosingClass(use);
      const found = cls && scopeTables.get(cls)?.get(name);
      return found?.length ? found : undefined;
    }
    let first = true;
    // Each step goes to a strict ancestor, and the root ends the walk.
    for (let scope: Node | null = innermostScope(use); scope; scope = scope.parent ? innermostScope(scope) : null) {
      // Names of a class body are not visible in its methods.
      if (!first && scope.type === 'class_definition') continue;
      const found = (scope === this.root ? this.moduleTable : scopeTables.get(scope))?.get(name);
      if (found?.length) {
        if (!first) return found;
        const latest = lastVisibleAt(found, use.startIndex);
        return latest ? [latest] : undefined;
      }
      first = false;
    }
    return undefined;
  }
}

/** The last of bindings sorted by visibleFrom that is visible at `offset`, found by bisection: a
 *  name bound thousands of times is looked up as often. */
function lastVisibleAt(bindings: readonly Binding[], offset: number): Binding | undefined {
  let low = 0;
  let high = bindings.length;
  while (low < high) {
    const mid = (low + high) >> 1;
    if (bindings[mid].visibleFrom <= offset) low = mid + 1;
    else high = mid;
  }
  return bindings[low - 1];
}

/** `self.df` for an attribute of `self`, else undefined. */
function selfAttribute(node: Node): string | undefined {
  const object = node.childForFieldName('object');
  const attribute = node.childForFieldName('attribute');
  return object?.type === 'identifier' && object.text === 'self' && attribute ? `self.${attribute.text}` : undefined;
}

const cache = new WeakMap<PythonModule, Bindings>();

/** The value last given to a variable before its use (`x` in `f(x)`), looking into the enclosing
 *  scopes when the use's own scope does not bind it; undefined when that binding has no single value
 *  (a parameter, a loop target, unpacking). */
export function lastValueOf(module: PythonModule, use: Node): Node | undefined {
  const reaching = bindingsOf(module).reaching(use);
  return reaching?.[reaching.length - 1].value;
}

/** The bindings of the whole module (of a view of some of its statements too). */
export function bindingsOf(module: PythonModule): Bindings {
  const whole = module.whole;
  let found = cache.get(whole);
  if (!found) cache.set(whole, (found = new Bindings(whole)));
  return found;
}
