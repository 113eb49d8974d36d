// Where Python source can be cut into pieces that parse apart: the lines that start a top-level
// statement, read from the text alone (strings, comments, brackets and line continuations
// skipped). A statement that follows a complete top-level statement parses the same alone as after
// it, so an edited document is parsed again only from the start of the statement an edit touched to
// the start of the next one it left as it was (parser.ts), and a syntax error stays in its statement.
import { APOSTROPHE, BACKSLASH, CARRIAGE_RETURN, FORM_FEED, HASH, isSyntaxMark, LINE_FEED, QUOTE, SPACE, TAB } from './charCodes';

const AT = 0x40;

/** The keywords that go on a statement begun above them at the same indentation, as words (not
 *  followed by a character of a name: `elsewhere = 1` is a statement of its own). One regular
 *  expression, not a loop over the keywords: what such a loop reads only when a keyword matches would
 *  be read first long after the statement starts were compiled, which would then be compiled again. */
const CONTINUING_KEYWORD = /(?:else|elif|except|finally)(?![0-9A-Za-z_\u0080-\uffff])/y;

/** The starts of the lines after `from` (itself a start) that begin a top-level statement: at column
 *  0, outside brackets (but a definition), strings and line continuations, not a comment, not after
 *  a decorator and not a clause that continues a statement (`else:`). The scan stops at the first start for which
 *  `stopAt` says so (it is listed): the caller knows that the text from there on was read before. */
export function statementStarts(source: string, from = 0, stopAt?: (start: number) => boolean): number[] {
  const starts: number[] = [];
  const length = source.length;
  let depth = 0;
  let continued = false;
  let afterDecorator = false;
  for (let i = from; i < length; i++) {
    // At the start of a line. A blank or comment line changes nothing (a line continued before it
    // is taken as continued after it).
    if (isBlankFrom(source, i)) {
      const end = source.indexOf('\n', i);
      if (end < 0) break;
      i = end;
      continue;
    }
    const first = source.charCodeAt(i);
    // A definition cannot be inside brackets: one at column 0 starts a statement after a bracket
    // left open (as one is while typed), which then spoils only its own statement.
    if (depth > 0 && startsDefinition(source, i)) depth = 0;
    if (depth === 0 && !continued) {
      const atColumn0 = first !== SPACE && first !== TAB && first !== FORM_FEED;
      if (i > from && atColumn0 && !afterDecorator && !continuesStatement(source, i)) {
        starts.push(i);
        if (stopAt?.(i)) return starts;
      }
      afterDecorator = atColumn0 && first === AT;
    }
    // The rest of the line, and of the lines a string spans; then on past the line break.
    continued = false;
    for (; i < length; i++) {
      const c = source.charCodeAt(i);
      if (!isSyntaxMark(c)) continue;
      if (c === LINE_FEED) break;
      switch (c) {
        case HASH: {
          const end = source.indexOf('\n', i);
          i = (end < 0 ? length : end) - 1;
          break;
        }
        case QUOTE:
        case APOSTROPHE:
          i = stringEnd(source, i);
          if (i < 0) return starts;
          break;
        case BACKSLASH: {
          const next = source.charCodeAt(i + 1);
          if (next === LINE_FEED || (next === CARRIAGE_RETURN && source.charCodeAt(i + 2) === LINE_FEED)) continued = true;
          i += next === CARRIAGE_RETURN ? 1 : 0;
          break;
        }
        default: {
          const change = bracketChange(c);
          if (change > 0) depth++;
          else if (change < 0 && depth > 0) depth--;
        }
      }
    }
  }
  return starts;
}

/** How a character changes the depth of brackets: 1 for ( [ {, -1 for ) ] }, else 0. */
export function bracketChange(c: number): number {
  if (c === 40 || c === 91 || c === 123) return 1;
  return c === 41 || c === 93 || c === 125 ? -1 : 0;
}

/** Where a string that opens at `quote` ends: the place of its last character (an unclosed string
 *  ends with its line), or -1 when it runs to the end of the text. */
export function stringEnd(text: string, quote: number): number {
  const c = text.charCodeAt(quote);
  const triple = text.charCodeAt(quote + 1) === c && text.charCodeAt(quote + 2) === c;
  let j = quote + (triple ? 3 : 1);
  for (; j < text.length; j++) {
    const d = text.charCodeAt(j);
    if (d === c && (!triple || (text.charCodeAt(j + 1) === c && text.charCodeAt(j + 2) === c))) break;
    if (!triple && d === LINE_FEED) break;
    // An escaped character is stepped over. (By a step taken on every character: one taken only
    // after a backslash would be first taken long after this loop was compiled, which would then be
    // compiled again.)
    j += d === BACKSLASH ? 1 : 0;
  }
  if (j >= text.length) return -1;
  return text.charCodeAt(j) === c ? j + (triple ? 2 : 0) : j - 1;
}

/** Whether a line holds only spaces (or a comment after them). */
function isBlankFrom(source: string, i: number): boolean {
  for (; i < source.length; i++) {
    const c = source.charCodeAt(i);
    if (c === LINE_FEED || c === CARRIAGE_RETURN || c === HASH) return true;
    if (c !== SPACE && c !== TAB && c !== FORM_FEED) return false;
  }
  return true;
}

/** Whether the line at `i` begins a function or class definition. */
function startsDefinition(source: string, i: number): boolean {
  return DEFINITION_KEYWORDS.some((keyword) => source.startsWith(keyword, i));
}

const DEFINITION_KEYWORDS = ['def ', 'class ', 'async def '];

/** Whether the line at `i` begins with a keyword that continues the statement above (`else:`). */
function continuesStatement(source: string, i: number): boolean {
  CONTINUING_KEYWORD.lastIndex = i;
  return CONTINUING_KEYWORD.test(source);
}
