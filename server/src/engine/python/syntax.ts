import { Node } from './module';

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
