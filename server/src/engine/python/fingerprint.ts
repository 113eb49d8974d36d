// Fingerprints of function bodies, to recognise the same function written twice in two modules
// (MLH502). Comments, the docstring, layout and the parameters' names do not change a fingerprint.
import { createHash } from 'crypto';
import { Node } from './module';

/** Bodies shorter than this many tokens (`return x * 2`) are too small to call copies of each other. */
export const MIN_FINGERPRINT_TOKENS = 12;

export interface FunctionFingerprint {
  name: string;
  /** Zero-based line of the `def`. */
  line: number;
  /** Hash of the normalised body; empty when the body is too small to compare. */
  bodyHash: string;
  /** The body assigns data-frame columns (`df["ratio"] = ...`): it computes features. */
  writesColumns: boolean;
}

function writesColumn(assignment: Node | null): boolean {
  const left = assignment?.childForFieldName('left');
  return left?.type === 'subscript' && left.childForFieldName('subscript')?.type === 'string';
}

function parameterNames(def: Node): string[] {
  const params = def.childForFieldName('parameters');
  if (!params) return [];
  return params.namedChildren.flatMap((p) => {
    if (!p) return [];
    if (p.type === 'identifier') return [p.text];
    const name = p.childForFieldName('name') ?? p.namedChildren.find((c) => c?.type === 'identifier');
    return name?.type === 'identifier' ? [name.text] : [];
  });
}

function isDocstring(statement: Node | null | undefined): boolean {
  return statement?.type === 'expression_statement' && statement.namedChildren.length === 1 && statement.namedChildren[0]?.type === 'string';
}

/** The fingerprint of a function definition. */
export function fingerprint(def: Node): FunctionFingerprint {
  const name = def.childForFieldName('name')?.text ?? '';
  const body = def.childForFieldName('body');
  const renamed = new Map(parameterNames(def).map((p, i) => [p, `$${i}`]));
  const tokens: string[] = [];
  const visit = (node: Node) => {
    if (node.type === 'comment') return;
    if (node.childCount === 0 || node.type === 'string') {
      tokens.push(node.type === 'identifier' ? (renamed.get(node.text) ?? node.text) : node.text);
      return;
    }
    for (const child of node.children) if (child) visit(child);
  };
  const statements = body?.namedChildren ?? [];
  statements.forEach((statement, i) => {
    if (statement && !(i === 0 && isDocstring(statement))) visit(statement);
  });
  const bodyHash = tokens.length >= MIN_FINGERPRINT_TOKENS ? createHash('sha1').update(tokens.join(' ')).digest('hex').slice(0, 16) : '';
  const writesColumns = body?.descendantsOfType('assignment').some(writesColumn) ?? false;
  return { name, line: def.startPosition.row, bodyHash, writesColumns };
}
