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

/** Loads tree-sitter and the Python grammar once per thread. */
export function loadPythonParser(): Promise<Parser> {
  ready ??= (async () => {
    const runtimeWasm = wasmPath('tree-sitter.wasm', 'web-tree-sitter/tree-sitter.wasm');
    await Parser.init({ locateFile: () => runtimeWasm });
    const language = await Language.load(wasmPath('tree-sitter-python.wasm', 'tree-sitter-python/tree-sitter-python.wasm'));
    const parser = new Parser();
    parser.setLanguage(language);
    indexParents();
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

/** Drops a tree's index: call before tree.edit(), which moves its nodes. */
export function forgetIndex(tree: Tree): void {
  indexByTree.delete(tree);
}

/** Every named node of a type in the tree, the root included, in document order. */
export function nodesOfType(tree: Tree, type: string): Node[] {
  return indexOf(tree).byType.get(type) ?? [];
}

// tree-sitter finds a node's parent by descending from the root through every sibling on the way,
// so `node.parent` costs the width and depth of the tree (a walk up from each argument of a call
// with thousands of arguments is quadratic), and each descendantsOfType is a walk of the whole
// tree. One walk per tree, the first time either is asked for, records every node's parent and the
// named nodes by type; `parent` reads it (rules and the shared analysis walk up from nodes everywhere).
interface TreeIndex {
  parents: Map<number, Node>;
  byType: Map<string, Node[]>;
}

const indexByTree = new WeakMap<Tree, TreeIndex>();

function indexOf(tree: Tree): TreeIndex {
  let index = indexByTree.get(tree);
  if (index) return index;
  index = { parents: new Map(), byType: new Map() };
  const cursor = tree.walk();
  const ancestors: Node[] = [];
  let node = cursor.currentNode;
  for (;;) {
    checkpoint();
    if (node.isNamed) {
      const list = index.byType.get(node.type);
      if (list) list.push(node);
      else index.byType.set(node.type, [node]);
    }
    if (cursor.gotoFirstChild()) {
      ancestors.push(node);
    } else {
      while (!cursor.gotoNextSibling()) {
        if (!cursor.gotoParent()) {
          cursor.delete();
          indexByTree.set(tree, index);
          return index;
        }
        ancestors.pop();
      }
    }
    node = cursor.currentNode;
    index.parents.set(node.id, ancestors[ancestors.length - 1]);
  }
}

let parentsIndexed = false;

function indexParents(): void {
  if (parentsIndexed) return;
  parentsIndexed = true;
  const treeSitterParent = Object.getOwnPropertyDescriptor(Node.prototype, 'parent')!.get!;
  Object.defineProperty(Node.prototype, 'parent', {
    configurable: true,
    get(this: Node): Node | null {
      return indexOf(this.tree).parents.get(this.id) ?? treeSitterParent.call(this);
    },
  });
}

export { Edit, Tree };
