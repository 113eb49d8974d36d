// V8 optimizes a function after about 66 KB of its bytecode has run. The analysis runs a few hundred
// functions over code of every shape: optimized that early, they meet shapes their first inputs did
// not have, are thrown away and optimized again (on keras, 3 s of the 5 s spent optimizing went to
// functions optimized more than once, on the threads that the scan's workers need). Waiting for
// more of their use makes the first optimization the lasting one. The flag is process-wide: worker
// threads started after it share it. The language server's scan and typing measured the same with
// and without it: only the command line sets it.
import * as v8 from 'v8';

/** Bytecode run before V8 optimizes a function (V8's default is 67,584). */
const INTERRUPT_BUDGET = 900_000;

/** Sets the process's V8 to optimize later; to be called before the analysis runs. */
export function optimizeLater(): void {
  v8.setFlagsFromString(`--interrupt-budget=${INTERRUPT_BUDGET}`);
}
