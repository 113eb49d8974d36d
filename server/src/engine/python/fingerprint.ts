// Fingerprints of function bodies, to recognise the same function written twice in two modules
// (MLH502). Comments, the docstring, layout and the parameters' names do not change a fingerprint.
import { createHash } from 'crypto';
import { checkpoint } from '../budget';
import { BACKSLASH, CARRIAGE_RETURN, CLOSE_BRACE, DOT, FORM_FEED, HASH, LINE_FEED, OPEN_BRACE, SPACE, TAB } from './charCodes';
import { Node } from './module';
import { parameterNames } from './structure';

/** Bodies shorter than this many tokens (`return x * 2`) are too small to call copies of each other. */
export const MIN_FINGERPRINT_TOKENS = 12;

export interface FunctionFingerprint {
  name: string;
  /** Zero-based line of the `def`. */
  line: number;
  /** Hash of the normalised body; empty when the body is too small to compare, or is not hashed
   *  (see fingerprint). */
  bodyHash: string;
  /** The body assigns data-frame columns (`df["ratio"] = ...`): it computes features. */
  writesColumns: boolean;
}

/** Names of functions that compute model inputs: a copy under the same name is a copy of feature logic. */
export const FEATURE_FUNCTION = /feature|preprocess|transform|clean|normali[sz]e|encode|tokeni[sz]e|scale|prepare|featuri[sz]e|extract|impute|vectori[sz]e|bucket|bin_|_input/i;

/** Whether a function computes model inputs: by its name, or as its body writes data-frame columns. */
export function computesFeatures(fingerprint: Pick<FunctionFingerprint, 'name' | 'writesColumns'>): boolean {
  return FEATURE_FUNCTION.test(fingerprint.name) || fingerprint.writesColumns;
}

function writesColumn(assignment: Node | null): boolean {
  const left = assignment?.childForFieldName('left');
  return left?.type === 'subscript' && left.childForFieldName('subscript')?.type === 'string';
}

function isDocstring(statement: Node | null | undefined): boolean {
  return statement?.type === 'expression_statement' && statement.namedChildren.length === 1 && statement.namedChildren[0]?.type === 'string';
}

/** A fingerprint without its line; `bodyHash` undefined until the body is hashed. */
interface KnownFunction {
  name: string;
  writesColumns: boolean;
  bodyHash?: string;
}

// A fingerprint follows from the function's text alone, and a module open in an editor has its facts
// taken at every keystroke: the functions the keystroke did not touch are not read again.
const byText = new Map<string, KnownFunction>();
const MAX_REMEMBERED = 4096;

/** The fingerprint of a function definition. Its body is hashed only where MLH502 compares bodies:
 *  a function that computes features (a serving copy of it is reported) or any function of a module
 *  that trains a model (`inTraining`: the copy a serving function may be of). In a big library few
 *  functions are either (keras: 251 of 5,347), and the hash was most of a fingerprint's cost. */
export function fingerprint(def: Node, inTraining: boolean): FunctionFingerprint {
  const text = def.text;
  let known = byText.get(text);
  if (!known) {
    if (byText.size >= MAX_REMEMBERED) byText.clear();
    known = { name: def.childForFieldName('name')?.text ?? '', writesColumns: writesColumns(def) };
    byText.set(text, known);
  }
  if (known.bodyHash === undefined && (inTraining || computesFeatures(known))) known.bodyHash = bodyHash(def, text);
  return { name: known.name, line: def.startPosition.row, bodyHash: known.bodyHash ?? '', writesColumns: known.writesColumns };
}

function writesColumns(def: Node): boolean {
  return def.childForFieldName('body')?.descendantsOfType('assignment').some(writesColumn) ?? false;
}

function bodyHash(def: Node, text: string): string {
  const tokens = bodyTokens(def, text);
  return tokens.length >= MIN_FINGERPRINT_TOKENS ? createHash('sha1').update(tokens.join(' ')).digest('hex').slice(0, 16) : '';
}

/** The tokens of a function's body as its syntax tree has them (its leaves), docstring and comments
 *  left out, each string whole, parameters renamed `$0`, `$1` ...: the statements come from the tree,
 *  their tokens from their text (`text` is the function's), which costs a fraction of a walk of the
 *  tree's leaves through tree-sitter. */
export function bodyTokens(def: Node, text: string = def.text): string[] {
  const renamed = new Map(parameterNames(def).map((p, i) => [p, `$${i}`]));
  const tokens: string[] = [];
  const statements = def.childForFieldName('body')?.namedChildren ?? [];
  const offset = def.startIndex;
  statements.forEach((statement, i) => {
    // A block lists its comments among its statements; a `;` between two statements is the block's.
    if (!statement || statement.type === 'comment' || (i === 0 && isDocstring(statement))) return;
    pushTokens(text, statement.startIndex - offset, statement.endIndex - offset, renamed, tokens);
  });
  return tokens;
}

// The tokens are read as tree-sitter's Python grammar reads them: its lexer (grammar.json of
// tree-sitter-python) and its external scanner (src/scanner.c), which reads strings, indentation and
// what a line continuation before a string is.

/** Operators of three and two characters (the longest that matches is one token). */
const OPERATORS = new Set(['**=', '//=', '>>=', '<<=', '->', '+=', '-=', '*=', '/=', '@=', '%=', '&=', '^=', '|=', ':=', '**', '//', '<<', '>>', '<=', '>=', '==', '!=', '<>']);

/** An integer or a float (tree-sitter-python's `integer` and `float`). */
const NUMBER =
  /0[xX]_?[0-9A-Fa-f]+(?:_[0-9A-Fa-f]+)*[Ll]?|0[oO]_?[0-7]+(?:_[0-7]+)*[Ll]?|0[bB]_?[01]+(?:_[01]+)*[Ll]?|(?:[0-9]+(?:_[0-9]+)*_?\.(?:[0-9]+(?:_[0-9]+)*_?)?|\.[0-9]+(?:_[0-9]+)*_?)(?:[eE][+-]?[0-9]+(?:_[0-9]+)*_?)?[LljJ]?|[0-9]+(?:_[0-9]+)*_?(?:[eE][+-]?[0-9]+(?:_[0-9]+)*_?)?[LljJ]?/y;
const IDENTIFIER_START = /[_\p{ID_Start}]/u;
const IDENTIFIER_PART = /[_\p{ID_Continue}]/u;
const OTHER_SPACE = /[\s\u2060\u200B]/;

function isDigit(code: number): boolean {
  return code >= 0x30 && code <= 0x39;
}

function isAsciiLetter(code: number): boolean {
  return (code >= 0x61 && code <= 0x7a) || (code >= 0x41 && code <= 0x5a);
}

/** An ASCII letter, digit or underscore. */
function isIdentifierPart(code: number): boolean {
  return isAsciiLetter(code) || isDigit(code) || code === 0x5f;
}

function isQuote(code: number): boolean {
  return code === 0x22 || code === 0x27 || code === 0x60;
}

/** The letters a string's prefix is made of (`rb`, `f`, `U`...). */
function isPrefixLetter(code: number): boolean {
  return 'fFtTrRbBuU'.includes(String.fromCharCode(code));
}

function isSpace(code: number): boolean {
  if (code === SPACE || code === TAB || code === LINE_FEED || code === CARRIAGE_RETURN || code === FORM_FEED) return true;
  return code > 0x7f && OTHER_SPACE.test(String.fromCharCode(code));
}

/** The end of the identifier (or keyword) that starts at `i`, or `i` when none starts there. */
function identifierEnd(text: string, i: number, to: number): number {
  let j = i;
  while (j < to) {
    const code = text.charCodeAt(j);
    if (isAsciiLetter(code) || code === 0x5f || (j > i && isDigit(code))) {
      j++;
      continue;
    }
    if (code < 0x80) break;
    const point = text.codePointAt(j)!;
    const char = String.fromCodePoint(point);
    if (!(j > i ? IDENTIFIER_PART : IDENTIFIER_START).test(char)) break;
    j += char.length;
  }
  return j;
}

/** Whether a string starts at `i`: a quote, or prefix letters and a quote. */
function stringStartsAt(text: string, i: number, to: number): boolean {
  let j = i;
  while (j < to && isPrefixLetter(text.charCodeAt(j))) j++;
  return j < to && isQuote(text.charCodeAt(j));
}

/** Whether the line continuation (`\` and a line break) at `i` is no token: tree-sitter's scanner
 *  steps over it as over a space when a string follows, as in `"abc" \` + `"def"`. */
function continuesToString(text: string, i: number): boolean {
  let j = i;
  for (;;) {
    const code = text.charCodeAt(j);
    if (code === SPACE || code === TAB || code === CARRIAGE_RETURN || code === FORM_FEED) j++;
    else if (code === BACKSLASH && text.charCodeAt(j + (text.charCodeAt(j + 1) === CARRIAGE_RETURN ? 2 : 1)) === LINE_FEED)
      j += text.charCodeAt(j + 1) === CARRIAGE_RETURN ? 3 : 2;
    else return stringStartsAt(text, j, text.length);
  }
}

/** Pushes the tokens of text[from, to): comments left out, strings whole, renamed identifiers. */
function pushTokens(text: string, from: number, to: number, renamed: ReadonlyMap<string, string>, tokens: string[]): void {
  checkpoint(to - from);
  /** After `from` (an import's), dots are each a token: `from ...pkg import x`. */
  let importDots = false;
  let i = from;
  while (i < to) {
    const code = text.charCodeAt(i);
    if (isSpace(code)) {
      i++;
      continue;
    }
    const start = i;
    if (code === HASH) {
      const end = text.indexOf('\n', i);
      i = end < 0 || end > to ? to : end;
      continue;
    }
    if (code === BACKSLASH) {
      const lineBreak = text.charCodeAt(i + 1) === CARRIAGE_RETURN && text.charCodeAt(i + 2) === LINE_FEED ? 3 : text.charCodeAt(i + 1) === LINE_FEED ? 2 : 0;
      i += lineBreak || 1;
      if (!(lineBreak && continuesToString(text, i))) tokens.push(text.slice(start, i));
      continue;
    }
    if (isQuote(code)) {
      i = stringEnd(text, i, to);
      tokens.push(text.slice(start, i));
      importDots = false;
      continue;
    }
    if (isDigit(code) || (code === DOT && !importDots && isDigit(text.charCodeAt(i + 1)))) {
      NUMBER.lastIndex = i;
      NUMBER.test(text);
      i = Math.min(NUMBER.lastIndex, to);
      tokens.push(text.slice(start, i));
      importDots = false;
      continue;
    }
    const wordEnd = identifierEnd(text, i, to);
    if (wordEnd > i) {
      if (isQuote(text.charCodeAt(wordEnd)) && stringStartsAt(text, i, wordEnd + 1)) {
        i = stringEnd(text, i, to);
        tokens.push(text.slice(start, i));
        importDots = false;
        continue;
      }
      const word = text.slice(i, wordEnd);
      tokens.push(renamed.get(word) ?? word);
      importDots = word === 'from';
      i = wordEnd;
      continue;
    }
    if (code === DOT) {
      i += !importDots && text.startsWith('...', i) ? 3 : 1;
    } else if (i + 3 <= to && OPERATORS.has(text.slice(i, i + 3))) {
      i += 3;
    } else if (i + 2 <= to && OPERATORS.has(text.slice(i, i + 2))) {
      i += 2;
    } else {
      i += String.fromCodePoint(text.codePointAt(i)!).length;
    }
    tokens.push(text.slice(start, i));
  }
}

/** What the string scanner is inside of: a string (its quote, whether tripled, raw, formatted), or an
 *  f-string's `{...}` (its brackets open, whether in its format spec after `:`). */
interface StringFrame {
  quote: number;
  triple: boolean;
  raw: boolean;
  format: boolean;
}
interface InterpolationFrame {
  brackets: number;
  formatSpec: boolean;
}

/** The end of what a backslash at `i` escapes in a string: in a raw string the quote or a backslash,
 *  then a line break; else a quote, a backslash or a line break (escape sequences that may hide no
 *  quote, brace or line end are read as the string's characters). */
function escapeEnd(text: string, i: number, string: StringFrame): number {
  const next = text.charCodeAt(++i);
  if (string.raw) {
    if (next === string.quote || next === BACKSLASH) i++;
  } else if (next === 0x22 || next === 0x27 || next === BACKSLASH) return i + 1;
  if (text.charCodeAt(i) === CARRIAGE_RETURN) i++;
  if (text.charCodeAt(i) === LINE_FEED) i++;
  return i;
}

/** The end of the string that starts (with its prefix) at `i`, f-strings' nested strings and
 *  interpolations included; `to` if it does not end before; its opening if it does not end on its
 *  line (a string in quotes, not in triple quotes). A loop with a stack of what it is
 *  inside: strings nest as deep as the text makes them. */
function stringEnd(text: string, i: number, to: number): number {
  const stack: (StringFrame | InterpolationFrame)[] = [];
  const open = (at: number): number => {
    let raw = false;
    let format = false;
    let code = text.charCodeAt(at);
    while (!isQuote(code)) {
      if (code === 0x72 || code === 0x52) raw = true;
      else if (code === 0x66 || code === 0x46 || code === 0x74 || code === 0x54) format = true;
      code = text.charCodeAt(++at);
    }
    const triple = code !== 0x60 && text.charCodeAt(at + 1) === code && text.charCodeAt(at + 2) === code;
    stack.push({ quote: code, triple, raw, format });
    return at + (triple ? 3 : 1);
  };
  const opened = (i = open(i));
  while (i < to && stack.length) {
    const frame = stack[stack.length - 1];
    const code = text.charCodeAt(i);
    if ('quote' in frame) {
      if (frame.format && code === OPEN_BRACE) {
        if (text.charCodeAt(i + 1) === OPEN_BRACE) i += 2;
        else {
          stack.push({ brackets: 0, formatSpec: false });
          i++;
        }
      } else if (code === BACKSLASH) {
        i = escapeEnd(text, i, frame);
      } else if (code === frame.quote) {
        if (!frame.triple) {
          stack.pop();
          i++;
        } else if (text.charCodeAt(i + 1) === code && text.charCodeAt(i + 2) === code) {
          stack.pop();
          i += 3;
        } else i++;
      } else if (code === LINE_FEED && !frame.triple) {
        // An unclosed string ends with its line; unclosed at the outside, only its quote is a token
        // and what follows it on the line is read as code.
        if (stack.length === 1) break;
        stack.pop();
      } else i++;
    } else if (frame.formatSpec) {
      if (code === OPEN_BRACE) stack.push({ brackets: 0, formatSpec: false });
      else if (code === CLOSE_BRACE) stack.pop();
      i++;
    } else if (code === CLOSE_BRACE && frame.brackets === 0) {
      stack.pop();
      i++;
    } else if (code === 0x3a && frame.brackets === 0) {
      frame.formatSpec = true;
      i++;
    } else if (isQuote(code)) {
      i = open(i);
    } else if (isAsciiLetter(code) && !isIdentifierPart(text.charCodeAt(i - 1)) && stringStartsAt(text, i, to)) {
      i = open(i);
    } else {
      if (code === 0x28 || code === 0x5b || code === OPEN_BRACE) frame.brackets++;
      else if ((code === 0x29 || code === 0x5d || code === CLOSE_BRACE) && frame.brackets > 0) frame.brackets--;
      i++;
    }
  }
  if (stack.length && !(stack[0] as StringFrame).triple) return opened;
  return Math.min(i, to);
}
