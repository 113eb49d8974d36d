// Literal values in the syntax tree, as rules read them. Nothing is evaluated: only what is written.
import { Node } from './module';

/** `True` written literally. */
export function isTrueLiteral(node: Node | undefined | null): boolean {
  return node?.type === 'true';
}

/** `False`, `0` or `None` written literally (a condition that is never true). */
export function isFalseLiteral(node: Node | undefined | null): boolean {
  while (node?.type === 'parenthesized_expression') node = node.namedChildren[0];
  if (!node) return false;
  return node.type === 'false' || node.type === 'none' || (node.type === 'integer' && Number(node.text.replace(/_/g, '')) === 0);
}

/** The value of an int or float literal (a leading minus included); undefined for anything else. */
export function numberValue(node: Node | undefined | null): number | undefined {
  if (!node) return undefined;
  if (node.type === 'unary_operator' && node.child(0)?.type === '-') {
    const inner = numberValue(node.childForFieldName('argument'));
    return inner === undefined ? undefined : -inner;
  }
  if (node.type !== 'integer' && node.type !== 'float') return undefined;
  const value = Number(node.text.replace(/_/g, ''));
  return Number.isFinite(value) ? value : undefined;
}

/** A number, or a tuple / list of numbers (`hidden_layer_sizes=(128, 64)`). */
export function isNumericLiteral(node: Node | undefined | null): boolean {
  if (!node) return false;
  if (numberValue(node) !== undefined) return true;
  if (node.type === 'tuple' || node.type === 'list') {
    const items = node.namedChildren.filter((c): c is Node => c !== null && c.type !== 'comment');
    return items.length > 0 && items.every((c) => numberValue(c) !== undefined);
  }
  return false;
}
