// `report --baseline old.json`: the change of each practice's score since an earlier report.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, test } from 'node:test';
import { runCli } from '../support/cli';
import { CLEAN_MODULE, makeProject, NAN_MODULE, removeProject } from '../support/project';

const projects: string[] = [];
after(() => projects.forEach(removeProject));

/** A project whose only enabled checks are MLH106 (error) and MLH111 (information), both P4. */
function nanProject(): string {
  const root = makeProject({ '.ml-hygiene.yaml': 'select: [MLH106, MLH111]\n', 'clean.py': NAN_MODULE });
  projects.push(root);
  return root;
}

test('after fixing the NaN comparison, each format shows P4 up by 80 since the baseline', () => {
  const root = nanProject();
  const before = runCli(['report', '--format', 'json', '--output', 'old.json'], root);
  assert.equal(before.status, 0, before.stderr);
  // MLH106 fails: 0.25 of 1.25 passed.
  const old = JSON.parse(fs.readFileSync(path.join(root, 'old.json'), 'utf8'));
  assert.equal(old.practices.find((p: { practice: string }) => p.practice === 'P4').score, 20);

  fs.writeFileSync(path.join(root, 'clean.py'), CLEAN_MODULE);
  const md = runCli(['report', '--baseline', 'old.json'], root);
  assert.equal(md.status, 0, md.stderr);
  assert.match(md.stdout, /\*\*Overall score: 100 \/ 100\*\* \(\+80 since the baseline\)/);
  assert.match(md.stdout, /\| practice \| score \| since baseline \| checks passed \|/);
  assert.match(md.stdout, /\| P4 No AI without IA \(information architecture\) \| 100 \| \+80 \| 2 \/ 2 \|/);
  // Nothing of P1 was checked, then or now.
  assert.match(md.stdout, /\| P1 Avoid ML-solutionism \| n\/a \| n\/a \|/);

  const html = runCli(['report', '--baseline', 'old.json', '--format', 'html'], root);
  assert.match(html.stdout, /<th>since baseline<\/th>/);
  assert.match(html.stdout, /<td>P4 No AI without IA \(information architecture\)<\/td><td class="num">100<\/td><td class="num">\+80<\/td>/);

  const json = JSON.parse(runCli(['report', '--baseline', 'old.json', '--format', 'json'], root).stdout);
  assert.deepEqual(
    json.trend.practices.find((p: { practice: string }) => p.practice === 'P4'),
    { practice: 'P4', before: 20, now: 100, change: 80 },
  );
});

test('a report without --baseline has no trend column', () => {
  const md = runCli(['report'], nanProject());
  assert.doesNotMatch(md.stdout, /since baseline/);
});

test('a baseline that is not a report of this format is refused with exit status 2', () => {
  const root = nanProject();
  const cases: [string, string, RegExp][] = [
    ['missing.json', '', /--baseline missing\.json: no such file/],
    ['broken.json', '{"version": 2, "practi', /--baseline broken\.json: not valid JSON/],
    ['check.json', '{"version": 1, "findings": [], "summary": {}}', /not the JSON output of 'ml-hygiene report --format json'/],
    ['old-format.json', '{"version": 1, "overall": 71, "practices": [{"practice": "P1", "score": 75}]}', /format version 1, whose scores are computed another way/],
    ['bad-score.json', '{"version": 2, "practices": [{"practice": "P1", "score": "<b>"}]}', /a practice without a valid score/],
    ['bad-practice.json', '{"version": 2, "practices": [{"practice": "__proto__", "score": 5}]}', /a practice without a valid score/],
  ];
  for (const [file, text, why] of cases) {
    if (text) fs.writeFileSync(path.join(root, file), text);
    const result = runCli(['report', '--baseline', file], root);
    assert.equal(result.status, 2, file);
    assert.match(result.stderr, why);
  }
});
