// What the fixture harness does not see: per-finding severity (MLH601, MLH608), the
// Unnecessary tag (MLH504), related information pointing to another file (MLH502, MLH608),
// another cell (MLH801, MLH202) or the source of a leak (MLH202, MLH213), and which findings come
// with a fix (MLH608).
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { test } from 'node:test';
import { Analyzer, kindOf } from '../../server/src/engine/analyze';
import { ProjectIndex } from '../../server/src/engine/project';
import { initPython } from '../../server/src/engine/python/parser';
import { scanProject } from '../../server/src/engine/scan';
import { Finding } from '../../server/src/engine/types';
import { fixtureFindings, FIXTURES } from '../support/fixtures';
import { EVERY_RULE } from '../support/config';

async function findingsIn(code: string, fixture: string, exclude: string[] = []): Promise<Finding[]> {
  const root = path.join(FIXTURES, 'rules', code, fixture);
  const { findings } = await scanProject(root, { config: { ...EVERY_RULE, exclude }, workers: 0 });
  return findings.filter((f) => f.code === code);
}

const severities = (findings: Finding[]) => [...new Set(findings.map((f) => f.severity))];

test('MLH601 is a warning when params.yaml could hold the value', async () => {
  assert.deepEqual(severities(await findingsIn('MLH601', 'with-params-file')), ['warning']);
});

test('MLH504 marks dead code as unnecessary', async () => {
  const findings = await findingsIn('MLH504', 'experiments');
  assert.ok(findings.length > 0);
  assert.ok(findings.every((f) => f.unnecessary === true));
});

test('MLH502 points to the training definition', async () => {
  const [finding] = await findingsIn('MLH502', 'skew-by-name');
  assert.deepEqual(finding.related?.map((r) => [r.path, r.range.start.line]), [['train.py', 7]]);
});

test('MLH801 points to the cell above that ran later, at its execution count in the file', async () => {
  const findings = await findingsIn('MLH801', 'fires', ['exploration.ipynb']);
  assert.deepEqual(
    findings.map((f) => [f.cell, f.related?.map((r) => [r.path, r.range.start.line, r.message])]),
    [[6, [['housing-features.ipynb', 49, 'cell 6, run later with execution count [11]']]]],
  );
});

test('MLH406 lists the loose dependencies of the project once, with each entry as a related location', async () => {
  const [finding, ...others] = await findingsIn('MLH406', 'fires');
  assert.equal(others.length, 0);
  assert.match(finding.message, /^6 dependencies are not pinned to one version and the project has no lock file: pandas \(no version\), scikit-learn \(`>=1.2`\), torch \(`~=2.1`\) and 3 more\./);
  // numpy==1.26.* admits bug-fix releases only; uvicorn[standard] and requests[socks] are pinned by
  // other lines; pytest is a development tool; jupyterlab is left out by its noqa comment.
  assert.deepEqual(
    finding.related?.map((r) => `${r.path}:${r.range.start.line + 1} ${r.message.split(':')[0]}`),
    [
      'requirements.txt:5 `pandas`',
      'requirements.txt:6 `scikit-learn`',
      'requirements.txt:8 `torch`',
      'requirements.txt:11 `mlflow`',
      'requirements.txt:12 `shap`',
      'requirements-base.txt:2 `pyyaml`',
    ],
  );
});

const MLH608 = path.join(FIXTURES, 'rules', 'MLH608');

test('MLH608: loads of files the project writes are informations with the writer as related location', async () => {
  const findings = await fixtureFindings(path.join(MLH608, 'own-artifacts'), ['MLH608']);
  const summary = findings.map((f) => [`${f.path}:${f.range.start.line + 1}`, f.severity, (f.related ?? []).map((r) => `${r.path}:${r.range.start.line + 1}`).join(' ')]);
  assert.deepEqual(summary, [
    ['src/serve.py:15', 'information', 'src/train.py:22'], // the config key paths.model
    ['src/serve.py:18', 'information', 'src/train.py:24'], // the imported ENCODER_PATH constant
    ['src/serve.py:20', 'information', 'src/train.py:25'], // the same literal path
    ['src/serve.py:22', 'warning', ''], // downloaded from a hub
    ['src/serve.py:31', 'warning', ''], // uploaded by a client
    ['src/tune.py:10', 'information', 'src/prepare.py:19'], // through load_pickle / dump_pickle helpers
  ]);
});

test('MLH608: weights_only=True is offered only where everything loaded goes to load_state_dict, or the project saves the file as a state dict', async () => {
  const findings = await fixtureFindings(path.join(MLH608, 'load-checkpoints.py'), ['MLH608']);
  assert.deepEqual(
    findings.map((f) => [f.range.start.line + 1, f.fix?.title]),
    [
      [12, 'Load with weights_only=True'],
      [18, 'Load with weights_only=True'],
      [26, undefined],
      [37, 'Load with weights_only=True'],
      [43, undefined],
    ],
  );
});

test('MLH608: the same module-level name ties a load to the write of the same file', async () => {
  const [finding] = await fixtureFindings(path.join(MLH608, 'retrain-endpoint.py'), ['MLH608']);
  assert.deepEqual([finding.severity, finding.related?.map((r) => r.range.start.line + 1)], ['information', [20]]);
});

test('MLH608: a pickle committed with the code is an information, an untracked one (downloaded, say) a warning', async () => {
  await initPython();
  const code = [
    'import pickle',
    '',
    'with open("model.bin", "rb") as f_in:',
    '    dv, model = pickle.load(f_in)',
    'with open("downloaded.bin", "rb") as f_in:',
    '    other = pickle.load(f_in)',
  ].join('\n');
  const analyzer = new Analyzer();
  const files = ['scoring/predict.py', 'scoring/model.bin', 'scoring/downloaded.bin'];
  const index = new ProjectIndex(
    files.map((p) => ({ path: p, kind: kindOf(p), size: 100 })),
    new Map([['scoring/predict.py', analyzer.facts('scoring/predict.py', code)]]),
    new Map(),
    ['scoring/predict.py', 'scoring/model.bin'],
  );
  const findings = analyzer.analyzeFile('scoring/predict.py', code, index, EVERY_RULE).filter((f) => f.code === 'MLH608');
  assert.deepEqual(
    findings.map((f) => [f.range.start.line + 1, f.severity, f.related?.map((r) => r.path)]),
    [
      [4, 'information', ['scoring/model.bin']],
      [6, 'warning', undefined],
    ],
  );
});

test('MLH202 names the fit as related location, in its cell of a notebook', async () => {
  const findings = await findingsIn('MLH202', '.');
  const related = (file: string) => findings.filter((f) => f.path === file).map((f) => f.related?.map((r) => [r.path, r.range.start.line, r.message]));
  assert.deepEqual(related('fires-hand-written.py')[0], [['fires-hand-written.py', 13, 'lr is fitted on X, y here']]);
  // In a notebook: the fit's line in cell 3, and that line in the notebook's JSON for a view of the file.
  const [[fit]] = findings.filter((f) => f.path === 'fires-across-cells.ipynb').map((f) => f.related!);
  assert.deepEqual([fit.path, fit.cell! + 1, fit.range.start.line, fit.fileRange?.start.line, fit.message], ['fires-across-cells.ipynb', 3, 1, 30, 'forest is fitted on X, y here']);
});

test('MLH213 names the test-set evaluation and the split as related locations', async () => {
  const findings = await findingsIn('MLH213', '.');
  const [first] = findings.filter((f) => f.path === 'fires.py');
  assert.deepEqual(
    first.related?.map((r) => [r.range.start.line + 1, r.message]),
    [
      [25, 'scored on the test set (y_test) here'],
      [13, 'the test set y_test is split off here'],
    ],
  );
});
