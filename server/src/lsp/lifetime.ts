// The server never outlives its client. The connection library already exits when stdin ends or
// the client's process is gone, but it checks on the main thread, which a long analysis can hold:
// this watch runs in a thread of its own and ends the process even then.
import { Worker } from 'worker_threads';

const WATCH = `
const { parentPort, workerData } = require('worker_threads');
const { clientPid, serverPid, intervalMs, graceMs } = workerData;
const timer = setInterval(() => {
  try {
    process.kill(clientPid, 0);
  } catch (e) {
    if (e.code !== 'ESRCH') return; // EPERM: alive, but not ours to signal
    clearInterval(timer);
    parentPort.postMessage('client gone');
    // The main thread exits at once unless it is busy; then the process is ended from here.
    setTimeout(() => process.kill(serverPid, 'SIGKILL'), graceMs);
  }
}, intervalMs);
`;

/** Ends this process when the process `clientPid` is gone (checked every `intervalMs`). */
export function exitWithClient(clientPid: number, intervalMs = 1000, graceMs = 2000): void {
  const worker = new Worker(WATCH, { eval: true, workerData: { clientPid, serverPid: process.pid, intervalMs, graceMs } });
  worker.on('message', () => process.exit(1));
  worker.unref();
}
