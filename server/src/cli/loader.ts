// What the ml-hygiene command runs first (bundled as cli.js): the command (main.ts, bundled as
// command.js), compiled with the code cache the build made beside it (engine/codeCache.ts), which
// spares the process compiling from source the functions it runs (a check of the examples folder:
// 20 ms less, 8%; on keras, within the noise).
import * as path from 'path';
import { BUILDING_CODE_CACHE, runWithCodeCache } from '../engine/codeCache';
import { setCommandLineFlags } from './v8Flags';

// The flags a script is compiled under are part of its cache's key, and those a process has when it
// saves the cache, at its end, are all it ever set: so all of them are set before the compilation.
setCommandLineFlags();

const command = runWithCodeCache(path.join(__dirname, 'command.js'), require);

/** Whether the command's code came from the cache. */
export const codeCache = command.codeCache;

/** Runs the command with this process's arguments and sets its exit status (main.ts). */
export const run = (command.exports as { run(): void }).run;

// The build's run: at its end, the cache of what the command compiled.
if (BUILDING_CODE_CACHE) process.on('exit', command.saveCache);

if (require.main === module) run();
