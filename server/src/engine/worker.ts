// Worker thread of a project scan: holds one ScanShare and answers the pool's requests (scanPool.ts).
import * as v8 from 'v8';
import * as vm from 'vm';
import { parentPort, workerData } from 'worker_threads';
import { initPython, wasmMemoryBytes } from './python/parser';
import { parserFailed } from './python/parserFailure';
import type { ScanReply, ScanRequest } from './scanPool';
import { indexFromData, ScanShare, SharedProject } from './scanShare';
import type { DiscoveredFile } from './workspace';

const share = new ScanShare(workerData?.budget, makeRoomFor);
const ready = initPython();
/** The project as the pass sees it (the pre-index in the first, the index in the second), received
 *  once before its files. */
let project: SharedProject | undefined;

// V8 collects garbage late: after a big file, whose syntax-tree index is garbage once the file is
// done, a thread's heap would hold several times what it uses until V8's limit, which the big file
// raised, is reached. The thread collects it itself once it exceeds what it holds by GARBAGE_MB.
// The flag is process-wide and stays set: resetting it would race with threads that start at once.
v8.setFlagsFromString('--expose-gc');
const collectGarbage = vm.runInNewContext('gc') as (options?: { type: 'minor' | 'major' }) => void;
const garbageBytes = (workerData?.garbageMB ?? 64) * 2 ** 20;
/** What the heap holds between files (code, the parser, the project index), as the thread's last
 *  collection left it; at first, what loading left, garbage included. Not measured by a collection
 *  of its own when an index comes: that cost each thread 10-20 ms before its first files, twice a
 *  scan, and a bigger index than the last is noted at the next collection. */
let heldBytes = heapUsed();

/** The heap's use, in bytes (process.memoryUsage() would also read the process's RSS, which takes longer). */
function heapUsed(): number {
  return v8.getHeapStatistics().used_heap_size;
}

/** What the analysis of a file allocates, in bytes per byte of it (on keras, about 70 on average). */
const ALLOCATED_PER_BYTE = 100;

/** Collects the young generation before a Python file whose analysis would not fit in what is left
 *  of it. Between files little of it is alive, so the collection is quick; during a file, its syntax
 *  tree's index is alive, and a young collection then copies it, and moves it to the old generation
 *  if it lives on (see releaseIndex in parser.ts). On keras, the command line's CPU: about 4% less.
 *  (A notebook's size is mostly its outputs, which say nothing of its analysis: a collection before
 *  each one would run far more often than the notebooks fill the young generation.) */
function makeRoomFor(file: DiscoveredFile): void {
  if (file.kind !== 'python') return;
  const young = v8.getHeapSpaceStatistics().find((space) => space.space_name === 'new_space');
  if (young && file.size * ALLOCATED_PER_BYTE > young.space_available_size) collectGarbage({ type: 'minor' });
}

function answer(request: ScanRequest): unknown {
  switch (request.type) {
    case 'facts':
      if (!project) throw new Error('asked for facts before the pre-index');
      return share.collectFacts(request.files, request.limits, project, request.rules);
    case 'index':
      project = { index: indexFromData(request.index), config: request.config };
      return undefined;
    case 'findings':
      if (!project) throw new Error('asked for findings before the project index');
      return share.findings(request.files, project.index, project.config, request.limits);
  }
}

parentPort?.on('message', async (request: ScanRequest) => {
  let reply: ScanReply;
  try {
    await ready;
    reply = { ok: true, value: answer(request), wasmBytes: wasmMemoryBytes(), parserFailed: parserFailed() };
  } catch (e) {
    reply = { ok: false, error: (e as Error).stack ?? String(e) };
  }
  parentPort!.postMessage(reply);
  if (heapUsed() > heldBytes + garbageBytes) {
    collectGarbage();
    heldBytes = heapUsed();
  }
});
