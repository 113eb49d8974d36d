import { Position, Range } from './types';

/** Offsets <-> positions for one text, in UTF-16 code units. Lines end with \n, \r\n or a lone \r
 *  (old Mac files), as Python and YAML read them. */
export class LineIndex {
  private readonly starts: number[] = [0];

  constructor(readonly text: string) {
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c === 10 || (c === 13 && text.charCodeAt(i + 1) !== 10)) this.starts.push(i + 1);
    }
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
