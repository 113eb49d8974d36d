import * as fs from 'fs';
import * as path from 'path';
import { Edit, Language, Node, Parser, Tree } from 'web-tree-sitter';
import { BudgetExceeded, checkpoint, pastDeadline } from '../budget';
import { withUnixLineEnds } from '../text';
import { BACKSLASH, CARRIAGE_RETURN, HASH, LINE_FEED, SPACE, TAB } from './charCodes';
import { endParserOnTrap } from './parserFailure';

// The .wasm files sit beside the bundled server (the build copies them there); when running
// from sources they are found in node_modules.
function wasmPath(file: string, fromPackage: string): string {
  const beside = path.join(__dirname, file);
  return fs.existsSync(beside) ? beside : require.resolve(fromPackage);
}

let ready: Promise<Parser> | undefined;

/** The options tree-sitter's runtime was started with. emscripten keeps on this object its views of
 *  the wasm memory (HEAP8, which is how its size is read; HEAP32) and the runtime's exported
 *  functions: the index walk (buildIndex) calls those of the tree cursor directly. */
const runtime: Partial<CursorRuntime> & { locateFile?: () => string; HEAP8?: Int8Array } = {};

/** The functions of tree-sitter's wasm runtime (web-tree-sitter 0.25's binding) that walk a tree
 *  with a cursor, each given the tree's handle. They pass the cursor, and the node a cursor starts
 *  at or is at, through a transfer buffer in wasm memory: a cursor as 4 words (what a move reads and
 *  writes back), a node as 5 (id, start, row, column, alias), offsets in UTF-16 code units. */
interface CursorRuntime {
  HEAP32: Int32Array;
  /** The address of the transfer buffer. */
  _ts_init(): number;
  /** Starts a cursor at the node in the buffer; leaves the cursor there. */
  _ts_tree_cursor_new_wasm(tree: number): void;
  _ts_tree_cursor_delete_wasm(tree: number): void;
  /** Moves (1) or not (0) the cursor in the buffer, and writes it back. */
  _ts_tree_cursor_goto_first_child_wasm(tree: number): number;
  _ts_tree_cursor_goto_next_sibling_wasm(tree: number): number;
  _ts_tree_cursor_goto_parent_wasm(tree: number): number;
  _ts_tree_cursor_current_node_type_id_wasm(tree: number): number;
  _ts_tree_cursor_current_field_id_wasm(tree: number): number;
  _ts_tree_cursor_end_index_wasm(tree: number): number;
  /** Writes the cursor's node over the buffer (the cursor is to be written back). */
  _ts_tree_cursor_current_node_wasm(tree: number): void;
}

/** The transfer buffer's place in HEAP32 (see CursorRuntime). */
let transferWords = 0;

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
    endParserOnTrap(runtime);
    transferWords = (runtime as CursorRuntime)._ts_init() >> 2;
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
  const source = withUnixLineEnds(text);
  const tree = parser.parse(source, previous ?? null, { progressCallback: pastDeadline });
  if (!tree) {
    parser.reset();
    if (pastDeadline()) throw new BudgetExceeded();
    throw new Error('tree-sitter returned no tree');
  }
  (tree as { [SOURCE]?: string })[SOURCE] = source;
  const edited = previous as { [SET_ASIDE]?: SetAside } | undefined;
  if (edited?.[SET_ASIDE]) {
    (tree as { [CARRIED_FROM]?: SetAside })[CARRIED_FROM] = edited[SET_ASIDE];
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
 *  skipped) before it reaches the parser; undefined when it nests within Python's limits. It reads
 *  the text by character codes: it runs before every parse, keystrokes included. */
export function tooDeepForPython(text: string): string | undefined {
  let depth = 0;
  const indents: number[] = [0];
  const length = text.length;
  for (let i = 0; i < length; i++) {
    // At the start of a line: its indentation. Blank and comment lines, and lines inside brackets,
    // do not indent a block.
    let width = 0;
    let c = text.charCodeAt(i);
    while (c === SPACE || c === TAB) c = text.charCodeAt(i + ++width);
    if (depth === 0 && i + width < length && c !== LINE_FEED && c !== CARRIAGE_RETURN && c !== HASH) {
      while (width < indents[indents.length - 1]) indents.pop();
      if (width > indents[indents.length - 1]) indents.push(width);
      if (indents.length - 1 > MAX_INDENT_DEPTH) return `indented more than ${MAX_INDENT_DEPTH} levels deep`;
    }
    // The rest of the line, and of the lines a string spans; then on past the line break.
    for (i += width; i < length; i++) {
      c = text.charCodeAt(i);
      if (c === LINE_FEED || c === CARRIAGE_RETURN) break;
      switch (c) {
        case HASH: {
          const end = text.indexOf('\n', i);
          if (end < 0) return undefined;
          i = end - 1;
          break;
        }
        case 34: // "
        case 39: {
          // '
          const triple = text.charCodeAt(i + 1) === c && text.charCodeAt(i + 2) === c;
          let j = i + (triple ? 3 : 1);
          for (; j < length; j++) {
            const d = text.charCodeAt(j);
            if (d === BACKSLASH) j++;
            else if (d === c && (!triple || (text.charCodeAt(j + 1) === c && text.charCodeAt(j + 2) === c))) break;
            else if (!triple && d === LINE_FEED) break;
          }
          if (j >= length) return undefined;
          // On after the closing quote; an unclosed string ends with its line.
          i = text.charCodeAt(j) === c ? j + (triple ? 2 : 0) : j - 1;
          break;
        }
        case 40: // (
        case 91: // [
        case 123: // {
          if (++depth > MAX_BRACKET_DEPTH) return `brackets nest more than ${MAX_BRACKET_DEPTH} levels deep`;
          break;
        case 41: // )
        case 93: // ]
        case 125: // }
          if (depth > 0) depth--;
          break;
      }
    }
  }
  return undefined;
}

// The tree index. tree-sitter finds a node's parent by descending from the root through every
// sibling on the way, so `node.parent` costs the width and depth of the tree (a walk up from each
// argument of a call with thousands of arguments is quadratic), and each descendantsOfType is a walk
// of the whole tree; and every crossing into tree-sitter's wasm, and every node object it hands out,
// costs more than the work asked for. So each tree is indexed once, the first time the analyses ask:
// one walk of a tree cursor (see buildIndex) gives every named node one object that the analyses
// share, found by type, by parent or by child, and that keeps on itself what the walk learned of it:
// its parent, its named children, its type, the field its parent holds it in, its end and its place in
// document order. Nothing else is kept per node (maps by id, or a query's own node objects, cost more
// memory and time than the walk itself); a tree re-parsed as its document is edited takes over what
// it can of the index before (see buildIndex). Anonymous nodes
// (punctuation, keywords: a third of a tree) get their objects only when a node's full children list
// is asked for. The accessors that lead from a node to others (meterTreeSteps) answer from these
// objects, without crossing into wasm.

const INDEX = Symbol('tree index');
/** On an edited tree, its index until the re-parse; on the re-parsed tree, that index until its own
 *  is built from it (buildIndex). */
const SET_ASIDE = Symbol('index set aside for the re-parse');
const CARRIED_FROM = Symbol('index of the tree before the re-parse');
/** On a tree from parsePython, the text it was parsed from (node texts are slices of it). */
const SOURCE = Symbol('source');
const PARENT = Symbol('parent');
const TYPE_ID = Symbol('type id');
const ORDER = Symbol('document order');
const END = Symbol('end of subtree in document order');
const FIELD = Symbol('field id');
const ANONYMOUS_FIELDS = Symbol('fields of anonymous children');
const END_INDEX = Symbol('end index');
const ALIAS = Symbol('alias');
const ROW = Symbol('start row');
const COLUMN = Symbol('start column');

/** A node object of an indexed tree: the one object for its node. */
interface IndexedNode extends Node {
  [PARENT]: IndexedNode | null;
  [TYPE_ID]: number;
  /** Its place among the named nodes in document order; -1 for an anonymous node. */
  [ORDER]: number;
  /** The place of the first named node after its subtree; -1 for an anonymous node. */
  [END]: number;
  _children?: IndexedNode[];
  _namedChildren?: IndexedNode[];
}

/** A named node's object, as the index walk makes it (web-tree-sitter's Node does not let others
 *  construct one; its own constructor also costs more). */
interface NamedNode extends IndexedNode {
  /** tree-sitter's id of the field its parent holds it in; 0 for none. */
  [FIELD]: number;
  /** The fields its anonymous children are held in (an operator), as bits (fieldBit): those fields
   *  are asked of tree-sitter. */
  [ANONYMOUS_FIELDS]: number;
  /** Where it ends. */
  [END_INDEX]: number;
  /** tree-sitter's `0` of a node: the name its parent lists it by, if another than its own. */
  [ALIAS]: number;
  /** Where it starts (its startPosition, which is made when asked: most nodes are never asked). */
  [ROW]: number;
  [COLUMN]: number;
}

/** The named children list of a node without any (most nodes: names, numbers, strings' parts); shared,
 *  like the index's other lists not to be changed. */
const NO_CHILDREN: IndexedNode[] = [];

/** Sets up a named node's object: what web-tree-sitter's Node keeps (see the accessors below), then
 *  what the index knows of it. */
function setUpNamedNode(
  this: NamedNode,
  alias: number,
  id: number,
  tree: Tree,
  startIndex: number,
  endIndex: number,
  row: number,
  column: number,
  typeId: number,
  parent: IndexedNode | null,
  field: number,
): void {
  this[ALIAS] = alias;
  this._children = undefined;
  this._namedChildren = NO_CHILDREN;
  this.id = id;
  this.tree = tree;
  this.startIndex = startIndex;
  this[ROW] = row;
  this[COLUMN] = column;
  this[PARENT] = parent;
  this[TYPE_ID] = typeId;
  this[ORDER] = -1;
  this[END] = -1;
  this[FIELD] = field;
  this[ANONYMOUS_FIELDS] = 0;
  this[END_INDEX] = endIndex;
}
setUpNamedNode.prototype = Node.prototype;
/** A named node's object, a web-tree-sitter Node. */
const NamedNodeObject = setUpNamedNode as unknown as new (...fields: Parameters<typeof setUpNamedNode>) => NamedNode;
// web-tree-sitter's own node objects keep their `0` and startPosition on themselves (class fields),
// which hides these accessors. The index's objects keep the alias as a property, not as an element
// (an object's first element costs an array of 16), and the row and column.
Object.defineProperty(Node.prototype, 0, {
  configurable: true,
  get(this: NamedNode) {
    return this[ALIAS];
  },
  set(this: NamedNode, alias: number) {
    this[ALIAS] = alias;
  },
});
Object.defineProperty(Node.prototype, 'startPosition', {
  configurable: true,
  get(this: NamedNode) {
    return { row: this[ROW], column: this[COLUMN] };
  },
  set(this: NamedNode, { row, column }: Node['startPosition']) {
    this[ROW] = row;
    this[COLUMN] = column;
  },
});

/** A field's bit in a node's ANONYMOUS_FIELDS (fields past 31 share bits: then more is asked of
 *  tree-sitter than needed, never less). */
function fieldBit(fieldId: number): number {
  return 1 << (fieldId & 31);
}

interface TreeIndex {
  root: IndexedNode;
  slots: TypeSlots;
  /** Per slot of a named type, its nodes in document order. */
  bySlot: IndexedNode[][];
  /** Every named node in document order (by ORDER). */
  all: IndexedNode[];
  /** Per set of node types, the nearest strict ancestor of those types of each named node asked so
   *  far, by its place in document order (ORDER): the ancestor's place plus one, -1 for none, 0 not
   *  known yet. */
  nearest: Map<ReadonlySet<string>, Int32Array>;
}

/** An index set aside for the re-parse of its tree, with the edits made to the tree since. */
interface SetAside {
  index: TreeIndex;
  edits: Edit[];
}

/** Edits a tree that is about to be re-parsed (parsePython(text, tree)). Its index is dropped, as
 *  tree.edit moves its nodes, and set aside with the edits: the tree the re-parse gives takes over
 *  the parts of it that the parse reused or made again the same (see buildIndex). */
export function editTree(tree: Tree, edits: Edit[]): void {
  const edited = tree as { [INDEX]?: TreeIndex; [SET_ASIDE]?: SetAside };
  const index = edited[INDEX];
  edited[INDEX] = undefined;
  for (const edit of edits) tree.edit(edit);
  if (index) edited[SET_ASIDE] = { index, edits: [...edits] };
  else edited[SET_ASIDE]?.edits.push(...edits);
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
  /** By type id, whether its nodes are named (see isNamedType). */
  namedType: boolean[];
  /** By type id, whether its nodes may hold an anonymous child in a field (see
   *  TYPES_WITH_ANONYMOUS_FIELDS). */
  anonymousFields: boolean[];
  errorSlot: number;
  /** The slot of each named type. */
  named: Map<string, number>;
  namedSlots: Set<number>;
  /** The slots of each type name, named or not (descendantsOfType matches both). */
  byName: Map<string, number[]>;
}

/** The Python grammar's node types that may hold an anonymous child (an operator, a keyword) in a
 *  field, as its node-types.json lists them: the index walk asks tree-sitter for the field of an
 *  anonymous child only under these (an ERROR node has no fields). */
export const TYPES_WITH_ANONYMOUS_FIELDS: ReadonlySet<string> = new Set([
  'augmented_assignment',
  'binary_operator',
  'boolean_operator',
  'comparison_operator',
  'dict_pattern',
  'for_in_clause',
  'unary_operator',
]);

/** tree-sitter's id of the ERROR type, far above the grammar's own: kept apart, so that the arrays
 *  by type id stay dense (fast to index). */
const ERROR_TYPE_ID = 0xffff;

function slotOf(slots: TypeSlots, typeId: number): number {
  return typeId === ERROR_TYPE_ID ? slots.errorSlot : slots.ofType[typeId];
}

function isNamedType(slots: TypeSlots, typeId: number): boolean {
  return typeId === ERROR_TYPE_ID || slots.namedType[typeId];
}

const slotsByLanguage = new WeakMap<Language, TypeSlots>();

function typeSlotsOf(language: Language): TypeSlots {
  let slots = slotsByLanguage.get(language);
  if (slots) return slots;
  slots = { ofType: [], namedType: [], anonymousFields: [], errorSlot: 0, named: new Map(), namedSlots: new Set(), byName: new Map() };
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
    slots!.namedType[typeId] = named;
    slots!.anonymousFields[typeId] = named && TYPES_WITH_ANONYMOUS_FIELDS.has(name ?? '');
  });
  slots.errorSlot = add('ERROR', true);
  slotsByLanguage.set(language, slots);
  return slots;
}

function indexOf(tree: Tree): TreeIndex {
  const indexed = tree as { [INDEX]?: TreeIndex; [CARRIED_FROM]?: SetAside };
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
// pass over node objects in memory, not a walk of the whole tree through wasm. A reused node is found
// in the previous index by its type and its place before the edits (the index's lists by type are in
// document order, and so are the places of the nodes the walk meets), then known by its id.
//
// While a typed line is incomplete, tree-sitter's error recovery makes anew much of what follows it,
// as it was. The walk goes through those nodes, but a node made anew that was, by its type and place,
// a node before, outside the text the edits changed, takes that node's object (all it keeps is set
// again): the same object then stands for a node of the same type and text, as for one the parse
// reused, and the index allocates little.

/** How a reused subtree moved: by how many bytes and rows, and by how many columns on the row it
 *  starts on (the other rows keep their columns). */
interface Move {
  tree: Tree;
  bytes: number;
  rows: number;
  columns: number;
  firstRow: number;
}

/** Moves a carried node's object to the new tree and place (a node is its id, which it keeps). */
function moveNode(node: IndexedNode, move: Move): void {
  node.tree = move.tree;
  if (move.bytes === 0 && move.rows === 0 && move.columns === 0) return;
  node.startIndex += move.bytes;
  const named = node as NamedNode;
  if (named[ROW] === undefined) {
    // An anonymous child's object is web-tree-sitter's, with a startPosition of its own.
    const { row, column } = node.startPosition;
    node.startPosition = { row: row + move.rows, column: row === move.firstRow ? column + move.columns : column };
    return;
  }
  if (named[ROW] === move.firstRow) named[COLUMN] += move.columns;
  named[ROW] += move.rows;
  named[END_INDEX] += move.bytes;
}

/** Where a node of the re-parsed text, from `start` to `end`, was before the edits (which were made
 *  one after the other): its start then (its end in `unedited.end`), or -1 when an edit changed text
 *  within it. */
function unedited(start: number, end: number, edits: Edit[]): number {
  for (let i = edits.length - 1; i >= 0; i--) {
    const edit = edits[i];
    if (end <= edit.startIndex) continue;
    if (start < edit.newEndIndex) return -1;
    const shift = edit.oldEndIndex - edit.newEndIndex;
    start += shift;
    end += shift;
  }
  unedited.end = end;
  return start;
}
unedited.end = 0;

/** One walk of the tree with a cursor: every named node made an object, numbered in document order,
 *  listed by type slot and in its parent's named children, with the field its parent holds it in.
 *  With the index of the tree before an incremental re-parse, the subtrees the parse reused are
 *  carried over from it, and the objects of nodes it made again the same are taken over (see above).
 *
 *  The cursor is tree-sitter's, driven through the runtime's exports (CursorRuntime) rather than
 *  web-tree-sitter's TreeCursor: that one copies the cursor into wasm memory and back and makes a
 *  node object for every step, which costs more than the step. Here the cursor stays in the transfer
 *  buffer from one move to the next, and a node is read from it only when it is named. */
function buildIndex(tree: Tree, setAside: SetAside | undefined): TreeIndex {
  const previous = setAside?.index;
  const slots = typeSlotsOf(tree.language);
  const bySlot: IndexedNode[][] = [];
  const all: IndexedNode[] = [];
  const list = (node: IndexedNode) => {
    node[ORDER] = all.length;
    node[END] = all.length + 1;
    all.push(node);
    (bySlot[slotOf(slots, node[TYPE_ID])] ??= []).push(node);
  };
  const treeSitterNode = treeSitterRoot(tree) as IndexedNode & { 0: number };
  const { id, startIndex, startPosition } = treeSitterNode;
  const root = new NamedNodeObject(treeSitterNode[0], id, tree, startIndex, treeSitterEndIndex.call(treeSitterNode) as number, startPosition.row, startPosition.column, treeSitterTypeId.call(treeSitterNode) as number, null, 0);
  list(root);
  /** A reused node's subtree, moved and numbered: its named nodes are those at its places in the
   *  previous index, in document order, and keep that order, so each one's place moves by as much as
   *  the subtree's first. */
  const carry = (node: IndexedNode, move: Move) => {
    const from = node[ORDER];
    const to = node[END];
    const shift = all.length - from;
    const before = previous!.all;
    for (let order = from; order < to; order++) {
      checkpoint();
      const next = before[order];
      moveNode(next, move);
      next[ORDER] += shift;
      next[END] += shift;
      all.push(next);
      (bySlot[slotOf(slots, next[TYPE_ID])] ??= []).push(next);
      // The anonymous children this node's object was asked for move with it.
      const asked = next._children;
      if (asked) for (const child of asked) if (child[ORDER] < 0) moveNode(child, move);
    }
  };
  // The previous index's objects of reused nodes and of nodes made again (see above): per slot, how
  // far the walk has passed the previous index's nodes of that type.
  const edits = setAside?.edits ?? [];
  const passedBySlot: number[] = [];
  /** The highest place in the previous index of an object taken over by a node made anew. */
  let takenUpTo = -1;
  /** The object of the previous index of a node's type and place before the edits, neither carried
   *  nor taken over yet (then an object of this tree): the node's own if it has its id. */
  const counterpart = (typeId: number, start: number, end: number): NamedNode | undefined => {
    const slot = slotOf(slots, typeId);
    const before = previous!.bySlot[slot];
    if (!before) return undefined;
    const was = unedited(start, end, edits);
    if (was < 0) return undefined;
    const wasEnd = unedited.end;
    // Nodes that start at the same place come outer (longer) ones first, here as before: those
    // longer than this node are passed, as no node after it at this place is longer.
    let passed = passedBySlot[slot] ?? 0;
    for (; passed < before.length; passed++) {
      checkpoint();
      const candidate = before[passed];
      if (candidate.tree === tree || candidate.startIndex < was) continue;
      if (candidate.startIndex > was || (candidate as NamedNode)[END_INDEX] <= wasEnd) break;
    }
    passedBySlot[slot] = passed;
    const candidate = before[passed] as NamedNode | undefined;
    if (!candidate || candidate.tree === tree || candidate.startIndex !== was || candidate[END_INDEX] !== wasEnd) return undefined;
    passedBySlot[slot] = passed + 1;
    return candidate;
  };
  /** Whether a reused node's subtree can be carried over: none of its objects was taken over (by a
   *  node made anew above it, of the same type and place). */
  const carriable = (node: IndexedNode) => {
    if (takenUpTo < node[ORDER]) return true;
    const before = previous!.all;
    for (let order = node[ORDER]; order < node[END]; order++) if (before[order].tree === tree) return false;
    return true;
  };
  const wasm = runtime as CursorRuntime;
  const handle = (tree as unknown as { 0: number })[0];
  const buffer = transferWords;
  let heap = wasm.HEAP32;
  heap[buffer] = id;
  heap[buffer + 1] = startIndex;
  heap[buffer + 2] = startPosition.row;
  heap[buffer + 3] = startPosition.column;
  heap[buffer + 4] = treeSitterNode[0];
  wasm._ts_tree_cursor_new_wasm(handle);
  try {
    // The cursor is on a child of `parent`; `ancestors` are the parents above it. The named children
    // of the nodes on the way down gather in `gathered`, those of `parent` from `first` on, and are
    // each node's list once it is done (a list of their number, not one grown child by child). A
    // node that took over an object keeps that object's list when it lists the same objects
    // (`former`): most do, and a new list would be garbage by the next keystroke.
    let parent = root as NamedNode;
    let first = 0;
    let former = NO_CHILDREN;
    const ancestors: NamedNode[] = [];
    const firsts: number[] = [];
    const formers: IndexedNode[][] = [];
    const gathered: NamedNode[] = [];
    const done = () => {
      if (gathered.length > first) parent._namedChildren = listsGathered(former, gathered, first) ? former : gathered.slice(first);
      gathered.length = first;
      parent[END] = all.length;
    };
    let more = wasm._ts_tree_cursor_goto_first_child_wasm(handle) === 1;
    while (more) {
      checkpoint();
      const typeId = wasm._ts_tree_cursor_current_node_type_id_wasm(handle);
      let node: NamedNode | undefined;
      let fresh = false;
      let nodeFormer = NO_CHILDREN;
      if (isNamedType(slots, typeId)) {
        const field = wasm._ts_tree_cursor_current_field_id_wasm(handle);
        const end = wasm._ts_tree_cursor_end_index_wasm(handle);
        // Reading the node overwrites the cursor in the buffer: it is put back.
        heap = wasm.HEAP32;
        const c0 = heap[buffer];
        const c1 = heap[buffer + 1];
        const c2 = heap[buffer + 2];
        const c3 = heap[buffer + 3];
        wasm._ts_tree_cursor_current_node_wasm(handle);
        const nodeId = heap[buffer];
        const start = heap[buffer + 1];
        const row = heap[buffer + 2];
        const column = heap[buffer + 3];
        const alias = heap[buffer + 4];
        heap[buffer] = c0;
        heap[buffer + 1] = c1;
        heap[buffer + 2] = c2;
        heap[buffer + 3] = c3;
        const before = previous && counterpart(typeId, start, end);
        if (before && before.id === nodeId && carriable(before)) {
          const reused = before;
          const was = reused.startPosition;
          // The new parent may list the reused node by another name (an alias): its `0`, its type
          // and its field are the new parent's; the nodes under it are listed as before.
          reused[ALIAS] = alias;
          reused[TYPE_ID] = typeId;
          reused[FIELD] = field;
          reused[PARENT] = parent;
          carry(reused, { tree, bytes: start - reused.startIndex, rows: row - was.row, columns: column - was.column, firstRow: was.row });
          node = reused;
        } else {
          // A node made again, or a reused one whose subtree cannot be carried over, is walked.
          if (before) {
            takenUpTo = Math.max(takenUpTo, before[ORDER]);
            nodeFormer = before._namedChildren!;
            setUpNamedNode.call(before, alias, nodeId, tree, start, end, row, column, typeId, parent, field);
            node = before;
          } else node = new NamedNodeObject(alias, nodeId, tree, start, end, row, column, typeId, parent, field);
          list(node);
          fresh = true;
        }
        gathered.push(node);
      } else if (slots.anonymousFields[parent[TYPE_ID]]) {
        const field = wasm._ts_tree_cursor_current_field_id_wasm(handle);
        if (field !== 0) parent[ANONYMOUS_FIELDS] |= fieldBit(field);
      }
      // Down into a new named node (an anonymous one's children, if any, are no named node's
      // children), else on to the next sibling, up as far as needed.
      if (fresh && wasm._ts_tree_cursor_goto_first_child_wasm(handle) === 1) {
        ancestors.push(parent);
        firsts.push(first);
        formers.push(former);
        parent = node!;
        first = gathered.length;
        former = nodeFormer;
        continue;
      }
      while (!(more = wasm._ts_tree_cursor_goto_next_sibling_wasm(handle) === 1) && ancestors.length) {
        wasm._ts_tree_cursor_goto_parent_wasm(handle);
        done();
        parent = ancestors.pop()!;
        first = firsts.pop()!;
        former = formers.pop()!;
      }
    }
    done();
  } finally {
    wasm._ts_tree_cursor_delete_wasm(handle);
  }
  return { root, slots, bySlot, all, nearest: new Map() };
}

/** Whether a list holds the nodes gathered from `first` on, in their order. */
function listsGathered(list: IndexedNode[], gathered: IndexedNode[], first: number): boolean {
  if (list.length !== gathered.length - first) return false;
  for (let i = 0; i < list.length; i++) if (list[i] !== gathered[first + i]) return false;
  return true;
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

const fieldIdsByLanguage = new WeakMap<Language, Map<string, number>>();
/** The language asked last and its field ids: the analyses ask fields by name again and again, of
 *  one language. */
let lastLanguage: Language | undefined;
let lastFieldIds = new Map<string, number>();

/** A language's field ids by name. */
function fieldIdsOf(language: Language): Map<string, number> {
  if (language === lastLanguage) return lastFieldIds;
  let ids = fieldIdsByLanguage.get(language);
  if (!ids) {
    ids = new Map();
    language.fields.forEach((name, fieldId) => name !== null && ids!.set(name, fieldId));
    fieldIdsByLanguage.set(language, ids);
  }
  lastLanguage = language;
  lastFieldIds = ids;
  return ids;
}

/** Whether the index knows which of a node's children a field holds: those of a named node, unless
 *  the field may hold an anonymous child (an operator), which is tree-sitter's to find. */
function knowsField(node: IndexedNode | undefined, fieldId: number): node is NamedNode {
  return node !== undefined && node[ORDER] >= 0 && fieldId > 0 && ((node as NamedNode)[ANONYMOUS_FIELDS] & fieldBit(fieldId)) === 0;
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
  const own = indexed(node);
  if (!own || own[ORDER] < 0) {
    // An anonymous node: its parent is a named one.
    const parent = node.parent;
    return !parent || types.has(parent.type) ? (parent ?? undefined) : nearestAncestor(parent, types);
  }
  let known = index.nearest.get(types);
  if (!known) index.nearest.set(types, (known = new Int32Array(index.all.length)));
  // (Emptied first: a call that ran out of time left its list as it was.)
  const passed = ancestorsPassed;
  passed.length = 0;
  let found = -1;
  for (let n = own; ; ) {
    const answer = known[n[ORDER]];
    if (answer !== 0) {
      found = answer;
      break;
    }
    passed.push(n[ORDER]);
    checkpoint();
    const parent = n[PARENT];
    if (!parent || types.has(parent.type)) {
      found = parent ? parent[ORDER] + 1 : -1;
      break;
    }
    n = parent;
  }
  for (const order of passed) known[order] = found;
  return found > 0 ? index.all[found - 1] : undefined;
}
/** The places of the nodes nearestAncestor passed (one list for every call: it makes none). */
const ancestorsPassed: number[] = [];

// tree-sitter's own accessors, before meterTreeSteps replaces them.
const nodeGetter = (name: string) => Object.getOwnPropertyDescriptor(Node.prototype, name)!.get!;
const treeSitterTypeId = nodeGetter('typeId');
const treeSitterEndIndex = nodeGetter('endIndex');
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
  // A named node's end is the index's; a text is a slice of the source.
  defineGetter('endIndex', function () {
    return (this as NamedNode)[END_INDEX] ?? treeSitterEndIndex.call(this);
  });
  const text = nodeGetter('text');
  defineGetter('text', function () {
    const source = (this.tree as { [SOURCE]?: string })[SOURCE];
    const value = source === undefined ? (text.call(this) as string) : source.slice(this.startIndex, this.endIndex);
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
  const fieldChild = (parent: Node, fieldId: number): Node | null => {
    checkpoint();
    const node = indexed(parent, false);
    if (knowsField(node, fieldId)) {
      const children = node._namedChildren!;
      for (let i = 0; i < children.length; i++) if ((children[i] as NamedNode)[FIELD] === fieldId) return children[i];
      return null;
    }
    return indexedChild(parent, childForFieldId.call(parent, fieldId) as Node | null);
  };
  proto.childForFieldId = function (this: Node, fieldId: unknown) {
    return fieldChild(this, fieldId as number);
  };
  // A field's id by its name from a map, not a search of the language's list of fields.
  proto.childForFieldName = function (this: Node, name: unknown) {
    const fieldId = fieldIdsOf(this.tree.language).get(name as string);
    return fieldId === undefined ? null : fieldChild(this, fieldId);
  };
  const childrenForFieldId = proto.childrenForFieldId;
  proto.childrenForFieldId = function (this: Node, fieldId: unknown) {
    checkpoint();
    const node = indexed(this, false);
    if (knowsField(node, fieldId as number)) return node._namedChildren!.filter((child) => (child as NamedNode)[FIELD] === fieldId);
    return (childrenForFieldId.call(this, fieldId) as (Node | null)[]).map((child) => indexedChild(this, child));
  };
  const descendantsOfType = proto.descendantsOfType;
  proto.descendantsOfType = function (this: Node, types: unknown, ...rest: unknown[]) {
    checkpoint(this.descendantCount);
    const node = rest.length === 0 ? indexed(this, false) : undefined;
    return node ? descendantsFromIndex(node, Array.isArray(types) ? types : [types as string]) : descendantsOfType.call(this, types, ...rest);
  };
}

export { Edit, Tree };
