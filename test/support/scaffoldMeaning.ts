// What a scaffold says once the project's name (and the package made from it) are set aside: its
// Python as tokens with each string literal's value, its Markdown as blocks and the text a reader
// sees, its YAML, TOML and JSON as values. A scaffold of a hostile name must parse everywhere and
// say what the scaffold of a tame name says: then the name is a value, never syntax. Shared by the
// scaffold's tests and the fuzzer.
import assert from 'node:assert/strict';
import { parse as parseToml } from 'smol-toml';
import type { Node } from 'web-tree-sitter';
import { parseDocument } from 'yaml';
import { parsePython } from '../../server/src/engine/python/parser';
import { NAME_MAX_CHARS, packageNameOf, planScaffold } from '../../server/src/scaffold/plan';
import { markdownTokens } from './markdown';

export const TAME_PROJECT_NAME = 'Customer churn';

/** Names a user may type, or an attacker pass through the language server: quotes, backslashes,
 *  braces, `$`, backticks, template syntax, Markdown and HTML, YAML and TOML syntax, code,
 *  non-ASCII and invisible characters, the longest name allowed. */
export const HOSTILE_PROJECT_NAMES = [
  `Bob's "churn" model`,
  `x"""; import os; os.system("echo pwned"); """`,
  `'''; exec('print(1)') #`,
  `back\\slash \\n \\x00 \\N{BULLET} \\u2028 ends with \\`,
  `f"{__import__('os').system('id')}" {name} {{ cookiecutter.project }} {% if x %} %(name)s %s`,
  '${HOME} $(rm -rf ~) `whoami` ${{ secrets.TOKEN }} $$',
  '<img src=x onerror=alert(1)> [click](javascript:alert(1)) | a | *b* _c_ ~~d~~ # e &amp;',
  'key: value # comment - [a, b] {c: d} &anchor *alias !tag %YAML --- ... ? > |',
  '= "toml" ] [table] \'literal\' """multi"""',
  'Ünïcödé — 日本語の予測 🚀 \u202eevil\u202c \u200d \u2028 \u00a0 \ufeff end',
  `Q"'\\\`\${}<>|`.repeat(9) + 'Q',
];

/** The scaffold of a name, file by file; the plan must be writable. */
export function scaffoldFiles(name: string): Map<string, string> {
  const plan = planScaffold(() => undefined, { name });
  assert.deepEqual(plan.problems, [], `the plan for ${JSON.stringify(name)} can be written`);
  return new Map(plan.create.map((f) => [f.path, f.content]));
}

/** Why the planner refuses a name, if it should: control characters, an unpaired surrogate, more
 *  characters than allowed. */
export function refusable(name: string): boolean {
  return /[\p{Cc}\p{Cs}]/u.test(name) || [...name.trim()].length > NAME_MAX_CHARS;
}

/** What a generated text says once the name and the package made from it are set aside. */
function generic(text: string, name: string): string {
  const pkg = packageNameOf(name);
  // One pass, the longer first, so that neither replaces part of the other or of a marker.
  const [first, second] = pkg.length > name.length ? [pkg, name] : [name, pkg];
  const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return text.replace(new RegExp(`${escape(first)}|${escape(second)}`, 'gu'), (found) => (found === name ? '{name}' : '{package}'));
}

function genericValues(value: unknown, name: string): unknown {
  if (typeof value === 'string') return generic(value, name);
  if (Array.isArray(value)) return value.map((v) => genericValues(v, name));
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [generic(k, name), genericValues(v, name)]));
  return value;
}

/** The value of a Python string literal, as Python reads it (the escapes the scaffold writes). */
function pythonStringValue(literal: string): string {
  const [, prefix, , body] = /^([rRbBuUfF]*)("""|'''|"|')([\s\S]*)\2$/.exec(literal)!;
  if (/r/i.test(prefix)) return body;
  return body.replace(/\\(x[0-9a-f]{2}|u[0-9a-f]{4}|U[0-9a-f]{8}|.)/gs, (_, e: string) => {
    if (e.length > 1) return String.fromCodePoint(parseInt(e.slice(1), 16));
    return { n: '\n', r: '\r', t: '\t' }[e] ?? e;
  });
}

function* leaves(node: Node): Generator<Node> {
  if (node.type === 'string' || node.childCount === 0) yield node;
  else for (const child of node.children) if (child) yield* leaves(child);
}

/** A Python file as its tokens, each string literal as its value: it must parse, without ERROR or
 *  MISSING nodes. */
export function pythonTokens(text: string, file: string): { type: string; text: string }[] {
  const tree = parsePython(text);
  try {
    assert.equal(tree.rootNode.hasError, false, `${file} parses:\n${text}`);
    return [...leaves(tree.rootNode)].map((n) => ({ type: n.type, text: n.type === 'string' ? pythonStringValue(n.text) : n.text }));
  } finally {
    tree.delete();
  }
}

/** A Markdown file as its blocks and the text a reader sees; raw HTML is an error. */
function markdownMeaning(text: string, file: string): string[] {
  const tokens = markdownTokens(text);
  assert.deepEqual(tokens.filter((t) => t.type.startsWith('html_')).map((t) => t.content), [], `${file} holds no raw HTML`);
  return tokens
    .filter((t) => t.type !== 'inline')
    .map((t) => `${t.type} ${t.tag} ${t.attrGet('href') ?? ''} ${['text', 'code_inline', 'code_block', 'fence'].includes(t.type) ? t.content : ''}`);
}

function yamlValue(text: string, file: string): unknown {
  const document = parseDocument(text);
  assert.deepEqual(document.errors.map((e) => e.message), [], `${file} is valid YAML`);
  return document.toJS();
}

/** A generated file as what it says, in a form two scaffolds can be compared by. */
function meaning(file: string, text: string, name: string): unknown {
  if (file.endsWith('.py')) return pythonTokens(text, file).map((t) => `${t.type} ${generic(t.text, name)}`);
  if (file.endsWith('.md')) return markdownMeaning(text, file).map((t) => generic(t, name));
  if (/\.ya?ml$/.test(file)) return genericValues(yamlValue(text, file), name);
  if (file.endsWith('.toml')) return genericValues(parseToml(text), name);
  if (file.endsWith('.json')) return genericValues(JSON.parse(text), name);
  return generic(text, name);
}


/** Asserts that the scaffold of `name` parses everywhere and says what the tame scaffold says.
 *  Where the name or its package also occurs in the tame scaffold's text (a name like "data"),
 *  setting them aside is ambiguous, and only the parsing is checked. */
export function assertScaffoldSaysWhatTameSays(typed: string): void {
  const tame = scaffoldFiles(TAME_PROJECT_NAME);
  const files = scaffoldFiles(typed);
  // The planner writes the name without the spaces around it, as Markdown headings show it.
  const name = typed.trim() || 'ML project';
  const ambiguous = [...tame.values()].some((text) => text.includes(packageNameOf(name)) || text.includes(name));
  const packageFolder = (pkg: string) => (file: string) => file.replace(`Code/${pkg}/`, 'Code/{package}/');
  assert.deepEqual([...files.keys()].map(packageFolder(packageNameOf(name))), [...tame.keys()].map(packageFolder(packageNameOf(TAME_PROJECT_NAME))), `the files of ${JSON.stringify(name)}`);
  for (const [file, text] of files) {
    const said = meaning(file, text, name);
    if (ambiguous) continue;
    const tameFile = file.replace(`Code/${packageNameOf(name)}/`, `Code/${packageNameOf(TAME_PROJECT_NAME)}/`);
    assert.deepEqual(said, meaning(tameFile, tame.get(tameFile)!, TAME_PROJECT_NAME), `${file} of ${JSON.stringify(name)}`);
  }
}
