// The scan on worker threads (the built worker script) reports exactly what the scan in this thread
// reports, on a generated project of about three hundred files (so that the files owing rules after
// the first pass, about 80 KB of them, go to the threads too, not to this thread); a file too big for
// a thread's heap gets a notice and the others their findings.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, before, test } from 'node:test';
import { scanProject } from '../../server/src/engine/scan';
import { CorpusFile, writeCorpus } from '../bench/corpus';
import { DEFAULT_BUDGET } from '../../server/src/engine/budget';
import { makeProject, NAN_MODULE, removeProject, REPO, writeBadInputProject } from '../support/project';

const WORKER = path.join(REPO, 'server/out/worker.js');

let root: string;
let corpus: CorpusFile[];
before(() => {
  root = makeProject({});
  corpus = writeCorpus(root, 300);
  // Bad input travels through the workers too: its notices must match as well.
  fs.mkdirSync(path.join(root, 'incoming'));
  writeBadInputProject(path.join(root, 'incoming'));
});
after(() => removeProject(root));

test('workers: 2 and workers: 0 give the same findings and notices', async () => {
  assert.ok(fs.existsSync(WORKER), `the built worker ${WORKER} exists (run the build first)`);
  const inThread = await scanProject(root, { workers: 0 });
  const threaded = await scanProject(root, { workers: 2, workerScript: WORKER });
  assert.deepEqual(threaded.findings, inThread.findings);
  assert.deepEqual(threaded.notices, inThread.notices);
  assert.deepEqual(threaded.index.files, inThread.index.files);

  // The comparison is about real results: every feature module's NaN comparison is found.
  const featureModules = corpus.filter((f) => f.kind === 'features').map((f) => f.path);
  assert.ok(featureModules.length >= 15);
  const nan = threaded.findings.filter((f) => f.code === 'MLH106').map((f) => f.path);
  assert.deepEqual(nan, [...featureModules, 'incoming/good.py', 'incoming/latin1.py'].sort((a, b) => a.localeCompare(b)));
  // The generated files themselves are all readable, valid Python: notices only for the bad input.
  for (const notice of threaded.notices) assert.match(notice.path, /^incoming\//, `${notice.path}: ${notice.message}`);
});

test('a file whose analysis outgrows a worker thread heap is retried with more, then left with a notice; the others are analysed', async () => {
  // A long table of feature weights: 3 MB that become over half a million syntax nodes.
  const rows = Array.from({ length: 60_000 }, (_, i) => `    ("feature_${i}", ${i % 7}, ${(i % 13) / 10}, [${i}, ${i + 1}, ${i + 2}]),`);
  const project = makeProject({
    'requirements.txt': 'numpy==1.26.4\n',
    'src/weights.py': `FEATURE_WEIGHTS = [\n${rows.join('\n')}\n]\n`,
    'src/clean.py': NAN_MODULE,
  });
  try {
    // Time enough for any machine: what stops the file must be its memory.
    const budget = { ...DEFAULT_BUDGET, timeMs: 600_000, heapMB: 16 };
    const result = await scanProject(project, { workers: 1, workerScript: WORKER, budget });
    assert.deepEqual(
      result.notices.map((n) => `${n.path}: ${n.message}`),
      ['src/weights.py: analysis stopped: reading the file needed more than 64 MB of memory; no rule was run on it'],
    );
    assert.deepEqual(
      result.findings.filter((f) => f.path.startsWith('src/')).map((f) => `${f.path}:${f.range.start.line + 1} ${f.code}`),
      ['src/clean.py:4 MLH106'],
    );
  } finally {
    removeProject(project);
  }
});
