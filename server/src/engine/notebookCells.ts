// Questions notebook rules ask about cells: where a cell-level finding is shown, what a cell holds.
import { NotebookCell } from './notebook';
import { Range, rangeOf } from './types';

/** The first line of a cell's source: where a finding about the whole cell is shown. */
export function firstLineRange(cell: NotebookCell): Range {
  const first = cell.source.split(/\r?\n/)[0] ?? '';
  return rangeOf(0, 0, 0, first.length);
}

/** Lines of a cell that hold something (blank lines not counted). */
export function contentLines(cell: NotebookCell): string[] {
  return cell.source.split(/\r?\n/).filter((line) => line.trim() !== '');
}

/** A code cell with at least one line of Python: comment, shell (`!pip install ...`) and magic
 *  (`%matplotlib inline`) lines do not count. */
export function hasCode(cell: NotebookCell): boolean {
  return cell.kind === 'code' && contentLines(cell).some((line) => !/^\s*[#!%]/.test(line));
}
