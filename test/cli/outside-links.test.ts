// Nothing outside the checked folder is read or quoted: a repository whose symbolic links lead out
// of it (a pull request can add such links, and CI uploads the output) is checked in every output
// format; the links are skipped with a notice that names them.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, test } from 'node:test';
import { checkJson, CRASH, runCli } from '../support/cli';
import { OUTSIDE_MARKER, removeProject, writeOutsideLinksProject } from '../support/project';

let base: string;
let root: string;
let links: string[];
before(() => {
  base = fs.mkdtempSync(path.join(os.tmpdir(), 'mlh-links-'));
  ({ root, links } = writeOutsideLinksProject(base));
});
after(() => removeProject(base));

const OUTPUTS = [
  ['check', '--format', 'text'],
  ['check', '--format', 'json'],
  ['check', '--format', 'sarif'],
  ['check', '--format', 'github'],
  ['report', '--format', 'md'],
  ['report', '--format', 'html'],
  ['report', '--format', 'json'],
];

for (const args of OUTPUTS) {
  test(`${args.join(' ')}: nothing from outside, and a finding from inside`, () => {
    const { status, stdout, stderr } = runCli(args, root);
    assert.ok(status === 0 || status === 1, `status ${status}: ${stderr}`);
    assert.doesNotMatch(stderr, CRASH);
    assert.ok(!stdout.includes(OUTSIDE_MARKER) && !stderr.includes(OUTSIDE_MARKER), `${args.join(' ')} quotes a file outside:\n${stdout}\n${stderr}`);
    assert.ok(stdout.includes('MLH106'), 'train.py, inside, is analysed');
  });
}

test('the report written to files (Markdown and its chart) holds nothing from outside', () => {
  const output = path.join(base, 'hygiene.md');
  assert.equal(runCli(['report', '--output', output], root).status, 0);
  for (const file of [output, path.join(base, 'hygiene.svg')]) assert.ok(!fs.readFileSync(file, 'utf8').includes(OUTSIDE_MARKER), file);
});

test('each link is named in a notice, and the configuration outside is not used', () => {
  const { status, report, stderr } = checkJson([], root);
  assert.equal(status, 1, 'the outside configuration (an error if it were read) is not in force');
  const skipped = report.notices.filter((n) => /symbolic link that leads outside/.test(n.message)).map((n) => n.path);
  assert.deepEqual(skipped.sort(), [...links].sort());
  for (const link of links) assert.match(stderr, new RegExp(`^${link.replace('.', '\\.')}: note: skipped: a symbolic link that leads outside`, 'm'));
  assert.ok(!report.findings.some((f) => links.includes(f.path)), 'no finding in a link');
});

test('a link asked for by name is skipped with the same notice', () => {
  const { stdout, stderr } = runCli(['check', 'requirements.txt'], root);
  assert.match(stderr, /^requirements\.txt: note: skipped: a symbolic link that leads outside/m);
  assert.doesNotMatch(stderr, /excluded by \.gitignore/);
  assert.ok(!stdout.includes(OUTSIDE_MARKER) && !stderr.includes(OUTSIDE_MARKER));
});
