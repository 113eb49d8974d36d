// Nothing outside the checked folder is read, quoted or written: a repository whose symbolic links
// lead out of it (a pull request can add such links, and CI uploads the output) is checked in every
// output format; the links are skipped with a notice that names them, and paths given on the command
// line that lead out through a link are refused.
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

test('a path, --baseline or --output in the current folder that leads out of it is refused (exit status 2)', () => {
  fs.symlinkSync('../outside/data', path.join(root, 'linked-data'), 'dir');
  fs.symlinkSync('../outside/requirements.txt', path.join(root, 'baseline.json'));
  fs.symlinkSync('../outside/README.md', path.join(root, 'hygiene.json'));
  try {
    const before = fs.readFileSync(path.join(base, 'outside', 'README.md'), 'utf8');
    const refused = [
      [['check', 'requirements.txt'], /^ml-hygiene: the path requirements\.txt leads out of the current folder through a symbolic link/],
      [['check', 'linked-data'], /^ml-hygiene: the path linked-data leads out of the current folder/],
      [['check', 'data/customers.csv'], /^ml-hygiene: the path data\/customers\.csv leads out of the current folder/],
      [['report', 'linked-data'], /^ml-hygiene: the folder linked-data leads out of the current folder/],
      [['check', '--baseline', 'baseline.json'], /^ml-hygiene: --baseline baseline\.json leads out of the current folder/],
      [['check', '--output', 'hygiene.json'], /^ml-hygiene: --output hygiene\.json leads out of the current folder/],
      [['report', '--output', 'hygiene.json'], /^ml-hygiene: --output hygiene\.json leads out of the current folder/],
    ] as const;
    for (const [args, message] of refused) {
      const { status, stdout, stderr } = runCli([...args], root);
      assert.equal(status, 2, `${args.join(' ')}: ${stderr}`);
      assert.match(stderr, message);
      assert.ok(!stdout.includes(OUTSIDE_MARKER) && !stderr.includes(OUTSIDE_MARKER));
    }
    assert.equal(fs.readFileSync(path.join(base, 'outside', 'README.md'), 'utf8'), before, 'nothing written through the link');
  } finally {
    for (const link of ['linked-data', 'baseline.json', 'hygiene.json']) fs.rmSync(path.join(root, link));
  }
});

test('--output never writes through a link, even one that stays inside', () => {
  fs.writeFileSync(path.join(root, 'notes.md'), 'our notes\n');
  fs.symlinkSync('notes.md', path.join(root, 'hygiene.json'));
  try {
    const { status, stderr } = runCli(['check', '--format', 'json', '--output', 'hygiene.json'], root);
    assert.equal(status, 2);
    assert.match(stderr, /^ml-hygiene: cannot write hygiene\.json: it is a symbolic link, which is never written through/m);
    assert.equal(fs.readFileSync(path.join(root, 'notes.md'), 'utf8'), 'our notes\n');
  } finally {
    fs.rmSync(path.join(root, 'hygiene.json'));
    fs.rmSync(path.join(root, 'notes.md'));
  }
});
