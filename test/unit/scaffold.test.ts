// The TDSP scaffold: what it creates, that it never loses data, and that our own checks accept it.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterEach, test } from 'node:test';
import { DEFAULT_CONFIG } from '../../server/src/engine/config';
import { scanProject } from '../../server/src/engine/scan';
import { applyScaffold, existsIn } from '../../server/src/scaffold/apply';
import { packageNameOf, planScaffold } from '../../server/src/scaffold/plan';
import { TDSP_TEMPLATE } from '../../server/src/scaffold/tdsp';
import { PLACEHOLDER_PATTERN } from '../../server/src/scaffold/template';
import { describe as describeFinding } from '../support/fixtures';

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

test('an empty folder gets the whole TDSP layout with the basics', () => {
  const root = tempDir();
  const result = applyScaffold(root, planScaffold(existsIn(root), { name: 'Customer churn' }));
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
  const plan = planScaffold(existsIn(root), { name: 'x', without: ['ci', 'dvc', 'starter-code'] });
  const paths = plan.create.map((f) => f.path);
  assert.ok(!paths.includes('.github/workflows/ci.yml'));
  assert.ok(!paths.includes('dvc.yaml'));
  assert.ok(!paths.some((p) => p.endsWith('train.py')));
  assert.ok(paths.includes('Docs/Project/Charter.md'), 'the TDSP layout always comes');
});

test('nothing existing is overwritten: every byte stays', () => {
  const root = tempDir();
  const plan = planScaffold(() => false, { name: 'Customer churn' });
  const before = new Map<string, Buffer>();
  for (const file of plan.create) {
    const target = path.join(root, file.path);
    fs.mkdirSync(path.dirname(target), { recursive: true });
    const content = Buffer.from(`their own ${file.path}\n\u00e9\u0000`, 'utf8');
    fs.writeFileSync(target, content);
    before.set(file.path, content);
  }
  const result = applyScaffold(root, planScaffold(existsIn(root), { name: 'Customer churn' }));
  assert.deepEqual(result.created, []);
  assert.equal(result.skipped.length, plan.create.length);
  for (const [file, content] of before) assert.ok(fs.readFileSync(path.join(root, file)).equals(content), `${file} unchanged`);
  assert.equal(listFiles(root).length, before.size, 'no file added');
});

test('a file that appears between planning and writing is skipped, not overwritten', () => {
  const root = tempDir();
  const plan = planScaffold(existsIn(root), { name: 'Race' });
  fs.writeFileSync(path.join(root, 'README.md'), 'mine');
  const result = applyScaffold(root, plan);
  assert.ok(result.skipped.includes('README.md'));
  assert.equal(fs.readFileSync(path.join(root, 'README.md'), 'utf8'), 'mine');
});

test('dogfood: a fresh scaffold only asks for its placeholders, a filled one is clean', async () => {
  const root = tempDir();
  applyScaffold(root, planScaffold(existsIn(root), { name: 'Customer churn' }));
  const fresh = await scanProject(root, { config: DEFAULT_CONFIG, workers: 0 });
  const notPlaceholders = fresh.findings.filter((f) => f.code !== 'MLH002').map((f) => `${describeFinding(f)} ${f.message}`);
  assert.deepEqual(notPlaceholders, []);

  for (const file of listFiles(root)) {
    const full = path.join(root, file);
    const text = fs.readFileSync(full, 'utf8');
    if (PLACEHOLDER_PATTERN.test(text)) fs.writeFileSync(full, text.replace(new RegExp(PLACEHOLDER_PATTERN.source, 'g'), 'Written by the team.'));
  }
  const filled = await scanProject(root, { config: DEFAULT_CONFIG, workers: 0 });
  assert.deepEqual(filled.findings.map((f) => `${describeFinding(f)} ${f.message}`), []);
});
