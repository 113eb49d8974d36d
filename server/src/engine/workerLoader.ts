// What a scan's worker thread runs first (bundled as worker.js): it compiles the thread's code
// (worker.ts, bundled as scanWorker.js) with the V8 code cache the build made beside it, and runs it.
// Each thread is a fresh V8 isolate that would otherwise compile every function it runs from source
// on its first call, as each of its siblings does too; with the cache it reads their bytecode
// instead (keras, command line: about 4% less time). The build makes the cache by running the
// command line on the project's fixtures (scripts/build.mjs). V8 takes a cache only from the same
// V8, flags and source, and compiles from source otherwise: a language server's threads (whose
// flags differ from the command line's), another Node or a cache that is missing cost nothing more
// than before.
import * as fs from 'fs';
import Module from 'module';
import * as path from 'path';
import * as v8 from 'v8';
import * as vm from 'vm';
import { parentPort, threadId } from 'worker_threads';

const code = path.join(__dirname, 'scanWorker.js');
const cache = `${code}.cache`;

// The flags a script is compiled under are part of its cache's key: the thread's code sets this one
// (worker.ts), which must come before the compilation in every thread, the first one included.
v8.setFlagsFromString('--expose-gc');

const cachedData = fs.existsSync(cache) ? fs.readFileSync(cache) : undefined;
const script = new vm.Script(Module.wrap(fs.readFileSync(code, 'utf8')), { filename: code, cachedData });
/** Whether this thread's code came from the cache. */
export const codeCache: 'taken' | 'refused' | 'absent' = !cachedData ? 'absent' : script.cachedDataRejected ? 'refused' : 'taken';
const scanWorker = { exports: {} };
(script.runInThisContext() as (...args: unknown[]) => void).call(scanWorker.exports, scanWorker.exports, require, scanWorker, code, __dirname);

// The build's run: after each request the thread answered, the cache of all it compiled so far
// replaces the one beside the code (through a file of its own, so that the threads that write it
// at once do not mix their bytes).
if (process.env.ML_HYGIENE_BUILD_CODE_CACHE === '1') {
  parentPort?.on('message', () =>
    setImmediate(() => {
      const written = `${cache}.${threadId}`;
      fs.writeFileSync(written, script.createCachedData());
      fs.renameSync(written, cache);
    }),
  );
}
