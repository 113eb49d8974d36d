import { Range } from './types';

/** Codes silenced by comments in one file. `'all'` silences every code. */
export interface Suppressions {
  file: Set<string> | 'all' | undefined;
  lines: Map<number, Set<string> | 'all'>;
}

// `# noqa`, `# noqa: MLH101, MLH102`, `# ml-hygiene: ignore`, `# ml-hygiene: ignore[MLH101,MLH102]`.
// A list, when there is one, names exactly what is silenced: `# noqa: E501` is for another linter
// and silences none of ours.
const LINE_PATTERN = /#\s*(?:noqa\b(?:\s*:\s*([\w\s,]*\w))?|ml-hygiene:\s*ignore\b(?!-file)(?:\[([^\]]*)\])?)/i;
const FILE_PATTERN = /#\s*ml-hygiene:\s*ignore-file\b(?:\[([^\]]*)\])?/i;

function codesOf(list: string | undefined): Set<string> | 'all' {
  if (list === undefined) return 'all';
  return new Set(list.match(/MLH\d{3}/gi)?.map((c) => c.toUpperCase()) ?? []);
}

function merge(a: Set<string> | 'all' | undefined, b: Set<string> | 'all'): Set<string> | 'all' {
  if (a === 'all' || b === 'all') return 'all';
  return a ? new Set([...a, ...b]) : b;
}

/** Reads suppression comments. `comments` gives each comment's text and line; for files without a
 *  syntax tree, use commentsByLine(). */
export function readSuppressions(comments: Iterable<{ line: number; text: string }>): Suppressions {
  const result: Suppressions = { file: undefined, lines: new Map() };
  for (const { line, text } of comments) {
    const fileMatch = FILE_PATTERN.exec(text);
    if (fileMatch) {
      result.file = merge(result.file, codesOf(fileMatch[1]));
      continue;
    }
    const lineMatch = LINE_PATTERN.exec(text);
    if (lineMatch) result.lines.set(line, merge(result.lines.get(line), codesOf(lineMatch[1] ?? lineMatch[2])));
  }
  return result;
}

/** Comments of a `#`-commented format (YAML, requirements) found line by line: a `#` at the start
 *  of a line or after whitespace. Good enough for suppression markers, which must follow ` #`. */
export function commentsByLine(text: string): { line: number; text: string }[] {
  const found: { line: number; text: string }[] = [];
  text.split('\n').forEach((lineText, line) => {
    const at = lineText.search(/(^|\s)#/);
    if (at >= 0) found.push({ line, text: lineText.slice(at).trimStart() });
  });
  return found;
}

function covers(entry: Set<string> | 'all' | undefined, code: string): boolean {
  return entry === 'all' || (entry !== undefined && entry.has(code));
}

/** A finding is silenced by a comment on any line it spans, or by a file-level comment. */
export function isSuppressed(suppressions: Suppressions, code: string, range: Range): boolean {
  if (covers(suppressions.file, code)) return true;
  for (let line = range.start.line; line <= range.end.line; line++) {
    if (covers(suppressions.lines.get(line), code)) return true;
  }
  return false;
}
