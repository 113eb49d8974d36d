import * as fs from 'fs';
import * as path from 'path';
import { Edit, Language, Node, Parser, Tree } from 'web-tree-sitter';
import { BudgetExceeded, checkpoint, pastDeadline } from '../budget';
import { changedSpan, detached, withUnixLineEnds } from '../text';
import { endParserOnTrap } from './parserFailure';
import { statementStarts } from './statementStarts';

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
    // Read here: given a path, Language.load would read it through a dynamic import, which code
    // compiled as a vm.Script (the command's and the scan threads', codeCache.ts) cannot run.
    const language = await Language.load(fs.readFileSync(wasmPath('tree-sitter-python.wasm', 'tree-sitter-python/tree-sitter-python.wasm')));
    const parser = new Parser();
    parser.setLanguage(language);
    meterTreeSteps(language);
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

// The tree index. tree-sitter finds a node's parent by descending from the root through every
// sibling on the way, so `node.parent` costs the width and depth of the tree (a walk up from each
// argument of a call with thousands of arguments is quadratic), and each descendantsOfType is a walk
// of the whole tree; and every crossing into tree-sitter's wasm, and every node object it hands out,
// costs more than the work asked for. So each tree is indexed once, the first time the analyses ask:
// one walk of a tree cursor (see buildIndex) gives every named node one object that the analyses
// share, found by type, by parent or by child, and that keeps on itself what the walk learned of it:
// its parent, its type, the field its parent holds it in, its end and its place in document order
// (and its named children, once asked, which those give: see namedChildrenOf). Nothing else is kept
// per node (maps by id, or a query's own node objects, cost more memory and time than the walk
// itself); a module re-parsed as its document is edited takes over the objects of the statements the
// edit left as they were (see reparsed). Anonymous nodes (punctuation, keywords: a third of a tree)
// get their objects only when a node's full children list is asked for. The accessors that lead from
// a node to others (meterTreeSteps) answer from these objects, without crossing into wasm.

const INDEX = Symbol('tree index');
/** On a module tree and its views, the text it was parsed from (node texts are slices of it). */
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
  /** A named node's named children, once asked (namedChildrenOf). */
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
  this._namedChildren = undefined;
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
  /** By type id (ERROR's included), its slot. */
  ofType: Uint16Array;
  /** By type id, whether its nodes are named (1) or not (0). */
  namedType: Uint8Array;
  /** By type id, whether its nodes may hold an anonymous child in a field (see
   *  TYPES_WITH_ANONYMOUS_FIELDS). */
  anonymousFields: Uint8Array;
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

/** tree-sitter's id of the ERROR type, far above the grammar's own. The tables by type id are typed
 *  arrays that reach it: a lookup is the same for every type, so that the index walk, compiled
 *  before it meets its first ERROR, need not be compiled again when it does. */
const ERROR_TYPE_ID = 0xffff;

function slotOf(slots: TypeSlots, typeId: number): number {
  return slots.ofType[typeId];
}

const slotsByLanguage = new WeakMap<Language, TypeSlots>();

function typeSlotsOf(language: Language): TypeSlots {
  let slots = slotsByLanguage.get(language);
  if (slots) return slots;
  const ids = ERROR_TYPE_ID + 1;
  slots = { ofType: new Uint16Array(ids), namedType: new Uint8Array(ids), anonymousFields: new Uint8Array(ids), named: new Map(), namedSlots: new Set(), byName: new Map() };
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
    slots!.namedType[typeId] = named ? 1 : 0;
    slots!.anonymousFields[typeId] = named && TYPES_WITH_ANONYMOUS_FIELDS.has(name ?? '') ? 1 : 0;
  });
  slots.ofType[ERROR_TYPE_ID] = add('ERROR', true);
  slots.namedType[ERROR_TYPE_ID] = 1;
  slotsByLanguage.set(language, slots);
  return slots;
}

// A module's syntax is one tree to the analyses, from one or more of tree-sitter's: a fresh parse
// gives one, but a file with a syntax error is parsed statement by statement (statementStarts.ts),
// so that the error stays in its statement; and an edited document is parsed again only from the
// start of the statement the edit touched to the start of the next one it left as it was. Such a
// part is parsed whole when it parses without error (alone or not, its statements then parse the
// same), else statement by statement: a text is always parsed as the same pieces, however it came
// to be. The module's tree (a ModuleTree) lists the trees it takes its top-level statements from;
// each of its nodes belongs to one of them, seen through a view of that tree (a TreeView) that
// leads back to the module. The index's root is the module's own: tree-sitter's accessors that
// would ask one tree about it answer for the module (see ModuleRootObject).

/** The trees of a module, and how its index is to be made. */
interface ModuleTree extends Tree {
  [PIECES]: Tree[];
  /** tree-sitter's root of one of them that is a module: the index's root takes its id. */
  [MODULE_ROOT]: Node;
  [PLAN]?: Part[];
  [INDEX]?: TreeIndex;
  [SOURCE]: string;
  /** Its number of syntax nodes, as tree-sitter's descendantCount counts them. */
  [SIZE]: number;
  /** Its text's statement starts (statementStarts, and 0). */
  [STARTS]: number[];
  [ROOT]: RootPlace;
  [TEXT]: (start: number, position: unknown, end?: number) => string;
  [COPIED_TEXTS]: boolean;
}

/** One of tree-sitter's trees as the nodes of one module see it (a node is known by its tree). */
interface TreeView extends Tree {
  [TEXT]: ModuleTree[typeof TEXT];
  [REAL]: Tree;
  [MODULE]: ModuleTree;
  [SOURCE]: string;
  [COPIED_TEXTS]: boolean;
}

/** Where the module's root lies. */
interface RootPlace {
  start: number;
  row: number;
  column: number;
  end: number;
  endRow: number;
  endColumn: number;
}

/** A run of the module's children (its statements, and tokens such as `;`): those of a tree just
 *  parsed, or of the index before, moved by as many characters and rows as the text before them
 *  grew. */
type Part = { tree: Tree } | { carried: IndexedNode[]; bytes: number; rows: number; index: TreeIndex };

const PIECES = Symbol('trees of the module');
const MODULE_ROOT = Symbol("tree-sitter's module root");
const PLAN = Symbol('parts of the index to be made');
const SIZE = Symbol('syntax nodes');
const STARTS = Symbol('statement starts');
const ROOT = Symbol('place of the root');
const REAL = Symbol('tree seen');
const MODULE = Symbol('module tree');
/** On one of tree-sitter's trees, its view (viewOf). */
const VIEW = Symbol('view');
/** web-tree-sitter's (internal) text callback of a tree, which its cursors read node texts with. */
const TEXT = 'textCallback';
/** On a tree of a part of the source (parseRange), where the part starts. */
const PLACE = Symbol('place of the part');
/** On one of tree-sitter's trees, the text it was parsed from and where that starts in the source
 *  (parseRange): the text of tree-sitter's own nodes of it, which know it as their tree. */
const PART_TEXT = Symbol('text of the part');
/** On the tree of a module parsed again after an edit, and on its views: its nodes' texts are copies
 *  (detached), not slices of its source. What the analyses keep of an edited document from one
 *  version to the next (per statement, see statementMemo.ts) then holds no earlier version's text. */
const COPIED_TEXTS = Symbol('copied texts');
/** On one of tree-sitter's trees, how many module trees take statements from it. */
const USERS = Symbol('module trees using it');

interface Place {
  bytes: number;
  rows: number;
}

interface PartText {
  text: string;
  start: number;
}

/** What module trees and their views share: tree-sitter's Tree, but the root is the module's. */
const MODULE_TREE = Object.create(Tree.prototype, {
  rootNode: {
    get(this: Tree) {
      return indexOf(this).root;
    },
  },
}) as Tree;

const freeTree = Tree.prototype.delete;
/** Frees a tree: a module tree lets go of its trees, each freed when no module tree uses it. */
Tree.prototype.delete = function (this: Tree) {
  const pieces = (this as Partial<ModuleTree>)[PIECES];
  if (!pieces) return freeTree.call(this);
  releaseIndex(this as ModuleTree);
  (this as Partial<ModuleTree>)[PIECES] = [];
  for (const piece of pieces) {
    const used = piece as { [USERS]?: number };
    if (--used[USERS]! === 0) freeTree.call(piece);
  }
};

/** Lets a deleted module tree's index go, and unlinks its objects. A file's analysis lasts long
 *  enough that V8 moves part of its index to the old generation, and an old object keeps the young
 *  ones it links to alive through every young collection until the next full one, dead or not: left
 *  linked, the dead indexes of earlier files were copied over and over. On keras, unlinking halves
 *  the time the scan threads spend collecting garbage (with worker.ts's makeRoomFor and a larger
 *  young generation, which gain nothing without it). The index of a tree edited since (parsePython)
 *  belongs to the tree after the edit, and stays. */
function releaseIndex(module: ModuleTree): void {
  const index = module[INDEX];
  module[PLAN] = undefined;
  if (!index) return;
  module[INDEX] = undefined;
  for (const node of index.all) {
    node._children = undefined;
    node._namedChildren = undefined;
    node[PARENT] = null;
  }
  index.all.length = 0;
  index.bySlot.length = 0;
  index.nearest.clear();
}

/** Parses Python: with the tree of the text before an edit (which is not to be read after, see
 *  reparsed), only the statements the edit touched are parsed again. Throws
 *  BudgetExceeded when the analysis deadline passes during the parse. */
export function parsePython(text: string, previous?: Tree): Tree {
  const source = withUnixLineEnds(text);
  const before = previous as Partial<ModuleTree> | undefined;
  const index = before?.[INDEX];
  if (!index || !before[STARTS]) return parsedWhole(source);
  // The tree before gives its index up: the new one moves its objects.
  before[INDEX] = undefined;
  return reparsed(source, before as ModuleTree, index) ?? parsedWhole(source);
}

/** One of tree-sitter's parses of the source, or of a part of it that starts a line (`row`). A part
 *  is parsed as a text of its own, with its place kept: tree-sitter's recovery from a syntax error
 *  weighs how much text it skips, and the text before a part would count. */
function parseRange(source: string, start = 0, end = source.length, row = 0): Tree {
  const parser = pythonParser();
  const whole = start === 0 && end === source.length;
  // A part is parsed as a copy: tree-sitter's tree keeps the text it parsed, and a slice would keep
  // the whole source, for as long as an edited module takes statements from the tree.
  const text = whole ? source : detached(source.slice(start, end));
  const tree = parser.parse(text, null, { progressCallback: pastDeadline });
  if (!tree) {
    parser.reset();
    if (pastDeadline()) throw new BudgetExceeded();
    throw new Error('tree-sitter returned no tree');
  }
  // (Set on every tree, whole ones too: trees of one shape are read by the same compiled code.)
  (tree as { [PLACE]?: Place })[PLACE] = whole ? undefined : { bytes: start, rows: row };
  // (Only for tree-sitter's own nodes of it, which know it as their tree: tests.)
  (tree as { [PART_TEXT]?: PartText })[PART_TEXT] = { text, start };
  return tree;
}

/** The source parsed whole, or statement by statement when it has a syntax error. */
function parsedWhole(source: string): ModuleTree {
  const starts = [0, ...statementStarts(source)];
  const pieces = piecesOf(source, starts, source.length, 0);
  const tree = moduleTree(
    source,
    pieces,
    pieces.map((tree) => ({ tree })),
  );
  tree[STARTS] = starts;
  return tree;
}

/** The trees of the statements from starts[0] (a line start on `row`) to `end`: one, when they parse
 *  together without error and as the starts say (none spans a start, as one would that has a string
 *  tree-sitter reads on past its line), else one per statement start. */
function piecesOf(source: string, starts: number[], end: number, row: number): Tree[] {
  const together = parseRange(source, starts[0], end, row);
  const root = rootOfPiece(together);
  if (starts.length === 1 || (!root.hasError && lieAsStartsSay(root.namedChildren as Node[], starts))) return [together];
  freeTree.call(together);
  return statementByStatement(source, starts, end, row);
}

/** Whether no statement spans a statement start (both in document order). */
function lieAsStartsSay(statements: Node[], starts: number[]): boolean {
  let next = 0;
  for (const statement of statements) {
    const start = statement.startIndex;
    while (next < starts.length && starts[next] <= start) next++;
    if (next < starts.length && starts[next] < statement.endIndex) return false;
  }
  return true;
}

/** One tree per statement start, from starts[0] (a line start on `row`) to `end`. */
function statementByStatement(source: string, starts: number[], end: number, row: number): Tree[] {
  const pieces: Tree[] = [];
  try {
    for (let i = 0; i < starts.length; i++) {
      pieces.push(parseRange(source, starts[i], i + 1 < starts.length ? starts[i + 1] : end, row));
      if (i + 1 < starts.length) row += linesIn(source, starts[i], starts[i + 1]);
    }
  } catch (e) {
    // Out of time: the trees made so far are freed.
    for (const piece of pieces) freeTree.call(piece);
    throw e;
  }
  return pieces;
}

function linesIn(text: string, start: number, end: number): number {
  let lines = 0;
  for (let i = text.indexOf('\n', start); i >= 0 && i < end; i = text.indexOf('\n', i + 1)) lines++;
  return lines;
}

/** A module tree of the source from its trees (each used once more) and the parts of its index. */
function moduleTree(source: string, pieces: Tree[], plan: Part[], size?: number, root?: RootPlace, copiedTexts = false): ModuleTree {
  // The root's id is that of a tree's root that is a module (the statements under it are the
  // module's); when tree-sitter gave each of the trees an ERROR root (a statement of the module
  // then), an empty module's.
  const roots = pieces.map(rootOfPiece);
  const moduleType = pieces[0].language.idForNodeType('module', true)!;
  let moduleRoot = roots.find((root) => treeSitterTypeId.call(root) === moduleType);
  if (!moduleRoot) {
    const empty = parseRange('');
    pieces = [...pieces, empty];
    moduleRoot = rootOfPiece(empty);
  }
  for (const piece of pieces) (piece as { [USERS]?: number })[USERS] = ((piece as { [USERS]?: number })[USERS] ?? 0) + 1;
  const tree = Object.create(MODULE_TREE) as ModuleTree;
  (tree as unknown as { 0: number })[0] = (pieces[0] as unknown as { 0: number })[0];
  tree.language = pieces[0].language;
  tree[PIECES] = pieces;
  tree[MODULE_ROOT] = moduleRoot;
  tree[PLAN] = plan;
  tree[SOURCE] = source;
  tree[TEXT] = (start: number, _position: unknown, end?: number) => source.slice(start, end);
  tree[COPIED_TEXTS] = copiedTexts;
  tree[SIZE] = size ?? 1 + roots.reduce((sum, root) => sum + statementNodes(root), 0);
  if (root) tree[ROOT] = root;
  else {
    const first = roots[0];
    const last = roots[roots.length - 1];
    const end = last.endPosition;
    tree[ROOT] = { start: first.startIndex, row: first.startPosition.row, column: first.startPosition.column, end: treeSitterEndIndex.call(last) as number, endRow: end.row, endColumn: end.column };
  }
  return tree;
}

/** The number of syntax nodes a tree's root gives the module: all but the root, unless it is an
 *  ERROR (then a statement). */
function statementNodes(root: Node): number {
  return root.descendantCount - (root.isError ? 0 : 1);
}

/** tree-sitter's own roots of the trees a module's text was parsed in (after edits, of the trees its
 *  statements come from), in order, each at its place in the text. */
export function treeSitterRoots(tree: Tree): Node[] {
  return ((tree as Partial<ModuleTree>)[PIECES] ?? [tree]).map(rootOfPiece).filter((root) => root.endIndex > root.startIndex || root.isError);
}

/** The number of syntax nodes of a tree of parsePython (as tree-sitter's descendantCount counts them),
 *  known before it is indexed. */
export function syntaxNodeCount(tree: Tree): number {
  return (tree as ModuleTree)[SIZE];
}

/** The module re-parsed from the statement an edit begins in, or in the line after it begins on,
 *  to the first statement start after the edit that was one before; undefined when that is the whole
 *  text, or the statements before do not lie where their starts say (then it is parsed whole). */
function reparsed(source: string, before: ModuleTree, index: TreeIndex): ModuleTree | undefined {
  const old = before[SOURCE];
  const oldLength = old.length;
  const length = source.length;
  const { prefix, end: changeEnd, shift } = changedSpan(old, source);
  const starts = before[STARTS];
  const startAt = (start: number) => firstAtOrAfter(starts, start, (s) => s);
  const wasStart = (start: number) => starts[startAt(start)] === start;
  // The starts are read from one far enough before the change that its line's first word (which
  // says whether it starts a statement: `else` does not) is not changed.
  const read = starts[Math.max(startAt(prefix - CONTINUING_KEYWORD_LENGTH) - 1, 0)];
  const found = statementStarts(source, read, (start) => start >= changeEnd && wasStart(start - shift));
  const stopped = found.length > 0 && found[found.length - 1] >= changeEnd && wasStart(found[found.length - 1] - shift);
  const to = stopped ? found[found.length - 1] : length;
  const oldTo = stopped ? to - shift : oldLength;
  // Parsed again from the last start found at or before the change that was one before: the
  // statements before it are as they were (a keystroke at the start of a line leaves the statement
  // above alone).
  let from = read;
  let same = 0;
  while (same < found.length && found[same] <= prefix && found[same] < to && wasStart(found[same])) from = found[same++];
  const first = startAt(from);
  const startsFound = found.slice(same, stopped ? -1 : undefined);
  if (from === 0 && to === length) return undefined;
  const top = index.root._children!;
  const kept = firstAtOrAfter(top, from, startOf);
  const after = firstAtOrAfter(top, oldTo, startOf);
  if ((kept > 0 && (top[kept - 1] as NamedNode)[END_INDEX] > from) || (after > kept && (top[after - 1] as NamedNode)[END_INDEX] > oldTo)) return undefined;
  const row = kept < top.length && top[kept].startIndex === from ? (top[kept] as NamedNode)[ROW] : linesIn(old, 0, from);
  const rows = linesIn(source, from, to) - linesIn(old, from, oldTo);
  const pieces = piecesOf(source, [from, ...startsFound], to, row);
  const carriedBefore = top.slice(0, kept);
  const carriedAfter = top.slice(after);
  const used = new Set<Tree>(pieces);
  for (const node of carriedBefore) used.add(realTree(node.tree));
  for (const node of carriedAfter) used.add(realTree(node.tree));
  let size = before[SIZE];
  for (let i = kept; i < after; i++) size -= top[i].descendantCount;
  for (const piece of pieces) size += statementNodes(rootOfPiece(piece));
  const oldRoot = before[ROOT];
  const firstRoot = rootOfPiece(pieces[0]);
  const lastRoot = rootOfPiece(pieces[pieces.length - 1]);
  const lastEnd = lastRoot.endPosition;
  const root: RootPlace = {
    ...(from > 0 ? { start: oldRoot.start, row: oldRoot.row, column: oldRoot.column } : { start: firstRoot.startIndex, row: firstRoot.startPosition.row, column: firstRoot.startPosition.column }),
    ...(carriedAfter.length > 0
      ? { end: oldRoot.end + shift, endRow: oldRoot.endRow + rows, endColumn: oldRoot.endColumn }
      : { end: treeSitterEndIndex.call(lastRoot) as number, endRow: lastEnd.row, endColumn: lastEnd.column }),
  };
  const plan: Part[] = [{ carried: carriedBefore, bytes: 0, rows: 0, index }, ...pieces.map((tree) => ({ tree })), { carried: carriedAfter, bytes: shift, rows, index }];
  const tree = moduleTree(source, [...used], plan, size, root, true);
  const startsAfter = firstAtOrAfter(starts, oldTo, (start) => start);
  tree[STARTS] = [...starts.slice(0, first + 1), ...startsFound, ...starts.slice(startsAfter).map((start) => start + shift)];
  return tree;
}

/** The most characters read of a line to know whether it starts a statement (`finally` and one). */
const CONTINUING_KEYWORD_LENGTH = 16;

/** A module's root: a named node's object, but what tree-sitter would tell of the one tree its id is
 *  of, it tells of the module (its tree). */
const ModuleRootObject = function (this: NamedNode, ...fields: Parameters<typeof setUpNamedNode>) {
  setUpNamedNode.apply(this, fields);
} as unknown as new (...fields: Parameters<typeof setUpNamedNode>) => NamedNode;
ModuleRootObject.prototype = Object.create(Node.prototype, {
  endPosition: {
    get(this: NamedNode) {
      const place = (this.tree as ModuleTree)[ROOT];
      return { row: place.endRow, column: place.endColumn };
    },
  },
  descendantCount: {
    get(this: NamedNode) {
      return (this.tree as ModuleTree)[SIZE];
    },
  },
  hasError: {
    get(this: NamedNode) {
      return this._children!.some((child) => child.hasError);
    },
  },
  childCount: {
    get(this: NamedNode) {
      return this._children!.length;
    },
  },
  namedChildCount: {
    get(this: NamedNode) {
      return this._namedChildren!.length;
    },
  },
}) as Node;

function realTree(tree: Tree): Tree {
  return (tree as Partial<TreeView>)[REAL] ?? tree;
}

/** tree-sitter's root of one of its trees (a new object each time), at its place in the source: what
 *  tree-sitter tells of the nodes under it (their places, by a cursor or by the node) then is too. */
function rootOfPiece(tree: Tree): Node {
  const real = realTree(tree);
  const root = treeSitterRoot(real);
  const place = (real as { [PLACE]?: Place })[PLACE];
  return place ? movedNode(root, place.bytes, place.rows, root) : root;
}

/** One of tree-sitter's node objects moved by as many characters and rows (its part starts a line,
 *  so columns stay): a copy, or `into` itself. */
function movedNode(node: Node, bytes: number, rows: number, into: Node = Object.assign(Object.create(Object.getPrototypeOf(node) as object) as Node, node)): Node {
  const { row, column } = node.startPosition;
  into.startIndex = node.startIndex + bytes;
  into.startPosition = { row: row + rows, column };
  return into;
}

function moduleOf(tree: Tree): Partial<ModuleTree> & Tree {
  return (tree as Partial<TreeView>)[MODULE] ?? tree;
}

function indexOf(tree: Tree): TreeIndex {
  const module = moduleOf(tree);
  const known = module[INDEX];
  if (known) return known;
  // The plan is spent even when the walk stops half-way (out of time): the objects it carried
  // have moved.
  const plan = module[PLAN];
  if (!plan) throw new Error('the syntax tree is not indexed: it is not of parsePython, or its indexing stopped');
  module[PLAN] = undefined;
  const index = buildIndex(module as ModuleTree, plan);
  module[INDEX] = index;
  return index;
}

/** How carried nodes move: by as many characters and rows as the text before them grew (they start
 *  a line, so their columns stay). */
interface Move {
  bytes: number;
  rows: number;
}

/** Moves a carried node's object to its new place (a node is its id, which it keeps; its tree is
 *  the view of its tree-sitter tree, which the new module took over). */
function moveNode(node: IndexedNode, move: Move): void {
  if (move.bytes === 0 && move.rows === 0) return;
  node.startIndex += move.bytes;
  const named = node as NamedNode;
  if (named[ROW] === undefined) {
    // An anonymous child's object is web-tree-sitter's, with a startPosition of its own.
    const { row, column } = node.startPosition;
    node.startPosition = { row: row + move.rows, column };
    return;
  }
  named[ROW] += move.rows;
  named[END_INDEX] += move.bytes;
}

/** The index of a module tree: its root, then its parts in order: the nodes of a tree just parsed
 *  are walked with a cursor (every named node made an object, numbered in document order, listed by
 *  type slot, with its parent and the field its parent holds it in); carried
 *  statements keep their objects, moved and numbered anew, with all under them.
 *
 *  The cursor is tree-sitter's, driven through the runtime's exports (CursorRuntime) rather than
 *  web-tree-sitter's TreeCursor: that one copies the cursor into wasm memory and back and makes a
 *  node object for every step, which costs more than the step. Here the cursor stays in the transfer
 *  buffer from one move to the next, and a node is read from it only when it is named. */
function buildIndex(module: ModuleTree, plan: Part[]): TreeIndex {
  const slots = typeSlotsOf(module.language);
  const first = module[MODULE_ROOT];
  const place = module[ROOT];
  const root = new ModuleRootObject((first as unknown as { 0: number })[0], first.id, module, place.start, place.end, place.row, place.column, treeSitterTypeId.call(first) as number, null, 0);
  const rootListing: Listing = { first: 0, all: [], bySlot: [] };
  listNode(root, rootListing, slots);
  /** The module's children, as the walks and carries find them, and the named ones (statements). */
  const children: IndexedNode[] = [];
  const statements: IndexedNode[] = [];
  // Found before any carried node is numbered anew: they are found by their numbers.
  const runs = plan.map((part) => ('carried' in part ? runOf(part.carried, part.index) : undefined));
  // The named nodes in document order, in segments: walked ones listed as they are found, and runs
  // of the index before; when there are runs, copied once into lists of their final lengths.
  const segments: (Listing | Carried)[] = [rootListing];
  let listing = rootListing;
  plan.forEach((part, i) => {
    if ('tree' in part) {
      walk(part.tree, viewOf(part.tree, module), root as NamedNode, children, statements, listing, slots);
      return;
    }
    for (const child of part.carried) {
      viewOf(child.tree, module);
      if (child[ORDER] >= 0) statements.push(child);
      else moveNode(child, part);
      child[PARENT] = root;
      children.push(child);
    }
    const run = runs[i];
    if (!run) return;
    const first = listing.first + listing.all.length;
    segments.push({ first, run, move: part, previous: part.index });
    listing = { first: first + run.to - run.from, all: [], bySlot: [] };
    segments.push(listing);
  });
  const count = listing.first + listing.all.length;
  const { all, bySlot } = segments.length === 1 ? rootListing : assembled(segments, count);
  root._namedChildren = statements.length > 0 ? statements : NO_CHILDREN;
  root._children = children;
  root[END] = count;
  return { root, slots, bySlot, all, nearest: new Map() };
}

/** The index's lists, every named node's and each type slot's, of their final lengths, from
 *  segments in document order (`count` nodes in all); carried runs are numbered and moved on the way. */
function assembled(segments: (Listing | Carried)[], count: number): { all: IndexedNode[]; bySlot: IndexedNode[][] } {
  const all = new Array<IndexedNode>(count);
  const sizes: number[] = [];
  const grow = (slot: number, by: number) => (sizes[slot] = (sizes[slot] ?? 0) + by);
  for (const segment of segments) {
    if ('run' in segment) for (const { slot, start, end } of segment.run.slots) grow(slot, end - start);
    else segment.bySlot.forEach((list, slot) => grow(slot, list.length));
  }
  const bySlot = sizes.map((size) => new Array<IndexedNode>(size));
  const filled = sizes.map(() => 0);
  const append = (slot: number, list: IndexedNode[], start: number, end: number) => {
    const into = bySlot[slot];
    let at = filled[slot];
    for (let i = start; i < end; i++) into[at++] = list[i];
    filled[slot] = at;
  };
  for (const segment of segments) {
    if ('run' in segment) {
      carry(segment, all);
      for (const { slot, start, end } of segment.run.slots) append(slot, segment.previous.bySlot[slot], start, end);
      continue;
    }
    segment.all.forEach((node, i) => (all[segment.first + i] = node));
    segment.bySlot.forEach((list, slot) => append(slot, list, 0, list.length));
  }
  return { all, bySlot };
}

/** Named nodes listed in document order, numbered from `first` on: all of them, and by type slot. */
interface Listing {
  first: number;
  all: IndexedNode[];
  bySlot: IndexedNode[][];
}

/** Numbers a named node in document order and lists it by type. */
function listNode(node: IndexedNode, listing: Listing, slots: TypeSlots): void {
  node[ORDER] = listing.first + listing.all.length;
  node[END] = node[ORDER] + 1;
  listing.all.push(node);
  (listing.bySlot[slotOf(slots, node[TYPE_ID])] ??= []).push(node);
}

/** Where carried statements lie in the index before: the numbers of their nodes (a run: statements
 *  carried together are neighbours, and so are their subtrees) and, by type slot, the positions of
 *  those nodes in its lists. */
interface Run {
  from: number;
  to: number;
  slots: { slot: number; start: number; end: number }[];
}

function runOf(carried: IndexedNode[], previous: TreeIndex): Run | undefined {
  const named = carried.filter((child) => child[ORDER] >= 0);
  if (named.length === 0) return undefined;
  const from = named[0][ORDER];
  const to = named[named.length - 1][END];
  const slots: Run['slots'] = [];
  previous.bySlot.forEach((list, slot) => {
    const start = firstAtOrAfter(list, from, orderOf);
    const end = firstAtOrAfter(list, to, orderOf);
    if (end > start) slots.push({ slot, start, end });
  });
  return { from, to, slots };
}

/** A run of the index before, carried to number `first` on, moved by `move`. */
interface Carried {
  first: number;
  run: Run;
  move: Move;
  previous: TreeIndex;
}

/** Carried statements with their subtrees, moved and numbered into `all`: their named nodes are
 *  those of a run of the previous index, in document order, and keep that order, so each one's place
 *  moves by as much as the statements'. Those before an edit neither move nor change number: their
 *  objects are not even read. */
function carry({ first, run, move, previous }: Carried, all: IndexedNode[]): void {
  const before = previous.all;
  const shift = first - run.from;
  if (shift === 0 && move.bytes === 0 && move.rows === 0) {
    for (let order = run.from; order < run.to; order++) all[order] = before[order];
    return;
  }
  for (let order = run.from; order < run.to; order++) {
    checkpoint();
    const next = before[order];
    moveNode(next, move);
    next[ORDER] += shift;
    next[END] += shift;
    all[order + shift] = next;
    // The anonymous children this node's object was asked for move with it.
    const asked = next._children;
    if (asked) for (const child of asked) if (child[ORDER] < 0) moveNode(child, move);
  }
}

/** One of tree-sitter's trees, as the nodes of `module` see it: one view per tree, which each module
 *  that takes statements from the tree takes over (the module before an edit is not read again, see
 *  parsePython), so that the node objects a module carries over keep their tree. */
function viewOf(tree: Tree, module: ModuleTree): TreeView {
  const real = realTree(tree) as Tree & { [VIEW]?: TreeView };
  let view = real[VIEW];
  if (!view) {
    view = Object.create(MODULE_TREE) as TreeView;
    (view as unknown as { 0: number })[0] = (real as unknown as { 0: number })[0];
    view.language = real.language;
    view[REAL] = real;
    real[VIEW] = view;
  }
  view[MODULE] = module;
  view[SOURCE] = module[SOURCE];
  view[TEXT] = module[TEXT];
  view[COPIED_TEXTS] = module[COPIED_TEXTS];
  return view;
}

/** The walk of a tree's statements with a cursor (see buildIndex): they are listed under `root`
 *  and pushed on `statements`, and with the module's other children (tokens such as `;`, which
 *  get their objects here) on `children`. */
function walk(tree: Tree, view: Tree, root: NamedNode, children: IndexedNode[], statements: IndexedNode[], listing: Listing, slots: TypeSlots): void {
  const start = rootOfPiece(tree) as IndexedNode & { 0: number };
  // An ERROR root holds statements that do not parse: it is one of the module's. (Asked before the
  // cursor is made: asking tree-sitter about a node overwrites the cursor in the transfer buffer.)
  let base = root;
  if (start.isError) {
    base = new NamedNodeObject(start[0], start.id, view, start.startIndex, treeSitterEndIndex.call(start) as number, start.startPosition.row, start.startPosition.column, treeSitterTypeId.call(start) as number, root, 0);
    listNode(base, listing, slots);
    statements.push(base);
    children.push(base);
  }
  const wasm = runtime as CursorRuntime;
  const handle = (tree as unknown as { 0: number })[0];
  const heap = wasm.HEAP32;
  const buffer = transferWords;
  heap[buffer] = start.id;
  heap[buffer + 1] = start.startIndex;
  heap[buffer + 2] = start.startPosition.row;
  heap[buffer + 3] = start.startPosition.column;
  heap[buffer + 4] = start[0];
  wasm._ts_tree_cursor_new_wasm(handle);
  try {
    walkCursor(handle, view, root, base, children, statements, listing, slots);
    if (base !== root) base[END] = listing.first + listing.all.length;
  } finally {
    wasm._ts_tree_cursor_delete_wasm(handle);
  }
}

/** The walk's steps, with the cursor of the tree `handle` on `base` (see walk). A function of its own
 *  that only returns when the walk ends: the walk of the first big file gets compiled while it runs,
 *  and code after the loop it had not yet seen would send the walk back to the interpreter there and
 *  be compiled again. */
function walkCursor(handle: number, view: Tree, root: NamedNode, base: NamedNode, children: IndexedNode[], statements: IndexedNode[], listing: Listing, slots: TypeSlots): void {
  const { first: firstNumber, all, bySlot } = listing;
  const wasm = runtime as CursorRuntime;
  const buffer = transferWords;
  let heap = wasm.HEAP32;
  // The cursor is on a child of `parent`; `ancestors` are the parents above it. A node's subtree
  // ends (END) when the walk goes back up past it.
  let parent = base;
  const ancestors: NamedNode[] = [];
  let more = wasm._ts_tree_cursor_goto_first_child_wasm(handle) === 1;
  while (more) {
    checkpoint();
    const typeId = wasm._ts_tree_cursor_current_node_type_id_wasm(handle);
    let node: NamedNode | undefined;
    const named = slots.namedType[typeId] === 1;
    if (named || parent === root) {
      const field = wasm._ts_tree_cursor_current_field_id_wasm(handle);
      const end = wasm._ts_tree_cursor_end_index_wasm(handle);
      // Reading the node overwrites the cursor in the buffer: it is put back.
      heap = wasm.HEAP32;
      const c0 = heap[buffer];
      const c1 = heap[buffer + 1];
      const c2 = heap[buffer + 2];
      const c3 = heap[buffer + 3];
      wasm._ts_tree_cursor_current_node_wasm(handle);
      const made = new NamedNodeObject(heap[buffer + 4], heap[buffer], view, heap[buffer + 1], end, heap[buffer + 2], heap[buffer + 3], typeId, parent, field);
      heap[buffer] = c0;
      heap[buffer + 1] = c1;
      heap[buffer + 2] = c2;
      heap[buffer + 3] = c3;
      // (Stored at the end, not pushed: a compiled push onto a list that holds no object yet expects
      // a number, and the module's lists of a new tree start empty.)
      if (parent === root) children[children.length] = made;
      if (named) {
        // (listNode, written out: this runs for every node of a tree.)
        node = made;
        node[ORDER] = firstNumber + all.length;
        node[END] = node[ORDER] + 1;
        all.push(node);
        (bySlot[slotOf(slots, typeId)] ??= []).push(node);
        if (parent === root) statements[statements.length] = node;
      }
    } else if (slots.anonymousFields[parent[TYPE_ID]]) {
      const field = wasm._ts_tree_cursor_current_field_id_wasm(handle);
      if (field !== 0) parent[ANONYMOUS_FIELDS] |= fieldBit(field);
    }
    // Down into a named node (an anonymous one's children, if any, are no named node's
    // children), else on to the next sibling, up as far as needed.
    if (node && wasm._ts_tree_cursor_goto_first_child_wasm(handle) === 1) {
      ancestors.push(parent);
      parent = node;
      continue;
    }
    while (!(more = wasm._ts_tree_cursor_goto_next_sibling_wasm(handle) === 1) && ancestors.length) {
      wasm._ts_tree_cursor_goto_parent_wasm(handle);
      parent[END] = firstNumber + all.length;
      parent = ancestors.pop()!;
    }
  }
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
  const module = moduleOf(node.tree);
  // (Not for the nodes of one of tree-sitter's own trees: tests.)
  if (build ? !module[PLAN] && !module[INDEX] : !module[INDEX]) return undefined;
  const index = indexOf(node.tree);
  const list = index.bySlot[slotOf(index.slots, treeSitterTypeId.call(node) as number)];
  if (!list) return undefined;
  const start = node.startIndex;
  for (let i = firstAtOrAfter(list, start, startOf); i < list.length && list[i].startIndex === start; i++) {
    if (list[i].id === node.id) return list[i];
  }
  return undefined;
}

/** The first position in a sorted list (of nodes in document order, by start or order) whose key
 *  is at or after `value`. */
export function firstAtOrAfter<T>(list: T[], value: number, key: (item: T) => number): number {
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
  return among(namedChildrenOf(owner), child) ?? among(childrenOf(owner), child) ?? child;
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

/** The named children of an indexed node: a named node's, the first time they are asked, from the
 *  index's list of named nodes in document order, where each child's subtree ends where its next
 *  sibling begins (fewer lists than made for each node by the walk: most are never asked); an
 *  anonymous node's, tree-sitter's. */
function namedChildrenOf(node: IndexedNode): IndexedNode[] {
  const known = node._namedChildren;
  if (known) return known;
  if (node[ORDER] < 0) return treeSitterNamedChildren.call(node) as IndexedNode[];
  const end = node[END];
  let next = node[ORDER] + 1;
  if (next === end) return (node._namedChildren = NO_CHILDREN);
  const all = moduleOf(node.tree)[INDEX]?.all;
  // Only the nodes of a module's current index are listed from it: a node of the module before an
  // edit (see parsePython) or of a deleted one, which are not to be read again, has no place there.
  if (all?.[node[ORDER]] !== node) throw new Error('a syntax node of a module that was edited or deleted since was read');
  const children: IndexedNode[] = [];
  while (next < end) {
    const child = all[next];
    children.push(child);
    next = child[END];
  }
  return (node._namedChildren = children);
}

/** All the children of an indexed node, named and anonymous, as index objects: the anonymous ones get
 *  theirs here, the first time. */
function childrenOf(node: IndexedNode): IndexedNode[] {
  if (node._children) return node._children;
  const children = treeSitterChildren.call(node) as IndexedNode[];
  const named = namedChildrenOf(node);
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
  const slots = types.length === 1 ? (index.slots.byName.get(types[0]) ?? []) : [...new Set(types)].flatMap((type) => index.slots.byName.get(type) ?? []);
  if (node[ORDER] < 0 || slots.some((slot) => !index.slots.namedSlots.has(slot))) {
    const wanted = new Set(types);
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
function meterTreeSteps(language: Language): void {
  if (treeStepsMetered) return;
  treeStepsMetered = true;
  const proto = Node.prototype as unknown as Record<string, (...args: unknown[]) => unknown>;
  const defineGetter = (name: string, get: (this: Node) => unknown) => Object.defineProperty(Node.prototype, name, { configurable: true, get });
  // Types and fields by the one language of this thread's parser (Python), not through each node's
  // tree: the analyses ask them of node after node.
  const typeNames = language.types;
  const fieldIds = new Map<string, number>();
  language.fields.forEach((name, fieldId) => name !== null && fieldIds.set(name, fieldId));
  const treeSitterType = nodeGetter('type');
  defineGetter('type', function () {
    const typeId = (this as IndexedNode)[TYPE_ID];
    return typeId === undefined ? treeSitterType.call(this) : typeNames[typeId] || 'ERROR';
  });
  const treeSitterParent = nodeGetter('parent');
  defineGetter('parent', function () {
    checkpoint();
    const own = (this as IndexedNode)[PARENT];
    if (own !== undefined) return own;
    const node = indexed(this);
    if (node) return node[PARENT];
    // An anonymous node that has no index object yet: tree-sitter's parent, then its index object.
    // tree-sitter finds a parent from its tree's root, at the start of the tree's own text: the node
    // is asked there, and the parent found moved back to where its part of the module's text lies.
    const place = (realTree(this.tree) as { [PLACE]?: Place })[PLACE];
    const asked = place ? movedNode(this, -place.bytes, -place.rows) : this;
    const parent = treeSitterParent.call(asked) as Node | null;
    if (parent && place) movedNode(parent, place.bytes, place.rows, parent);
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
  const namedChildCount = nodeGetter('namedChildCount');
  defineGetter('namedChildCount', function () {
    const node = indexed(this, false);
    return node && node[ORDER] >= 0 ? namedChildrenOf(node).length : namedChildCount.call(this);
  });
  defineGetter('namedChildren', function () {
    const node = indexed(this, false);
    const value = node ? namedChildrenOf(node) : treeSitterNamedChildren.call(this);
    checkpoint(value.length + 1);
    return value;
  });
  // A named node's end is the index's; a text is a slice of the source.
  defineGetter('endIndex', function () {
    return (this as NamedNode)[END_INDEX] ?? treeSitterEndIndex.call(this);
  });
  const text = nodeGetter('text');
  defineGetter('text', function () {
    const tree = this.tree as { [SOURCE]?: string; [COPIED_TEXTS]?: boolean; [PART_TEXT]?: PartText };
    const source = tree[SOURCE];
    let value: string;
    if (source !== undefined) value = tree[COPIED_TEXTS] ? detached(source.slice(this.startIndex, this.endIndex)) : source.slice(this.startIndex, this.endIndex);
    else {
      const part = tree[PART_TEXT];
      value = part ? part.text.slice(this.startIndex - part.start, this.endIndex - part.start) : (text.call(this) as string);
    }
    checkpoint(value.length + 1);
    return value;
  });
  const nextNamedSibling = nodeGetter('nextNamedSibling');
  defineGetter('nextNamedSibling', function () {
    checkpoint();
    // A named node's from its parent's list: a statement's may come from another of the module's trees.
    const own = this as IndexedNode;
    if (own[ORDER] >= 0 && own[PARENT]) {
      const siblings = namedChildrenOf(own[PARENT]);
      return siblings[firstAtOrAfter(siblings, own[ORDER] + 1, orderOf)] ?? null;
    }
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
      const children = namedChildrenOf(node);
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
    const fieldId = fieldIds.get(name as string);
    return fieldId === undefined ? null : fieldChild(this, fieldId);
  };
  const childrenForFieldId = proto.childrenForFieldId;
  proto.childrenForFieldId = function (this: Node, fieldId: unknown) {
    checkpoint();
    const node = indexed(this, false);
    if (knowsField(node, fieldId as number)) return namedChildrenOf(node).filter((child) => (child as NamedNode)[FIELD] === fieldId);
    return (childrenForFieldId.call(this, fieldId) as (Node | null)[]).map((child) => indexedChild(this, child));
  };
  const descendantsOfType = proto.descendantsOfType;
  proto.descendantsOfType = function (this: Node, types: unknown, ...rest: unknown[]) {
    const node = rest.length === 0 ? indexed(this, false) : undefined;
    // (As much work as the named nodes under it, which the index counts without asking tree-sitter.)
    checkpoint(node && node[ORDER] >= 0 ? node[END] - node[ORDER] : this.descendantCount);
    return node ? descendantsFromIndex(node, Array.isArray(types) ? types : [types as string]) : descendantsOfType.call(this, types, ...rest);
  };
}

export { Edit, Tree };
