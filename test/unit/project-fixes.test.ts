// Fixes that create what a project lacks: they never name a file that exists, and once the files are
// created the finding is gone.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import { initPython } from '../../server/src/engine/python/parser';
import { scanProject } from '../../server/src/engine/scan';
import { RULES } from '../../server/src/rules';
import { expectationsOf, FIXTURES } from '../support/fixtures';
import { EVERY_RULE } from '../support/config';

const RULE_FIXTURES = path.join(FIXTURES, 'rules');

async function findings(root: string, code: string) {
  await initPython();
  return (await scanProject(root, { config: EVERY_RULE, workers: 0 })).findings.filter((f) => f.code === code);
}

describe('fixes that create files', () => {
  // The firing fixtures of the project rules that declare fixes. A fixture can fire without a fix
  // (an existing CODEOWNERS holding only comments is not replaced), but each rule offers one
  // somewhere; fixes that edit a file instead (MLH406's pins) are checked in fixes.test.
  for (const rule of RULES.filter((r) => r.check.project && r.fixable)) {
    test(`${rule.code} creates what is missing`, async () => {
      const dir = path.join(RULE_FIXTURES, rule.code);
      const firing = fs.readdirSync(dir).filter((n) => expectationsOf(path.join(dir, n)).some((e) => e.endsWith(rule.code)));
      let offered = 0;
      for (const name of firing) {
        const fixture = path.join(dir, name);
        const fixed = (await findings(fixture, rule.code)).filter((f) => f.fix);
        offered += fixed.length;
        const creating = fixed.filter((f) => f.fix?.create?.length);
        if (creating.length === 0) continue;
        const copy = fs.mkdtempSync(path.join(os.tmpdir(), 'mlh-fix-'));
        try {
          fs.cpSync(fixture, copy, { recursive: true });
          fs.rmSync(path.join(copy, 'expected.txt'), { force: true });
          for (const finding of creating) {
            for (const file of finding.fix!.create!) {
              assert.ok(!fs.existsSync(path.join(fixture, file.path)), `${name}: ${file.path} exists already`);
              fs.mkdirSync(path.dirname(path.join(copy, file.path)), { recursive: true });
              fs.writeFileSync(path.join(copy, file.path), file.content);
            }
          }
          assert.deepEqual(await findings(copy, rule.code), [], `${name}: the created files resolve the finding`);
        } finally {
          fs.rmSync(copy, { recursive: true, force: true });
        }
      }
      assert.ok(offered > 0, `${rule.code} offers no fix on any firing fixture`);
    });
  }
});
