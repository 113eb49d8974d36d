// Worker thread of a project scan: holds one ScanShare and answers the main thread's two passes.
import { parentPort, workerData } from 'worker_threads';
import { initPython } from './python/parser';
import { indexFromData, ScanShare } from './scan';

const share = new ScanShare(workerData?.budget);
const ready = initPython();

parentPort?.on('message', async (message) => {
  try {
    await ready;
    const value =
      message.type === 'facts'
        ? share.collectFacts(message.files, message.limits)
        : share.findings(message.files, indexFromData(message.index), message.config, message.limits);
    parentPort!.postMessage({ ok: true, value });
  } catch (e) {
    parentPort!.postMessage({ ok: false, error: (e as Error).stack ?? String(e) });
  }
});
