// The messy example is the project users lint first: every registered rule must show there at least
// once. A rule added to the registry without a case in examples/messy-ml-project fails here, by code.
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { test } from 'node:test';
import { scanProject } from '../../server/src/engine/scan';
import { readConfig } from '../../server/src/engine/workspace';
import { RULES } from '../../server/src/rules';

const MESSY = path.resolve(__dirname, '../../../examples/messy-ml-project');

// Rules that cannot fire in the same project as another rule the example shows: the example shows
// the other one instead. Each entry names that rule and why the two exclude each other.
const EXCLUDED_BY: Record<string, { code: string; why: string }> = {
  MLH302: { code: 'MLH301', why: 'a project without CI (MLH301) has no CI job that could skip the tests' },
  MLH304: { code: 'MLH303', why: 'a project without tests (MLH303) has no test suite that could leave feature code untested' },
  MLH413: { code: 'MLH406', why: 'a project with unpinned requirements (MLH406) has a dependency manifest' },
  MLH501: { code: 'MLH207', why: 'a module with a training loop (MLH207) means models are not trained only in notebooks' },
};

test('the messy example shows a finding of every registered rule', async () => {
  // Its .ml-hygiene.yaml selects every rule, opt-in ones included.
  const { findings, notices } = await scanProject(MESSY, { config: readConfig(MESSY), workers: 0 });
  const shown = new Set(findings.map((f) => f.code));
  const missing = RULES.filter((r) => !shown.has(r.code) && !(EXCLUDED_BY[r.code] && shown.has(EXCLUDED_BY[r.code].code))).map(
    (r) => `${r.code} ${r.name}`,
  );
  assert.deepEqual(missing, [], `rules without a finding in examples/messy-ml-project: ${missing.join(', ')}`);
  assert.deepEqual(notices, []);
});
