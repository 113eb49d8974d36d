// Character codes that the readers of Python text compare with `charCodeAt` (parser.ts checks the
// nesting before a parse, fingerprint.ts reads tokens): one list, named as Unicode names them.
export const TAB = 0x09;
export const LINE_FEED = 0x0a;
export const FORM_FEED = 0x0c;
export const CARRIAGE_RETURN = 0x0d;
export const SPACE = 0x20;
export const QUOTE = 0x22;
export const HASH = 0x23;
export const APOSTROPHE = 0x27;
export const DOT = 0x2e;
export const BACKSLASH = 0x5c;
export const OPEN_BRACE = 0x7b;
export const CLOSE_BRACE = 0x7d;

/** By ASCII code, whether a character can change how the text after it is read as code: a line
 *  break, a comment, a string's quote, a backslash, a bracket. The readers that scan every character
 *  of a text (statementStarts.ts, nesting.ts) pass over the others at once. */
const SYNTAX_MARKS = new Uint8Array(128);
for (const c of '\n\r#"\'\\()[]{}') SYNTAX_MARKS[c.charCodeAt(0)] = 1;

/** Whether a character can change how the text after it is read as code (see SYNTAX_MARKS). */
export function isSyntaxMark(c: number): boolean {
  return c < 128 && SYNTAX_MARKS[c] === 1;
}
