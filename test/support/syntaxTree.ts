import type { Node } from 'web-tree-sitter';

/** Every named node of a tree from `root`, in document order, as the named children lists lead to
 *  them. */
export function namedNodes(root: Node): Node[] {
  const out: Node[] = [];
  const pending = [root];
  while (pending.length) {
    const node = pending.pop()!;
    out.push(node);
    const children = node.namedChildren;
    for (let i = children.length - 1; i >= 0; i--) pending.push(children[i]!);
  }
  return out;
}
