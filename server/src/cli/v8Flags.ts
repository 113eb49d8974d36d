// The command line's V8 flags: a batch run whose scan threads keep every core busy, where what counts
// is the work done, not the length of a pause. The flags are process-wide: worker threads started
// after they are set share them. The language server, which answers keystrokes, sets none of them.
import * as v8 from 'v8';

// V8 optimizes a function after about 66 KB of its bytecode has run. The analysis runs a few hundred
// functions over code of every shape: optimized that early, they meet shapes their first inputs did
// not have, are thrown away and optimized again (on keras, 3 s of the 5 s spent optimizing went to
// functions optimized more than once, on the threads that the scan's workers need). Waiting for
// more of their use makes the first optimization the lasting one. The language server's scan and
// typing measured the same with and without it.
/** Bytecode run before V8 optimizes a function (V8's default is 67,584). */
const INTERRUPT_BUDGET = 900_000;

/** Sets the process's V8 flags for a command-line run; to be called before the analysis runs. */
export function setCommandLineFlags(): void {
  v8.setFlagsFromString(`--interrupt-budget=${INTERRUPT_BUDGET}`);
  // A young-generation collection (a scavenge) is shared out to helper threads; with every core
  // running a scan thread, the helpers only wait for a core and add their own overhead (keras: 3%
  // less time with each thread scavenging alone, 8 alternated runs).
  v8.setFlagsFromString('--no-parallel-scavenge');
  // The scan threads set this one (worker.ts): set from the start, the process has the same flags
  // from its start to its end, as the command's code cache needs (loader.ts).
  v8.setFlagsFromString('--expose-gc');
}
