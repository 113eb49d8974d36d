// Fingerprints of function bodies, to recognise the same function written twice in two modules
// (MLH502). Comments, the docstring, layout and the parameters' names do not change a fingerprint.
import { createHash } from 'crypto';
import { Node } from './module';
import { parameterNames } from './structure';

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

function isDocstring(statement: Node | null | undefined): boolean {
  return statement?.type === 'expression_statement' && statement.namedChildren.length === 1 && statement.namedChildren[0]?.type === 'string';
}

/** The tokens of a statement, comments left out and strings whole, parameters renamed. A cursor walks
 *  the tree: it makes no node object per token. */
function pushTokens(statement: Node, renamed: Map<string, string>, tokens: string[]): void {
  const cursor = statement.walk();
  try {
    for (;;) {
      const type = cursor.nodeType;
      if (type !== 'comment' && type !== 'string' && cursor.gotoFirstChild()) continue;
      if (type !== 'comment') {
        const text = cursor.nodeText;
        tokens.push(type === 'identifier' ? (renamed.get(text) ?? text) : text);
      }
      // The cursor does not go above `statement`, where it started.
      while (!cursor.gotoNextSibling()) if (!cursor.gotoParent()) return;
    }
  } finally {
    cursor.delete();
  }
}

// A fingerprint follows from the function's text alone, and a module open in an editor has its facts
// taken at every keystroke: the functions the keystroke did not touch are not walked again.
const byText = new Map<string, Omit<FunctionFingerprint, 'line'>>();
const MAX_REMEMBERED = 4096;

/** The fingerprint of a function definition. */
export function fingerprint(def: Node): FunctionFingerprint {
  const text = def.text;
  let known = byText.get(text);
  if (!known) {
    if (byText.size >= MAX_REMEMBERED) byText.clear();
    known = fingerprintOf(def);
    byText.set(text, known);
  }
  return { name: known.name, line: def.startPosition.row, bodyHash: known.bodyHash, writesColumns: known.writesColumns };
}

function fingerprintOf(def: Node): Omit<FunctionFingerprint, 'line'> {
  const name = def.childForFieldName('name')?.text ?? '';
  const body = def.childForFieldName('body');
  const renamed = new Map(parameterNames(def).map((p, i) => [p, `$${i}`]));
  const tokens: string[] = [];
  const statements = body?.namedChildren ?? [];
  statements.forEach((statement, i) => {
    if (statement && !(i === 0 && isDocstring(statement))) pushTokens(statement, renamed, tokens);
  });
  const bodyHash = tokens.length >= MIN_FINGERPRINT_TOKENS ? createHash('sha1').update(tokens.join(' ')).digest('hex').slice(0, 16) : '';
  const writesColumns = body?.descendantsOfType('assignment').some(writesColumn) ?? false;
  return { name, bodyHash, writesColumns };
}
