// What an analysis of one top-level statement may read of the rest of its module, so that a result
// kept between versions of an edited module (by the statement's node: after a re-parse, the same
// object is the same text, moved) is used again only while it is still the result.
//
// Beyond its own text, a statement's analysis reads the module through names: the value a name was
// last given at the module's level (bindings.ts), followed into the names that value reads, and the
// function of the module a call runs (structure.ts calledFunction). Its names are those it does not
// bind itself: a name a function binds is that function's wherever it is read in it. A top-level
// statement binds a name at the module's level only where an identifier of that text is a target
// (of an assignment, a loop, a `with`, a definition), a definition (a function, a class) only its
// own name. So the statements that may bind the names a statement reads, those that may bind the
// names their values read, and so on, with the definitions of those names anywhere in the module,
// are all of the module its analysis can reach by name: while no statement that may bind one of
// those names comes or goes, every binding and call of them is as it was. The imports (which
// qualify names) are the module's, compared whole by the analyses that keep results.
import { boundNames } from './flow';
import { isInside, Node, nodesWithin, PythonModule } from './module';
import { topLevelStatements } from './statements';
import { parameterNames } from './structure';

const NO_HOLDERS: Holders = { statements: [], valueNames: [] };
const DEFINITIONS = new Set(['function_definition', 'class_definition', 'decorated_definition']);
const DEFINING = new Set(['function_definition', 'class_definition']);
/** The nodes a target may be unpacked through (flow.ts boundNames). */
const PATTERNS = new Set(['pattern_list', 'tuple_pattern', 'list_pattern', 'list_splat_pattern', 'expression_list', 'tuple', 'list', 'parenthesized_expression']);
/** The statements whose left side binds what it names. */
const ASSIGNING = new Set(['assignment', 'augmented_assignment', 'for_statement']);
/** The scopes a binding belongs to, as bindings.ts finds them: the nearest of these around it. */
const SCOPES = new Set([...DEFINING, 'module', 'lambda', 'list_comprehension', 'dictionary_comprehension', 'set_comprehension', 'generator_expression']);
/** The nodes whose targets a function binds in its own scope. */
const TARGETS = ['assignment', 'augmented_assignment', 'for_statement', 'as_pattern_target'];

/** What a top-level statement's analysis can reach of its module by name, as of one version of the
 *  module: the names (those it reads and does not bind, those the values given them read, and so
 *  on), and all the top-level statements then; the statements that may bind those names or define
 *  a function of theirs are what it reaches of them. */
export interface Surroundings {
  readonly names: ReadonlySet<string>;
  among: ReadonlySet<Node>;
}

/** The statements that may bind a name at the module's level or define a function of that name,
 *  and the names read by the values they give it. */
interface Holders {
  statements: Node[];
  valueNames: string[];
}

// Per top-level statement, what it reads and does not bind, and the names it may bind (with the
// names read by the values it gives them): a node object kept by a re-parse keeps its text.
const freeNamesCache = new WeakMap<Node, string[]>();
const targetsCache = new WeakMap<Node, Map<string, string[]>>();
/** Per top-level statement, its surroundings as of the latest version of its module that asked. */
const keptSurroundings = new WeakMap<Node, Surroundings>();

const surroundingsCache = new WeakMap<PythonModule, ModuleSurroundings>();

/** The holders found last, of a version of a module, with its statements: those of the next version
 *  of a module being edited are found from them, where the statements that came or went bind. */
let lastHolders: { statements: ReadonlySet<Node>; holders: Map<string, Holders> } | undefined;
/** The most statements that may come or go between two versions for the holders of one to be found
 *  from those of the other (beyond, they are found anew). */
const MOST_CHANGED = 64;

/** The surroundings of one version of a module, shared by the analyses that keep results by
 *  statement (each name's holders are found once). */
export function surroundingsOf(module: PythonModule): ModuleSurroundings {
  let found = surroundingsCache.get(module);
  if (!found) surroundingsCache.set(module, (found = new ModuleSurroundings(module)));
  return found;
}

/** The top-level statements of one version of a module, and which of them may bind each name. */
export class ModuleSurroundings {
  readonly statements: Node[];
  /** The statements, as a set: made when first asked, by a module being edited. */
  private statementSet?: Set<Node>;
  private holders?: Map<string, Holders>;
  /** Per earlier version (its set of statements), the names the statements removed or added since
   *  may bind; undefined when they are not known. */
  private readonly changes = new Map<ReadonlySet<Node>, string[] | undefined>();

  constructor(private readonly module: PythonModule) {
    this.statements = topLevelStatements(module);
  }

  /** What `statement`'s analysis can reach of this version of the module by name: the object given
   *  for an earlier version while it still holds, so that a result kept with it still holds while
   *  it is the same object. The analyses that keep results share it. */
  of(statement: Node): Surroundings {
    let found = keptSurroundings.get(statement);
    if (!found || !this.renew(found)) keptSurroundings.set(statement, (found = this.found(statement)));
    return found;
  }

  /** What `statement`'s analysis can reach of this version of the module by name, found anew. */
  private found(statement: Node): Surroundings {
    const names = new Set(this.freeNames(statement));
    // A Set visits what is added while it is walked: the names the values read, in turn.
    for (const name of names) for (const read of this.holding(name).valueNames) names.add(read);
    return { names, among: this.current };
  }

  private get current(): Set<Node> {
    return (this.statementSet ??= new Set(this.statements));
  }

  /** Whether surroundings found in an earlier version of the module still hold in this one (and
   *  then makes them this version's): no statement removed or added since may bind one of their
   *  names (a statement that held one of them may bind it). The statements that may bind them are
   *  then the same objects, in the same order (a re-parse keeps the order of the objects it keeps),
   *  holding the same text. */
  private renew(surroundings: Surroundings): boolean {
    if (surroundings.among === this.current) return true;
    const changed = this.namesChangedSince(surroundings.among);
    if (!changed) return false;
    for (const name of changed) if (surroundings.names.has(name)) return false;
    // Renewed, the surroundings kept of most statements are of one version: the next one compares
    // with that one alone.
    surroundings.among = this.current;
    return true;
  }

  /** The names that the statements removed or added since an earlier version may bind; undefined
   *  when a removed statement's are not known (see changeSince). */
  private namesChangedSince(among: ReadonlySet<Node>): string[] | undefined {
    if (this.changes.has(among)) return this.changes.get(among);
    const names = this.changeSince(among)?.names;
    const changed = names && [...names];
    this.changes.set(among, changed);
    return changed;
  }

  /** The statements added since an earlier version (its set of statements), and the names that they
   *  and the statements removed since may bind; undefined when more than `most` statements were
   *  added or removed, or a removed statement's names are not known (a removed node is not read
   *  again). The statements of a version whose holders were found, and those added since a version
   *  surroundings were renewed to, had their targets found. */
  private changeSince(earlier: ReadonlySet<Node>, most = Infinity): { added: Node[]; names: Set<string> } | undefined {
    const names = new Set<string>();
    const added: Node[] = [];
    for (const statement of this.statements) {
      if (earlier.has(statement)) continue;
      if (added.push(statement) > most) return undefined;
      for (const name of this.targets(statement).keys()) names.add(name);
    }
    let removed = 0;
    for (const statement of earlier) {
      if (this.current.has(statement)) continue;
      const targets = targetsCache.get(statement);
      if (!targets || ++removed > most) return undefined;
      for (const name of targets.keys()) names.add(name);
    }
    return { added, names };
  }

  /** The top-level statements that may bind `name` at the module's level or define a function of
   *  that name, and the names read by the values assigned to it there. */
  private holding(name: string): Holders {
    if (!this.holders) {
      this.holders = this.holdersSince(lastHolders) ?? this.everyHolder();
      lastHolders = { statements: this.current, holders: this.holders };
    }
    return this.holders.get(name) ?? NO_HOLDERS;
  }

  private everyHolder(): Map<string, Holders> {
    const holders = new Map<string, Holders>();
    for (const statement of this.statements) {
      for (const [target, valueNames] of this.targets(statement)) {
        const held = holders.get(target);
        if (!held) holders.set(target, { statements: [statement], valueNames: [...valueNames] });
        else {
          held.statements.push(statement);
          held.valueNames.push(...valueNames);
        }
      }
    }
    return holders;
  }

  /** The holders of this version from those of an earlier one (left as they are: they are shared),
   *  found again only for the names that the statements removed or added since may bind; undefined
   *  when too many statements came or went. */
  private holdersSince(earlier: typeof lastHolders): Map<string, Holders> | undefined {
    const change = earlier && this.changeSince(earlier.statements, MOST_CHANGED);
    if (!change) return undefined;
    const holders = new Map(earlier.holders);
    for (const name of change.names) {
      const statements = [...(earlier.holders.get(name)?.statements ?? []).filter((statement) => this.current.has(statement)), ...change.added.filter((statement) => this.targets(statement).has(name))];
      if (statements.length === 0) holders.delete(name);
      else holders.set(name, { statements, valueNames: statements.flatMap((statement) => this.targets(statement).get(name)!) });
    }
    return holders;
  }

  /** The names a top-level statement may bind at the module's level or define a function of, each
   *  with the names read by the values it gives it there. */
  private targets(statement: Node): Map<string, string[]> {
    let found = targetsCache.get(statement);
    if (!found) {
      found = new Map();
      for (const id of nodesWithin(this.module.nodes('identifier'), statement)) {
        if (!mayBind(statement, id)) continue;
        const value = id.parent && assignedValue(id.parent, id);
        const valueNames = value ? namesIn(this.module, value) : [];
        const known = found.get(id.text);
        if (known) known.push(...valueNames);
        else found.set(id.text, valueNames);
      }
      targetsCache.set(statement, found);
    }
    return found;
  }

  /** The names a top-level statement reads and does not bind: a function's own names (its
   *  parameters, the targets of its own scope) are its own wherever it reads them, but a call by
   *  name runs a function of that name (calledFunction looks no further). */
  private freeNames(statement: Node): string[] {
    let names = freeNamesCache.get(statement);
    if (!names) {
      const def = statement.type === 'decorated_definition' ? statement.childForFieldName('definition') : statement;
      const own = def?.type === 'function_definition' ? ownNames(this.module, def) : undefined;
      const free = new Set<string>();
      for (const id of nodesWithin(this.module.nodes('identifier'), statement)) if (!(own?.has(id.text) && isInside(id, def!)) || id.parent?.type === 'call') free.add(id.text);
      freeNamesCache.set(statement, (names = [...free]));
    }
    return names;
  }
}

/** Whether an identifier of a top-level statement may be bound there at the module's level or
 *  name a function: in a definition, the name of a function or class; elsewhere, any target (of an
 *  assignment, a loop, a `with`, an assignment expression, a definition), unpacked or not. */
function mayBind(statement: Node, id: Node): boolean {
  const parent = id.parent;
  if (!parent) return false;
  if (DEFINING.has(parent.type) || parent.type === 'named_expression') return parent.childForFieldName('name')?.id === id.id;
  if (DEFINITIONS.has(statement.type)) return false;
  let target = id;
  let holder = parent;
  while (PATTERNS.has(holder.type) && holder.parent) {
    target = holder;
    holder = holder.parent;
  }
  return holder.type === 'as_pattern_target' || (ASSIGNING.has(holder.type) && holder.childForFieldName('left')?.id === target.id);
}

/** The names a function binds in its own scope: its parameters, the targets of its assignments,
 *  loops and `with`s, its walrus names, its nested functions and classes. */
function ownNames(module: PythonModule, def: Node): Set<string> {
  const names = new Set(parameterNames(def));
  const ownScope = (node: Node) => {
    let scope = node.parent;
    while (scope && !SCOPES.has(scope.type)) scope = scope.parent;
    return scope?.id === def.id;
  };
  for (const type of TARGETS) {
    for (const node of nodesWithin(module.nodes(type), def)) {
      const target = type === 'as_pattern_target' ? node.namedChildren[0] : node.childForFieldName('left');
      if (ownScope(node)) for (const bound of boundNames(target)) if (bound.replaces) names.add(bound.name);
    }
  }
  for (const node of nodesWithin(module.nodes('named_expression'), def)) if (ownScope(node)) names.add(node.childForFieldName('name')?.text ?? '');
  for (const type of DEFINING) for (const node of nodesWithin(module.nodes(type), def)) if (node.id !== def.id && ownScope(node)) names.add(node.childForFieldName('name')?.text ?? '');
  return names;
}

/** The value an identifier is given where it is the target of an assignment (the last value of a
 *  chain `a = b = value`) or the name of an assignment expression (`(n := len(x))`). */
function assignedValue(parent: Node, id: Node): Node | undefined {
  if (parent.type === 'named_expression') return parent.childForFieldName('name')?.id === id.id ? (parent.childForFieldName('value') ?? undefined) : undefined;
  if (parent.type !== 'assignment' || parent.childForFieldName('left')?.id !== id.id) return undefined;
  let value = parent.childForFieldName('right');
  while (value?.type === 'assignment') value = value.childForFieldName('right');
  return value ?? undefined;
}

/** The distinct identifier texts inside a node. */
function namesIn(module: PythonModule, node: Node): string[] {
  return [...new Set(nodesWithin(module.nodes('identifier'), node).map((id) => id.text))];
}
