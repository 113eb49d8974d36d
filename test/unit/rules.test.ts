// Every rule against its fixtures (test/fixtures/rules/<CODE>/): each file or folder there is a small
// piece of realistic ML code whose expected findings are written next to the lines they are about.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import { Analyzer, kindOf } from '../../server/src/engine/analyze';
import { DEFAULT_CONFIG } from '../../server/src/engine/config';
import { ProjectIndex } from '../../server/src/engine/project';
import { initPython } from '../../server/src/engine/python/parser';
import { DOC_HEADINGS, scopesOf } from '../../server/src/engine/rule';
import { LineIndex } from '../../server/src/engine/text';
import { TextEdit } from '../../server/src/engine/types';
import { RULES } from '../../server/src/rules';
import { expectationsOf, findingsOf, FIXTURES } from '../support/fixtures';

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

function applyEdits(text: string, edits: TextEdit[]): string {
  const lines = new LineIndex(text);
  const sorted = [...edits].sort((a, b) => lines.offsetAt(b.range.start) - lines.offsetAt(a.range.start));
  let out = text;
  for (const edit of sorted) out = out.slice(0, lines.offsetAt(edit.range.start)) + edit.newText + out.slice(lines.offsetAt(edit.range.end));
  return out;
}

describe('quick fixes', () => {
  // Applying a fix removes its finding and leaves valid Python.
  for (const rule of RULES) {
    for (const fixture of fixturesOf(rule.code).filter((f) => fs.statSync(f).isFile() && f.endsWith('.py'))) {
      test(`${rule.code} fixes in ${path.basename(fixture)}`, async (t) => {
        await initPython();
        const rel = path.basename(fixture);
        const analyze = (text: string) => {
          const analyzer = new Analyzer();
          const index = new ProjectIndex([{ path: rel, kind: kindOf(rel), size: text.length }], new Map([[rel, analyzer.facts(rel, text)]]));
          return { findings: analyzer.analyzeFile(rel, text, index, DEFAULT_CONFIG).filter((f) => f.code === rule.code), analyzer };
        };
        const original = fs.readFileSync(fixture, 'utf8');
        const fixable = analyze(original).findings.filter((f) => f.fix?.edits?.length);
        if (fixable.length === 0) return t.skip('no fix offered here');
        for (const finding of fixable) {
          const fixed = applyEdits(original, finding.fix!.edits!);
          const after = analyze(fixed);
          assert.equal(after.findings.length, analyze(original).findings.length - 1, `${finding.fix!.title} removes the finding`);
          const parsed = after.analyzer.parse(rel, fixed);
          assert.ok(parsed.kind === 'python' && !parsed.module.root.hasError, `${finding.fix!.title} leaves valid Python:\n${fixed}`);
        }
      });
    }
  }
});
