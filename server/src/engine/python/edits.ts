// Editor changes as tree-sitter edits: they say that an open document's parse can be redone from
// the one before, and they move its findings with its text until it is analysed again.
// Offsets and columns are UTF-16 code units, as in the editor's positions and in web-tree-sitter.
import type { Edit, Point } from 'web-tree-sitter';
import { Position, Range } from '../types';

/** One content change as an editor sends it: a replaced range, or (without range) the whole text. */
export interface TextChange {
  range?: Range;
  text: string;
}

/** Where lines start: they end at \n, \r\n or a lone \r, for the editor (as LSP says) and for the
 *  parser alike (it is given each lone \r as \n, see withUnixLineEnds). */
function lineStarts(text: string): number[] {
  const starts = [0];
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 13 && text.charCodeAt(i + 1) === 10) i++;
    if (c === 10 || c === 13) starts.push(i + 1);
  }
  return starts;
}

/** Offsets and positions of a text as an editor has them (an LSP text document does): a position's
 *  character beyond its line's end means the line's end. */
export interface EditorLines {
  offsetAt(position: Position): number;
  positionAt(offset: number): Position;
}

/** A text's EditorLines, from its line starts (for a text no editor document holds). */
function editorLines(text: string): EditorLines {
  const starts = lineStarts(text);
  return {
    offsetAt(position) {
      if (position.line < 0) return 0;
      if (position.line >= starts.length) return text.length;
      const start = starts[position.line];
      const next = starts[position.line + 1];
      let end = next === undefined ? text.length : next - 1;
      if (end > start && text.charCodeAt(end - 1) === 13 && text.charCodeAt(end) === 10) end--; // before the \r of a \r\n
      return Math.min(start + Math.max(0, position.character), end);
    },
    positionAt(offset) {
      let lo = 0;
      let hi = starts.length - 1;
      while (lo < hi) {
        const mid = (lo + hi + 1) >> 1;
        if (starts[mid] <= offset) lo = mid;
        else hi = mid - 1;
      }
      return { line: lo, character: offset - starts[lo] };
    },
  };
}

/** Where a text ends when it is inserted at `start`. */
function endAfterInsert(start: Point, inserted: string): Point {
  const starts = lineStarts(inserted);
  const rows = starts.length - 1;
  if (rows === 0) return { row: start.row, column: start.column + inserted.length };
  return { row: start.row + rows, column: inserted.length - starts[rows] };
}

function pointAt(lines: EditorLines, offset: number): Point {
  const { line, character } = lines.positionAt(offset);
  return { row: line, column: character };
}

/** The tree-sitter edit that describes one change to a text of `length` characters, whose lines
 *  are `lines` (an open document's, before the change). */
export function editOf(lines: EditorLines, length: number, change: TextChange): Edit {
  const startIndex = change.range ? lines.offsetAt(change.range.start) : 0;
  const oldEndIndex = change.range ? Math.max(startIndex, lines.offsetAt(change.range.end)) : length;
  const startPosition = pointAt(lines, startIndex);
  return {
    startIndex,
    oldEndIndex,
    newEndIndex: startIndex + change.text.length,
    startPosition,
    oldEndPosition: pointAt(lines, oldEndIndex),
    newEndPosition: endAfterInsert(startPosition, change.text),
  };
}

/** Applies one change to `oldText`: the new text and the tree-sitter edit that describes it. */
export function applyChange(oldText: string, change: TextChange): { text: string; edit: Edit } {
  const edit = editOf(editorLines(oldText), oldText.length, change);
  return { text: oldText.slice(0, edit.startIndex) + change.text + oldText.slice(edit.oldEndIndex), edit };
}

/** Applies changes in order (each one is relative to the text the previous ones left). */
export function applyChanges(oldText: string, changes: readonly TextChange[]): { text: string; edits: Edit[] } {
  const edits: Edit[] = [];
  let text = oldText;
  for (const change of changes) {
    const applied = applyChange(text, change);
    text = applied.text;
    edits.push(applied.edit);
  }
  return { text, edits };
}

/** Where a range of a text lies after `edits` (in order) changed that text: it moves with the text
 *  around it, and a part inside replaced text shrinks to where the new text ends. Text inserted
 *  where the range starts goes before it; where it ends, after it. */
export function shiftRange(range: Range, edits: readonly Edit[]): Range {
  let { start, end } = range;
  for (const edit of edits) {
    start = shiftPosition(start, edit, false);
    end = shiftPosition(end, edit, true);
  }
  return { start, end };
}

function shiftPosition(position: Position, edit: Edit, isEnd: boolean): Position {
  const { line, character } = position;
  const { startPosition: start, oldEndPosition: oldEnd, newEndPosition: newEnd } = edit;
  const beforeStart = line < start.row || (line === start.row && character < start.column);
  const atStart = line === start.row && character === start.column;
  if (beforeStart || (atStart && isEnd)) return position;
  const beforeOldEnd = line < oldEnd.row || (line === oldEnd.row && character < oldEnd.column);
  if (beforeOldEnd) return { line: newEnd.row, character: newEnd.column };
  if (line > oldEnd.row) return { line: line + newEnd.row - oldEnd.row, character };
  return { line: newEnd.row, character: newEnd.column + character - oldEnd.column };
}
