import { Node as JsonNode, ParseError, findNodeAtLocation, getNodeValue, parseTree, printParseErrorCode } from 'jsonc-parser';
import { LineIndex } from './text';
import { Range } from './types';

export interface NotebookCell {
  /** Zero-based index among all cells (what the editor shows, plus one). */
  index: number;
  kind: 'code' | 'markdown' | 'raw' | 'other';
  source: string;
  executionCount: number | null;
  outputCount: number;
  /** The text of the cell's outputs (stream text, text/plain, text/html), for rules that read them. */
  outputText: string;
  /** The names of the errors its outputs show (`SyntaxError`, `KeyError`). */
  errorNames: string[];
  /** The cell's metadata tags (`parameters` marks the cell papermill overrides). */
  tags: string[];
  /** Where the cell object is in the JSON text. */
  range: Range;
  executionCountRange?: Range;
  /** For each line of source, the range of the JSON string that holds it. */
  sourceLineRanges: Range[];
}

export interface Notebook {
  cells: NotebookCell[];
  nbformat?: number;
  /** The kernel's language, lower case (`python`, `r`, `julia`), when the metadata names one. */
  language?: string;
  /** Set when the JSON does not parse or is not an nbformat 4 notebook. */
  problem?: { message: string; range: Range };
}

/** JSON nesting deeper than this is not read: the JSON parser recurses once per level, and no
 *  notebook nests so deep. */
export const MAX_NOTEBOOK_DEPTH = 500;

/** Whether JSON text nests arrays and objects more than `limit` levels deep (a scan that skips strings). */
export function jsonDeeperThan(text: string, limit: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 92) i++; // backslash: skip the escaped character
      else if (c === 34) inString = false;
    } else if (c === 34) inString = true;
    else if (c === 91 || c === 123) {
      if (++depth > limit) return true;
    } else if (c === 93 || c === 125) depth--;
  }
  return false;
}

export function parseNotebook(text: string): Notebook {
  const lines = new LineIndex(text);
  const errors: ParseError[] = [];
  const root = parseTree(text, errors, { allowTrailingComma: false, disallowComments: true });
  if (errors.length > 0 || !root || root.type !== 'object') {
    const first = errors[0];
    const at = first ? lines.rangeOf(first.offset, first.offset + first.length) : lines.rangeOf(0, 0);
    const why = first ? printParseErrorCode(first.error) : 'the top level is not a JSON object';
    return { cells: [], problem: { message: `Notebook JSON does not parse: ${why}`, range: at } };
  }
  const nbformatNode = findNodeAtLocation(root, ['nbformat']);
  // Read only when it is a scalar: Number() of an object throws.
  const nbformat = nbformatNode?.type === 'number' || nbformatNode?.type === 'string' ? Number(nbformatNode.value) : undefined;
  const cellsNode = findNodeAtLocation(root, ['cells']);
  if (nbformat !== 4 || !cellsNode || cellsNode.type !== 'array') {
    const where = nbformatNode ?? root;
    return {
      cells: [],
      nbformat,
      problem: {
        message:
          nbformat !== 4
            ? `Not an nbformat 4 notebook (nbformat is ${nbformat ?? 'missing'})`
            : 'Notebook has no "cells" array',
        range: lines.rangeOf(where.offset, where.offset + (where === root ? 1 : where.length)),
      },
    };
  }
  const cells = (cellsNode.children ?? []).map((cellNode, index) => readCell(cellNode, index, lines));
  const languageNode = findNodeAtLocation(root, ['metadata', 'kernelspec', 'language']) ?? findNodeAtLocation(root, ['metadata', 'language_info', 'name']);
  const language = languageNode?.type === 'string' ? String(languageNode.value).toLowerCase() : undefined;
  return { cells, nbformat, language };
}

function readCell(cellNode: JsonNode, index: number, lines: LineIndex): NotebookCell {
  const field = (name: string) => findNodeAtLocation(cellNode, [name]);
  const type = field('cell_type');
  const typeValue = type?.type === 'string' ? type.value : undefined;
  const kind = typeValue === 'code' || typeValue === 'markdown' || typeValue === 'raw' ? typeValue : 'other';
  const sourceNode = field('source');
  const pieces: JsonNode[] =
    sourceNode?.type === 'array' ? (sourceNode.children ?? []) : sourceNode?.type === 'string' ? [sourceNode] : [];
  let source = '';
  const sourceLineRanges: Range[] = [];
  for (const piece of pieces) {
    if (piece.type !== 'string') continue;
    const value = String(piece.value);
    const pieceRange = lines.rangeOf(piece.offset, piece.offset + piece.length);
    const newlines = value.split('\n').length - (value.endsWith('\n') ? 1 : 0);
    for (let i = 0; i < Math.max(newlines, 1); i++) sourceLineRanges.push(pieceRange);
    source += value;
  }
  const countNode = field('execution_count');
  const countValue = countNode?.type === 'number' ? countNode.value : null;
  const outputs = field('outputs');
  const tagsNode = findNodeAtLocation(cellNode, ['metadata', 'tags']);
  const tags = tagsNode?.type === 'array' ? (tagsNode.children ?? []).filter((t) => t.type === 'string').map((t) => String(t.value)) : [];
  return {
    index,
    kind,
    source,
    executionCount: typeof countValue === 'number' ? countValue : null,
    outputCount: outputs?.type === 'array' ? (outputs.children?.length ?? 0) : 0,
    outputText: outputs ? outputTextOf(getNodeValue(outputs)) : '',
    errorNames: (outputs?.children ?? []).flatMap((output) => {
      const name = findNodeAtLocation(output, ['ename']);
      return name?.type === 'string' ? [String(name.value)] : [];
    }),
    tags,
    range: lines.rangeOf(cellNode.offset, cellNode.offset + cellNode.length),
    executionCountRange: countNode ? lines.rangeOf(countNode.offset, countNode.offset + countNode.length) : undefined,
    sourceLineRanges,
  };
}

function outputTextOf(outputs: unknown): string {
  if (!Array.isArray(outputs)) return '';
  const parts: string[] = [];
  const add = (value: unknown) => {
    if (typeof value === 'string') parts.push(value);
    else if (Array.isArray(value)) parts.push(value.filter((v) => typeof v === 'string').join(''));
  };
  for (const output of outputs) {
    if (!output || typeof output !== 'object') continue;
    const o = output as Record<string, unknown>;
    add(o.text);
    const data = o.data as Record<string, unknown> | undefined;
    if (data && typeof data === 'object') {
      add(data['text/plain']);
      add(data['text/html']);
    }
  }
  return parts.join('\n');
}

/** The notebook's code cells joined into one Python text, with a map back to cells. */
export interface NotebookCode {
  text: string;
  /** For each line of `text`: the cell index and the line within the cell's source. */
  lineMap: { cell: number; line: number; length: number }[];
}

// IPython syntax (`%timeit`, `!pip install`, `files = !ls`, `df?`) is not Python: such lines become
// comments of the same length so that columns stay where they were.
const MAGIC_LINE = /^(\s*)([%!]|\?\??\w|\w[\w.]*\?\??\s*$|\w+(\s*,\s*\w+)*\s*=\s*[%!])/;

export function notebookCode(notebook: Notebook): NotebookCode {
  const out: string[] = [];
  const lineMap: NotebookCode['lineMap'] = [];
  for (const cell of notebook.cells) {
    if (cell.kind !== 'code') continue;
    const cellLines = cell.source.split(/\r?\n/);
    const cellMagic = /^\s*%%/.test(cellLines[0] ?? '');
    cellLines.forEach((line, i) => {
      const commentOut = cellMagic || MAGIC_LINE.test(line);
      out.push(commentOut ? line.replace(/^(\s*)./, '$1#') : line);
      lineMap.push({ cell: cell.index, line: i, length: line.length });
    });
  }
  return { text: out.join('\n'), lineMap };
}

/** Maps a range in notebookCode().text back to its cell: the cell and the cell-relative range. */
export function mapToCell(code: NotebookCode, range: Range): { cell: number; range: Range } | undefined {
  const start = code.lineMap[range.start.line];
  if (!start) return undefined;
  const end = code.lineMap[range.end.line];
  const sameCell = end && end.cell === start.cell;
  return {
    cell: start.cell,
    range: {
      start: { line: start.line, character: range.start.character },
      end: sameCell
        ? { line: end.line, character: range.end.character }
        : { line: start.line, character: start.length },
    },
  };
}
