// What a scan's worker thread runs first (bundled as worker.js): the thread's code (worker.ts,
// bundled as scanWorker.js), compiled with the code cache the build made beside it (codeCache.ts).
// Each thread is a fresh V8 isolate, which would compile every function it runs from source, as
// each of its siblings does too (keras, command line: about 4% less time with the cache). The
// language server's threads, whose flags differ from the command line's, compile from source.
import * as path from 'path';
import * as v8 from 'v8';
import { parentPort } from 'worker_threads';
import { BUILDING_CODE_CACHE, runWithCodeCache } from './codeCache';

// The flags a script is compiled under are part of its cache's key: the thread's code sets this one
// (worker.ts), which must come before the compilation in every thread, the first one included.
v8.setFlagsFromString('--expose-gc');

const scanWorker = runWithCodeCache(path.join(__dirname, 'scanWorker.js'), require);

/** Whether this thread's code came from the cache. */
export const codeCache = scanWorker.codeCache;

// The build's run: after each request the thread answered, the cache of what it compiled so far.
if (BUILDING_CODE_CACHE) parentPort?.on('message', () => setImmediate(scanWorker.saveCache));
