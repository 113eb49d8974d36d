// Fixes outside Python source, applied and checked again: MLH406 pins a requirements file to the
// versions the project's conda environment pins, MLH805 renames a notebook after its title, MLH810
// renames one to a portable name.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { applyEdits } from '../../server/src/engine/fixes';
import { initPython } from '../../server/src/engine/python/parser';
import { scanProject } from '../../server/src/engine/scan';
import { EVERY_RULE } from '../support/config';
import { FIXTURES } from '../support/fixtures';

async function findings(root: string, code: string) {
  await initPython();
  return (await scanProject(root, { config: EVERY_RULE, workers: 0 })).findings.filter((f) => f.code === code);
}

function copyOf(fixture: string): string {
  const copy = fs.mkdtempSync(path.join(os.tmpdir(), 'mlh-fix-'));
  fs.cpSync(path.join(FIXTURES, 'rules', fixture), copy, { recursive: true });
  fs.rmSync(path.join(copy, 'expected.txt'), { force: true });
  return copy;
}

test('MLH406: the loose requirements take the versions environment.yml pins, and the finding goes', async () => {
  const root = copyOf('MLH406/environment-pins');
  try {
    const [finding] = await findings(root, 'MLH406');
    assert.equal(finding.fix?.title, "Pin 3 dependencies to the versions the project's other dependency files pin");
    const file = path.join(root, finding.path);
    fs.writeFileSync(file, applyEdits(fs.readFileSync(file, 'utf8'), finding.fix!.edits!));
    assert.equal(
      fs.readFileSync(file, 'utf8'),
      '# What the serving image installs.\npandas==2.2.2\nscikit-learn==1.5.1\nxgboost==2.1.1 ; platform_system != "Windows"\nfastapi==0.111.0\n',
    );
    assert.deepEqual(await findings(root, 'MLH406'), []);
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
});

test('MLH805: a notebook with a title is renamed after it, and the finding goes; one without a title gets no fix', async () => {
  const root = copyOf('MLH805/default-names');
  try {
    const byPath = new Map((await findings(root, 'MLH805')).map((f) => [f.path, f]));
    assert.equal(byPath.get('Untitled.ipynb')?.fix, undefined, 'no title to name it after');
    const copy = byPath.get('notebooks/churn-eda-Copy1.ipynb')!;
    assert.deepEqual(copy.fix, { title: 'Rename to churn-exploration.ipynb (after its title)', rename: 'notebooks/churn-exploration.ipynb' });
    fs.renameSync(path.join(root, copy.path), path.join(root, copy.fix!.rename!));
    const after = (await findings(root, 'MLH805')).map((f) => f.path);
    assert.ok(!after.includes('notebooks/churn-exploration.ipynb') && !after.includes(copy.path), after.join(', '));
    // Another notebook with the same title would now collide: it gets no fix.
    const second = (await findings(root, 'MLH805')).find((f) => f.path === 'notebooks/Copy of baseline.ipynb');
    assert.equal(second?.fix, undefined);
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
});

test('MLH810: a notebook is renamed to portable characters, and the finding goes', async () => {
  const root = copyOf('MLH810/fires');
  try {
    const byPath = new Map((await findings(root, 'MLH810')).map((f) => [f.path, f]));
    assert.deepEqual(byPath.get('notebook/Kündigungen (Q3).ipynb')?.fix, { title: 'Rename to Kundigungen-Q3.ipynb', rename: 'notebook/Kundigungen-Q3.ipynb' });
    const spaced = byPath.get('notebook/1 . EDA STUDENT PERFORMANCE .ipynb')!;
    assert.equal(spaced.fix?.rename, 'notebook/1-EDA-STUDENT-PERFORMANCE.ipynb');
    fs.renameSync(path.join(root, spaced.path), path.join(root, spaced.fix!.rename!));
    const after = (await findings(root, 'MLH810')).map((f) => f.path);
    assert.deepEqual(after, ['notebook/2. MODEL TRAINING.ipynb', 'notebook/Kündigungen (Q3).ipynb']);
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
});
