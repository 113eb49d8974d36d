// The worker threads of a scan, and what bounds their memory. V8 collects garbage late: a thread's
// heap would grow to several times what it holds, since each file's syntax-tree index is garbage
// once the file is done. So each thread collects its garbage itself once it holds GARBAGE_MB more
// than between files (worker.ts), its heap has a ceiling (resourceLimits, the budget's heapMB), big
// files take turns, and a thread whose tree-sitter memory grew on a huge file, which wasm never
// gives back, is replaced by a fresh one. A file that runs out of its thread's heap is retried alone
// on a thread with more, and past that it gets a notice instead of findings. A thread whose parser
// failed (parserFailure.ts) is replaced, and the files it did not get to go to another.
import { Worker } from 'worker_threads';
import { Budget } from './budget';
import { Config } from './config';
import { FirstPass, IndexData, OwedFile, PassResults, ReadLimits, SecondPass } from './scanShare';
import { DiscoveredFile } from './workspace';

/** What a worker thread (worker.ts) is asked. `index` comes before each pass's files: the pre-index
 *  before `facts` (whose `rules` run against it), the project's index before `findings`. */
export type ScanRequest =
  | { type: 'facts'; files: DiscoveredFile[]; limits: ReadLimits; rules: boolean }
  | { type: 'index'; index: IndexData; config: Config }
  | { type: 'findings'; files: OwedFile[]; limits: ReadLimits };

export type ScanReply = { ok: true; value: unknown; wasmBytes: number; parserFailed: boolean } | { ok: false; error: string };

/** Garbage a thread lets its heap hold before it collects it, in MB. */
const GARBAGE_MB = 64;
/** A file that runs out of its thread's heap is retried on one with this many times more. */
const HEAP_GROWTH = 4;
/** The young generation of a thread's heap, in MB, by default. A file's syntax-tree index lives until
 *  the file is done, and each young collection during it copies what the index holds so far (see
 *  makeRoomFor in worker.ts): one of 64 MB holds the analysis of most files whole. On keras, with
 *  one of 32 the scan threads spent about a third more time collecting garbage; the command line's
 *  peak RSS is about 40 MB higher (350 MB). */
export const YOUNG_HEAP_MB = 64;
/** Files from this size on take turns: each one's analysis holds a hundred MB or more at its peak
 *  (the syntax tree's index costs about 380 bytes per node). */
const BIG_FILE_BYTES = 256 * 1024;
/** Small files travel in batches: a message per file would cost more than its analysis. */
const BATCH_BYTES = 64 * 1024;
const BATCH_FILES = 32;
/** A thread whose wasm memory grew beyond this (from 32 MB) is replaced after its file. */
const MAX_WASM_BYTES = 96 * 1024 * 1024;

/** A thread's heap ran out: its work is to be retried on a bigger one. */
class OutOfMemory extends Error {}

class ScanThread {
  private readonly worker: Worker;
  private failure?: Error;
  /** The index this thread holds (the second pass's setup). */
  index?: ScanRequest;

  constructor(
    script: string,
    budget: Budget,
    readonly heapMB: number,
    youngHeapMB: number,
  ) {
    this.worker = new Worker(script, {
      workerData: { budget, garbageMB: GARBAGE_MB },
      // The young generation is at most a quarter of the heap's ceiling: a file that outgrew a
      // thread whose young generation was as large as its ceiling ended the whole process (V8's
      // fatal out-of-memory), not the thread (with half of it, the thread, as it should).
      resourceLimits: { maxOldGenerationSizeMb: heapMB, maxYoungGenerationSizeMb: Math.min(youngHeapMB, heapMB / 4) },
    });
    // Noted here, so that a thread that fails between two requests does not stop the process.
    this.worker.on('error', (e) => (this.failure = e));
  }

  ask(request: ScanRequest): Promise<{ value: unknown; wasmBytes: number; parserFailed: boolean }> {
    return new Promise((resolve, reject) => {
      const fail = (e: Error) => {
        off();
        reject((e as NodeJS.ErrnoException).code === 'ERR_WORKER_OUT_OF_MEMORY' ? new OutOfMemory() : e);
      };
      const onExit = (code: number) => fail(this.failure ?? new Error(`a scan thread stopped (exit code ${code})`));
      const onMessage = (reply: ScanReply) => {
        off();
        if (reply.ok) resolve(reply);
        else reject(new Error(reply.error));
      };
      const off = () => {
        this.worker.off('message', onMessage);
        this.worker.off('error', fail);
        this.worker.off('exit', onExit);
      };
      if (this.failure) return fail(this.failure);
      this.worker.on('message', onMessage);
      this.worker.on('error', fail);
      this.worker.on('exit', onExit);
      this.worker.postMessage(request);
    });
  }

  /** Settles when the thread has stopped (and its memory is given back). */
  async close(): Promise<void> {
    await this.worker.terminate();
  }
}

/** Files given to one thread at once, with the heap the thread must have. */
interface Job<F extends DiscoveredFile> {
  files: F[];
  bytes: number;
  heapMB: number;
}

/** The scan's worker threads. Each pass deals the files out as threads become free, largest first,
 *  one big file at a time with smaller ones beside it. */
export class ScanPool {
  private readonly threads: (ScanThread | undefined)[];
  private index?: ScanRequest & { type: 'index' };
  private closed = false;

  constructor(
    private readonly script: string,
    count: number,
    private readonly budget: Budget,
    private readonly youngHeapMB = YOUNG_HEAP_MB,
  ) {
    // Started at once, they load side by side while the first pass reads the configuration files;
    // started when first given files, the second would start loading only when the code comes (the
    // configuration files are one batch).
    this.threads = Array.from({ length: count }, () => new ScanThread(script, budget, budget.heapMB, youngHeapMB));
  }

  /** The first pass, with the files' rules against the pre-index; `onDone` is told how many files
   *  are done as their results arrive. Files retried with more heap give only their facts (their
   *  rules, which need more memory still, wait for the second pass). */
  facts(files: DiscoveredFile[], preIndex: IndexData, config: Config, limits: ReadLimits, onDone: (count: number) => void): Promise<FirstPass[]> {
    this.index = { type: 'index', index: preIndex, config };
    const rules = (heapMB: number) => heapMB === this.budget.heapMB;
    return this.run(files, (batch, heapMB) => ({ type: 'facts', files: batch, limits, rules: rules(heapMB) }), onDone, (file, heapMB) => ({
      path: file.path,
      facts: { path: file.path, kind: file.kind },
      notices: [{ path: file.path, message: `analysis stopped: reading the file needed more than ${heapMB} MB of memory; no rule was run on it` }],
      analyse: false,
    }));
  }

  /** The second pass: every file's rules, against the project's index. */
  findings(files: OwedFile[], index: IndexData, config: Config, limits: ReadLimits): Promise<SecondPass[]> {
    this.index = { type: 'index', index, config };
    return this.run(files, (batch) => ({ type: 'findings', files: batch, limits }), undefined, (file, heapMB) => ({
      path: file.path,
      findings: [],
      notices: [{ path: file.path, message: `analysis stopped: its rules needed more than ${heapMB} MB of memory; they were not run` }],
    }));
  }

  /** Settles when every thread has stopped. */
  async close(): Promise<void> {
    this.closed = true;
    await Promise.all(this.threads.map((thread) => thread?.close()));
  }

  private async run<T, F extends DiscoveredFile>(
    files: F[],
    request: (files: F[], heapMB: number) => ScanRequest,
    onDone: ((count: number) => void) | undefined,
    outOfMemory: (file: F, heapMB: number) => T,
  ): Promise<T[]> {
    const queue = new FileQueue<F>(files, this.budget.heapMB);
    const results: T[] = [];
    let failed = false;
    let finished = () => {};
    let jobDone = new Promise<void>((resolve) => (finished = resolve));
    const work = async (slot: number) => {
      while (!failed && !this.closed && !queue.empty) {
        const job = queue.next();
        if (!job) {
          await jobDone; // none may start now: wait for one in flight (it may also come back to be retried)
          continue;
        }
        try {
          const thread = await this.threadFor(slot, job.heapMB);
          const { value, wasmBytes, parserFailed } = await thread.ask(request(job.files, job.heapMB));
          const { results: done, left } = value as PassResults<T, F>;
          results.push(...done);
          onDone?.(done.length);
          if (left.length) queue.retry({ files: left, bytes: left.reduce((sum, file) => sum + file.size, 0), heapMB: job.heapMB });
          if (wasmBytes > MAX_WASM_BYTES || parserFailed) this.retire(slot);
        } catch (e) {
          this.retire(slot);
          if (!(e instanceof OutOfMemory)) {
            failed = true;
            throw e;
          }
          if (job.heapMB === this.budget.heapMB) queue.retry({ ...job, heapMB: job.heapMB * HEAP_GROWTH });
          else {
            results.push(...job.files.map((file) => outOfMemory(file, job.heapMB)));
            onDone?.(job.files.length);
          }
        } finally {
          queue.done(job);
          finished();
          jobDone = new Promise<void>((resolve) => (finished = resolve));
        }
      }
    };
    await Promise.all(this.threads.map((_, slot) => work(slot)));
    return results;
  }

  /** The slot's thread, replaced by a fresh one with `heapMB` of heap when it has another ceiling,
   *  and given the second pass's index when it does not hold it yet. */
  private async threadFor(slot: number, heapMB: number): Promise<ScanThread> {
    let thread = this.threads[slot];
    if (thread?.heapMB !== heapMB) {
      thread?.close();
      thread = this.threads[slot] = new ScanThread(this.script, this.budget, heapMB, this.youngHeapMB);
    }
    if (this.index && thread.index !== this.index) {
      await thread.ask(this.index);
      thread.index = this.index;
    }
    return thread;
  }

  private retire(slot: number): void {
    this.threads[slot]?.close();
    this.threads[slot] = undefined;
  }
}

/** The files of a pass, largest first, and what is in flight. */
class FileQueue<F extends DiscoveredFile> {
  private readonly files: F[];
  /** The big files come first: [0, bigCount). */
  private readonly bigCount: number;
  private nextBig = 0;
  private nextOther: number;
  private readonly retries: Job<F>[] = [];
  private inFlight = 0;
  private bigInFlight = false;

  constructor(
    files: F[],
    private readonly heapMB: number,
  ) {
    this.files = [...files].sort((a, b) => b.size - a.size);
    this.bigCount = this.files.filter(isBig).length;
    this.nextOther = this.bigCount;
  }

  get empty(): boolean {
    return this.nextBig >= this.bigCount && this.nextOther >= this.files.length && this.retries.length === 0 && this.inFlight === 0;
  }

  /** The next job: a retry, else a big file when no other is in flight, else the largest of the
   *  others (with more files when it is small); undefined when none may start now. */
  next(): Job<F> | undefined {
    let job = this.retries.shift();
    if (!job && !this.bigInFlight && this.nextBig < this.bigCount) {
      const file = this.files[this.nextBig++];
      job = { files: [file], bytes: file.size, heapMB: this.heapMB };
    }
    if (!job && this.nextOther < this.files.length) {
      job = { files: [], bytes: 0, heapMB: this.heapMB };
      do {
        const file = this.files[this.nextOther++];
        job.files.push(file);
        job.bytes += file.size;
      } while (
        this.nextOther < this.files.length &&
        job.files.length < BATCH_FILES &&
        job.bytes + this.files[this.nextOther].size <= BATCH_BYTES
      );
    }
    if (!job) return undefined;
    this.inFlight++;
    if (job.files.some(isBig)) this.bigInFlight = true;
    return job;
  }

  /** A job to run (again) first: one whose thread ran out of memory, with more, or the files a
   *  thread whose parser failed did not get to. */
  retry(job: Job<F>): void {
    this.retries.push(job);
  }

  done(job: Job<F>): void {
    this.inFlight--;
    if (job.files.some(isBig)) this.bigInFlight = false;
  }
}

function isBig(file: DiscoveredFile): boolean {
  return file.size >= BIG_FILE_BYTES;
}
