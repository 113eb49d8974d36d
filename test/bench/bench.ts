// Benchmark: `npm run bench [-- DIR] [--files N] [--server-only]`. Scans DIR (by default a generated corpus of
// realistic ML files in a temporary folder) with the full engine on worker threads, and measures in
// the same run a bare tree-sitter parse of the same Python sources and notebook code, then a cold and
// a warm (cached) analysis pass in one thread. It prints numbers; it asserts nothing.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Analyzer } from '../../server/src/engine/analyze';
import { notebookCode, parseNotebook } from '../../server/src/engine/notebook';
import { initPython, parsePython } from '../../server/src/engine/python/parser';
import { scanProject } from '../../server/src/engine/scan';
import { decodeBytes } from '../../server/src/engine/text';
import { FileKind } from '../../server/src/engine/types';
import { discoverFiles, readConfig } from '../../server/src/engine/workspace';
import { RULES } from '../../server/src/rules';
import { writeCorpus } from './corpus';
import { benchServer } from './server';

const REPO = path.resolve(__dirname, '../..'); // bundled to out/bench/
const WORKER = path.join(REPO, 'server/out/worker.js');
const DEFAULT_FILES = 600;
const ANALYSED = new Set<FileKind>(['python', 'notebook', 'yaml', 'requirements']);

interface Args {
  dir?: string;
  files: number;
  serverOnly: boolean;
}

function parseArgs(argv: string[]): Args {
  const args: Args = { files: DEFAULT_FILES, serverOnly: false };
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--files') args.files = Number(argv[++i]);
    else if (argv[i] === '--server-only') args.serverOnly = true;
    else args.dir = argv[i];
  }
  if (!Number.isInteger(args.files) || args.files < 1) throw new Error('--files needs a positive whole number');
  return args;
}

/** Wall-clock seconds, and CPU seconds of the whole process (worker threads included): on a busy
 *  machine the second says what the work costs, the first what a user waits. */
interface Timing {
  secs: number;
  cpu: number;
}

async function timed<T>(work: () => T | Promise<T>): Promise<{ value: T; time: Timing }> {
  const wall = process.hrtime.bigint();
  const cpu = process.cpuUsage();
  const value = await work();
  const used = process.cpuUsage(cpu);
  return { value, time: { secs: Number(process.hrtime.bigint() - wall) / 1e9, cpu: (used.user + used.system) / 1e6 } };
}

function line(label: string, files: number, bytes: number, { secs, cpu }: Timing): string {
  const mb = bytes / 1024 / 1024;
  return `${label.padEnd(34)} ${String(files).padStart(6)} files ${mb.toFixed(2).padStart(6)} MB ${secs.toFixed(2).padStart(7)} s (cpu ${cpu.toFixed(2).padStart(7)} s) ${(files / secs).toFixed(0).padStart(6)} files/s ${(mb / secs).toFixed(2).padStart(6)} MB/s`;
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const generated = args.dir === undefined;
  const root = generated ? fs.mkdtempSync(path.join(os.tmpdir(), 'mlh-bench-')) : path.resolve(args.dir!);
  try {
    if (generated) {
      writeCorpus(root, args.files);
      console.log(`corpus: ${args.files} generated files in ${root}`);
    } else console.log(`corpus: ${root}`);
    await initPython();
    const config = readConfig(root);

    // Every analysed file read once, untimed; the bare parse gets Python sources as they are and
    // notebooks as their joined code, and only tree-sitter is timed.
    const maxBytes = config.thresholds.maxFileSizeMB * 1024 * 1024;
    const texts = discoverFiles(root, config)
      .files.filter((f) => ANALYSED.has(f.kind) && f.size <= maxBytes)
      .map((f) => ({ ...f, text: decodeBytes(fs.readFileSync(f.absolutePath)).text }))
      .filter((f): f is typeof f & { text: string } => f.text !== undefined);
    if (args.serverOnly) return await benchServer(root, texts);
    const bytes = texts.reduce((n, f) => n + f.size, 0);
    const sources = texts.flatMap((f) =>
      f.kind === 'python' ? [f.text] : f.kind === 'notebook' ? [notebookCode(parseNotebook(f.text)).text] : [],
    );
    const parseBytes = sources.reduce((n, text) => n + Buffer.byteLength(text), 0);

    const bare = (await timed(() => sources.forEach((text) => parsePython(text).delete()))).time;
    const workers = Math.max(1, os.cpus().length - 1);
    const { value: scan, time: full } = await timed(() => scanProject(root, { config, workers, workerScript: WORKER }));
    const fullInThread = (await timed(() => scanProject(root, { config, workers: 0 }))).time;

    // Two passes of one analyzer over every file, as the language server re-analyses: the second
    // finds every parse in the content-keyed cache.
    const analyzer = new Analyzer(RULES, texts.length + 1);
    const pass = async () =>
      (
        await timed(() => {
          for (const f of texts) analyzer.facts(f.path, f.text);
          for (const f of texts) analyzer.analyzeFile(f.path, f.text, scan.index, config);
        })
      ).time;
    const cold = await pass();
    const warm = await pass();

    console.log(`findings: ${scan.findings.length}, notices: ${scan.notices.length}, rules: ${RULES.length}, cpus: ${os.cpus().length}`);
    console.log(line('bare tree-sitter parse (1 thread)', sources.length, parseBytes, bare));
    console.log(line(`full scan (${workers} workers)`, texts.length, bytes, full));
    console.log(line('full scan (in this thread)', texts.length, bytes, fullInThread));
    console.log(line('analysis pass 1 (cold, 1 thread)', texts.length, bytes, cold));
    console.log(line('analysis pass 2 (warm, cached)', texts.length, bytes, warm));
    const ratio = (a: Timing, b: Timing) => `${(a.secs / b.secs).toFixed(1)} (cpu ${(a.cpu / b.cpu).toFixed(1)})`;
    console.log(`ratio full scan / bare parse: ${ratio(full, bare)} with workers, ${ratio(fullInThread, bare)} in one thread`);
    console.log(`ratio warm / cold analysis pass: ${ratio(warm, cold)}`);
    await benchServer(root, texts);
  } finally {
    if (generated) fs.rmSync(root, { recursive: true, force: true });
  }
}

main().catch((e) => {
  console.error(e);
  process.exitCode = 1;
});
