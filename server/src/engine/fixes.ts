// Many fixes at once (fix all in a file, in the project): the fixes whose edits do not touch one
// another, in order, as ESLint and ruff apply them; what overlaps waits for the next run.
import { LineIndex } from './text';
import { comparePositions, TextEdit } from './types';

/** The edits of the fixes that can be made together: a fix whose edits overlap one taken before it
 *  is left out whole, never half-applied. */
export function compatibleEdits(fixes: TextEdit[][]): TextEdit[] {
  const taken: TextEdit[] = [];
  const overlaps = (a: TextEdit, b: TextEdit) =>
    comparePositions(a.range.start, b.range.end) < 0 && comparePositions(b.range.start, a.range.end) < 0 ||
    // Two insertions at one point would land in an order nobody chose.
    (comparePositions(a.range.start, b.range.start) === 0 && comparePositions(a.range.end, b.range.end) === 0);
  for (const edits of fixes) {
    if (edits.length === 0 || edits.some((e) => taken.some((t) => overlaps(e, t)))) continue;
    taken.push(...edits);
  }
  return taken.sort((a, b) => comparePositions(a.range.start, b.range.start));
}

/** The text after the edits (which do not overlap), made from the last to the first. */
export function applyEdits(text: string, edits: TextEdit[]): string {
  const lines = new LineIndex(text);
  const sorted = [...edits].sort((a, b) => lines.offsetAt(b.range.start) - lines.offsetAt(a.range.start));
  let out = text;
  for (const edit of sorted) out = out.slice(0, lines.offsetAt(edit.range.start)) + edit.newText + out.slice(lines.offsetAt(edit.range.end));
  return out;
}
