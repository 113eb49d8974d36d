// Running a bundle with the V8 code cache the build made beside it. A fresh V8 isolate (a process,
// a worker thread) compiles every function it runs from source on its first call; compiled with
// the cache, it reads their bytecode instead. The build makes each cache by running the command
// line on the project's fixtures with ML_HYGIENE_BUILD_CODE_CACHE set (scripts/build.mjs). V8
// takes a cache only from the same V8, flags and source, and compiles from source otherwise: a
// cache made under other flags, by another Node or missing costs nothing more than no cache.
import * as fs from 'fs';
import Module from 'module';
import * as path from 'path';
import { threadId } from 'worker_threads';
import * as vm from 'vm';

/** Whether a bundle's code came from its cache. */
export type CodeCacheUse = 'taken' | 'refused' | 'absent';

/** Whether this run is the build's, which makes the caches. */
export const BUILDING_CODE_CACHE = process.env.ML_HYGIENE_BUILD_CODE_CACHE === '1';

/** Compiles the CommonJS bundle `code` with `${code}.cache` and runs it, with `require` (the
 *  loader's: the bundle sits beside it); `saveCache` writes the cache of all compiled so far in
 *  its place (through a file of its own, so that threads that write it at once do not mix their bytes). */
export function runWithCodeCache(code: string, require: NodeJS.Require): { exports: unknown; codeCache: CodeCacheUse; saveCache: () => void } {
  const cache = `${code}.cache`;
  const cachedData = fs.existsSync(cache) ? fs.readFileSync(cache) : undefined;
  const script = new vm.Script(Module.wrap(fs.readFileSync(code, 'utf8')), { filename: code, cachedData });
  const codeCache: CodeCacheUse = !cachedData ? 'absent' : script.cachedDataRejected ? 'refused' : 'taken';
  const bundle = { exports: {} };
  (script.runInThisContext() as (...args: unknown[]) => void).call(bundle.exports, bundle.exports, require, bundle, code, path.dirname(code));
  const saveCache = () => {
    const written = `${cache}.${process.pid}.${threadId}`;
    fs.writeFileSync(written, script.createCachedData());
    fs.renameSync(written, cache);
  };
  return { exports: bundle.exports, codeCache, saveCache };
}
