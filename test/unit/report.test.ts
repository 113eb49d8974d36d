// The hygiene report: a score whose range means something (calibrated on the examples and a fresh
// scaffold), checks that cannot apply left out, fixing never lowers a score, Breck et al.'s ML Test
// Score, "Fix first" one row per rule and project, and self-contained, escaped output.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, test } from 'node:test';
import { Config, DEFAULT_CONFIG } from '../../server/src/engine/config';
import { scanProject, ScanResult } from '../../server/src/engine/scan';
import { Finding } from '../../server/src/engine/types';
import { readConfig } from '../../server/src/engine/workspace';
import { radarSvg } from '../../server/src/report/radar';
import { reportHtml, reportMarkdown } from '../../server/src/report/render';
import { HygieneReport, scoreProject } from '../../server/src/report/score';
import { applyScaffold, obstaclesIn } from '../../server/src/scaffold/apply';
import { planScaffold } from '../../server/src/scaffold/plan';
import { RULES } from '../../server/src/rules';
import { makeProject, removeProject } from '../support/project';

const EXAMPLES = path.resolve(__dirname, '../../../examples');

/** A folder scanned and scored as `ml-hygiene report` does it, with the folder's own configuration. */
interface Scored {
  scan: ScanResult;
  report: HygieneReport;
}

async function scoreFolder(root: string, config: Config = readConfig(root)): Promise<Scored> {
  const scan = await scanProject(root, { config, workers: 0 });
  return { scan, report: scoreProject(RULES, scan.config, scan.index, scan.findings) };
}

const practice = (report: HygieneReport, code: string) => report.practices.find((p) => p.practice === code)!;
const check = (report: HygieneReport, code: string) => report.practices.flatMap((p) => p.checks).find((c) => c.code === code);

const temps: string[] = [];
let messy: Scored;
let tidy: Scored;
let scaffold: Scored;
let scaffoldRoot: string;

before(async () => {
  messy = await scoreFolder(path.join(EXAMPLES, 'messy-ml-project'));
  tidy = await scoreFolder(path.join(EXAMPLES, 'tidy-ml-project'));
  scaffoldRoot = fs.mkdtempSync(path.join(os.tmpdir(), 'mlh-report-scaffold-'));
  temps.push(scaffoldRoot);
  applyScaffold(scaffoldRoot, planScaffold(obstaclesIn(scaffoldRoot), { name: 'Customer churn' }));
  scaffold = await scoreFolder(scaffoldRoot);
});

after(() => {
  for (const dir of temps) removeProject(dir);
});

test('calibration: the tidy example scores at least 90, the messy one at most 40, a fresh scaffold in between', () => {
  assert.ok(tidy.report.overall! >= 90, `tidy ${tidy.report.overall}`);
  assert.ok(messy.report.overall! <= 40, `messy ${messy.report.overall}`);
  assert.ok(scaffold.report.overall! > 40 && scaffold.report.overall! < 90, `scaffold ${scaffold.report.overall}`);
});

test('a check that finds nothing to judge is not applicable, never a pass', async () => {
  // The tidy example trains with scikit-learn: nothing for the torch checks to judge.
  assert.equal(check(tidy.report, 'MLH207')?.status, 'not-applicable');
  // A training script alone: no serving code, no notebook.
  const root = makeProject({ 'requirements.txt': 'scikit-learn==1.5.0\n', 'train.py': 'from sklearn.linear_model import LogisticRegression\nLogisticRegression().fit([[0]], [0])\n' });
  temps.push(root);
  const { report } = await scoreFolder(root, { ...DEFAULT_CONFIG, select: ['MLH'] });
  for (const code of ['MLH305', 'MLH306', 'MLH502', 'MLH805', 'MLH409']) assert.equal(check(report, code)?.status, 'not-applicable', code);
  assert.equal(check(report, 'MLH106')?.status, 'pass');
});

test('a practice scores the share of its applicable checks that pass, weighted by severity; 0 of N is 0', async () => {
  // MLH106 (error, weight 1) fails; MLH111 (information, weight 0.25) passes: 0.25 / 1.25.
  const root = makeProject({ 'train.py': 'import numpy as np\nimport pandas as pd\ndf = pd.read_csv("x.csv")\nbad = df[df["income"] == np.nan]\n' });
  temps.push(root);
  const { report } = await scoreFolder(root, { ...DEFAULT_CONFIG, select: ['MLH106', 'MLH111'] });
  assert.equal(check(report, 'MLH106')?.status, 'fail');
  assert.equal(check(report, 'MLH111')?.status, 'pass');
  assert.equal(practice(report, 'P4').score, 20);
  // The messy example passes none of its team checks.
  assert.equal(practice(messy.report, 'P2').score, 0);
});

test('a document still holding the scaffold placeholders does not pass the check that asks for it', async () => {
  assert.equal(check(scaffold.report, 'MLH001')?.status, 'fail');
  assert.deepEqual(check(scaffold.report, 'MLH001')?.templates, ['Docs/Project/Charter.md']);
  assert.match(reportMarkdown(scaffold.report, 'churn'), /FAIL MLH001 missing-project-charter: Docs\/Project\/Charter\.md is still the template/);
  // Once written, it counts.
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'mlh-report-charter-'));
  temps.push(root);
  fs.cpSync(scaffoldRoot, root, { recursive: true });
  const charter = path.join(root, 'Docs/Project/Charter.md');
  fs.writeFileSync(charter, fs.readFileSync(charter, 'utf8').replace(/\[TO FILL: [^\]]*\]/g, 'churn of prepaid customers'));
  assert.equal(check((await scoreFolder(root)).report, 'MLH001')?.status, 'pass');
});

test('removing any single finding never lowers any score', () => {
  for (const { scan, report } of [messy, scaffold]) {
    assert.ok(scan.findings.length > 0);
    const scores = (r: HygieneReport) => [r.overall ?? 0, ...r.practices.map((p) => p.score ?? 0), ...Object.values(r.mlTestScore.sections)];
    const before = scores(report);
    scan.findings.forEach((finding, i) => {
      const after = scores(scoreProject(RULES, scan.config, scan.index, scan.findings.filter((_, j) => j !== i)));
      after.forEach((score, k) => assert.ok(score >= before[k], `score ${k} fell from ${before[k]} to ${score} without ${finding.code} at ${finding.path}`));
    });
  }
});

test('the ML Test Score follows Breck et al.: 1 automated, 0.5 by hand, 0 not done; the final score is the lowest section', async () => {
  const ml = tidy.report.mlTestScore;
  assert.equal(ml.final, Math.min(ml.sections.Data, ml.sections.Model, ml.sections.Infrastructure, ml.sections.Monitoring));
  // Its CI runs the tests, so the validation gate before export counts as automated.
  assert.ok(ml.ciRunsTests);
  assert.equal(ml.tests.find((t) => t.section === 'Infrastructure' && t.number === 4)?.status, 'automated');
  // Canarying happens in production: no repository shows it, and it is not a pass.
  assert.equal(ml.tests.find((t) => t.section === 'Infrastructure' && t.number === 6)?.status, 'not-visible');
  // The data schema checks are opt-in: not enabled for the tidy example, so not checked.
  assert.equal(ml.tests.find((t) => t.section === 'Data' && t.number === 1)?.status, 'not-checked');
  // The scaffold's data dictionary is still the template: not done.
  assert.equal(scaffold.report.mlTestScore.tests.find((t) => t.section === 'Data' && t.number === 1)?.status, 'missing');

  // Without CI the same code shows the tests done by hand.
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'mlh-report-tidy-'));
  temps.push(root);
  fs.cpSync(path.join(EXAMPLES, 'tidy-ml-project'), root, { recursive: true });
  fs.rmSync(path.join(root, '.github/workflows'), { recursive: true });
  const withoutCi = (await scoreFolder(root)).report.mlTestScore;
  assert.equal(withoutCi.ciRunsTests, false);
  assert.equal(withoutCi.tests.find((t) => t.section === 'Infrastructure' && t.number === 4)?.status, 'manual');
  assert.equal(withoutCi.sections.Infrastructure, ml.sections.Infrastructure - 0.5);
});

test('"Fix first" has one row per rule and project, the most severe first, then the fix that helps most files', () => {
  const rows = messy.report.fixFirst;
  assert.equal(new Set(rows.map((r) => `${r.code} ${r.project}`)).size, rows.length);
  const rank = { error: 3, warning: 2, information: 1 };
  rows.slice(1).forEach((row, i) => {
    const prev = rows[i];
    assert.ok(rank[prev.severity] > rank[row.severity] || (prev.severity === row.severity && prev.files >= row.files), `${prev.code} before ${row.code}`);
  });
  // Five hard-coded hyperparameters in three files: one row, the fix helps three files.
  const hyperparameters = scoreProject(RULES, messy.scan.config, messy.scan.index, messy.scan.findings, 100).fixFirst.filter((r) => r.code === 'MLH601');
  assert.deepEqual(
    hyperparameters.map((r) => [r.findings, r.files]),
    [[5, 3]],
  );
});

test('the radar labels each axis with the practice short name and its score', () => {
  const svg = radarSvg(tidy.report.practices);
  for (const name of ['Problem first', 'Team', 'Data architecture', 'Versioning', 'Responsible AI']) assert.match(svg, new RegExp(`>${name} <tspan`));
  assert.doesNotMatch(svg, /<\/title>P\d/);
});

test('the HTML report is self-contained and escapes what comes from the repository', () => {
  const hostile: Finding = { ...messy.scan.findings[0], code: 'MLH106', severity: 'error', path: 'a<b>.py', message: 'df["<img src=x onerror=alert(1)>"] & more' };
  const report = scoreProject(RULES, messy.scan.config, messy.scan.index, [hostile, ...messy.scan.findings]);
  const html = reportHtml(report, 'messy <project>', () => 'command:open?"x"');
  assert.match(html, /Content-Security-Policy/);
  assert.doesNotMatch(html, /<script|<img|https?:\/\/(?!www\.w3\.org)/);
  assert.match(html, /<svg[^>]*>.*<\/svg>/s);
  assert.match(html, /messy &lt;project&gt;/);
  assert.match(html, /a&lt;b&gt;\.py/);
  assert.match(html, /href="command:open\?&quot;x&quot;"/);
  assert.match(html, /How the score is computed/);
});

test('the Markdown names every practice, the chart beside it, and how the score is computed', () => {
  const md = reportMarkdown(messy.report, 'messy', 'report.svg');
  for (const p of ['P1', 'P2', 'P3', 'P4', 'P5', 'P6', 'P7', 'P8', 'P9', 'P10']) assert.match(md, new RegExp(`\\| ${p} `));
  assert.match(md, /!\[Practice scores\]\(report\.svg\)/);
  assert.match(md, /## How the score is computed\n\nEvery rule the configuration enables is a check/);
  assert.match(md, /\| Infrastructure \| 6\. Models are canaried before serving \| not visible in a repository \| 0 \|/);
});
