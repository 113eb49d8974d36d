// Edits of a configuration file that turn a rule off, for the project (`ignore`) or for the files
// under a glob (`perFileIgnores`). The file is edited, not rewritten: comments, order and layout stay.
import { isSeq, parseDocument, Scalar, YAMLSeq } from 'yaml';

export const CONFIG_YAML = '.ml-hygiene.yaml';
/** As the README writes lists: `[MLH106, MLH301]`. */
const LAYOUT = { flowCollectionPadding: false };

/** `.ml-hygiene.yaml` with `code` added under `ignore`, or under `perFileIgnores[glob]`. Undefined
 *  when it is there already, or when the file is not a YAML mapping this could edit. */
export function ignoreInYaml(text: string, code: string, glob?: string): string | undefined {
  const document = parseDocument(text);
  if (document.errors.length) return undefined;
  const at = glob === undefined ? ['ignore'] : ['perFileIgnores', glob];
  const existing = document.getIn(at, true);
  if (existing === undefined || (existing instanceof Scalar && existing.value === null)) {
    const list = document.createNode([code]) as YAMLSeq;
    list.flow = true;
    try {
      document.setIn(at, list);
    } catch {
      return undefined; // `perFileIgnores` or the top level is not a mapping
    }
    return document.toString(LAYOUT);
  }
  if (!isSeq(existing)) return undefined;
  if (existing.items.some((item) => (item instanceof Scalar ? item.value : item) === code)) return undefined;
  existing.add(code);
  return document.toString(LAYOUT);
}

/** A new `.ml-hygiene.yaml` that turns `code` off. */
export function newConfigYaml(code: string, glob?: string): string {
  const lines = ['# ML Hygiene configuration (schema: schemas/ml-hygiene.schema.json in the ml-hygiene package)'];
  if (glob === undefined) lines.push(`ignore: [${code}]`);
  else lines.push('perFileIgnores:', `  ${JSON.stringify(glob)}: [${code}]`);
  return lines.join('\n') + '\n';
}

const TOOL_TABLE = /^\s*\[\s*tool\s*\.\s*(?:ml-hygiene|"ml-hygiene"|'ml-hygiene')\s*\]\s*(?:#.*)?$/;
const PER_FILE_TABLE = /^\s*\[\s*tool\s*\.\s*(?:ml-hygiene|"ml-hygiene"|'ml-hygiene')\s*\.\s*(?:perFileIgnores|"perFileIgnores")\s*\]\s*(?:#.*)?$/;
const ANY_TABLE = /^\s*\[/;

/** The lines of the table under the header matching `header`: [header line, end (exclusive)]. */
function tableLines(lines: string[], header: RegExp): [number, number] | undefined {
  const start = lines.findIndex((line) => header.test(line));
  if (start < 0) return undefined;
  let end = start + 1;
  while (end < lines.length && !ANY_TABLE.test(lines[end])) end++;
  return [start, end];
}

/** Offset of the `]` that closes the array opening at `open` (strings and comments skipped). */
function closingBracket(text: string, open: number): number | undefined {
  let depth = 0;
  for (let i = open; i < text.length; i++) {
    const c = text[i];
    if (c === '"' || c === "'") {
      const end = text.indexOf(c, i + 1);
      if (end < 0) return undefined;
      i = end;
    } else if (c === '#') {
      const end = text.indexOf('\n', i);
      if (end < 0) return undefined;
      i = end;
    } else if (c === '[') depth++;
    else if (c === ']' && --depth === 0) return i;
  }
  return undefined;
}

/** `text` with `"code"` appended to the array that opens at `open`; undefined when it holds it. */
function appendToArray(text: string, open: number, code: string): string | undefined {
  const close = closingBracket(text, open);
  if (close === undefined) return undefined;
  if (new RegExp(`["']${code}["']`).test(text.slice(open, close))) return undefined;
  const before = text.slice(open + 1, close).replace(/#[^\n]*/g, '').trimEnd();
  // A multi-line array keeps its layout: the new entry goes at the end of its last entry's line,
  // with the trailing comma when the list has one.
  const insertAt = before === '' ? open + 1 : open + 1 + text.slice(open + 1, close).lastIndexOf(before.slice(-1)) + 1;
  const entry = before === '' ? JSON.stringify(code) : before.endsWith(',') ? ` ${JSON.stringify(code)},` : `, ${JSON.stringify(code)}`;
  return text.slice(0, insertAt) + entry + text.slice(insertAt);
}

const escaped = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** The line `"glob" = [` (or with single quotes). */
function keyLine(glob: string): RegExp {
  return new RegExp(`^\\s*(?:${escaped(JSON.stringify(glob))}|'${escaped(glob)}')\\s*=\\s*\\[`);
}

/** The offset of line `line` in `lines` joined by `eol`. */
function offsetOf(lines: string[], line: number, eol: string): number {
  return lines.slice(0, line).reduce((sum, l) => sum + l.length + eol.length, 0);
}

/** pyproject.toml with `code` added to `ignore` under [tool.ml-hygiene], or to the glob's list under
 *  [tool.ml-hygiene.perFileIgnores]. Undefined when it is there already or the layout is one this
 *  does not edit (an inline table, no [tool.ml-hygiene] table). */
export function ignoreInPyproject(text: string, code: string, glob?: string): string | undefined {
  const eol = text.includes('\r\n') ? '\r\n' : '\n';
  const lines = text.split(/\r?\n/);
  const tool = tableLines(lines, TOOL_TABLE);
  if (!tool) return undefined;
  const [table, key] = glob === undefined ? [tool, /^\s*ignore\s*=\s*\[/] : [tableLines(lines, PER_FILE_TABLE), keyLine(glob)];
  if (glob !== undefined && lines.slice(tool[0] + 1, tool[1]).some((line) => /^\s*perFileIgnores\s*=/.test(line))) return undefined;
  const entry = `${glob === undefined ? 'ignore' : JSON.stringify(glob)} = [${JSON.stringify(code)}]`;
  if (!table) {
    // A new [tool.ml-hygiene.perFileIgnores] table right after [tool.ml-hygiene].
    let end = tool[1];
    while (end > tool[0] + 1 && lines[end - 1].trim() === '') end--;
    const added = ['', '[tool.ml-hygiene.perFileIgnores]', entry];
    return [...lines.slice(0, end), ...added, ...lines.slice(end)].join(eol);
  }
  for (let line = table[0] + 1; line < table[1]; line++) {
    if (!key.test(lines[line])) continue;
    const start = offsetOf(lines, line, eol);
    return appendToArray(text, text.indexOf('[', start + lines[line].indexOf('=')), code);
  }
  return [...lines.slice(0, table[0] + 1), entry, ...lines.slice(table[0] + 1)].join(eol);
}
