// Where things are written in a TOML file. smol-toml gives values without positions, so findings
// about an entry (a dependency of pyproject.toml or a Pipfile) find its line here, from the text.
import { checkpoint } from './budget';
import { Range, rangeOf } from './types';

/** Splits a dotted TOML key (`tool.poetry."my.group"`) into its parts. */
function keyParts(dotted: string): string[] {
  const parts: string[] = [];
  for (const m of dotted.matchAll(/\s*(?:"((?:[^"\\]|\\.)*)"|'([^']*)'|([A-Za-z0-9_-]+))\s*(?:\.|$)/g)) {
    parts.push(m[1] ?? m[2] ?? m[3]);
  }
  return parts;
}

// Linear by construction: the name is everything up to the first `]` (keyParts drops the blanks
// around it); a lazy name followed by `\s*\]` tried every run of blanks once per character before it.
const HEADER = /^\s*\[([^[\]]+)\]\s*(?:#.*)?$/;
const ARRAY_TABLE = /^\s*\[\[/;
const KEY = /^\s*((?:"(?:[^"\\]|\\.)*"|'[^']*'|[A-Za-z0-9_-]+)(?:\s*\.\s*(?:"(?:[^"\\]|\\.)*"|'[^']*'|[A-Za-z0-9_-]+))*)\s*=/;


/** The zero-based line where the key at `path` (`['project', 'dependencies']`) is defined, written
 *  under its table header (`[project]` / `dependencies = ...`) or as a dotted key in a parent table
 *  (`optional-dependencies.gpu = ...`); for a table, the line of its header. Undefined when it is
 *  not written in either way (an inline table, for instance). */
export function tomlKeyLine(text: string, path: string[]): number | undefined {
  return readOf(text).keyLines.get(path.join('\0'));
}

/** The lines of a TOML text and the first line of each key path written in it, read once per text:
 *  every dependency of a long pyproject.toml asks for its own line. */
interface TomlRead {
  text: string;
  lines: string[];
  keyLines: Map<string, number>;
}

let lastRead: TomlRead | undefined;

function readOf(text: string): TomlRead {
  if (lastRead?.text === text) return lastRead;
  const lines = text.split(/\r?\n/);
  const keyLines = new Map<string, number>();
  const note = (path: string[], line: number) => {
    const key = path.join('\0');
    if (!keyLines.has(key)) keyLines.set(key, line);
  };
  let table: string[] = [];
  let inMultiline = false;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    checkpoint(line.length + 1);
    // Text inside a multi-line string is no key.
    const quotes = (line.match(/"""|'''/g) ?? []).length;
    if (inMultiline) {
      if (quotes % 2 === 1) inMultiline = false;
      continue;
    }
    if (ARRAY_TABLE.test(line)) {
      table = ['[['];
      continue;
    }
    const header = HEADER.exec(line);
    if (header) {
      table = keyParts(header[1]);
      note(table, i);
      continue;
    }
    const key = KEY.exec(line);
    if (key) note([...table, ...keyParts(key[1])], i);
    if (quotes % 2 === 1) inMultiline = true;
  }
  return (lastRead = { text, lines, keyLines });
}

/** The lines of a TOML text (see readOf). */
export function tomlLines(text: string): string[] {
  return readOf(text).lines;
}

export interface TomlString {
  value: string;
  /** The string literal, quotes included. */
  range: Range;
}

/** The strings at the top level of the array whose `key = [` is on line `line`, in order, with
 *  where each is written; strings nested in inline tables or inner arrays are left out. */
export function tomlArrayStrings(text: string, line: number): TomlString[] {
  const lines = tomlLines(text);
  const out: TomlString[] = [];
  let depth = 0;
  let braces = 0;
  let started = false;
  for (let l = line; l < lines.length; l++) {
    const s = lines[l];
    let c = l === line ? s.indexOf('=') + 1 : 0;
    if (c === 0 && l === line) return out;
    while (c < s.length) {
      const ch = s[c];
      if (ch === '#') break;
      if (ch === '"' || ch === "'") {
        const end = closingQuote(s, c);
        if (depth === 1 && braces === 0) out.push({ value: unquote(s.slice(c, end + 1)), range: rangeOf(l, c, l, end + 1) });
        c = end + 1;
        continue;
      }
      if (ch === '[') {
        depth++;
        started = true;
      } else if (ch === ']') {
        depth--;
        if (started && depth === 0) return out;
      } else if (ch === '{') braces++;
      else if (ch === '}') braces--;
      else if (!started && !/\s/.test(ch)) return out; // not an array
      c++;
    }
  }
  return out;
}

function closingQuote(s: string, start: number): number {
  const quote = s[start];
  for (let i = start + 1; i < s.length; i++) {
    if (quote === '"' && s[i] === '\\') i++;
    else if (s[i] === quote) return i;
  }
  return s.length - 1;
}

function unquote(literal: string): string {
  const body = literal.slice(1, -1);
  return literal.startsWith("'") ? body : body.replace(/\\(["\\])/g, '$1');
}
