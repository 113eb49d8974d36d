// The TDSP scaffold: what it creates, that it never loses data, and that our own checks accept it.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterEach, test } from 'node:test';
import { scanProject } from '../../server/src/engine/scan';
import { applyScaffold, obstaclesIn, ScaffoldError } from '../../server/src/scaffold/apply';
import { packageNameOf, planScaffold, ScaffoldPlan } from '../../server/src/scaffold/plan';
import { TDSP_TEMPLATE } from '../../server/src/scaffold/tdsp';
import { PLACEHOLDER_PATTERN } from '../../server/src/scaffold/template';
import { describe as describeFinding } from '../support/fixtures';
import { treeHash } from '../support/project';
import { EVERY_RULE } from '../support/config';

const temps: string[] = [];
function tempDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mlh-scaffold-'));
  temps.push(dir);
  return dir;
}
afterEach(() => {
  for (const dir of temps.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

function listFiles(root: string, rel = ''): string[] {
  return fs.readdirSync(path.join(root, rel), { withFileTypes: true }).flatMap((e) => {
    const child = rel ? `${rel}/${e.name}` : e.name;
    return e.isDirectory() ? listFiles(root, child) : [child];
  });
}

test('package names are valid Python identifiers', () => {
  assert.equal(packageNameOf('Customer Churn'), 'customer_churn');
  assert.equal(packageNameOf('  2024 Fraud-Detection! '), 'p_2024_fraud_detection');
  assert.equal(packageNameOf('Ünïcode näme'), 'unicode_name');
  assert.equal(packageNameOf('***'), 'project');
});

test('a blank name makes an "ML project" whose package is ml_project', () => {
  const plan = planScaffold(() => undefined, { name: ' \u00a0' });
  assert.ok(plan.create.some((file) => file.path === 'Code/ml_project/train.py'));
  assert.ok(plan.create.find((file) => file.path === 'README.md')?.content.startsWith('# ML project'));
});

test('an empty folder gets the whole TDSP layout with the basics', () => {
  const root = tempDir();
  const result = applyScaffold(root, planScaffold(obstaclesIn(root), { name: 'Customer churn' }));
  assert.deepEqual(result.skipped, []);
  assert.equal(result.created.length, TDSP_TEMPLATE.length);
  const files = listFiles(root);
  for (const expected of [
    'Code/Data_Acquisition_and_Understanding/README.md',
    'Code/Modeling/README.md',
    'Code/Deployment/README.md',
    'Code/customer_churn/train.py',
    'Code/customer_churn/serve.py',
    'Docs/Project/Charter.md',
    'Docs/Project/Exit_Report.md',
    'Docs/Data_Dictionaries/Data_Dictionary.md',
    'Docs/Data_Report/Data_Summary_Report.md',
    'Docs/Model/Baseline_Report.md',
    'Docs/Model/Final_Report.md',
    'Sample_Data/README.md',
    'Sample_Data/Raw/.gitkeep',
    'params.yaml',
    'dvc.yaml',
    '.github/workflows/ci.yml',
    '.gitignore',
  ]) {
    assert.ok(files.includes(expected), `${expected} is created`);
  }
  const charter = fs.readFileSync(path.join(root, 'Docs/Project/Charter.md'), 'utf8');
  for (const section of ['Business background', 'Scope', 'Personnel', 'Metrics', 'Plan', 'Architecture', 'Communication']) {
    assert.match(charter, new RegExp(`^## ${section}$`, 'm'));
  }
});

test('parts left out are not created', () => {
  const root = tempDir();
  const plan = planScaffold(obstaclesIn(root), { name: 'x', without: ['ci', 'dvc', 'starter-code'] });
  const paths = plan.create.map((f) => f.path);
  assert.ok(!paths.includes('.github/workflows/ci.yml'));
  assert.ok(!paths.includes('dvc.yaml'));
  assert.ok(!paths.some((p) => p.endsWith('train.py')));
  assert.ok(paths.includes('Docs/Project/Charter.md'), 'the TDSP layout always comes');
});

test('nothing existing is overwritten: every byte stays', () => {
  const root = tempDir();
  const plan = planScaffold(() => undefined, { name: 'Customer churn' });
  const before = new Map<string, Buffer>();
  for (const file of plan.create) {
    const target = path.join(root, file.path);
    fs.mkdirSync(path.dirname(target), { recursive: true });
    const content = Buffer.from(`their own ${file.path}\n\u00e9\u0000`, 'utf8');
    fs.writeFileSync(target, content);
    before.set(file.path, content);
  }
  const result = applyScaffold(root, planScaffold(obstaclesIn(root), { name: 'Customer churn' }));
  assert.deepEqual(result.created, []);
  assert.equal(result.skipped.length, plan.create.length);
  for (const [file, content] of before) assert.ok(fs.readFileSync(path.join(root, file)).equals(content), `${file} unchanged`);
  assert.equal(listFiles(root).length, before.size, 'no file added');
});

test('a file that appears between planning and writing is skipped, not overwritten', () => {
  const root = tempDir();
  const plan = planScaffold(obstaclesIn(root), { name: 'Race' });
  fs.writeFileSync(path.join(root, 'README.md'), 'mine');
  const result = applyScaffold(root, plan);
  assert.ok(result.skipped.includes('README.md'));
  assert.equal(fs.readFileSync(path.join(root, 'README.md'), 'utf8'), 'mine');
});

test('dogfood: a fresh scaffold only asks for its placeholders, a filled one is clean', async () => {
  const root = tempDir();
  applyScaffold(root, planScaffold(obstaclesIn(root), { name: 'Customer churn' }));
  const fresh = await scanProject(root, { config: EVERY_RULE, workers: 0 });
  const notPlaceholders = fresh.findings.filter((f) => f.code !== 'MLH002').map((f) => `${describeFinding(f)} ${f.message}`);
  assert.deepEqual(notPlaceholders, []);

  for (const file of listFiles(root)) {
    const full = path.join(root, file);
    const text = fs.readFileSync(full, 'utf8');
    if (PLACEHOLDER_PATTERN.test(text)) fs.writeFileSync(full, text.replace(new RegExp(PLACEHOLDER_PATTERN.source, 'g'), 'Written by the team.'));
  }
  const filled = await scanProject(root, { config: EVERY_RULE, workers: 0 });
  assert.deepEqual(filled.findings.map((f) => `${describeFinding(f)} ${f.message}`), []);
});

test('nothing is written through a symbolic link: what lies behind one is skipped and the link listed', () => {
  const base = tempDir();
  const outside = path.join(base, 'elsewhere');
  for (const folder of ['docs', 'code', 'github']) fs.mkdirSync(path.join(outside, folder), { recursive: true });
  fs.writeFileSync(path.join(outside, 'docs', 'notes.md'), 'their notes\n');
  const before = treeHash(outside);
  const root = path.join(base, 'churn');
  fs.mkdirSync(root);
  fs.symlinkSync(path.join(outside, 'docs'), path.join(root, 'Docs'), 'dir');
  fs.symlinkSync('../elsewhere/code', path.join(root, 'Code'), 'dir');
  fs.symlinkSync(path.join(outside, 'github'), path.join(root, '.github'), 'dir');

  const plan = planScaffold(obstaclesIn(root), { name: 'Customer churn', root });
  assert.deepEqual(plan.blocked, [
    { path: 'Code', kind: 'link' },
    { path: 'Docs', kind: 'link' },
    { path: '.github', kind: 'link' },
  ]);
  const result = applyScaffold(root, plan);
  assert.equal(treeHash(outside), before, 'the tree behind the links is unchanged');
  assert.ok(result.skipped.includes('Docs/Project/Charter.md') && result.skipped.includes('.github/workflows/ci.yml'));
  assert.ok(result.created.includes('README.md') && result.created.includes('Sample_Data/README.md'), 'the rest is written');
  assert.ok(!result.created.some((f) => /^(Docs|Code|\.github)\//.test(f)));
});

test('a plan that cannot be written whole writes nothing: a 300-character name', () => {
  const root = path.join(tempDir(), 'project');
  const plan = planScaffold(obstaclesIn(root), { name: 'Customer-churn-'.repeat(20), root });
  assert.deepEqual(
    plan.problems.map((p) => p.about),
    ['name', 'name'],
    plan.problems.map((p) => p.message).join('\n'),
  );
  assert.match(plan.problems[0].message, /^the project name has 300 characters; at most 100 are allowed$/);
  assert.match(plan.problems[1].message, /^Code\/customer_churn_customer_churn.*: a name of 299 bytes; file systems allow 255$/);
  assert.throws(() => applyScaffold(root, plan), ScaffoldError);
  assert.equal(fs.existsSync(root), false, 'not even the folder is made');
});

test('names that are not one line, and package folders that differ from TDSP folders only in case, are problems', () => {
  const problems = (name: string) => planScaffold(() => undefined, { name }).problems.map((p) => `${p.about}: ${p.message}`);
  assert.deepEqual(problems('Churn\nrm -rf'), ['name: the project name holds control characters (a line break, a tab); it must be one line of text']);
  assert.deepEqual(problems('Deployment'), ['name: Code/Deployment and Code/deployment differ only in case: one and the same on macOS and Windows']);
  assert.deepEqual(problems('Churn \ud800'), ['name: the project name is not valid Unicode text: it holds an unpaired surrogate']);
  assert.deepEqual(problems('Customer churn'), []);
});

test('writing that fails half-way removes what the run created, and leaves what was there', () => {
  const root = tempDir();
  fs.mkdirSync(path.join(root, 'Docs'));
  fs.writeFileSync(path.join(root, 'Docs', 'ours.md'), 'ours\n');
  // A hand-made plan whose last file the file system refuses (the planner would have named it).
  const plan: ScaffoldPlan = {
    create: [
      { path: 'README.md', content: '# Churn\n' },
      { path: 'Docs/Project/Charter.md', content: '# Charter\n' },
      { path: 'Docs/bad\0name.md', content: '' },
    ],
    skip: [],
    blocked: [],
    problems: [],
  };
  assert.throws(() => applyScaffold(root, plan));
  assert.deepEqual(listFiles(root), ['Docs/ours.md']);
  assert.equal(fs.existsSync(path.join(root, 'Docs', 'Project')), false);
});

test('a name with quotes and backslashes stays text in the generated Python', async () => {
  const root = tempDir();
  applyScaffold(root, planScaffold(obstaclesIn(root), { name: 'Churn "v2" \\ """ end', root }));
  assert.match(fs.readFileSync(path.join(root, 'Code/churn_v2_end/serve.py'), 'utf8'), /^app = FastAPI\(title="Churn \\"v2\\" \\\\ \\"\\"\\" end"\)$/m);
  const scan = await scanProject(root, { config: EVERY_RULE, workers: 0 });
  assert.deepEqual(scan.notices.filter((n) => /syntax error/.test(n.message)), []);
});
