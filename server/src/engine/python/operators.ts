// The operator of an expression, read from the module's text between its operands: an operator is no
// named node, so the tree index does not hold it, and asking tree-sitter for it crosses into wasm
// for every comparison and binary operator of a module.
import { Node, PythonModule } from './module';

/** What may stand between two operands: an operator and spaces, nothing else (a comment, a line
 *  continuation or the remains of a syntax error are for the tree to tell). */
const ONLY_AN_OPERATOR = /^\s*([-+*/%@<>=!|&^~]{1,3}|in|is|not\s+in|is\s+not)\s*$/;

/** The operator written between two neighbouring children of an expression (`==` in `a == b`,
 *  `not in` with its spaces as written); undefined when anything else is between them. */
export function operatorBetween(module: PythonModule, before: Node, after: Node): string | undefined {
  if (after.type === 'comment' || after.type === 'line_continuation') return undefined;
  return ONLY_AN_OPERATOR.exec(module.text.slice(before.endIndex, after.startIndex))?.[1];
}

/** The type of a binary operator's operator (`-`, `**`). */
export function binaryOperatorType(module: PythonModule, node: Node): string | undefined {
  const left = node.childForFieldName('left');
  const right = node.childForFieldName('right');
  return (left && right && operatorBetween(module, left, right)) || (node.childForFieldName('operator')?.type ?? undefined);
}
