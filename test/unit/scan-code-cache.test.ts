// The command and its scan threads compile their code from the V8 code caches the build made
// (engine/codeCache.ts), and a scan thread whose flags differ from the command line's compiles from
// source and scans all the same.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { test } from 'node:test';
import { Worker } from 'node:worker_threads';
import { setCommandLineFlags } from '../../server/src/cli/v8Flags';
import { scanProject } from '../../server/src/engine/scan';
import { makeProject, NAN_MODULE, removeProject, REPO } from '../support/project';

const WORKER = path.join(REPO, 'server/out/worker.js');

/** What a thread started on the built worker script says of its code cache. */
function codeCacheOfThread(): Promise<string> {
  const worker = new Worker(`require('worker_threads').parentPort.postMessage(require(${JSON.stringify(WORKER)}).codeCache)`, { eval: true });
  return new Promise<string>((resolve, reject) => {
    worker.once('message', resolve);
    worker.once('error', reject);
  }).finally(() => void worker.terminate());
}

test("a scan thread of the language server, whose flags are not the command line's, compiles from source and scans", async () => {
  assert.equal(await codeCacheOfThread(), 'refused');
  const root = makeProject({ 'features/clean.py': NAN_MODULE });
  try {
    const scan = await scanProject(root, { workers: 1, workerScript: WORKER });
    assert.deepEqual(
      scan.findings.filter((f) => f.code === 'MLH106').map((f) => f.path),
      ['features/clean.py'],
    );
  } finally {
    removeProject(root);
  }
});

test("under the command line's flags, a scan thread takes the build's code cache", async () => {
  setCommandLineFlags(); // as the command line does before it scans (the flags are this process's from here on)
  assert.equal(await codeCacheOfThread(), 'taken');
});

test("the command compiles its code from the build's code cache", () => {
  const loaded = spawnSync(process.execPath, ['-e', `process.stdout.write(require(${JSON.stringify(path.join(REPO, 'server/out/cli.js'))}).codeCache)`], { encoding: 'utf8' });
  assert.equal(loaded.stdout, 'taken', loaded.stderr);
});
