// How the scaffold writes a name the user chose into generated code and configuration: as a literal
// of the file's language, never pasted into its syntax, so that quotes, backslashes, line breaks or
// code in a name stay text.

const NAMED_ESCAPES: Record<string, string> = { '\\': '\\\\', '"': '\\"', '\n': '\\n', '\r': '\\r', '\t': '\\t' };

function escapeChar(c: string): string {
  const named = NAMED_ESCAPES[c];
  if (named) return named;
  const code = c.codePointAt(0)!;
  const [prefix, digits] = code < 0x100 ? ['\\x', 2] : code < 0x10000 ? ['\\u', 4] : ['\\U', 8];
  return prefix + code.toString(16).padStart(digits, '0');
}

/** A double-quoted literal that Python and YAML read alike: the backslash and the quote escaped,
 *  and every character that is not printable (controls, line and paragraph separators, format
 *  characters, unpaired surrogates) written as an escape both languages know. */
function doubleQuoted(text: string): string {
  return `"${text.replace(/[\\"]|(?! )[\p{C}\p{Z}]/gu, escapeChar)}"`;
}

/** A Python string literal of `text`. */
export const pythonString = doubleQuoted;

/** Plain YAML scalars that read as the same string in YAML 1.1 and 1.2 (PyYAML, DVC, GitHub):
 *  a word or path, and words separated by single spaces; no indicator, comment or number. */
const PLAIN_YAML = /^[A-Za-z_][\w./=-]*( [\w./=-]+)*$/;
/** Words YAML 1.1 reads as booleans or null. */
const YAML_KEYWORDS = /^(y|n|yes|no|on|off|true|false|null)$/i;

/** A YAML scalar of `text` for a value on one line: plain where that reads back as the same string,
 *  double-quoted otherwise. */
export function yamlScalar(text: string): string {
  return PLAIN_YAML.test(text) && !YAML_KEYWORDS.test(text) ? text : doubleQuoted(text);
}
