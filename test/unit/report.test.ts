// The hygiene report: honest numbers (the tidy example beats the messy one; fixing never lowers a
// score) and self-contained output.
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { before, test } from 'node:test';
import { scanProject, ScanResult } from '../../server/src/engine/scan';
import { reportHtml, reportMarkdown } from '../../server/src/report/render';
import { scoreProject } from '../../server/src/report/score';
import { RULES } from '../../server/src/rules';
import { EVERY_RULE } from '../support/config';

const EXAMPLES = path.resolve(__dirname, '../../../examples');
let messy: ScanResult;
let tidy: ScanResult;

before(async () => {
  messy = await scanProject(path.join(EXAMPLES, 'messy-ml-project'), { config: EVERY_RULE, workers: 0 });
  tidy = await scanProject(path.join(EXAMPLES, 'tidy-ml-project'), { config: EVERY_RULE, workers: 0 });
});

test('the tidy example scores higher than the messy one wherever they differ', () => {
  const messyReport = scoreProject(RULES, messy.index, messy.findings);
  const tidyReport = scoreProject(RULES, tidy.index, tidy.findings);
  assert.ok(tidyReport.overall! > messyReport.overall!, `overall ${tidyReport.overall} > ${messyReport.overall}`);
  for (const [i, practice] of tidyReport.practices.entries()) {
    const other = messyReport.practices[i];
    if (practice.score === undefined || other.score === undefined || practice.score === other.score) continue;
    assert.ok(practice.score > other.score, `${practice.practice}: tidy ${practice.score} > messy ${other.score}`);
  }
});

test('fixing any one finding never lowers a score', () => {
  const baseline = scoreProject(RULES, messy.index, messy.findings);
  assert.ok(messy.findings.length > 0);
  messy.findings.forEach((_, i) => {
    const fixed = scoreProject(RULES, messy.index, messy.findings.filter((__, j) => j !== i));
    assert.ok(fixed.overall! >= baseline.overall!, `overall after fixing finding ${i}`);
    fixed.practices.forEach((p, k) => assert.ok((p.score ?? 0) >= (baseline.practices[k].score ?? 0), `${p.practice} after fixing ${messy.findings[i].code}`));
  });
});

test('a project without findings scores 100 on every practice that applies', () => {
  const report = scoreProject(RULES, tidy.index, []);
  assert.equal(report.overall, 100);
  for (const p of report.practices) assert.ok(p.score === undefined || p.score === 100);
});

test('the HTML report is self-contained and the Markdown names every practice', () => {
  const report = scoreProject(RULES, messy.index, messy.findings);
  const html = reportHtml(report, 'messy <project>');
  assert.match(html, /Content-Security-Policy/);
  assert.doesNotMatch(html, /<script|https?:\/\/(?!www\.w3\.org)/);
  assert.match(html, /<svg[^>]*>.*<\/svg>/s);
  assert.match(html, /messy &lt;project&gt;/);
  const md = reportMarkdown(report, 'messy', 'report.svg');
  for (const p of ['P1', 'P2', 'P3', 'P4', 'P5', 'P6', 'P7', 'P8', 'P9', 'P10']) assert.match(md, new RegExp(`\\| ${p} `));
  assert.match(md, /!\[Practice scores\]\(report\.svg\)/);
});
