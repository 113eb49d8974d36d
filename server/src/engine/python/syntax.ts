import { Node, PythonModule } from './module';

/** The innermost node where a tree that does not parse first goes wrong: down through the first
 *  erroneous child at each level (tree-sitter may wrap a whole module in one ERROR node whose
 *  leading statements are fine). Undefined when the tree parses. */
export function firstSyntaxError(root: Node): Node | undefined {
  if (!root.hasError) return undefined;
  let node = root;
  for (;;) {
    const next = node.children.find((c) => c !== null && (c.hasError || c.isMissing));
    if (!next) return node;
    node = next;
  }
}

// Per module, by name, the attributes that read it.
const attributesCache = new WeakMap<PythonModule, Map<string, Node[]>>();

/** The attributes whose name (after the dot) is `name` (`df.values` for `values`), in document
 *  order. The module's text at each part's start picks the candidates before any field is asked of
 *  the parser: most attributes read other names. */
export function attributesNamed(module: PythonModule, name: string): Node[] {
  let byName = attributesCache.get(module);
  if (!byName) attributesCache.set(module, (byName = new Map()));
  let found = byName.get(name);
  if (!found) {
    const { text } = module;
    found = module
      .nodes('attribute')
      .filter((a) => a.namedChildren.some((part) => part !== null && text.startsWith(name, part.startIndex)) && a.childForFieldName('attribute')?.text === name);
    byName.set(name, found);
  }
  return found;
}
