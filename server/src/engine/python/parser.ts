import * as fs from 'fs';
import * as path from 'path';
import { Edit, Language, Node, Parser, Tree } from 'web-tree-sitter';
import { BudgetExceeded, checkpoint, pastDeadline } from '../budget';
import { withUnixLineEnds } from '../text';

// The .wasm files sit beside the bundled server (the build copies them there); when running
// from sources they are found in node_modules.
function wasmPath(file: string, fromPackage: string): string {
  const beside = path.join(__dirname, file);
  return fs.existsSync(beside) ? beside : require.resolve(fromPackage);
}

let ready: Promise<Parser> | undefined;

/** The options tree-sitter's runtime was started with: emscripten keeps its views of the wasm
 *  memory on this object (HEAP8), which is how its size is read. */
const runtime: { locateFile?: () => string; HEAP8?: Int8Array } = {};

/** The size of this thread's tree-sitter wasm memory, in bytes (0 before the parser is loaded). It
 *  only ever grows: a huge file's parse keeps its high-water mark until the thread ends. */
export function wasmMemoryBytes(): number {
  return runtime.HEAP8?.buffer.byteLength ?? 0;
}

/** Loads tree-sitter and the Python grammar once per thread. */
export function loadPythonParser(): Promise<Parser> {
  ready ??= (async () => {
    const runtimeWasm = wasmPath('tree-sitter.wasm', 'web-tree-sitter/tree-sitter.wasm');
    runtime.locateFile = () => runtimeWasm;
    await Parser.init(runtime);
    const language = await Language.load(wasmPath('tree-sitter-python.wasm', 'tree-sitter-python/tree-sitter-python.wasm'));
    const parser = new Parser();
    parser.setLanguage(language);
    meterTreeSteps();
    return parser;
  })();
  return ready;
}

let parser: Parser | undefined;

/** The parser, after loadPythonParser() resolved. Analysis is synchronous from here on. */
export function pythonParser(): Parser {
  if (!parser) throw new Error('The Python parser is not loaded: await loadPythonParser() first.');
  return parser;
}

export async function initPython(): Promise<void> {
  parser = await loadPythonParser();
}

/** Parses Python; with the previous tree (already edited with tree.edit) the parse is incremental.
 *  Throws BudgetExceeded when the analysis deadline passes during the parse. */
export function parsePython(text: string, previous?: Tree): Tree {
  const parser = pythonParser();
  const tree = parser.parse(withUnixLineEnds(text), previous ?? null, { progressCallback: pastDeadline });
  if (!tree) {
    parser.reset();
    if (pastDeadline()) throw new BudgetExceeded();
    throw new Error('tree-sitter returned no tree');
  }
  const edited = previous as { [SET_ASIDE]?: TreeIndex } | undefined;
  if (edited?.[SET_ASIDE]) {
    (tree as { [CARRIED_FROM]?: TreeIndex })[CARRIED_FROM] = edited[SET_ASIDE];
    edited[SET_ASIDE] = undefined;
  }
  return tree;
}

/** CPython refuses more than 200 nested brackets ("too many nested parentheses") and 100 levels of
 *  indentation; tree-sitter's parse stack grows with the nesting and, far beyond that, its wasm
 *  memory aborts for good (every later parse in the process fails). */
export const MAX_BRACKET_DEPTH = 200;
export const MAX_INDENT_DEPTH = 100;

/** Why Python source cannot be Python, by its nesting, read from the text (strings and comments
 *  skipped) before it reaches the parser; undefined when it nests within Python's limits. */
export function tooDeepForPython(text: string): string | undefined {
  let depth = 0;
  const indents: number[] = [0];
  let lineStart = true;
  for (let i = 0; i < text.length; i++) {
    if (lineStart) {
      lineStart = false;
      let width = 0;
      while (text[i + width] === ' ' || text[i + width] === '\t') width++;
      const next = text[i + width];
      // Blank and comment lines, and lines inside brackets, do not indent a block.
      if (depth === 0 && next !== undefined && next !== '\n' && next !== '\r' && next !== '#') {
        while (width < indents[indents.length - 1]) indents.pop();
        if (width > indents[indents.length - 1]) indents.push(width);
        if (indents.length - 1 > MAX_INDENT_DEPTH) return `indented more than ${MAX_INDENT_DEPTH} levels deep`;
      }
      i += width;
      if (i >= text.length) break;
    }
    const ch = text[i];
    if (ch === '\n' || ch === '\r') lineStart = true;
    else if (ch === '#') {
      const end = text.indexOf('\n', i);
      if (end < 0) break;
      i = end - 1;
    } else if (ch === '"' || ch === "'") {
      const triple = text.startsWith(ch.repeat(3), i);
      const quote = triple ? ch.repeat(3) : ch;
      let j = i + quote.length;
      for (; j < text.length; j++) {
        if (text[j] === '\\') j++;
        else if (text.startsWith(quote, j)) break;
        else if (!triple && text[j] === '\n') break; // an unclosed string ends with its line
      }
      i = Math.min(j, text.length) + (text.startsWith(quote, j) ? quote.length : 0) - 1;
    } else if (ch === '(' || ch === '[' || ch === '{') {
      if (++depth > MAX_BRACKET_DEPTH) return `brackets nest more than ${MAX_BRACKET_DEPTH} levels deep`;
    } else if ((ch === ')' || ch === ']' || ch === '}') && depth > 0) depth--;
  }
  return undefined;
}

// The tree index. tree-sitter finds a node's parent by descending from the root through every
// sibling on the way, so `node.parent` costs the width and depth of the tree (a walk up from each
// argument of a call with thousands of arguments is quadratic), and each descendantsOfType is a walk
// of the whole tree; and every crossing into tree-sitter's wasm, and every node object it hands out,
// costs more than the work asked for. So each tree is indexed once, the first time the analyses ask:
// one walk through the named children lists (each node's in one call) gives every named node one
// object that the analyses share, found by type, by parent or by child, and that keeps on itself what
// the walk learned of it: its parent, its type and its place in document order. Nothing else is kept
// per node (maps by id, or a query's own node objects, cost more memory and time than the walk
// itself). Anonymous nodes (punctuation, keywords: a third of a tree) get their objects only when a
// node's full children list is asked for. The accessors that lead from a node to others
// (meterTreeSteps) answer from these objects.

const INDEX = Symbol('tree index');
/** On an edited tree, its index until the re-parse; on the re-parsed tree, that index until its own
 *  is built from it (carryIndex). */
const SET_ASIDE = Symbol('index set aside for the re-parse');
const CARRIED_FROM = Symbol('index of the tree before the re-parse');
const PARENT = Symbol('parent');
const TYPE_ID = Symbol('type id');
const ORDER = Symbol('document order');
const END = Symbol('end of subtree in document order');

/** A node object of an indexed tree: the one object for its node. */
interface IndexedNode extends Node {
  [PARENT]: IndexedNode | null;
  [TYPE_ID]: number;
  /** Its place among the named nodes in document order; -1 for an anonymous node. */
  [ORDER]: number;
  /** The place of the first named node after its subtree; -1 for an anonymous node. */
  [END]: number;
  _children?: IndexedNode[];
}

interface TreeIndex {
  root: IndexedNode;
  slots: TypeSlots;
  /** Per slot of a named type, its nodes in document order. */
  bySlot: IndexedNode[][];
  /** Per set of node types, the nearest strict ancestor of those types of each node asked so far. */
  nearest: Map<ReadonlySet<string>, Map<number, Node | null>>;
}

/** Edits a tree that is about to be re-parsed (parsePython(text, tree)). Its index is dropped, as
 *  tree.edit moves its nodes, and set aside: the tree the re-parse gives takes over the parts of it
 *  that the parse reused (see carryIndex). */
export function editTree(tree: Tree, edits: Edit[]): void {
  const edited = tree as { [INDEX]?: TreeIndex; [SET_ASIDE]?: TreeIndex };
  const index = edited[INDEX];
  edited[INDEX] = undefined;
  for (const edit of edits) tree.edit(edit);
  edited[SET_ASIDE] = index;
}

/** Every named node of a type in the tree, the root included, in document order. The list is the
 *  index's own: do not change it. */
export function nodesOfType(tree: Tree, type: string): Node[] {
  const index = indexOf(tree);
  const slot = index.slots.named.get(type);
  return (slot !== undefined && index.bySlot[slot]) || [];
}

/** Node types grouped in slots: the named types by name (a grammar may give one name to several
 *  symbols, as it does to `block`), each anonymous type apart. */
interface TypeSlots {
  /** By type id, its slot (see slotOf). */
  ofType: number[];
  errorSlot: number;
  /** The slot of each named type. */
  named: Map<string, number>;
  namedSlots: Set<number>;
  /** The slots of each type name, named or not (descendantsOfType matches both). */
  byName: Map<string, number[]>;
}

/** tree-sitter's id of the ERROR type, far above the grammar's own: kept apart, so that the arrays
 *  by type id stay dense (fast to index). */
const ERROR_TYPE_ID = 0xffff;

function slotOf(slots: TypeSlots, typeId: number): number {
  return typeId === ERROR_TYPE_ID ? slots.errorSlot : slots.ofType[typeId];
}

const slotsByLanguage = new WeakMap<Language, TypeSlots>();

function typeSlotsOf(language: Language): TypeSlots {
  let slots = slotsByLanguage.get(language);
  if (slots) return slots;
  slots = { ofType: [], errorSlot: 0, named: new Map(), namedSlots: new Set(), byName: new Map() };
  const keys = new Map<string, number>();
  const add = (name: string, named: boolean): number => {
    const key = named ? name : `"${name}"`;
    let slot = keys.get(key);
    if (slot === undefined) {
      keys.set(key, (slot = keys.size));
      if (named) slots!.named.set(name, slot);
      if (named) slots!.namedSlots.add(slot);
      slots!.byName.set(name, [...(slots!.byName.get(name) ?? []), slot]);
    }
    return slot;
  };
  language.types.forEach((name, typeId) => {
    const named = language.nodeTypeIsNamed(typeId);
    slots!.ofType[typeId] = add(name ?? '', named);
  });
  slots.errorSlot = add('ERROR', true);
  slotsByLanguage.set(language, slots);
  return slots;
}

function indexOf(tree: Tree): TreeIndex {
  const indexed = tree as { [INDEX]?: TreeIndex; [CARRIED_FROM]?: TreeIndex };
  const known = indexed[INDEX];
  if (known) return known;
  const previous = indexed[CARRIED_FROM];
  indexed[CARRIED_FROM] = undefined;
  const index = buildIndex(tree, previous);
  indexed[INDEX] = index;
  return index;
}

// An incremental re-parse reuses the subtrees an edit did not touch, and a node's id is the address
// of its slot in its parent's list of children (tree-sitter's own, hidden nodes' lists included):
// a node whose id was in the previous tree sits in a list the parse reused, so it and every node
// under it are the same nodes as before, only moved (the previous tree is edited in place and lives
// until the re-parse is done, so no slot address of it is given to a new node meanwhile). The walk
// of a re-parsed tree therefore takes such a node's subtree over from the previous index (its node
// objects with their children lists, moved to the new tree and place, their types known) and asks
// tree-sitter only about the nodes the parse made anew: a keystroke costs the nodes around it and a
// pass over node objects in memory, not a walk of the whole tree through wasm.

/** How a reused subtree moved: by how many bytes and rows, and by how many columns on the row it
 *  starts on (the other rows keep their columns). */
interface Move {
  tree: Tree;
  bytes: number;
  rows: number;
  columns: number;
  firstRow: number;
}

/** The fields of web-tree-sitter's Node that carrying a node object over sets: a node is its id
 *  (kept), its tree, its start and its alias (`0`, the name its parent lists it by). */
type MovableNode = IndexedNode & { 0: number; tree: Tree; startIndex: number; startPosition: Node['startPosition'] };

function moveNode(node: MovableNode, move: Move): void {
  node.tree = move.tree;
  if (move.bytes === 0 && move.rows === 0 && move.columns === 0) return;
  const { row, column } = node.startPosition;
  node.startIndex += move.bytes;
  node.startPosition = { row: row + move.rows, column: row === move.firstRow ? column + move.columns : column };
}

/** One walk of the tree: every named node numbered in document order and listed by type slot. With
 *  the index of the tree before an incremental re-parse, the subtrees the parse reused are carried
 *  over from it (see above). */
function buildIndex(tree: Tree, previous: TreeIndex | undefined): TreeIndex {
  const slots = typeSlotsOf(tree.language);
  const bySlot: IndexedNode[][] = [];
  const root = treeSitterRoot(tree) as IndexedNode;
  root[PARENT] = null;
  // The previous tree's named nodes by id (its root apart: the root's id is not a slot of a list).
  const before = new Map<number, IndexedNode>();
  if (previous) {
    for (const list of previous.bySlot) for (const node of list ?? []) if (node !== previous.root) before.set(node.id, node);
  }
  // Pre-order, children pushed last to first: nodes are numbered in document order. Each node is new
  // (its children asked of tree-sitter) or carried over with the move of its reused subtree.
  const pending: IndexedNode[] = [root];
  const moves: (Move | undefined)[] = [undefined];
  const all: IndexedNode[] = [];
  while (pending.length) {
    checkpoint();
    const node = pending.pop()!;
    const move = moves.pop();
    if (move) moveNode(node as MovableNode, move);
    else node[TYPE_ID] = treeSitterTypeId.call(node) as number;
    const typeId = node[TYPE_ID];
    node[ORDER] = all.length;
    node[END] = all.length + 1;
    all.push(node);
    (bySlot[slotOf(slots, typeId)] ??= []).push(node);
    if (move) {
      // The anonymous children this node's object was asked for move with it.
      for (const child of node._children ?? []) if (child[ORDER] < 0) moveNode(child as MovableNode, move);
    }
    // A carried node's named children are the list its object keeps (web-tree-sitter's cache, which
    // the walk that indexed it filled).
    const children = treeSitterNamedChildren.call(node) as (IndexedNode | null)[];
    checkpoint(children.length);
    for (let i = children.length - 1; i >= 0; i--) {
      let child = children[i];
      if (!child) continue;
      let childMove = move;
      const reused = move ? undefined : before.get(child.id);
      if (reused) {
        const was = reused.startPosition;
        childMove = {
          tree,
          bytes: child.startIndex - reused.startIndex,
          rows: child.startPosition.row - was.row,
          columns: child.startPosition.column - was.column,
          firstRow: was.row,
        };
        // The new parent may list the reused node by another name (an alias): its `0` and its type
        // are the new parent's; the nodes under it are listed as before.
        (reused as MovableNode)[0] = (child as MovableNode)[0];
        reused[TYPE_ID] = treeSitterTypeId.call(child) as number;
        children[i] = child = reused;
      }
      child[PARENT] = node;
      pending.push(child);
      moves.push(childMove);
    }
  }
  // A subtree ends where its last node's does: from the last node back, each extends its parent's.
  for (let i = all.length - 1; i > 0; i--) {
    const parent = all[i][PARENT]!;
    parent[END] = Math.max(parent[END], all[i][END]);
  }
  return { root, slots, bySlot, nearest: new Map() };
}

/** The tree's root node: unlike tree.rootNode, the same object each time. */
export function rootOf(tree: Tree): Node {
  return indexOf(tree).root;
}

/** The index's object for a node (found by its type and place); undefined for an anonymous node that
 *  has none yet, when the node is not of this tree's index (the tree was edited since), or when the
 *  tree has no index and `build` is false. */
function indexed(node: Node, build = true): IndexedNode | undefined {
  if ((node as IndexedNode)[PARENT] !== undefined) return node as IndexedNode;
  if (!build && !(node.tree as { [INDEX]?: TreeIndex })[INDEX]) return undefined;
  const index = indexOf(node.tree);
  const list = index.bySlot[slotOf(index.slots, treeSitterTypeId.call(node) as number)];
  if (!list) return undefined;
  const start = node.startIndex;
  for (let i = firstAtOrAfter(list, start, startOf); i < list.length && list[i].startIndex === start; i++) {
    if (list[i].id === node.id) return list[i];
  }
  return undefined;
}

/** The first position in a list of nodes in document order whose key (start, or order) is at or
 *  after `value`. */
function firstAtOrAfter<T extends Node>(list: T[], value: number, key: (node: T) => number): number {
  let low = 0;
  let high = list.length;
  while (low < high) {
    const mid = (low + high) >> 1;
    if (key(list[mid]) < value) low = mid + 1;
    else high = mid;
  }
  return low;
}

const startOf = (node: Node) => node.startIndex;
const orderOf = (node: IndexedNode) => node[ORDER];

/** The index's object for a child that tree-sitter handed out as a new object: the child of the
 *  same id among the parent's children (a parent's children are in document order). */
function indexedChild(parent: Node, child: Node | null): Node | null {
  if (!child) return null;
  const owner = indexed(parent, false);
  if (!owner) return child;
  return among(treeSitterNamedChildren.call(owner), child) ?? among(childrenOf(owner), child) ?? child;
}

/** The node of a list in document order with the id of `node`. */
function among(list: Node[], node: Node): Node | undefined {
  for (let i = firstAtOrAfter(list, node.startIndex, startOf); i < list.length && list[i].startIndex === node.startIndex; i++) {
    if (list[i].id === node.id) return list[i];
  }
  return undefined;
}

/** All the children of an indexed node, named and anonymous, as index objects: the anonymous ones get
 *  theirs here, the first time. */
function childrenOf(node: IndexedNode): IndexedNode[] {
  if (node._children) return node._children;
  const children = treeSitterChildren.call(node) as IndexedNode[];
  const named = treeSitterNamedChildren.call(node) as IndexedNode[];
  for (let i = 0, j = 0; i < children.length; i++) {
    if (j < named.length && named[j].id === children[i].id) {
      children[i] = named[j++];
      continue;
    }
    const child = children[i];
    child[PARENT] = node;
    child[TYPE_ID] = treeSitterTypeId.call(child) as number;
    child[ORDER] = -1;
    child[END] = -1;
  }
  return children;
}

/** The nodes of the types in a node's subtree, the node included, in document order, as
 *  tree-sitter's descendantsOfType gives them: named ones from the index's lists, without a walk;
 *  with an anonymous type (a keyword), by a walk of the subtree. */
function descendantsFromIndex(node: IndexedNode, types: string[]): Node[] {
  const index = indexOf(node.tree);
  const wanted = new Set(types);
  const slots = [...wanted].flatMap((type) => index.slots.byName.get(type) ?? []);
  if (node[ORDER] < 0 || slots.some((slot) => !index.slots.namedSlots.has(slot))) {
    const found: Node[] = [];
    const pending = [node];
    while (pending.length) {
      const next = pending.pop()!;
      if (wanted.has(next.type)) found.push(next);
      const children = childrenOf(next);
      for (let i = children.length - 1; i >= 0; i--) pending.push(children[i]);
    }
    return found;
  }
  const first = node[ORDER];
  const end = node[END];
  const parts: IndexedNode[][] = [];
  for (const slot of slots) {
    const list = index.bySlot[slot];
    if (!list) continue;
    const from = firstAtOrAfter(list, first, orderOf);
    const to = firstAtOrAfter(list, end, orderOf);
    if (to > from) parts.push(list.slice(from, to));
  }
  if (parts.length <= 1) return parts[0] ?? [];
  return parts.flat().sort((a, b) => a[ORDER] - b[ORDER]);
}

/** The nearest strict ancestor of a node whose type is one of `types`. The answer is kept per tree
 *  and set (pass the same Set each time) for the node and for every ancestor passed on the way up,
 *  so that asking from each node of a deep expression walks each ancestor once, not once per node. */
export function nearestAncestor(node: Node, types: ReadonlySet<string>): Node | undefined {
  const index = indexOf(node.tree);
  let known = index.nearest.get(types);
  if (!known) index.nearest.set(types, (known = new Map()));
  const passed: number[] = [];
  let found: Node | null = null;
  for (let n = node; ; ) {
    const answer = known.get(n.id);
    if (answer !== undefined) {
      found = answer;
      break;
    }
    passed.push(n.id);
    const parent = n.parent;
    if (!parent || types.has(parent.type)) {
      found = parent;
      break;
    }
    n = parent;
  }
  for (const id of passed) known.set(id, found);
  return found ?? undefined;
}

// tree-sitter's own accessors, before meterTreeSteps replaces them.
const nodeGetter = (name: string) => Object.getOwnPropertyDescriptor(Node.prototype, name)!.get!;
const treeSitterTypeId = nodeGetter('typeId');
const treeSitterChildren = nodeGetter('children') as (this: Node) => Node[];
const treeSitterNamedChildren = nodeGetter('namedChildren') as (this: Node) => Node[];
const treeSitterRoot = (tree: Tree) => Object.getOwnPropertyDescriptor(Tree.prototype, 'rootNode')!.get!.call(tree) as Node;

let treeStepsMetered = false;

/** Makes every step through a syntax tree count as work (budget.ts checkpoint): the deadline holds
 *  whichever analysis or rule walks the tree, and tests can check that the work grows linearly with
 *  the input. A step costs what tree-sitter does for it: a node for a child or the parent, the
 *  children it lists, the characters of a text it copies, the subtree a search walks. The steps
 *  that lead to other nodes answer from the tree's index (see indexOf), with its objects. */
function meterTreeSteps(): void {
  if (treeStepsMetered) return;
  treeStepsMetered = true;
  const proto = Node.prototype as unknown as Record<string, (...args: unknown[]) => unknown>;
  const defineGetter = (name: string, get: (this: Node) => unknown) => Object.defineProperty(Node.prototype, name, { configurable: true, get });
  const treeSitterParent = nodeGetter('parent');
  defineGetter('parent', function () {
    checkpoint();
    const own = (this as IndexedNode)[PARENT];
    if (own !== undefined) return own;
    const node = indexed(this);
    if (node) return node[PARENT];
    // An anonymous node that has no index object yet: tree-sitter's parent, then its index object.
    const parent = treeSitterParent.call(this) as Node | null;
    return parent && (indexed(parent) ?? parent);
  });
  defineGetter('typeId', function () {
    return (this as IndexedNode)[TYPE_ID] ?? treeSitterTypeId.call(this);
  });
  defineGetter('children', function () {
    const node = indexed(this, false);
    const value = node ? childrenOf(node) : treeSitterChildren.call(this);
    checkpoint(value.length + 1);
    return value;
  });
  defineGetter('namedChildren', function () {
    const value = treeSitterNamedChildren.call(indexed(this, false) ?? this);
    checkpoint(value.length + 1);
    return value;
  });
  const text = nodeGetter('text');
  defineGetter('text', function () {
    const value = text.call(this) as string;
    checkpoint(value.length + 1);
    return value;
  });
  const nextNamedSibling = nodeGetter('nextNamedSibling');
  defineGetter('nextNamedSibling', function () {
    checkpoint();
    return indexedChild(this.parent ?? this, nextNamedSibling.call(this) as Node | null);
  });
  const child = proto.child;
  proto.child = function (this: Node, i: unknown) {
    checkpoint();
    const node = indexed(this, false);
    return node ? (childrenOf(node)[i as number] ?? null) : child.call(this, i);
  };
  const childForFieldId = proto.childForFieldId;
  proto.childForFieldId = function (this: Node, ...args: unknown[]) {
    checkpoint();
    return indexedChild(this, childForFieldId.apply(this, args) as Node | null);
  };
  const childrenForFieldId = proto.childrenForFieldId;
  proto.childrenForFieldId = function (this: Node, ...args: unknown[]) {
    checkpoint();
    return (childrenForFieldId.apply(this, args) as (Node | null)[]).map((child) => indexedChild(this, child));
  };
  const descendantsOfType = proto.descendantsOfType;
  proto.descendantsOfType = function (this: Node, types: unknown, ...rest: unknown[]) {
    checkpoint(this.descendantCount);
    const node = rest.length === 0 ? indexed(this, false) : undefined;
    return node ? descendantsFromIndex(node, Array.isArray(types) ? types : [types as string]) : descendantsOfType.call(this, types, ...rest);
  };
}

export { Edit, Tree };
