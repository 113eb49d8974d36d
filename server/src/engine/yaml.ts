import { Document, isMap, isPair, isScalar, isSeq, LineCounter, Node as YamlNode, parse, parseAllDocuments, Scalar, YAMLMap } from 'yaml';
import { LineIndex } from './text';
import { Range } from './types';

export interface YamlFile {
  documents: Document.Parsed[];
  lines: LineIndex;
  /** Syntax errors, each at its place. */
  errors: { message: string; range: Range }[];
  /** Why the file is not analysed (nested too deep); then it has no documents and no errors. */
  skipped?: string;
}

/** Nesting deeper than this is not analysed: no configuration nests so deep, and the walks over
 *  YAML (the library's own included) recurse once per level. */
export const MAX_YAML_DEPTH = 100;

/** Whether YAML text may nest deeper than MAX_YAML_DEPTH, read from the text alone: flow brackets
 *  (`[[[[`), runs of block indicators on one line (`- - - -`) or indentation deep enough to hold
 *  that many levels. Asked before the text reaches the parser, which recurses once per level and,
 *  near the end of the stack, can take the whole process down instead of throwing. */
export function mayNestTooDeep(text: string): boolean {
  let flow = 0;
  let quote: string | undefined;
  let lineStart = true;
  let indicators = 0;
  let indent = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '\n') {
      lineStart = true;
      indicators = 0;
      indent = 0;
      continue; // quoted scalars may span lines: a quote stays open
    }
    if (quote) {
      if (c === quote && text[i - 1] !== '\\') quote = undefined;
      continue;
    }
    if (lineStart) {
      if (c === ' ') {
        if (++indent > 2 * MAX_YAML_DEPTH) return true;
        continue;
      }
      if ((c === '-' || c === '?' || c === ':') && text[i + 1] === ' ') {
        if (++indicators > MAX_YAML_DEPTH) return true;
        i++;
        continue;
      }
      lineStart = false;
    }
    if (c === '#' && (i === 0 || /\s/.test(text[i - 1]))) {
      const end = text.indexOf('\n', i);
      if (end < 0) break;
      i = end - 1;
    } else if (c === '"' || c === "'") quote = c;
    else if (c === '[' || c === '{') {
      if (++flow > MAX_YAML_DEPTH) return true;
    } else if ((c === ']' || c === '}') && flow > 0) flow--;
  }
  return false;
}

const TOO_DEEP = `not analysed: nested more than ${MAX_YAML_DEPTH} levels deep`;

export function parseYaml(text: string): YamlFile {
  const lines = new LineIndex(text);
  if (mayNestTooDeep(text)) return { documents: [], lines, errors: [], skipped: TOO_DEEP };
  // uniqueKeys: false keeps duplicate keys in the tree so that a rule can point at both.
  const documents = parseAllDocuments(text, { uniqueKeys: false, lineCounter: new LineCounter(), prettyErrors: false });
  const list = Array.isArray(documents) ? documents : [];
  // The parser reports its own stack overflow as a syntax error, but the file may well be valid.
  const overflow = list.some((doc) => doc.errors.some((e) => /call stack/i.test(e.message)));
  if (overflow || list.some((doc) => deeperThan(doc.contents, MAX_YAML_DEPTH))) {
    return { documents: [], lines, errors: [], skipped: TOO_DEEP };
  }
  const errors = list.flatMap((doc) =>
    doc.errors.map((e) => ({ message: e.message.split('\n')[0], range: lines.rangeOf(e.pos[0], e.pos[1]) })),
  );
  return { documents: list, lines, errors };
}

/** The plain value of a YAML text (the first document), or undefined when it does not parse or
 *  nests too deep. */
export function yamlValue(text: string): unknown {
  if (mayNestTooDeep(text)) return undefined;
  try {
    return parse(text);
  } catch {
    return undefined;
  }
}

/** Whether a YAML node nests collections more than `limit` levels deep (walked without recursion). */
export function deeperThan(root: unknown, limit: number): boolean {
  const stack: [unknown, number][] = [[root, 0]];
  while (stack.length) {
    const [node, depth] = stack.pop()!;
    if (!isMap(node) && !isSeq(node)) continue;
    if (depth >= limit) return true;
    for (const item of node.items) {
      if (isPair(item)) {
        stack.push([item.key, depth + 1], [item.value, depth + 1]);
      } else stack.push([item, depth + 1]);
    }
  }
  return false;
}

export function nodeRange(file: YamlFile, node: { range?: [number, number, number] | null } | null | undefined): Range {
  const r = node?.range;
  return r ? file.lines.rangeOf(r[0], r[1]) : file.lines.rangeOf(0, 0);
}

export interface YamlEntry {
  /** Dotted path of keys from the document root, e.g. `train.lr`; sequence items use their index. */
  path: string[];
  key: Scalar;
  value: unknown;
  map: YAMLMap;
}

/** Every key/value pair in the file, depth first, with its path. */
export function yamlEntries(file: YamlFile): YamlEntry[] {
  const entries: YamlEntry[] = [];
  const visit = (node: unknown, path: string[]) => {
    if (isMap(node)) {
      for (const pair of node.items) {
        if (!isPair(pair) || !isScalar(pair.key)) continue;
        const keyPath = [...path, String(pair.key.value)];
        entries.push({ path: keyPath, key: pair.key, value: pair.value, map: node });
        visit(pair.value, keyPath);
      }
    } else if (isSeq(node)) {
      node.items.forEach((item, i) => visit(item, [...path, String(i)]));
    }
  };
  for (const doc of file.documents) visit(doc.contents, []);
  return entries;
}

export function scalarText(node: unknown): string | undefined {
  return isScalar(node) && (typeof node.value === 'string' || typeof node.value === 'number') ? String(node.value) : undefined;
}

export type { YamlNode };
