import type { Node, Tree } from 'web-tree-sitter';
import { LineIndex } from '../text';
import { checkpoint } from '../budget';
import { Range } from '../types';
import { DOT } from './charCodes';
import { nearestAncestor, nodesOfType, rootOf } from './parser';
import { StatementMemo } from './statementMemo';

export type { Node };

/** One call site with its callee resolved through the module's imports. */
export interface Call {
  node: Node;
  /** The callee as written, e.g. `pd.read_csv`, `model.fit`. */
  callee: string;
  /** The callee with import aliases resolved, e.g. `pandas.read_csv`; same as callee when nothing was imported. */
  qualified: string;
  /** True when the callee's first name comes from an import. */
  imported: boolean;
  /** The method name (last segment): `fit` for `model.fit`. */
  method: string;
  /** The receiver node of a method call (`model` in `model.fit(x)`). */
  receiver?: Node;
  positional: Node[];
  /** By name; one shared empty map for the calls without any (most): not to be changed. */
  keywords: ReadonlyMap<string, Node>;
  /** `**kwargs` or `*args` present: the call may pass anything. */
  hasSplat: boolean;
}

export interface ImportBinding {
  /** The name bound in this module. */
  local: string;
  /** What it refers to, e.g. `sklearn.model_selection.train_test_split`; relative imports keep their dots. */
  target: string;
  node: Node;
}

const NO_KEYWORDS: ReadonlyMap<string, Node> = new Map();

/** How many texts of a type withText finds by a pass over the nodes before it indexes them all. */
const TEXTS_FOUND_BY_A_PASS = 2;

/** A Call whose arguments are read the first time they are asked for: most of a module's calls are
 *  looked at by their callee only. */
class CallSite implements Call {
  private args?: { positional: Node[]; keywords: ReadonlyMap<string, Node>; hasSplat: boolean };

  constructor(
    readonly node: Node,
    readonly callee: string,
    readonly qualified: string,
    readonly imported: boolean,
    readonly method: string,
    readonly receiver: Node | undefined,
  ) {}

  get positional(): Node[] {
    return (this.args ??= argumentsOf(this.node)).positional;
  }

  get keywords(): ReadonlyMap<string, Node> {
    return (this.args ??= argumentsOf(this.node)).keywords;
  }

  get hasSplat(): boolean {
    return (this.args ??= argumentsOf(this.node)).hasSplat;
  }
}

function argumentsOf(call: Node): { positional: Node[]; keywords: ReadonlyMap<string, Node>; hasSplat: boolean } {
  const positional: Node[] = [];
  let keywords: Map<string, Node> | undefined;
  let hasSplat = false;
  const args = call.childForFieldName('arguments');
  if (args) {
    for (const arg of args.namedChildren) {
      if (!arg || arg.type === 'comment') continue;
      if (arg.type === 'keyword_argument') {
        const name = arg.childForFieldName('name')?.text;
        const value = arg.childForFieldName('value');
        if (name && value) (keywords ??= new Map()).set(name, value);
      } else if (arg.type === 'list_splat' || arg.type === 'dictionary_splat') {
        hasSplat = true;
      } else {
        positional.push(arg);
      }
    }
  }
  return { positional, keywords: keywords ?? NO_KEYWORDS, hasSplat };
}

/** The calls of each top-level statement, described: they depend on the statement and on what the
 *  module's imports bind (the key). */
const statementCalls = new StatementMemo<Call[]>();

/** The identifiers and attributes of each top-level statement by the texts asked, in a module being
 *  edited: they depend on nothing outside the statement. */
const statementTexts = { identifier: new StatementMemo<Map<string, Node[]>>(), attribute: new StatementMemo<Map<string, Node[]>>() };

/** What a module's imports bind, as the key of its statements' calls. The key of the module analysed
 *  before is given again when equal, the same string, which each statement then compares by
 *  reference rather than character by character. */
function importsKey(bindings: Map<string, string>): string {
  const key = JSON.stringify([...bindings]);
  if (key !== lastImportsKey) lastImportsKey = key;
  return lastImportsKey;
}
let lastImportsKey = '';

/** A parsed Python module (or the code of a notebook) with the queries rules share. */
export class PythonModule {
  private lineIndex?: LineIndex;
  readonly imports: ImportBinding[] = [];
  /** Module names named in import statements, as written (relative ones keep their leading dots). */
  readonly importedModules = new Set<string>();
  private readonly bindings = new Map<string, string>();
  private callCache?: Call[];
  /** The calls described so far, at the places of their nodes among the tree's calls. */
  private readonly described: (Call | undefined)[];
  /** Per type, the nodes of each text asked so far, or of every text once indexed (see withText). */
  private readonly byText = new Map<string, { indexed: boolean; nodes: Map<string, Node[]> }>();

  constructor(
    readonly tree: Tree,
    readonly text: string,
    /** Parsed again from an edited version (a document being edited): what the statements an edit
     *  did not change hold is kept by their nodes for the next version. */
    readonly edited = false,
  ) {
    this.collectImports();
    this.described = new Array<Call | undefined>(nodesOfType(tree, 'call').length);
  }

  /** Made when first asked: the analysis of a file has the lines of its text already, and few
   *  rules ask for those of its code. */
  get lines(): LineIndex {
    return (this.lineIndex ??= new LineIndex(this.text));
  }

  get root(): Node {
    return rootOf(this.tree);
  }

  /** The module itself; for a view of some of its statements (statements.ts restrictedTo), the
   *  module it is a view of: what is known of the module as a whole (its bindings, what is pandas)
   *  is found on it. */
  get whole(): PythonModule {
    return this;
  }

  /** All nodes of a type, in document order. */
  nodes(type: string): Node[] {
    return nodesOfType(this.tree, type);
  }

  /** The nodes of a type (identifiers, attributes) that read `text`, in document order. The first
   *  texts asked of a type (most modules ask one or two) are each found by a pass over its nodes that
   *  compares lengths before texts; the next question indexes them all by text: analyses that follow
   *  many names ask again and again, and each node's text is a copy out of the source. */
  withText(type: 'identifier' | 'attribute', text: string): Node[] {
    let known = this.byText.get(type);
    if (!known) this.byText.set(type, (known = { indexed: false, nodes: new Map() }));
    const found = known.nodes.get(text);
    if (found || known.indexed) return found ?? [];
    if (this.edited) {
      const nodes = this.statementsWithText(type, text);
      known.nodes.set(text, nodes);
      return nodes;
    }
    const all = this.nodes(type);
    if (known.nodes.size < TEXTS_FOUND_BY_A_PASS) {
      checkpoint(all.length);
      const nodes = all.filter((node) => node.endIndex - node.startIndex === text.length && node.text === text);
      known.nodes.set(text, nodes);
      return nodes;
    }
    const index = new Map<string, Node[]>();
    for (const node of all) {
      const list = index.get(node.text);
      if (list) list.push(node);
      else index.set(node.text, [node]);
    }
    this.byText.set(type, { indexed: true, nodes: index });
    return index.get(text) ?? [];
  }

  /** withText in a module being edited: from each top-level statement's nodes of the type with that
   *  text, found when first asked (by a pass over the statement's nodes that compares lengths before
   *  texts) and kept for the statements an edit did not change. */
  private statementsWithText(type: 'identifier' | 'attribute', text: string): Node[] {
    const found: Node[] = [];
    let all: Node[] | undefined;
    for (const statement of this.root.namedChildren) {
      if (!statement) continue;
      let byText = statementTexts[type].get(statement, '');
      if (!byText) statementTexts[type].set(statement, '', (byText = new Map()));
      let nodes = byText.get(text);
      if (!nodes) {
        all ??= this.nodes(type);
        // An empty node where one statement ends and the next begins is the one's it belongs to.
        const named = (node: Node) => node.endIndex - node.startIndex === text.length && node.text === text && (text.length > 0 || topLevelStatement(node) === statement);
        const within = nodesWithin(all, statement);
        checkpoint(within.length);
        byText.set(text, (nodes = within.filter(named)));
      }
      if (nodes.length > 0) found.push(...nodes);
    }
    return found;
  }

  range(node: Node): Range {
    return {
      start: { line: node.startPosition.row, character: node.startPosition.column },
      end: { line: node.endPosition.row, character: node.endPosition.column },
    };
  }

  /** Whether a name (or dotted prefix) is bound by an import. */
  isImportedName(name: string): boolean {
    const dot = name.indexOf('.');
    return this.bindings.has(dot < 0 ? name : name.slice(0, dot));
  }

  /** Resolves an identifier or attribute chain through imports: `np.random.seed` -> `numpy.random.seed`. */
  qualify(node: Node | null): string | undefined {
    const dotted = dottedName(node);
    if (dotted === undefined) return undefined;
    return this.qualifyDotted(dotted);
  }

  qualifyDotted(dotted: string): string {
    const dot = dotted.indexOf('.');
    const head = dot < 0 ? dotted : dotted.slice(0, dot);
    const target = this.bindings.get(head);
    if (target === undefined) return dotted;
    return dot < 0 ? target : target + dotted.slice(dot);
  }

  /** Whether the module imports a package or any of its submodules (`sklearn` matches `sklearn.svm`). */
  importsPackage(pkg: string): boolean {
    for (const name of this.importedModules) {
      if (isInPackage(name, pkg)) return true;
    }
    return false;
  }

  /** Every call of the module, in document order: those of each top-level statement, kept from the
   *  previous analysis of an edited document for the statements it did not change while the imports
   *  bind the same names (statementMemo.ts). */
  calls(): Call[] {
    if (this.callCache) return this.callCache;
    const nodes = nodesOfType(this.tree, 'call');
    const imports = importsKey(this.bindings);
    const statements = new StatementCursor(this.root);
    const calls: Call[] = [];
    // The statement the walk is in, and its kept calls, or else those described so far (kept once
    // all are); its first call's place among the module's.
    let statement: Node | undefined;
    let kept: Call[] | undefined;
    let described: Call[] = [];
    let first = 0;
    for (let i = 0; i < nodes.length; i++) {
      const next = statements.moveTo(nodes[i]);
      if (next !== statement) {
        if (statement && !kept) statementCalls.set(statement, imports, described);
        statement = next;
        kept = statementCalls.get(statement, imports);
        described = [];
        first = i;
      }
      const call = (this.described[i] ??= kept ? kept[i - first] : this.newCall(nodes[i]));
      if (!kept) described.push(call);
      calls.push(call);
    }
    if (statement && !kept) statementCalls.set(statement, imports, described);
    return (this.callCache = calls);
  }

  /** The call at a node, described once: rules follow the same calls again and again. */
  describeCall(node: Node): Call {
    // The module's calls, in document order (those that start at one place, `f(x)(y)`, told apart
    // by id); from the tree, not from nodes(), which a view of some statements restricts.
    const nodes = nodesOfType(this.tree, 'call');
    for (let i = firstFrom(nodes, node.startIndex); i < nodes.length && nodes[i].startIndex === node.startIndex; i++) {
      if (nodes[i].id === node.id) return (this.described[i] ??= this.newCall(node));
    }
    return this.newCall(node);
  }

  private newCall(node: Node): Call {
    checkpoint();
    const func = node.childForFieldName('function');
    if (func?.type !== 'attribute') {
      const callee = func?.type === 'identifier' ? func.text : calleeText(func, undefined);
      return new CallSite(node, callee, this.qualifyDotted(callee), this.isImportedName(callee), callee, undefined);
    }
    const method = func.childForFieldName('attribute')?.text ?? '';
    const callee = plainName(func) ?? dottedName(func) ?? calleeText(func, method);
    return new CallSite(node, callee, this.qualifyDotted(callee), this.isImportedName(callee), method, func.childForFieldName('object') ?? undefined);
  }

  private collectImports(): void {
    const statements = [...this.nodes('import_statement'), ...this.nodes('import_from_statement')].sort((a, b) => a.startIndex - b.startIndex);
    for (const stmt of statements) {
      if (stmt.type === 'import_statement') {
        for (const name of stmt.childrenForFieldName('name')) {
          if (!name) continue;
          if (name.type === 'aliased_import') {
            const target = name.childForFieldName('name')?.text ?? '';
            const local = name.childForFieldName('alias')?.text ?? target;
            this.bind(local, target, stmt);
            this.importedModules.add(target);
          } else {
            // `import os.path` binds `os`.
            const target = name.text;
            this.bind(target.split('.')[0], target.split('.')[0], stmt);
            this.importedModules.add(target);
          }
        }
      } else {
        const moduleNode = stmt.childForFieldName('module_name');
        const moduleName = moduleNode?.text ?? '';
        this.importedModules.add(moduleName);
        const joiner = moduleName.endsWith('.') ? '' : '.';
        for (const name of stmt.childrenForFieldName('name')) {
          if (!name) continue;
          const imported = name.type === 'aliased_import' ? (name.childForFieldName('name')?.text ?? '') : name.text;
          const local = name.type === 'aliased_import' ? (name.childForFieldName('alias')?.text ?? imported) : imported;
          this.bind(local, moduleName + joiner + imported, stmt);
          // `from . import features` and `from pkg import submodule` may import modules too.
          this.importedModules.add(moduleName + joiner + imported);
        }
      }
    }
  }

  private bind(local: string, target: string, node: Node): void {
    this.bindings.set(local, target);
    this.imports.push({ local, target, node });
  }
}

/** Whether a dotted name is a package or inside it (`sklearn.svm` is in `sklearn`). Compared in
 *  place, with no string made: it is asked of every import of a module for a dozen packages at a time. */
export function isInPackage(name: string, pkg: string): boolean {
  return name.startsWith(pkg) && (name.length === pkg.length || name.charCodeAt(pkg.length) === DOT);
}

// A callee or receiver that names something (`load(path).fit`, `self.models[0]`) is compared as
// written up to this length: a chain of thousands of method calls must not copy the chain's text
// for each of its calls.
const MAX_NAME_TEXT = 200;

/** The text of an expression that names something (a receiver, a callee), or an ellipsis when it is
 *  longer than any name: a long chain of calls is no name, and is not copied for each call in it. */
export function nameText(node: Node): string {
  return node.endIndex - node.startIndex <= MAX_NAME_TEXT ? node.text : '…';
}

/** Names and dots with nothing between them (no space, comment or line continuation). */
const PLAIN_NAME = /^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$/;

/** The callee of an attribute read from its text when nothing but dots separates its names (most
 *  are): what dottedName gives, without a step per name, or, when its first part is no identifier
 *  (`None.real`), the text that calleeText gives. */
function plainName(node: Node): string | undefined {
  if (node.endIndex - node.startIndex > MAX_NAME_TEXT) return undefined;
  const text = node.text;
  return PLAIN_NAME.test(text) ? text : undefined;
}

function calleeText(func: Node | null, method: string | undefined): string {
  if (!func) return '';
  if (func.endIndex - func.startIndex <= MAX_NAME_TEXT) return func.text;
  return method === undefined ? '…' : `….${method}`;
}

/** `a.b.c` for identifier / attribute chains, undefined for anything else. */
export function dottedName(node: Node | null | undefined): string | undefined {
  // A loop, not recursion: a chain of attributes is as long as the user wrote it.
  const attributes: string[] = [];
  for (; node?.type === 'attribute'; node = node.childForFieldName('object')) {
    const attribute = node.childForFieldName('attribute')?.text;
    if (!attribute) return undefined;
    attributes.push(attribute);
  }
  if (node?.type !== 'identifier') return undefined;
  return [node.text, ...attributes.reverse()].join('.');
}

const FUNCTION_TYPES = new Set(['function_definition', 'lambda']);
const LOOP_TYPES = new Set(['for_statement', 'while_statement']);

/** The nearest ancestor of one of the types (a constant Set: answers are kept per Set). */
export function enclosing(node: Node, types: ReadonlySet<string>): Node | undefined {
  return nearestAncestor(node, types);
}

/** The function (or lambda) a node belongs to; undefined at module level. */
export function enclosingFunction(node: Node): Node | undefined {
  return enclosing(node, FUNCTION_TYPES);
}

export function enclosingLoop(node: Node): Node | undefined {
  return enclosing(node, LOOP_TYPES);
}

/** The scope whose statements a node's data flow lives in: its function, else the module. */
export function scopeOf(node: Node): Node {
  return enclosingFunction(node) ?? rootOf(node.tree);
}

/** Items grouped by the id of the scope (scopeOf) their node belongs to, in the order given. */
export function groupByScope<T>(items: Iterable<T>, nodeOf: (item: T) => Node): Map<number, T[]> {
  const groups = new Map<number, T[]>();
  for (const item of items) {
    const scope = scopeOf(nodeOf(item)).id;
    const group = groups.get(scope);
    if (group) group.push(item);
    else groups.set(scope, [item]);
  }
  return groups;
}

/** The top-level statements of a module, stepped through by the nodes in them, in document order
 *  (a node of a type after one of the same type). */
export class StatementCursor {
  private readonly statements: Node[];
  private at = -1;

  constructor(root: Node) {
    this.statements = root.namedChildren as Node[];
  }

  /** The place among the module's statements of the one moved to last. */
  get index(): number {
    return this.at;
  }

  /** Moves to the statement a node is in, and gives it. */
  moveTo(node: Node): Node {
    const { statements } = this;
    let i = Math.max(this.at, 0);
    if (node.startIndex === node.endIndex) {
      // An empty node (of MISSING tokens) where one statement ends and the next begins may be either's.
      const owner = topLevelStatement(node);
      while (i < statements.length - 1 && statements[i] !== owner) i++;
    } else {
      // The statements before the node's end before it starts.
      while (i < statements.length - 1 && statements[i].endIndex < node.endIndex) i++;
    }
    this.at = i;
    return statements[i];
  }
}

/** The statement of the module a node belongs to. */
export function topLevelStatement(node: Node): Node {
  let n = node;
  while (n.parent && n.parent.type !== 'module') n = n.parent;
  return n;
}

/** The index of the first of the nodes (in document order) that starts at or after `offset`. */
export function firstFrom(nodes: Node[], offset: number): number {
  let low = 0;
  let high = nodes.length;
  while (low < high) {
    const mid = (low + high) >> 1;
    if (nodes[mid].startIndex < offset) low = mid + 1;
    else high = mid;
  }
  return low;
}

/** The nodes of a list in document order that lie inside `container`. */
export function nodesWithin(nodes: Node[], container: Node): Node[] {
  const within: Node[] = [];
  for (let i = firstFrom(nodes, container.startIndex); i < nodes.length && nodes[i].startIndex < container.endIndex; i++) if (isInside(nodes[i], container)) within.push(nodes[i]);
  return within;
}

export function isInside(node: Node, container: Node): boolean {
  return node.startIndex >= container.startIndex && node.endIndex <= container.endIndex;
}

/** The text of a string literal without quotes or prefix, when it has no interpolation. */
export function stringValue(node: Node | null | undefined): string | undefined {
  if (!node || node.type !== 'string') return undefined;
  if (node.namedChildren.some((c) => c?.type === 'interpolation')) return undefined;
  return node.namedChildren
    .filter((c): c is Node => c?.type === 'string_content')
    .map((c) => c.text)
    .join('');
}

/** Names assigned by `a = ...`, `a, b = ...`, `a: T = ...` at a node (assignment). */
export function assignedNames(assignment: Node): string[] {
  const left = assignment.childForFieldName('left');
  if (!left) return [];
  if (left.type === 'identifier') return [left.text];
  return left.descendantsOfType('identifier').flatMap((n) => (n && n.parent?.type !== 'attribute' ? [n.text] : []));
}
