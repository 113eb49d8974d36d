// The language server's part of the benchmark: the built server as its own process, driven over
// stdio as an editor drives it. First diagnostics of a file opened right after start (while the
// workspace scan runs) and the server's peak memory, at a first start and at a second (which reads
// the scan's cache the first wrote), and edit-to-diagnostics latencies while typing in
// a long file, by pull and by push. It prints numbers; it asserts nothing.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { DocumentDiagnosticReport, DocumentDiagnosticRequest } from 'vscode-languageserver/node';
import { fileUri, LspClient, PULL_CAPABILITIES, PUSH_CAPABILITIES } from '../support/lspClient';
import { CACHE_FOLDER } from '../../server/src/engine/workspace';
import { longModule } from './corpus';

const REPO = path.resolve(__dirname, '../..'); // bundled to out/bench/
const SERVER = path.join(REPO, 'server/out/server.js');
const LONG_MODULE_LINES = 5000;
/** Lines typed, character by character, in the pull session; lines pasted whole in the push one. */
const TYPED_LINES = 10;
const PASTED_LINES = 40;
/** The pause between two keystrokes of the push session, as a fast typist's. */
const KEYSTROKE_MS = 50;
/** How long a user reads a file they opened before typing into it: the server rehearses keystrokes
 *  in an opened document meanwhile (warmUp.ts). The pull session is also run without that pause. */
const READING_MS = 2000;

const since = (start: bigint) => Number(process.hrtime.bigint() - start) / 1e6;
const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Peak resident memory of a process so far (Linux's VmHWM), in MB. */
function peakRssMB(pid: number | undefined): number | undefined {
  try {
    const match = /VmHWM:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) / 1024 : undefined;
  } catch {
    return undefined;
  }
}

/** CPU time a process used so far (user and system), in ms: on a busy machine it says what the work
 *  costs when the wall clock says mostly how long it waited for a core. */
function cpuMs(pid: number | undefined): number {
  try {
    // The fields after the command's name, which is in parentheses and may hold spaces.
    const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS;
  } catch {
    return NaN;
  }
}

const CLOCK_TICKS = 100;

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

const isScanEnd = (p: unknown) => (p as { value?: { kind?: string } }).value?.kind === 'end';

/** The result id of each document's last pull, per client: like VS Code, a client sends it with the
 *  next pull, and the server answers "unchanged" when the findings are the same. */
const resultIds = new WeakMap<LspClient, Map<string, string>>();

async function pull(client: LspClient, uri: string): Promise<DocumentDiagnosticReport> {
  let known = resultIds.get(client);
  if (!known) resultIds.set(client, (known = new Map()));
  const report = await client.connection.sendRequest(DocumentDiagnosticRequest.type, { textDocument: { uri }, previousResultId: known.get(uri) });
  if (report.resultId !== undefined) known.set(uri, report.resultId);
  return report;
}

export interface OpenFigures {
  file: string;
  /** From didOpen to the answer of the document's first pull. */
  firstMs: number;
  findings: number;
  /** From initialize to the end of the first scan's progress. */
  scanMs: number;
  peakRssMB?: number;
}

/** A fresh server on `root`; `file` (relative) is opened as soon as the server is initialized and
 *  its diagnostics pulled at once, as VS Code does. */
export async function openRightAfterStart(root: string, file: string): Promise<OpenFigures> {
  const client = LspClient.start(SERVER);
  try {
    const start = process.hrtime.bigint();
    const scanEnded = new Promise<number>((resolve) => client.onProgress((p) => isScanEnd(p) && resolve(since(start))));
    await client.initialize(root, PULL_CAPABILITIES);
    const uri = fileUri(path.join(root, file));
    const opened = process.hrtime.bigint();
    await client.open(uri, fs.readFileSync(path.join(root, file), 'utf8'));
    const report = await pull(client, uri);
    const firstMs = since(opened);
    const scanMs = await scanEnded;
    return { file, firstMs, findings: report.kind === 'full' ? report.items.length : -1, scanMs, peakRssMB: peakRssMB(client.process.pid) };
  } finally {
    await client.stop();
  }
}

/** A typical Python file of a folder to open: the one of median size. */
export function medianPythonFile(paths: { path: string; size: number }[]): string | undefined {
  const python = paths.filter((f) => f.path.endsWith('.py')).sort((a, b) => a.size - b.size || a.path.localeCompare(b.path));
  return python[Math.floor(python.length / 2)]?.path;
}

export interface PullTyping {
  openMs: number;
  pull: number[];
  /** How many of the pulls were the first typed line's keystrokes. */
  firstLinePulls: number;
  /** The server's CPU time per edit. */
  cpuMs: number;
}

export interface TypingFigures {
  /** Typing READING_MS after the open, and right after it. */
  afterReading: PullTyping;
  atOnce: PullTyping;
  push: number[];
  pushCpuMs: number;
}

/** Where the typing happens: the start of a top-level definition near the middle of the file. */
function typingLine(text: string): number {
  const lines = text.split('\n');
  for (let i = Math.floor(lines.length / 2); i < lines.length; i++) if (lines[i].startsWith('def ')) return i;
  return lines.length - 1;
}

/** Typing in a generated 5,000-line module, the only file of its folder. Pull: a line typed a
 *  character at a time, each keystroke followed by the editor's pull (the latency is the pull's),
 *  READING_MS after the open and, in a second server, right after it. Push: READING_MS after the
 *  open, lines pasted whole (each moves the findings below it, so each is published), a keystroke's
 *  pause apart; the latency runs to the publication of that version. */
export async function typing(): Promise<TypingFigures> {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'mlh-bench-typing-'));
  const text = longModule(LONG_MODULE_LINES);
  fs.mkdirSync(path.join(root, 'pipeline'));
  fs.writeFileSync(path.join(root, 'pipeline/train_all.py'), text);
  const uri = fileUri(path.join(root, 'pipeline/train_all.py'));
  const line = typingLine(text);
  try {
    const afterReading = await typeByPull(root, uri, text, line, READING_MS);
    const atOnce = await typeByPull(root, uri, text, line, 0);
    const push: number[] = [];
    let pushCpuMs = NaN;
    const pushClient = startAfresh(root);
    try {
      let version = 1;
      const arrived = new Set<number>();
      const waiting = new Map<number, () => void>();
      pushClient.onPublish((p) => {
        if (p.uri !== uri || p.version === undefined) return;
        arrived.add(p.version);
        waiting.get(p.version)?.();
      });
      const published = (v: number) => (arrived.has(v) ? Promise.resolve() : new Promise<void>((resolve) => waiting.set(v, resolve)));
      await pushClient.initialize(root, PUSH_CAPABILITIES);
      await pushClient.open(uri, text);
      await published(version);
      await pause(READING_MS);
      const cpuBefore = cpuMs(pushClient.process.pid);
      for (let n = 0; n < PASTED_LINES; n++) {
        const start = process.hrtime.bigint();
        await pushClient.change(uri, [{ range: { start: { line: line + n, character: 0 }, end: { line: line + n, character: 0 } }, text: `extra_${n} = ${n} * 2\n` }]);
        await published(++version);
        push.push(since(start));
        await pause(KEYSTROKE_MS);
      }
      pushCpuMs = (cpuMs(pushClient.process.pid) - cpuBefore) / push.length;
    } finally {
      await pushClient.stop();
    }
    return { afterReading, atOnce, push, pushCpuMs };
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
}

/** A fresh server for a typing session, on a folder as it was before any server scanned it: the
 *  scan's cache of an earlier session would end its scan sooner, before its warm-up. */
function startAfresh(root: string): LspClient {
  fs.rmSync(path.join(root, CACHE_FOLDER), { recursive: true, force: true });
  return LspClient.start(SERVER);
}

/** A pull session in a fresh server: the module opened once the scan is done, `readingMs` later
 *  TYPED_LINES lines typed at `line`. */
async function typeByPull(root: string, uri: string, text: string, line: number, readingMs: number): Promise<PullTyping> {
  const client = startAfresh(root);
  try {
    const scanned = new Promise((resolve) => client.onProgress((p) => isScanEnd(p) && resolve(undefined)));
    await client.initialize(root, PULL_CAPABILITIES);
    await scanned;
    const opened = process.hrtime.bigint();
    await client.open(uri, text);
    await pull(client, uri);
    const openMs = since(opened);
    await pause(readingMs);
    const pulls: number[] = [];
    let firstLinePulls = 0;
    const cpuBefore = cpuMs(client.process.pid);
    for (let n = 0; n < TYPED_LINES; n++) {
      const typed = `extra_${n} = ${n} * 2\n`;
      for (let i = 0; i < typed.length; i++) {
        const start = process.hrtime.bigint();
        await client.change(uri, [{ range: { start: { line: line + n, character: i }, end: { line: line + n, character: i } }, text: typed[i] }]);
        await pull(client, uri);
        pulls.push(since(start));
      }
      if (n === 0) firstLinePulls = pulls.length;
    }
    return { openMs, pull: pulls, firstLinePulls, cpuMs: (cpuMs(client.process.pid) - cpuBefore) / pulls.length };
  } finally {
    await client.stop();
  }
}

/** Prints the server's figures: on `root` (with its files, from the scan's listing), then typing. */
export async function benchServer(root: string, files: { path: string; size: number }[]): Promise<void> {
  const file = medianPythonFile(files);
  if (file) {
    // The first start scans the folder and writes the scan's cache there; a second start reads it.
    // A cache folder the benchmark made is removed again.
    const cacheFolder = path.join(root, CACHE_FOLDER);
    const hadCache = fs.existsSync(cacheFolder);
    fs.rmSync(cacheFolder, { recursive: true, force: true });
    try {
      const open = await openRightAfterStart(root, file);
      const again = await openRightAfterStart(root, file);
      const scan = (figures: OpenFigures) => `scan done ${(figures.scanMs / 1000).toFixed(2)} s after start; peak RSS ${figures.peakRssMB?.toFixed(0) ?? '?'} MB`;
      console.log(`server: first diagnostics ${open.firstMs.toFixed(0)} ms after opening ${open.file} (${open.findings} findings) right after start; ${scan(open)}`);
      console.log(`server, started again (the scan's cache of the first start): first diagnostics ${again.firstMs.toFixed(0)} ms; ${scan(again)}`);
    } finally {
      if (!hadCache) fs.rmSync(cacheFolder, { recursive: true, force: true });
    }
  }
  const typed = await typing();
  const stats = (values: number[], cpu: number) =>
    `p50 ${percentile(values, 50).toFixed(1)} ms, p95 ${percentile(values, 95).toFixed(1)} ms (${values.length} edits, server cpu ${cpu.toFixed(1)} ms/edit)`;
  console.log(`server, ${LONG_MODULE_LINES}-line file: open ${typed.afterReading.openMs.toFixed(0)} ms`);
  // A pull is answered once the edited text is analysed (every file rule run on it): its latency
  // is that of fresh findings, never of earlier ones moved with the text. A publication for a
  // version may carry moved findings when a refresh of the other documents comes first.
  const byPull = (session: PullTyping, when: string) => {
    console.log(`server, edit-to-diagnostics by pull, typing ${when} (a keystroke, then the pull's answer: the file's findings for the new text): ${stats(session.pull, session.cpuMs)}`);
    // The first line's keystrokes run the analyses' code before V8 has compiled it for speed, unless
    // the server could rehearse keystrokes first.
    const [first, later] = [session.pull.slice(0, session.firstLinePulls), session.pull.slice(session.firstLinePulls)];
    console.log(
      `  of which the first typed line: p50 ${percentile(first, 50).toFixed(1)} ms, max ${Math.max(...first).toFixed(1)} ms (${first.length} edits); ` +
        `the lines after it: p50 ${percentile(later, 50).toFixed(1)} ms, p95 ${percentile(later, 95).toFixed(1)} ms (${later.length} edits)`,
    );
  };
  byPull(typed.afterReading, `${READING_MS / 1000} s after opening`);
  byPull(typed.atOnce, 'right after opening');
  console.log(
    `server, edit-to-diagnostics by push, pasting ${READING_MS / 1000} s after opening (a pasted line, then the first publication for its version): ${stats(typed.push, typed.pushCpuMs)}`,
  );
}
