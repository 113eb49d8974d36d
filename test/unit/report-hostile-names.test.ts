// The report with names the repository chose: folders and files called `<img src=x onerror=...>`,
// `[text](javascript:...)`, with pipes, backticks, line breaks and Markdown's punctuation. The
// Markdown must parse to the structure a tame repository gives, show each name as the text it is,
// and hold no HTML and no link the report did not make; the HTML report and the GitHub annotations
// must carry the names intact; so must the hover text in the editor.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, test } from 'node:test';
import { formatGithub } from '../../server/src/cli/github';
import { DEFAULT_CONFIG } from '../../server/src/engine/config';
import { scanProject } from '../../server/src/engine/scan';
import { Finding } from '../../server/src/engine/types';
import { reportHtml, reportMarkdown } from '../../server/src/report/render';
import { HygieneReport, scoreProject } from '../../server/src/report/score';
import { hoverAt } from '../../server/src/lsp/hover';
import { RULES } from '../../server/src/rules';
import { markdownTokens, Token } from '../support/markdown';

const NAN_CHECK = `import numpy as np
import pandas as pd

table = pd.read_csv("data/churn.csv")
missing = table[table["income"] == np.nan]
`;

interface Names {
  root: string;
  folder: string;
  files: string[];
  configKey: string;
  chart: string;
}

const TAME: Names = {
  root: 'churn',
  folder: 'pipeline',
  files: ['clean.py', 'features.py', 'split.py', 'train.py', 'evaluate.py'],
  configKey: 'learning_rate',
  chart: 'hygiene.svg',
};

const HOSTILE: Names = {
  root: '[home](javascript:alert(1)) <b>bold</b> #',
  folder: '<img src=x onerror=alert(1)>',
  files: [
    '[text](javascript:alert(1)).py',
    'pipe | ``` back`ticks ``` |.py',
    'line\nbreak\n# heading\n| a | b |\n.py',
    '$x$ &lt; *bold* _under_ ~~gone~~ \\ end.py',
    '<script>alert(1)<\\script>, 100%: done.py',
  ],
  configKey: '<img src=x onerror=alert(2)> | `lr` [x](javascript:alert(3))',
  chart: 'javascript:alert(1) (chart).svg',
};

const temps: string[] = [];
after(() => {
  for (const dir of temps) fs.rmSync(dir, { recursive: true, force: true });
});

const scanned = new Map<Names, Promise<{ report: HygieneReport; findings: Finding[] }>>();
function reportFor(names: Names): Promise<{ report: HygieneReport; findings: Finding[] }> {
  if (!scanned.has(names)) scanned.set(names, scanNamed(names));
  return scanned.get(names)!;
}

/** A small project whose files hold the same findings whatever they are called. */
async function scanNamed(names: Names): Promise<{ report: HygieneReport; findings: Finding[] }> {
  const base = fs.mkdtempSync(path.join(os.tmpdir(), 'mlh-report-names-'));
  temps.push(base);
  const root = path.join(base, names.root);
  fs.mkdirSync(path.join(root, names.folder), { recursive: true });
  fs.writeFileSync(path.join(root, 'requirements.txt'), 'pandas==2.2.3\nnumpy==2.1.3\n');
  for (const file of names.files) fs.writeFileSync(path.join(root, names.folder, file), NAN_CHECK);
  fs.writeFileSync(path.join(root, 'params.yaml'), `"${names.configKey.replace(/[\\"]/g, '\\$&')}": 0.1\nseed: 42\n"${names.configKey.replace(/[\\"]/g, '\\$&')}": 0.2\n`);
  const config = { ...DEFAULT_CONFIG, select: ['MLH106', 'MLH604'] };
  const scan = await scanProject(root, { config, workers: 0 });
  return { report: scoreProject(RULES, config, scan.index, scan.findings), findings: scan.findings };
}

/** The blocks, in order: headings, tables and their rows, lists and their items, paragraphs. */
function structure(tokens: Token[]): string[] {
  return tokens.filter((t) => t.block && t.type !== 'inline').map((t) => `${t.type} ${t.tag}`);
}

/** What a line break or other control character in a name shows as. */
const shown = (name: string) => name.replace(/\n/g, '\u240a');

test('hostile names keep the structure of the Markdown report and stay text', async () => {
  const tame = await reportFor(TAME);
  const hostile = await reportFor(HOSTILE);
  assert.equal(hostile.findings.length, TAME.files.length + 1, 'a finding in each file and one on the configuration');
  const tameTokens = markdownTokens(reportMarkdown(tame.report, TAME.root, TAME.chart));
  const hostileMarkdown = reportMarkdown(hostile.report, HOSTILE.root, HOSTILE.chart);
  const tokens = markdownTokens(hostileMarkdown);

  assert.deepEqual(structure(tokens), structure(tameTokens));
  assert.deepEqual(
    tokens.filter((t) => t.type === 'html_block' || t.type === 'html_inline').map((t) => t.content),
    [],
    'no raw HTML',
  );
  assert.deepEqual(tokens.filter((t) => t.type === 'link_open').map((t) => t.attrGet('href')), [], 'no link');
  const images = tokens.filter((t) => t.type === 'image').map((t) => t.attrGet('src')!);
  assert.deepEqual(images, ['javascript%3Aalert%281%29%20%28chart%29.svg'], 'the chart, as a relative link');
  assert.equal(decodeURIComponent(images[0]), HOSTILE.chart);

  const heading = tokens[tokens.findIndex((t) => t.type === 'heading_open' && t.tag === 'h1') + 1];
  assert.equal(textOf(heading), `ML Hygiene report: ${HOSTILE.root}`);
  // "Fix first" names the first file of each rule as it is called.
  const nanItem = tokens.filter((t) => t.type === 'inline' && t.content.includes('**MLH106**')).map(textOf);
  assert.equal(nanItem.length, 1);
  assert.ok(
    HOSTILE.files.some((file) => nanItem[0].includes(`first at ${shown(HOSTILE.folder)}/${shown(file)}:`)),
    `a file is shown as it is called: ${JSON.stringify(nanItem[0])}`,
  );
  const items = tokens.filter((t) => t.type === 'inline' && t.content.includes('**MLH604**')).map(textOf);
  assert.equal(items.length, 1);
  assert.ok(items[0].includes(`Key \`${HOSTILE.configKey}\` is already defined`), items[0]);
});

/** The text a reader sees in an inline token. */
function textOf(inline: Token): string {
  return (inline.children ?? []).map((t) => (t.type === 'code_inline' ? t.content : t.type === 'softbreak' ? '\n' : t.content)).join('');
}

test('the HTML report escapes the same names', async () => {
  const { report } = await reportFor(HOSTILE);
  const html = reportHtml(report, HOSTILE.root, (f) => `command:open?${encodeURIComponent(JSON.stringify([f.path]))}`);
  const body = html.slice(html.indexOf('<body>'));
  assert.doesNotMatch(body, /<img|<script|<b>|href="(?!command:open\?)/);
  assert.match(body, /<h1>ML Hygiene report: \[home\]\(javascript:alert\(1\)\) &lt;b&gt;bold&lt;\/b&gt; #<\/h1>/);
  // "Fix first" shows the first file of each rule, in the hostile folder.
  assert.match(body, /<code>(<a [^>]*>)?&lt;img src=x onerror=alert\(1\)&gt;\//, 'the folder shows escaped');
});

test('GitHub annotations keep one line per finding and give the file name back', async () => {
  const { findings } = await reportFor(HOSTILE);
  const lines = formatGithub(findings).trimEnd().split('\n');
  assert.equal(lines.length, findings.length);
  const decode = (s: string) => s.replace(/%(0A|0D|3A|2C|25)/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));
  const files = lines.map((line) => decode(/^::(?:error|warning|notice) file=([^,]*),/.exec(line)![1]));
  assert.deepEqual(files.sort(), findings.map((f) => f.path).sort());
});

test('the hover text shows a message quoting a hostile key as text', async () => {
  const { findings } = await reportFor(HOSTILE);
  const finding = findings.find((f) => f.code === 'MLH604')!;
  // An editor that does not show the diagnostic in the hover gets the message in it.
  const options = { commandLinks: false, diagnosticsInHover: false };
  const hover = hoverAt([{ finding, range: finding.range, data: { fileKind: 'yaml', project: false } }], finding.range.start, 'file:///params.yaml', options);
  const tokens = markdownTokens((hover!.contents as { value: string }).value);
  assert.deepEqual(tokens.filter((t) => t.type === 'html_inline' || t.type === 'html_block'), []);
  const message = tokens.filter((t) => t.type === 'inline').map(textOf);
  assert.ok(message.includes(finding.message), `the message as one paragraph of text: ${JSON.stringify(message)}`);
});
