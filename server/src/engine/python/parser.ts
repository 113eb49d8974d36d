import * as fs from 'fs';
import * as path from 'path';
import { Edit, Language, Node, Parser, Query, Tree } from 'web-tree-sitter';
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

/** Drops a tree's index: call before tree.edit(), which moves its nodes. */
export function forgetIndex(tree: Tree): void {
  indexByTree.delete(tree);
}

/** Every named node of a type in the tree, the root included, in document order. */
export function nodesOfType(tree: Tree, type: string): Node[] {
  const index = indexOf(tree);
  return index.byType.get(type) ?? nodesOfOtherType(tree, index, type);
}

// tree-sitter finds a node's parent by descending from the root through every sibling on the way,
// so `node.parent` costs the width and depth of the tree (a walk up from each argument of a call
// with thousands of arguments is quadratic), and each descendantsOfType is a walk of the whole
// tree. So each tree is indexed once, the first time either is asked for: every node's parent, and
// the named nodes by type. Each crossing into tree-sitter's wasm costs more than the work it does,
// so the index asks for whole lists at once: each node's children in one call, and every node of
// the types the analyses ask for in one query. The query's nodes are replaced by the same node
// objects the parents hold, so that a node found by type and the same node reached by walking up or
// down are one object.
interface TreeIndex {
  parents: Map<number, Node>;
  byType: Map<string, Node[]>;
  nodesById: Map<number, Node>;
  /** Per set of node types, the nearest strict ancestor of those types of each node asked so far. */
  nearest: Map<ReadonlySet<string>, Map<number, Node | null>>;
}

/** The node types the analyses and rules ask for by type (PythonModule.nodes), collected by one
 *  query. Other types are found on demand (each one a walk of the tree). */
const INDEXED_TYPES = [
  'as_pattern_target', 'assert_statement', 'assignment', 'attribute', 'augmented_assignment', 'binary_operator',
  'call', 'class_definition', 'comment', 'comparison_operator', 'default_parameter', 'for_in_clause',
  'for_statement', 'function_definition', 'global_statement', 'identifier', 'if_statement', 'import_from_statement',
  'import_statement', 'keyword_argument', 'lambda_parameters', 'list', 'named_expression', 'nonlocal_statement',
  'pair', 'parameters', 'string', 'string_content', 'try_statement', 'tuple', 'typed_default_parameter',
  'with_statement',
];

let typesQuery: Query | undefined;

const indexByTree = new WeakMap<Tree, TreeIndex>();

/** Deeper than this, a tree's types are read node by node: tree-sitter's query cursor keeps work in
 *  progress for every level it is inside, so on a very deep tree (`x + x + ... + x` on one line is
 *  a left-nested chain of tens of thousands of operators) one query costs far more than the walk. */
const QUERY_DEPTH_LIMIT = 1000;

function indexOf(tree: Tree): TreeIndex {
  let index = indexByTree.get(tree);
  if (index) return index;
  const root = tree.rootNode;
  index = { parents: new Map(), byType: new Map(), nodesById: new Map([[root.id, root]]), nearest: new Map() };
  // Pre-order, children pushed last to first: `order` is document order.
  const order: Node[] = [];
  const pending: [Node, number][] = [[root, 0]];
  let depth = 0;
  while (pending.length) {
    checkpoint();
    const [node, level] = pending.pop()!;
    order.push(node);
    depth = Math.max(depth, level);
    const children = node.children;
    for (let i = children.length - 1; i >= 0; i--) {
      const child = children[i];
      if (!child) continue;
      index.parents.set(child.id, node);
      index.nodesById.set(child.id, child);
      pending.push([child, level + 1]);
    }
  }
  for (const type of INDEXED_TYPES) index.byType.set(type, []);
  if (depth <= QUERY_DEPTH_LIMIT) {
    typesQuery ??= new Query(tree.language, INDEXED_TYPES.map((type) => `(${type}) @${type}`).join(' '));
    for (const { name, node } of typesQuery.captures(root, { progressCallback: pastDeadline })) {
      index.byType.get(name)!.push(index.nodesById.get(node.id) ?? node);
    }
    if (pastDeadline()) throw new BudgetExceeded();
  } else {
    for (const node of order) {
      checkpoint();
      if (node.isNamed) index.byType.get(node.type)?.push(node);
    }
  }
  indexByTree.set(tree, index);
  return index;
}

/** Named nodes of a type that the query does not collect, found by a walk and kept in the index. */
function nodesOfOtherType(tree: Tree, index: TreeIndex, type: string): Node[] {
  const found = tree.rootNode.descendantsOfType(type).flatMap((node) => (node?.isNamed ? [index.nodesById.get(node.id) ?? node] : []));
  index.byType.set(type, found);
  return found;
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

let treeStepsMetered = false;

/** Makes every step through a syntax tree count as work (budget.ts checkpoint): the deadline holds
 *  whichever analysis or rule walks the tree, and tests can check that the work grows linearly with
 *  the input. A step costs what tree-sitter does for it: a node for a child or the parent, the
 *  children it lists, the characters of a text it copies, the subtree a search walks. `parent`
 *  reads the tree's index (see indexOf). */
function meterTreeSteps(): void {
  if (treeStepsMetered) return;
  treeStepsMetered = true;
  const proto = Node.prototype as unknown as Record<string, (...args: unknown[]) => unknown>;
  const getterOf = (name: string) => Object.getOwnPropertyDescriptor(Node.prototype, name)!.get!;
  const defineGetter = (name: string, get: (this: Node) => unknown) => Object.defineProperty(Node.prototype, name, { configurable: true, get });
  const treeSitterParent = getterOf('parent');
  defineGetter('parent', function () {
    checkpoint();
    return indexOf(this.tree).parents.get(this.id) ?? treeSitterParent.call(this);
  });
  for (const name of ['children', 'namedChildren', 'text']) {
    const get = getterOf(name);
    defineGetter(name, function () {
      const value = get.call(this) as { length: number };
      checkpoint(value.length + 1);
      return value;
    });
  }
  const nextNamedSibling = getterOf('nextNamedSibling');
  defineGetter('nextNamedSibling', function () {
    checkpoint();
    return nextNamedSibling.call(this);
  });
  for (const name of ['child', 'childForFieldName', 'childrenForFieldName']) {
    const method = proto[name];
    proto[name] = function (this: Node, ...args: unknown[]) {
      checkpoint();
      return method.apply(this, args);
    };
  }
  const descendantsOfType = proto.descendantsOfType;
  proto.descendantsOfType = function (this: Node, ...args: unknown[]) {
    checkpoint(this.descendantCount);
    return descendantsOfType.apply(this, args);
  };
}

export { Edit, Tree };
