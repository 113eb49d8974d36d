// Results of one top-level statement each, kept between the analyses of an edited document: a
// re-parse keeps the node objects of the statements an edit did not touch (parser.ts: the same
// text, moved, with the same nodes under them), so what was computed from such a statement alone
// still holds, and a keystroke computes only the statements it changed.
import type { Node } from 'web-tree-sitter';

/** Per top-level statement node, a result computed from that statement alone and from `key`:
 *  whatever else it depends on, as a text (the imports a call's qualified name comes from). A
 *  result kept under another key is not given. A result keeps nodes, or places relative to its
 *  statement, never a place in the module: that changes when the text before it is edited. */
export class StatementMemo<T> {
  private readonly kept = new WeakMap<Node, { key: string; result: T }>();

  get(statement: Node, key: string): T | undefined {
    const found = this.kept.get(statement);
    return found?.key === key ? found.result : undefined;
  }

  /** Keeps a statement's result, once it is complete. */
  set(statement: Node, key: string, result: T): void {
    this.kept.set(statement, { key, result });
  }
}
