// Every rule against its fixtures (test/fixtures/rules/<CODE>/): each file or folder there is a small
// piece of realistic ML code whose expected findings are written next to the lines they are about.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import { Analyzer } from '../../server/src/engine/analyze';
import { DOC_HEADINGS, scopesOf } from '../../server/src/engine/rule';
import { applyEdits } from '../../server/src/engine/fixes';
import { RULES } from '../../server/src/rules';
import { analyzeAlone, expectationsOf, findingsOf, fixtureFindings, FIXTURES } from '../support/fixtures';

const RULE_FIXTURES = path.join(FIXTURES, 'rules');

function fixturesOf(code: string): string[] {
  const dir = path.join(RULE_FIXTURES, code);
  return fs.existsSync(dir) ? fs.readdirSync(dir).map((name) => path.join(dir, name)) : [];
}

describe('rule registry', () => {
  test('codes and names are unique and well formed', () => {
    assert.equal(new Set(RULES.map((r) => r.code)).size, RULES.length);
    assert.equal(new Set(RULES.map((r) => r.name)).size, RULES.length);
    for (const rule of RULES) {
      assert.match(rule.code, /^MLH\d{3}$/);
      assert.match(rule.name, /^[a-z0-9]+(-[a-z0-9]+)*$/);
      assert.ok(rule.practices.length > 0, `${rule.code} names its practice`);
      assert.ok(rule.references.length > 0, `${rule.code} names its references`);
      assert.ok(scopesOf(rule).length > 0, `${rule.code} has a check`);
      // Findings on a notebook's generated script belong on the notebook: no rule runs there.
      assert.ok(rule.roles.length > 0 && !rule.roles.includes('generated'), `${rule.code} declares the roles it applies to`);
      assert.ok(!rule.repositoryWide || scopesOf(rule).includes('project'), `${rule.code}: only a project check can look at the whole repository`);
    }
  });

  test('rules are listed in code order', () => {
    const codes = RULES.map((r) => r.code);
    assert.deepEqual(codes, [...codes].sort());
  });

  for (const rule of RULES) {
    test(`${rule.code} documentation has every heading, in order`, () => {
      const headings = [...rule.docs.matchAll(/^## (.+)$/gm)].map((m) => m[1].trim());
      assert.deepEqual(headings, DOC_HEADINGS);
      for (const section of rule.docs.split(/^## .+$/m).slice(1)) assert.ok(section.trim().length > 20, `${rule.code}: empty section`);
    });

    test(`${rule.code} has a firing fixture and a near-miss fixture`, () => {
      const fixtures = fixturesOf(rule.code);
      const firing = fixtures.filter((f) => expectationsOf(f).some((e) => e.endsWith(rule.code)));
      const quiet = fixtures.filter((f) => expectationsOf(f).length === 0);
      assert.ok(firing.length > 0, `${rule.code}: no fixture with an expected finding in ${RULE_FIXTURES}/${rule.code}`);
      assert.ok(quiet.length > 0, `${rule.code}: no near-miss fixture (one without expectations)`);
    });
  }
});

describe('rules on their fixtures', () => {
  for (const rule of RULES) {
    for (const fixture of fixturesOf(rule.code)) {
      test(`${rule.code} ${path.basename(fixture)}`, async () => {
        const expected = expectationsOf(fixture).filter((e) => e.endsWith(rule.code));
        assert.deepEqual(await findingsOf(fixture, [rule.code]), expected);
      });
    }
  }
});


describe('quick fixes', () => {
  // A rule offers fixes exactly when it says it does; an edit fix, applied to a Python file of a
  // fixture, removes its finding and leaves valid Python (file-creating fixes are tested in
  // project-fixes, notebook and dependency-file fixes in fixes.test).
  for (const rule of RULES) {
    test(`${rule.code} ${rule.fixable ? 'offers working fixes' : 'offers no fix'}`, async () => {
      let offered = 0;
      for (const fixture of fixturesOf(rule.code)) {
        const findings = await fixtureFindings(fixture, [rule.code]);
        const fixed = findings.filter((f) => f.fix);
        offered += fixed.length;
        const folder = fs.statSync(fixture).isDirectory();
        for (const finding of fixed.filter((f) => f.fix!.edits?.length && f.path.endsWith('.py'))) {
          const rel = finding.path;
          const original = fs.readFileSync(folder ? path.join(fixture, rel) : fixture, 'utf8');
          const text = applyEdits(original, finding.fix!.edits!);
          const before = analyzeAlone(rel, original).filter((f) => f.code === rule.code);
          const after = analyzeAlone(rel, text).filter((f) => f.code === rule.code);
          // A fix may resolve more than its own finding (MLH403 moves the whole module to a Generator).
          assert.ok(after.length < before.length, `${rel}: "${finding.fix!.title}" removes the finding`);
          const parsed = new Analyzer().parse(rel, text);
          assert.ok(parsed.kind === 'python' && !parsed.module.root.hasError, `${rel}: "${finding.fix!.title}" leaves valid Python:\n${text}`);
        }
      }
      if (rule.fixable) assert.ok(offered > 0, `${rule.code} declares fixes but offers none on its fixtures`);
      else assert.equal(offered, 0, `${rule.code} offers fixes: declare fixable: true`);
    });
  }
});
