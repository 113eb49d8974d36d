// How deep Python source nests, read from its text before it reaches the parser: CPython refuses
// more than 200 nested brackets ("too many nested parentheses") and 100 levels of indentation;
// tree-sitter's parse stack grows with the nesting and, far beyond that, its wasm memory aborts for
// good (every later parse in the process fails). The check runs before every parse, keystrokes
// included: an edited text is read again only from before the edit to where the reading is as it
// was before.
import { changedSpan } from '../text';
import { APOSTROPHE, CARRIAGE_RETURN, HASH, isSyntaxMark, LINE_FEED, QUOTE, SPACE, TAB } from './charCodes';
import { firstAtOrAfter } from './parser';
import { bracketChange, stringEnd } from './statementStarts';

export const MAX_BRACKET_DEPTH = 200;
export const MAX_INDENT_DEPTH = 100;

/** A text's nesting: why it cannot be Python (undefined when it nests within Python's limits), and
 *  where the reading of it starts over: the lines that begin code at column 0 outside brackets
 *  (there, whatever came before, no bracket is open and no block indented). */
export interface Nesting {
  text: string;
  tooDeep?: string;
  freshLines: number[];
}

/** Why Python source cannot be Python, by its nesting; undefined when it nests within Python's limits. */
export function tooDeepForPython(text: string): string | undefined {
  return nestingOf(text).tooDeep;
}

/** The nesting of a text; with `before`, that of the text before an edit, it is read from the last
 *  fresh line before the edit to the first fresh line after it that was one before. */
export function nestingOf(text: string, before?: Nesting): Nesting {
  if (!before || before.tooDeep !== undefined) return { text, ...readNesting(text, 0, [], never) };
  const old = before.text;
  const { prefix, end: changeEnd, shift } = changedSpan(old, text);
  const oldLines = before.freshLines;
  // The last fresh line before the change (its first character, which makes it one, is unchanged).
  const kept = firstAtOrAfter(oldLines, prefix, atSelf);
  const from = kept > 0 ? oldLines[kept - 1] : 0;
  let rejoined = -1;
  const read = readNesting(text, from, oldLines.slice(0, Math.max(kept - 1, 0)), (line) => {
    if (line < changeEnd) return false;
    const at = firstAtOrAfter(oldLines, line - shift, atSelf);
    if (at === oldLines.length || oldLines[at] !== line - shift) return false;
    rejoined = at;
    return true;
  });
  // From where the reading rejoined the one before, the text and so the reading are as they were.
  if (rejoined >= 0) for (let i = rejoined + 1; i < oldLines.length; i++) read.freshLines.push(oldLines[i] + shift);
  return { text, ...read };
}

const atSelf = (line: number) => line;
/** (One function for every reading of a whole text, not a new one each time: a call to another
 *  function than the one it was compiled for would send readNesting back to the interpreter.) */
const never = () => false;

/** Reads the text's nesting from `from` (a line start where no bracket is open and no block is
 *  indented), pushing the fresh lines found on `freshLines`, until `rejoins` says a fresh line is
 *  where the reading need not go on (it is pushed, and the text after it is not read). */
function readNesting(text: string, from: number, freshLines: number[], rejoins: (line: number) => boolean): Omit<Nesting, 'text'> {
  // (Made before the loop, not where it ends: the code compiled while a long text is read would
  // not have seen it made, and would be thrown away when the loop ends.)
  const read = { freshLines };
  let depth = 0;
  const indents: number[] = [0];
  const length = text.length;
  for (let i = from; i < length; i++) {
    // At the start of a line: its indentation. Blank and comment lines, and lines inside brackets,
    // do not indent a block.
    let width = 0;
    let c = text.charCodeAt(i);
    while (c === SPACE || c === TAB) c = text.charCodeAt(i + ++width);
    if (depth === 0 && i + width < length && c !== LINE_FEED && c !== CARRIAGE_RETURN && c !== HASH) {
      if (width === 0) {
        freshLines.push(i);
        if (rejoins(i)) return read;
      }
      while (width < indents[indents.length - 1]) indents.pop();
      if (width > indents[indents.length - 1]) indents.push(width);
      if (indents.length - 1 > MAX_INDENT_DEPTH) return { tooDeep: `indented more than ${MAX_INDENT_DEPTH} levels deep`, freshLines };
    }
    // The rest of the line, and of the lines a string spans; then on past the line break.
    for (i += width; i < length; i++) {
      c = text.charCodeAt(i);
      if (!isSyntaxMark(c)) continue;
      if (c === LINE_FEED || c === CARRIAGE_RETURN) break;
      switch (c) {
        case HASH: {
          const end = text.indexOf('\n', i);
          if (end < 0) return read;
          i = end - 1;
          break;
        }
        case QUOTE:
        case APOSTROPHE:
          i = stringEnd(text, i);
          if (i < 0) return read;
          break;
        default: {
          const change = bracketChange(c);
          if (change > 0 && ++depth > MAX_BRACKET_DEPTH) return { tooDeep: `brackets nest more than ${MAX_BRACKET_DEPTH} levels deep`, freshLines };
          if (change < 0 && depth > 0) depth--;
        }
      }
    }
  }
  return read;
}
