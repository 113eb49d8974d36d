import { isScalar, visit } from 'yaml';
import { defineRule, PythonContext, YamlContext } from '../engine/rule';
import { sameNode } from '../engine/python/flow';
import { Node, stringValue } from '../engine/python/module';
import { nodeRange, yamlEntries } from '../engine/yaml';
import { identifierWords, LineIndex } from '../engine/text';
import { Range } from '../engine/types';
import { ALL_BUT_GENERATED } from '../engine/roles';

/** How sure a name is to hold a credential: `api_key` always does; `token` or `password` may also
 *  hold short non-secret values, so short values under them are ignored. */
type CredentialName = 'specific' | 'generic';

// `pad_token = "[PAD]"`, `eos_token`, `max_new_tokens` ...: tokens of a tokenizer, not credentials.
const TOKENIZER_WORDS = new Set([
  'pad', 'eos', 'bos', 'unk', 'sep', 'cls', 'mask', 'special', 'start', 'end', 'begin', 'stop', 'max', 'min',
  'num', 'n', 'new', 'first', 'last', 'next', 'prev', 'image', 'img', 'audio', 'video', 'text', 'word', 'sub',
  'additional', 'decoder', 'encoder', 'default',
]);
const KEY_KINDS = new Set(['api', 'access', 'secret', 'private', 'signing', 'encryption', 'master', 'subscription', 'account', 'service', 'auth']);

function credentialName(name: string): CredentialName | undefined {
  const words = identifierWords(name);
  const last = words[words.length - 1];
  const previous = words[words.length - 2];
  if (!last) return undefined;
  if (['password', 'passwd', 'pwd', 'passphrase', 'auth', 'authorization', 'credentials'].includes(last)) return 'generic';
  if (last === 'secret') return previous === 'client' || previous === 'app' ? 'specific' : 'generic';
  if (last === 'token') return previous && TOKENIZER_WORDS.has(previous) ? undefined : 'generic';
  if (['apikey', 'accesskey', 'secretkey', 'privatekey', 'authkey'].includes(last)) return 'specific';
  if (last === 'key' && previous && KEY_KINDS.has(previous)) return 'specific';
  return undefined;
}

const PLACEHOLDER_WORDS =
  /^(?:changeme|change[-_ ]?me|replace[-_ ]?me|todo|fixme|tbd|none|null|nil|undefined|dummy|example|placeholder|secret|password|passwd|token|api[-_ ]?key|redacted|removed|hidden|test|testing|fake|sample|default|x+|\*+|\.+|-+|_+|#+|0+)$/i;

/** Whether a value is a stand-in rather than a credential: empty, `<your key>`, `${ENV}`, `{{ var }}`,
 *  `changeme`, `xxxx`, the name of an environment variable, a path or URL to where the secret lives;
 *  keyboard sequences (`abc123`, `123456`); for generic names, anything under 8 characters. */
function isPlaceholder(raw: string, name: CredentialName): boolean {
  const value = raw.trim().replace(/^(?:Bearer|Basic|Token)\s+/i, '');
  if (!value || PLACEHOLDER_WORDS.test(value)) return true;
  if (/^<[^<>]*>$|^\[[^\]]*\]$/.test(value)) return true;
  if (/\$\{[^}]*\}|\$\(|\{\{.*\}\}|\{%|%\([^)]*\)s|^\{\w*\}$|^\$\w+$/.test(value)) return true;
  if (/x{4,}|\*{3,}|\.{3}|example|your[-_ ]|_here\b|^my[-_ ]|^(?:insert|enter|put|add)[-_ ]/i.test(value)) return true;
  // Fakes of tests and docs: `fake-api-key`, `test_token_1`, `dummy-secret`.
  if (/(?:^|[-_.])(?:fake|dummy|mock|test|sample|placeholder|invalid|redacted)(?:$|[-_.\d])/i.test(value)) return true;
  if (/^[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+$/.test(value)) return true; // the name of an environment variable
  if (/\s/.test(value)) return true; // secrets have no spaces; sentences and templates do
  if (/^(?:\.{0,2}\/|~\/|[a-z][a-z0-9+.-]*:\/\/)/i.test(value) || /\.(?:json|ya?ml|txt|pem|key|env|cfg|ini|toml|p12|crt)$/i.test(value)) {
    return true;
  }
  // Demo values such as `abc123` or `qwerty1`: only runs of the alphabet, digits or keyboard rows.
  if (/^(?:abc|123|qwerty|asdf|[0-9])+[a-z0-9]{0,3}$/i.test(value) && value.length < 12) return true;
  return name === 'generic' && value.length < 8;
}

interface KeyShape {
  what: string;
  pattern: RegExp;
  /** Where in the match the secret is (a capture group), when not the whole match. */
  group?: number;
  /** Further check of the match, for shapes that ordinary text can take; by default, that the match
   *  is not a placeholder (`ghp_xxxx...`, `AKIA...EXAMPLE`). */
  accept?(match: RegExpExecArray): boolean;
}

// A real key has a long run mixing digits and both cases; `sk-learn-tutorial` has not.
const hasRandomRun = (text: string) =>
  (text.match(/[A-Za-z0-9]{16,}/g) ?? []).some((run) => /\d/.test(run) && /[a-z]/.test(run) && /[A-Z]/.test(run));
const LOCAL_HOSTS = /^(?:localhost|127\.0\.0\.1|0\.0\.0\.0|\[::1\])(?::\d+)?$/;

const KEY_SHAPES: KeyShape[] = [
  { what: 'an AWS access key ID', pattern: /\b(?:AKIA|ASIA)[0-9A-Z]{16}\b/g },
  { what: 'a GitHub token', pattern: /\b(?:gh[pousr]_[A-Za-z0-9]{36,}|github_pat_[A-Za-z0-9_]{22,})/g },
  { what: 'a Slack token', pattern: /\bxox[baprs]-[A-Za-z0-9-]{10,}/g },
  {
    what: 'an OpenAI-style secret key (sk-...)',
    pattern: /\bsk-(?:proj-|svcacct-|admin-|ant-)?[A-Za-z0-9_-]{20,}/g,
    accept: (m) => hasRandomRun(m[0]) && !isPlaceholder(m[0], 'specific'),
  },
  { what: 'a Hugging Face token', pattern: /\bhf_[A-Za-z0-9]{30,}\b/g, accept: (m) => /[a-z]/.test(m[0]) && /[A-Z]/.test(m[0].slice(3)) && !isPlaceholder(m[0], 'specific') },
  { what: 'a Google API key', pattern: /\bAIza[0-9A-Za-z_-]{35}\b/g },
  { what: 'a Stripe live secret key', pattern: /\b[rs]k_live_[0-9A-Za-z]{20,}\b/g },
  { what: 'a private key', pattern: /-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?-----/g, accept: () => true },
  {
    what: 'a password inside a URL',
    // The scheme is bounded: unbounded, `a.a.a.a...` would be rescanned from every letter (quadratic).
    pattern: /\b[a-z][a-z0-9+.-]{0,31}:\/\/([^\s:@/'"]+):([^\s@/'"]+)@([^\s/'"?#]+)/g,
    group: 2,
    // `postgres:postgres@localhost` is a local development default, not a leaked secret.
    accept: (m) => m[1] !== m[2] && !LOCAL_HOSTS.test(m[3]) && !isPlaceholder(m[2], 'specific'),
  },
];

/** What every shape above has in it, in one pattern: most texts have none, and are read once. */
const ANY_KEY_MARK = /AKIA|ASIA|gh[pousr]_|github_pat_|xox[baprs]-|sk-|hf_|AIza|k_live_|-----BEGIN |:\/\//;

// A pre-signed URL (S3, GCS, Azure SAS) carries in its query the signer's key ID and a signature
// that expires within days: a notebook that downloads a file through one prints them, and they are
// no secret of the project. A query runs from `?` or `&` (a URL may be split over concatenated
// strings) to a space, a quote or an angle bracket; it is signed when it holds a signing parameter.
const URL_QUERY = /[?&][^\s'"<>#]*/g;
const SIGNING_PARAMETER = /[?&;](?:X-Amz-(?:Signature|Credential)|X-Goog-(?:Signature|Credential)|AWSAccessKeyId|GoogleAccessId|Signature|sig)=/i;

/** Where the queries of pre-signed URLs are in a text, as offsets. */
function signedUrlQueries(text: string): { start: number; end: number }[] {
  const out: { start: number; end: number }[] = [];
  for (const m of text.matchAll(URL_QUERY)) if (SIGNING_PARAMETER.test(m[0])) out.push({ start: m.index, end: m.index + m[0].length });
  return out;
}

/** Well-known credential shapes in a text, as offsets into it; those inside the query of a
 *  pre-signed URL are left out. */
function keyShapesIn(text: string): { what: string; start: number; end: number }[] {
  const found: { what: string; start: number; end: number }[] = [];
  if (!ANY_KEY_MARK.test(text)) return found;
  const signed = signedUrlQueries(text);
  for (const shape of KEY_SHAPES) {
    shape.pattern.lastIndex = 0;
    for (let m = shape.pattern.exec(text); m; m = shape.pattern.exec(text)) {
      if (shape.accept ? !shape.accept(m) : isPlaceholder(m[0], 'specific')) continue;
      const part = shape.group ? m[shape.group] : m[0];
      const start = m.index + (shape.group ? m[0].indexOf(part, m[0].indexOf(':', m[0].indexOf('://') + 3)) : 0);
      if (signed.some((q) => start >= q.start && start < q.end)) continue;
      found.push({ what: shape.what, start, end: start + part.length });
    }
  }
  return found;
}

function envName(name: string): string {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .replace(/[^A-Za-z0-9]+/g, '_')
    .replace(/^_|_$/g, '')
    .toUpperCase();
}

const REVOKE = 'revoke the exposed value: it stays in the version history';

function namedMessage(name: string, instead: string): string {
  return `\`${name}\` is set to a literal credential, readable by anyone with the repository. Load it at run time (${instead}) and ${REVOKE}`;
}

function shapeMessage(what: string, holder: 'string' | 'value'): string {
  return `This ${holder} contains ${what}. Remove it from the code, load it at run time from the environment or a secret store, and ${REVOKE}`;
}

/** The name a Python value is given: `api_key = v`, `openai.api_key = v`, `env["API_KEY"] = v`,
 *  `connect(password=v)`, `{"password": v}`, `def login(token=v)`; with the owner that the
 *  environment variable the message suggests is named after (`OPENAI_API_KEY` for `openai.api_key`). */
function namedValues(ctx: PythonContext): { name: string; owner?: string; value: Node }[] {
  const { module } = ctx;
  const out: { name: string; owner?: string; value: Node }[] = [];
  const add = (name: string | undefined, value: Node, owner?: string) => {
    if (name) out.push({ name, owner, value });
  };
  // Only a string can hold a secret: from each string up to what names it, an assignment's target, a
  // keyword, a dictionary key or a parameter (most of those are given no string).
  for (const value of module.nodes('string')) {
    const holder = value.parent;
    if (!holder) continue;
    if (holder.type === 'assignment') {
      if (!sameNode(holder.childForFieldName('right'), value)) continue;
      const left = holder.childForFieldName('left');
      if (left?.type === 'identifier') add(left.text, value);
      else if (left?.type === 'subscript') add(stringValue(left.childForFieldName('subscript')), value);
      else if (left?.type === 'attribute') {
        const owner = left.childForFieldName('object');
        const ownerName = owner?.type === 'identifier' && owner.text !== 'self' && owner.text !== 'cls' ? owner.text : undefined;
        add(left.childForFieldName('attribute')?.text, value, ownerName);
      }
    } else if (holder.type === 'keyword_argument' || holder.type === 'default_parameter' || holder.type === 'typed_default_parameter') {
      if (sameNode(holder.childForFieldName('value'), value)) add(holder.childForFieldName('name')?.text, value);
    } else if (holder.type === 'pair') {
      if (sameNode(holder.childForFieldName('value'), value)) add(stringValue(holder.childForFieldName('key')), value);
    }
  }
  return out;
}

function checkPython(ctx: PythonContext): void {
  const { module } = ctx;
  const reported = new Set<number>();
  for (const { name, owner, value } of namedValues(ctx)) {
    const kind = credentialName(name);
    if (!kind) continue;
    const text = stringValue(value);
    if (text === undefined || isPlaceholder(text, kind)) continue;
    reported.add(value.id);
    const env = envName(owner ? `${owner}_${name}` : name);
    ctx.report(value, namedMessage(name, `os.environ["${env}"] or a secret manager`));
  }
  for (const content of module.nodes('string_content')) {
    if (content.parent && reported.has(content.parent.id)) continue;
    for (const shape of keyShapesIn(content.text)) {
      ctx.report(module.lines.rangeOf(content.startIndex + shape.start, content.startIndex + shape.end), shapeMessage(shape.what, 'string'));
    }
  }
}

/** Where a match in a scalar's value is in the file: found in the scalar's source text, else the whole scalar. */
function rangeInScalar(ctx: YamlContext, scalar: { range?: [number, number, number] | null }, match: string): Range {
  const [start, end] = scalar.range ?? [0, 0];
  const at = ctx.text.slice(start, end).indexOf(match);
  return at < 0 ? nodeRange(ctx.yaml, scalar) : ctx.yaml.lines.rangeOf(start + at, start + at + match.length);
}

function checkYaml(ctx: YamlContext): void {
  const reported = new Set<unknown>();
  for (const entry of yamlEntries(ctx.yaml)) {
    const name = entry.path[entry.path.length - 1];
    const kind = credentialName(name);
    if (!kind || !isScalar(entry.value) || typeof entry.value.value !== 'string') continue;
    if (isPlaceholder(entry.value.value, kind)) continue;
    reported.add(entry.value);
    ctx.report(nodeRange(ctx.yaml, entry.value), namedMessage(entry.path.join('.'), `an environment variable such as \${${envName(entry.path.join('_'))}} resolved when the config is loaded, or a secret manager`));
  }
  for (const document of ctx.yaml.documents) {
    visit(document, {
      Scalar(_, scalar) {
        if (reported.has(scalar) || typeof scalar.value !== 'string') return;
        for (const shape of keyShapesIn(scalar.value)) {
          ctx.report(rangeInScalar(ctx, scalar, scalar.value.slice(shape.start, shape.end)), shapeMessage(shape.what, 'value'));
        }
      },
    });
  }
}

export default defineRule({
  code: 'MLH603',
  name: 'secret-in-code',
  summary: 'A credential (API key, password, token, cloud secret, private key) written literally in code, a notebook or a config file',
  practices: ['P9', 'P10'],
  references: ['ML-engineering practices P9 (hidden costs) and P10 (responsible AI: privacy and security)'],
  severity: 'error',
  roles: ALL_BUT_GENERATED,
  statementLocal: true,
  docs: `## What it finds
Credentials written as literal values:
- in Python files and notebook cells, a string assigned to a name that says it is a credential
  (\`api_key\`, \`OPENAI_API_KEY\`, \`secret_access_key\`, \`private_key\`, \`client_secret\`,
  \`password\`, \`passwd\`, \`hf_token\`, \`auth\`, ...), passed as such a keyword argument
  (\`login(token="...")\`), used as a dictionary entry (\`{"password": "..."}\`) or a parameter default;
- in YAML files, such a key with a literal string value;
- anywhere in strings and YAML values, and in the outputs of notebook cells, the shapes of
  well-known keys: AWS access key IDs (\`AKIA...\`), GitHub tokens (\`ghp_...\`, \`github_pat_...\`),
  Slack tokens (\`xoxb-...\`), OpenAI-style keys (\`sk-...\`), Hugging Face tokens (\`hf_...\`),
  Google API keys (\`AIza...\`), Stripe live keys, PEM private keys, passwords inside URLs.

Placeholders are not reported: empty values, \`<your-api-key>\`, \`changeme\`, \`xxxx\`, \`***\`,
\`\${ENV_VAR}\`, \`{{ var }}\`, names of environment variables, paths to secret files, and values read
from \`os.environ\` / \`os.getenv\`. Under generic names (\`token\`, \`password\`, \`secret\`), values
shorter than 8 characters are ignored, and tokenizer tokens (\`pad_token = "[PAD]"\`) are not
credentials. The key ID and signature in the query of a pre-signed URL (S3's \`X-Amz-Credential\`
and \`X-Amz-Signature\`, or \`AWSAccessKeyId\` and \`Signature\`; GCS's \`X-Goog-Signature\`; Azure's
\`sig\`) are not reported either: such a URL is what a notebook prints when it downloads a release
or a dataset from someone else's bucket, its signature expires within days, and the key ID alone
grants nothing. A key outside such a query, in the same string or output, is still reported. The
finding marks the value; the message never repeats it.

A committed secret leaks wherever it is written, so every role but generated counts.

## Why it matters
A secret in a repository is readable by everyone who can clone it, forever: deleting the line does
not remove it from the history, and notebooks carry it in their outputs too. Leaked cloud keys are
found by scanners within minutes and billed to you; leaked data-store passwords expose the personal
data a model is trained on. Keeping secrets out of code is part of the hidden operational cost of ML
systems (practice P9) and of handling data responsibly (practice P10).

## How to fix
Read credentials at run time: from environment variables (\`os.environ["OPENAI_API_KEY"]\`, a
\`.env\` file that git ignores), from your platform's secret store, or from the tool's own login
(\`huggingface-cli login\`, \`wandb login\`, AWS profiles). In YAML, reference an environment
variable (\`\${WANDB_API_KEY}\`) and resolve it when loading. Then revoke the exposed secret and
issue a new one: it stays in the git history and in every clone.

## Example
\`\`\`python
# Before
import openai
client = openai.OpenAI(api_key="sk-...the real key...")

# After
import os
import openai
client = openai.OpenAI(api_key=os.environ["OPENAI_API_KEY"])
\`\`\`

## References
- ml-ops.org, *MLOps Principles*: practices P9 (hidden costs of ML) and P10 (responsible AI).
- OWASP: [Secrets Management Cheat Sheet](https://cheatsheetseries.owasp.org/cheatsheets/Secrets_Management_Cheat_Sheet.html).
- GitHub Docs: [About secret scanning](https://docs.github.com/en/code-security/secret-scanning/about-secret-scanning).
`,
  check: {
    python: checkPython,
    yaml: checkYaml,
    notebook(ctx) {
      // Outputs are not code: only unmistakable key shapes count there, reported on the cell's first line.
      for (const cell of ctx.notebook.cells) {
        if (cell.kind !== 'code' || !cell.outputText) continue;
        const shapes = keyShapesIn(cell.outputText);
        if (shapes.length === 0) continue;
        const firstLine = new LineIndex(cell.source).lineText(0);
        const what = [...new Set(shapes.map((s) => s.what))].join(' and ');
        ctx.reportInCell(
          cell.index,
          { start: { line: 0, character: 0 }, end: { line: 0, character: firstLine.length } },
          `The output of this cell shows ${what}. Clear the outputs before committing, and ${REVOKE}`,
        );
      }
    },
  },
});
