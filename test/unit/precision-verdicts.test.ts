// The precision benchmark's arithmetic (test/precision/): how verdicts are read, how findings are
// matched to them, and when a rule is below the bar. The benchmark itself needs checkouts from the
// network and is run by hand; the committed verdict files are checked here.
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';
import { describe, test } from 'node:test';
import { Finding, VERDICT_HEADER, matchFindings, parseVerdicts, standing, total } from '../precision/verdicts';

const COMMIT = 'a'.repeat(40);
const tsv = (...rows: string[]) => [VERDICT_HEADER.join('\t'), ...rows].join('\n') + '\n';
const row = (repo: string, file: string, line: number, cell: string, code: string, verdict: string) =>
  [repo, COMMIT, file, line, cell, code, verdict, 'judged by reading the code'].join('\t');
const finding = (repo: string, file: string, line: number, code: string, severity: Finding['severity'], cell?: number): Finding =>
  ({ repo, path: file, line, cell, code, severity, message: '' });

describe('verdicts matched to findings', () => {
  const verdicts = parseVerdicts(
    tsv(
      row('acme/churn', 'train.py', 12, '', 'MLH402', 'true'),
      row('acme/churn', 'train.py', 30, '', 'MLH402', 'noise'),
      row('acme/churn', 'eda.ipynb', 3, '2', 'MLH402', 'wrong'),
      row('acme/churn', 'serve.py', 8, '', 'MLH306', 'true'),
      row('acme/other', 'app.py', 1, '', 'MLH306', 'noise'),
    ),
    'acme.tsv',
  );
  const findings = [
    finding('acme/churn', 'train.py', 12, 'MLH402', 'warning'),
    finding('acme/churn', 'train.py', 12, 'MLH402', 'warning'), // the same place twice counts once
    finding('acme/churn', 'train.py', 30, 'MLH402', 'error'),
    finding('acme/churn', 'eda.ipynb', 3, 'MLH402', 'warning', 2),
    finding('acme/churn', 'eda.ipynb', 3, 'MLH402', 'warning', 5), // another cell: not judged
    finding('acme/churn', 'train.py', 40, 'MLH601', 'information'),
  ];
  const { tallies, unjudged, stale } = matchFindings(findings, verdicts, new Set(['acme/churn']));

  test('count each judged place once, warnings and errors together, per rule and level', () => {
    assert.deepEqual(tallies, [
      { code: 'MLH402', level: 'warning', findings: 4, true: 1, noise: 1, wrong: 1 },
      { code: 'MLH601', level: 'information', findings: 1, true: 0, noise: 0, wrong: 0 },
    ]);
    assert.deepEqual(total(tallies, 'all', 'warning'), { code: 'all', level: 'warning', findings: 4, true: 1, noise: 1, wrong: 1 });
  });

  test('list findings without a verdict, and verdicts of measured repositories that match nothing', () => {
    assert.deepEqual(unjudged.map((f) => `${f.path}:${f.line}:${f.cell ?? ''} ${f.code}`), ['eda.ipynb:3:5 MLH402', 'train.py:40: MLH601']);
    assert.deepEqual(stale.map((v) => `${v.repo} ${v.path}:${v.line} ${v.code}`), ['acme/churn serve.py:8 MLH306']);
  });
});

describe('the bar', () => {
  const tally = (level: 'warning' | 'information', t: number, noise: number) => ({ code: 'MLH101', level, findings: t + noise, true: t, noise, wrong: 0 });

  test('is 90% true for warnings and 75% for informations', () => {
    assert.equal(standing(tally('warning', 9, 1)), 'ok');
    assert.equal(standing(tally('warning', 8, 1)), 'below');
    assert.equal(standing(tally('information', 6, 2)), 'ok');
    assert.equal(standing(tally('information', 5, 2)), 'below');
  });

  test('fails no rule on fewer than 5 judged findings', () => {
    assert.equal(standing(tally('warning', 0, 4)), 'too few judged');
  });
});

describe('the committed verdict files', () => {
  const dir = path.resolve(__dirname, '../../../test/precision/verdicts');
  for (const name of fs.readdirSync(dir).filter((n) => n.endsWith('.tsv'))) {
    test(`${name} parses, names its own repository and judges each place once`, () => {
      const verdicts = parseVerdicts(fs.readFileSync(path.join(dir, name), 'utf8'), name);
      assert.ok(verdicts.length > 0);
      assert.deepEqual([...new Set(verdicts.map((v) => v.repo.replace('/', '__') + '.tsv'))], [name]);
      const places = verdicts.map((v) => [v.path, v.line, v.cell ?? '', v.code].join(':'));
      assert.equal(new Set(places).size, places.length);
    });
  }
});
