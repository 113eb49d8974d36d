// Child processes of the editor tests: each long-lived one runs in its own process group so that
// stopping it stops everything it started, and nothing outlives the run.
import { spawn } from 'child_process';
import { openSync } from 'fs';

const POLL_MS = 200;
const running = new Set();

/** Polls `probe` until it returns something truthy; fails after `timeoutMs` naming `what`. */
export async function waitFor(what, probe, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${Math.round(timeoutMs / 1000)} s waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}

function groupAlive(pid) {
  try {
    process.kill(-pid, 0);
    return true;
  } catch {
    return false;
  }
}

/**
 * Starts `command` as the leader of a new process group, its output appended to `logFile` (or
 * shown, without one). Returns its pid and a promise of its exit code.
 */
export function startGroup(command, args, { logFile, env = process.env } = {}) {
  const output = logFile === undefined ? 'inherit' : openSync(logFile, 'a');
  const child = spawn(command, args, { detached: true, stdio: ['ignore', output, output], env });
  running.add(child.pid);
  const exited = new Promise((resolve) => child.on('exit', (code, signal) => resolve(code ?? signal)));
  return { pid: child.pid, exited };
}

/** Stops a process group: SIGTERM, then SIGKILL if it has not emptied after `graceMs`. */
export async function stopGroup(pid, graceMs = 15_000) {
  if (!running.has(pid)) return;
  try {
    process.kill(-pid, 'SIGTERM');
    await waitFor(`process group ${pid} to exit`, () => !groupAlive(pid), graceMs);
  } catch {
    if (groupAlive(pid)) process.kill(-pid, 'SIGKILL');
    await waitFor(`process group ${pid} to die`, () => !groupAlive(pid), 5_000);
  }
  running.delete(pid);
}

/** Last resort on an abnormal exit: kill what is still running, synchronously. */
export function killAllGroups() {
  for (const pid of running) {
    if (groupAlive(pid)) process.kill(-pid, 'SIGKILL');
  }
  running.clear();
}
