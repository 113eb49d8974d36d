// The tidy example follows every practice: it must stay free of warnings and errors, so that it
// keeps showing what "no findings" looks like and catches rules that fire where they should not.
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { test } from 'node:test';
import { scanProject } from '../../server/src/engine/scan';
import { describe as describeFinding } from '../support/fixtures';
import { EVERY_RULE } from '../support/config';

const TIDY = path.resolve(__dirname, '../../../examples/tidy-ml-project');

test('the tidy example has no warning and no error', async () => {
  const { findings, notices } = await scanProject(TIDY, { config: EVERY_RULE, workers: 0 });
  const loud = findings.filter((f) => f.severity !== 'information').map((f) => `${describeFinding(f)} ${f.message}`);
  assert.deepEqual(loud, []);
  assert.deepEqual(notices, []);
});
