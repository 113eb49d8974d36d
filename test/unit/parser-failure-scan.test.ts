// A scan in the calling thread whose parser traps (for real: parserTrapPreload.cjs, loaded here
// before the runtime starts) cannot parse there again: the files after the one it failed on go to a
// worker thread, or, without the worker script, get a note saying why they were not analysed.
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { after, before, test } from 'node:test';
import { scanProject } from '../../server/src/engine/scan';
import { PARSER_FAILED_NOTICE } from '../../server/src/engine/python/parserFailure';
import { parserTrapEnv, TRAP_COMMENT } from '../support/parserTrap';
import { makeProject, NAN_MODULE, removeProject, REPO } from '../support/project';

Object.assign(process.env, { TRAP_PARSER_ON: parserTrapEnv().TRAP_PARSER_ON });
require(path.join(REPO, 'test/support/parserTrapPreload.cjs'));

let root: string;
before(() => {
  root = makeProject({
    'requirements.txt': 'numpy==1.26.4\n',
    'cleaning/a_outliers.py': NAN_MODULE,
    'cleaning/b_missing.py': `${TRAP_COMMENT}\n${NAN_MODULE}`,
    'cleaning/c_duplicates.py': NAN_MODULE,
  });
});
after(() => removeProject(root));

const nanPaths = (findings: { code: string; path: string }[]) => findings.filter((f) => f.code === 'MLH106').map((f) => f.path);

test('the files after the failure go to a worker thread, or get a note without one', async () => {
  const alone = await scanProject(root, { workers: 0, workerScript: path.join(root, 'no-worker.js') });
  assert.deepEqual(nanPaths(alone.findings), ['cleaning/a_outliers.py']);
  assert.deepEqual(alone.notices, [
    { path: 'cleaning/b_missing.py', message: PARSER_FAILED_NOTICE },
    { path: 'cleaning/c_duplicates.py', message: 'not analysed: the Python parser failed on an earlier file' },
  ]);

  // This thread's parser failed for good: the next scan gives every file to the worker thread, which
  // parses them all (the trap is loaded only in this thread).
  const helped = await scanProject(root, { workers: 0, workerScript: path.join(REPO, 'server/out/worker.js') });
  assert.deepEqual(nanPaths(helped.findings), ['cleaning/a_outliers.py', 'cleaning/b_missing.py', 'cleaning/c_duplicates.py']);
  assert.deepEqual(helped.notices, []);
});
