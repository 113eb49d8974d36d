import { Document, isMap, isPair, isScalar, isSeq, LineCounter, Node as YamlNode, parseAllDocuments, Scalar, YAMLMap } from 'yaml';
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

export function parseYaml(text: string): YamlFile {
  const lines = new LineIndex(text);
  // uniqueKeys: false keeps duplicate keys in the tree so that a rule can point at both.
  const documents = parseAllDocuments(text, { uniqueKeys: false, lineCounter: new LineCounter(), prettyErrors: false });
  const list = Array.isArray(documents) ? documents : [];
  // The parser reports its own stack overflow as a syntax error, but the file may well be valid.
  const overflow = list.some((doc) => doc.errors.some((e) => /call stack/i.test(e.message)));
  if (overflow || list.some((doc) => deeperThan(doc.contents, MAX_YAML_DEPTH))) {
    return { documents: [], lines, errors: [], skipped: `not analysed: nested more than ${MAX_YAML_DEPTH} levels deep` };
  }
  const errors = list.flatMap((doc) =>
    doc.errors.map((e) => ({ message: e.message.split('\n')[0], range: lines.rangeOf(e.pos[0], e.pos[1]) })),
  );
  return { documents: list, lines, errors };
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
