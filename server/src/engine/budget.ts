// What one file's analysis may cost. A file that exceeds it stops with a notice and the run goes
// on: no input may hold up the analysis of the others, in the command or in the language server.
// Time is a deadline, checked between steps (parse and facts, each rule) and as the work is done:
// every step through a syntax tree and every stretch of text a scanner reads is counted as work
// (checkpoint), and the clock is read every so many units. Memory is bounded by input size. The
// count is deterministic, so tests check with it that the work grows linearly with the input.

export interface Budget {
  /** Milliseconds that a file's parse and facts, and then its rules, may each take. */
  timeMs: number;
  /** Syntax nodes above which a Python file or notebook is not analysed (each node costs memory in
   *  every analysis that indexes the tree). */
  maxSyntaxNodes: number;
  /** The heap ceiling of a scan's worker thread, in MB (scanPool.ts): a file whose analysis runs out
   *  of it is retried once on a thread with four times as much, and is not analysed past that. */
  heapMB: number;
}

export const DEFAULT_BUDGET: Budget = { timeMs: 10_000, maxSyntaxNodes: 1_500_000, heapMB: 512 };

/** Thrown inside a step whose deadline has passed; the Analyzer turns it into a notice. */
export class BudgetExceeded extends Error {
  constructor() {
    super('analysis budget exceeded');
  }
}

let deadline = Infinity;
let work = 0;
let nextClockRead = 0;
/** Units of work between two reads of the clock. */
const CLOCK_EVERY = 256;

/** Runs `work` with a deadline `ms` from now (an enclosing deadline that comes first still holds). */
export function withDeadline<T>(ms: number, work: () => T): T {
  const outer = deadline;
  deadline = Math.min(outer, performance.now() + ms);
  try {
    return work();
  } finally {
    deadline = outer;
  }
}

/** Whether the current deadline has passed. */
export function pastDeadline(): boolean {
  return deadline !== Infinity && performance.now() >= deadline;
}

/** Counts `units` of work (a syntax node visited, a character or line scanned) and throws
 *  BudgetExceeded once the deadline has passed. Cheap enough to call per node: the clock is read
 *  every CLOCK_EVERY units. */
export function checkpoint(units = 1): void {
  work += units;
  if (work < nextClockRead || deadline === Infinity) return;
  nextClockRead = work + CLOCK_EVERY;
  if (performance.now() >= deadline) throw new BudgetExceeded();
}

/** The units of work counted in this thread so far. */
export function workDone(): number {
  return work;
}
