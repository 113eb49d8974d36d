// The engine check: each input analysed in a worker thread, which is replaced when an input
// overruns its budget (a hang cannot be interrupted inside the thread that runs it).
import { Worker } from 'worker_threads';
import type { EngineReply, EngineRequest } from './engineWorker';

export type Outcome = { ok: true; ms: number } | { ok: false; ms: number; problem: string };

export class EngineCheck {
  private worker?: Worker;

  constructor(
    private readonly script: string,
    private readonly budgetMs: number,
  ) {}

  check(request: EngineRequest): Promise<Outcome> {
    // The main thread's stack, not a worker's larger one: the command line analyses small projects there.
    const worker = (this.worker ??= new Worker(this.script, { resourceLimits: { stackSizeMb: 1 } }));
    const started = Date.now();
    return new Promise((resolve) => {
      const finish = (outcome: Outcome) => {
        clearTimeout(timer);
        worker.off('message', onMessage);
        worker.off('error', onError);
        resolve(outcome);
      };
      const onMessage = (reply: EngineReply) => {
        if (reply.ok) return finish({ ok: true, ms: Date.now() - started });
        // A thread whose parser failed may be left broken: the next input gets a new one, so that
        // one failure is not blamed on every input after it.
        this.stop();
        finish({ ok: false, ms: Date.now() - started, problem: `exception: ${reply.error}` });
      };
      const onError = (e: Error) => {
        this.worker = undefined;
        finish({ ok: false, ms: Date.now() - started, problem: `the analysis thread died: ${e.stack ?? e}` });
      };
      const timer = setTimeout(() => {
        this.stop();
        finish({ ok: false, ms: Date.now() - started, problem: `over its budget: no result after ${this.budgetMs} ms` });
      }, this.budgetMs);
      worker.on('message', onMessage);
      worker.on('error', onError);
      worker.postMessage(request);
    });
  }

  stop(): void {
    void this.worker?.terminate();
    this.worker = undefined;
  }
}
