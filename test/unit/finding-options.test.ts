// What the fixture harness does not see: per-finding severity (MLH601), the Unnecessary tag
// (MLH504) and related information pointing to another file (MLH502) or another cell (MLH801).
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { test } from 'node:test';
import { DEFAULT_CONFIG } from '../../server/src/engine/config';
import { scanProject } from '../../server/src/engine/scan';
import { Finding } from '../../server/src/engine/types';
import { FIXTURES } from '../support/fixtures';

async function findingsIn(code: string, fixture: string, exclude: string[] = []): Promise<Finding[]> {
  const root = path.join(FIXTURES, 'rules', code, fixture);
  const { findings } = await scanProject(root, { config: { ...DEFAULT_CONFIG, exclude }, workers: 0 });
  return findings.filter((f) => f.code === code);
}

const severities = (findings: Finding[]) => [...new Set(findings.map((f) => f.severity))];

test('MLH601 is a warning when params.yaml could hold the value', async () => {
  assert.deepEqual(severities(await findingsIn('MLH601', 'with-params-file')), ['warning']);
});

test('MLH601 is information when the only config file configures another folder', async () => {
  assert.deepEqual(severities(await findingsIn('MLH601', 'examples-repo')), ['information']);
});

test('MLH601 is information when the project has no config file', async () => {
  const findings = await findingsIn('MLH601', '', ['with-params-file/**', 'examples-repo/**']);
  assert.ok(findings.length > 0);
  assert.deepEqual(severities(findings), ['information']);
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
