import { Document, isMap, isPair, isScalar, isSeq, LineCounter, Node as YamlNode, parseAllDocuments, Scalar, YAMLMap } from 'yaml';
import { LineIndex } from './text';
import { Range } from './types';

export interface YamlFile {
  documents: Document.Parsed[];
  lines: LineIndex;
  /** Syntax errors, each at its place. */
  errors: { message: string; range: Range }[];
}

export function parseYaml(text: string): YamlFile {
  const lines = new LineIndex(text);
  // uniqueKeys: false keeps duplicate keys in the tree so that a rule can point at both.
  const documents = parseAllDocuments(text, { uniqueKeys: false, lineCounter: new LineCounter(), prettyErrors: false });
  const list = Array.isArray(documents) ? documents : [];
  const errors = list.flatMap((doc) =>
    doc.errors.map((e) => ({ message: e.message.split('\n')[0], range: lines.rangeOf(e.pos[0], e.pos[1]) })),
  );
  return { documents: list, lines, errors };
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
