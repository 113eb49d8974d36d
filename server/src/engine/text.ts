import { Position, Range } from './types';

/** Offsets <-> positions for one text, in UTF-16 code units. Lines end with \n, \r\n or a lone \r
 *  (old Mac files), as Python and YAML read them. */
export class LineIndex {
  private readonly starts: number[];

  /** With `before`, the index of the text before an edit: only the lines the edit changed are read. */
  constructor(
    readonly text: string,
    before?: LineIndex,
  ) {
    this.starts = before ? startsAfterEdit(before.text, before.starts, text) : pushLineStarts([0], text, 0, text.length);
  }

  get lineCount(): number {
    return this.starts.length;
  }

  positionAt(offset: number): Position {
    let lo = 0;
    let hi = this.starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.starts[mid] <= offset) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo, character: offset - this.starts[lo] };
  }

  offsetAt(position: Position): number {
    const start = this.starts[Math.min(position.line, this.starts.length - 1)] ?? 0;
    return Math.min(start + position.character, this.text.length);
  }

  rangeOf(startOffset: number, endOffset: number): Range {
    return { start: this.positionAt(startOffset), end: this.positionAt(endOffset) };
  }

  lineText(line: number): string {
    const start = this.starts[line] ?? this.text.length;
    const next = this.starts[line + 1];
    const end = next === undefined ? this.text.length : next - 1;
    return this.text.slice(start, end).replace(/\r$/, '');
  }
}

export interface DecodedText {
  text?: string;
  /** Why the bytes were not analysed, or how they were read when not UTF-8. */
  problem?: string;
  skipped: boolean;
}

const UTF8 = new TextDecoder('utf-8', { fatal: true });
const LATIN1 = new TextDecoder('latin1');

/** Decodes a file's bytes for analysis: binary content is refused, non-UTF-8 text is read as Latin-1. */
export function decodeBytes(bytes: Uint8Array): DecodedText {
  const head = bytes.subarray(0, 8192);
  if (head.includes(0)) return { skipped: true, problem: 'binary content (NUL bytes); not analysed' };
  try {
    let text = UTF8.decode(bytes);
    if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    return { text, skipped: false };
  } catch {
    return {
      text: LATIN1.decode(bytes),
      skipped: false,
      problem: 'not valid UTF-8; read as Latin-1, so columns may be off',
    };
  }
}

/** Texts are compared this many characters at a time first: comparing two strings of it costs
 *  about what comparing two characters does. */
const COMPARED_AT_ONCE = 256;

/** The length of the longest common start of two texts, at most `limit`. */
function commonPrefix(a: string, b: string, limit: number): number {
  let length = 0;
  while (length + COMPARED_AT_ONCE <= limit && a.substring(length, length + COMPARED_AT_ONCE) === b.substring(length, length + COMPARED_AT_ONCE)) length += COMPARED_AT_ONCE;
  while (length < limit && a.charCodeAt(length) === b.charCodeAt(length)) length++;
  return length;
}

/** V8 makes a slice of a string of at least this many characters a view into the string (which then
 *  lives as long as the slice), a shorter one a copy. */
const SHORTEST_VIEW = 13;

/** `part` (a slice of a longer text) as a string of its own, that does not keep the text it was cut
 *  from: slicing a concatenation makes V8 copy the concatenation into one new string first. */
export function detached(part: string): string {
  return part.length < SHORTEST_VIEW ? part : (' ' + part).slice(1);
}

/** The length of the longest common end of two texts, at most `limit`. */
function commonSuffix(a: string, b: string, limit: number): number {
  let length = 0;
  const aEnd = a.length;
  const bEnd = b.length;
  while (length + COMPARED_AT_ONCE <= limit && a.substring(aEnd - length - COMPARED_AT_ONCE, aEnd - length) === b.substring(bEnd - length - COMPARED_AT_ONCE, bEnd - length)) length += COMPARED_AT_ONCE;
  while (length < limit && a.charCodeAt(aEnd - 1 - length) === b.charCodeAt(bEnd - 1 - length)) length++;
  return length;
}

/** Where a text differs from the one before an edit: they share their first `prefix` characters,
 *  and their ends from `end` in the new text (`end - shift` in the one before). */
export interface ChangedSpan {
  prefix: number;
  end: number;
  shift: number;
}

/** The latest span found, with its texts: a keystroke asks for the same two texts' span three times
 *  (the re-parse, the line index, the nesting check). */
let latestSpan: { old: string; text: string; span: ChangedSpan } | undefined;

/** Where `text` differs from `old`. */
export function changedSpan(old: string, text: string): ChangedSpan {
  if (latestSpan && latestSpan.old === old && latestSpan.text === text) return latestSpan.span;
  const shorter = Math.min(old.length, text.length);
  const prefix = commonPrefix(old, text, shorter);
  const suffix = commonSuffix(old, text, shorter - prefix);
  const span = { prefix, end: text.length - suffix, shift: text.length - old.length };
  latestSpan = { old, text, span };
  return span;
}

/** Pushes on `starts` the line starts after the characters from `from` to `to` (a line starts
 *  after \n, \r\n or a lone \r). */
function pushLineStarts(starts: number[], text: string, from: number, to: number): number[] {
  for (let i = from; i < to; i++) {
    const c = text.charCodeAt(i);
    if (c === 10 || (c === 13 && text.charCodeAt(i + 1) !== 10)) starts.push(i + 1);
  }
  return starts;
}

/** The line starts of `text`, from those of `old`, the text before an edit. Whether a line starts
 *  at k is read from the characters at k - 1 and k: where both lie before the change, or both after
 *  it, the start is the one before (moved). */
function startsAfterEdit(old: string, oldStarts: number[], text: string): number[] {
  const { prefix, end: changeEnd, shift } = changedSpan(old, text);
  const starts: number[] = [];
  for (const start of oldStarts) {
    if (start > 0 && start >= prefix) break;
    starts.push(start);
  }
  pushLineStarts(starts, text, Math.max(prefix - 1, 0), changeEnd);
  let after = oldStarts.length;
  while (after > 0 && oldStarts[after - 1] > changeEnd - shift) after--;
  for (let i = after; i < oldStarts.length; i++) starts.push(oldStarts[i] + shift);
  return starts;
}

/** The text with each lone \r (an old Mac line end) turned into \n: the same length, so offsets
 *  stay valid, and a parser that only knows \n and \r\n counts the lines as Python does. */
export function withUnixLineEnds(text: string): string {
  return text.includes('\r') ? text.replace(/\r(?!\n)/g, '\n') : text;
}

/** The words of an identifier or column name, lower case: `ageBucket`, `age_bucket` and
 *  `AGE-BUCKET` all give age, bucket. */
export function identifierWords(name: string): string[] {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter(Boolean);
}
