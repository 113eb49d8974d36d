// Benchmark: `npm run bench [-- DIR] [--files N] [--server-only | --rules]`. Scans DIR (by default a generated corpus of
// realistic ML files in a temporary folder) with the full engine on worker threads, and measures in
// the same run a bare tree-sitter parse of the same Python sources and notebook code, the command
// line as a user runs it (a separate process, without and with its cache, with its peak memory; the
// parse and the command line without its cache are each the median of three runs),
// the scan as the language server runs it (a separate process, for its peak memory), then a cold and
// a warm (cached) analysis pass in one thread. It prints numbers; it asserts nothing.
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Analyzer } from '../../server/src/engine/analyze';
import { notebookCode, parseNotebook } from '../../server/src/engine/notebook';
import { initPython, parsePython } from '../../server/src/engine/python/parser';
import { BACKGROUND_YOUNG_HEAP_MB, backgroundWorkers, scanProject } from '../../server/src/engine/scan';
import { decodeBytes } from '../../server/src/engine/text';
import { FileKind } from '../../server/src/engine/types';
import { CACHE_FOLDER, discoverFiles, readConfig } from '../../server/src/engine/workspace';
import { RULES } from '../../server/src/rules';
import { writeCorpus } from './corpus';
import { benchRules } from './rules';
import { benchServer } from './server';

const REPO = path.resolve(__dirname, '../..'); // bundled to out/bench/
const WORKER = path.join(REPO, 'server/out/worker.js');
const CLI = path.join(REPO, 'bin/ml-hygiene.js');
const DEFAULT_FILES = 600;
const ANALYSED = new Set<FileKind>(['python', 'notebook', 'yaml', 'requirements']);

interface Args {
  dir?: string;
  files: number;
  serverOnly: boolean;
  /** Only the time of each rule (rules.ts). */
  rules: boolean;
}

const USAGE = 'usage: npm run bench [-- DIR] [--files N] [--server-only | --rules]';

/** Wrong arguments: said in a line, without a stack. */
class UsageError extends Error {}

function parseArgs(argv: string[]): Args {
  const args: Args = { files: DEFAULT_FILES, serverOnly: false, rules: false };
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--files') args.files = Number(argv[++i]);
    else if (argv[i] === '--server-only') args.serverOnly = true;
    else if (argv[i] === '--rules') args.rules = true;
    else if (argv[i].startsWith('-')) throw new UsageError(`unknown option ${argv[i]}\n${USAGE}`);
    else args.dir = argv[i];
  }
  if (!Number.isInteger(args.files) || args.files < 1) throw new UsageError('--files needs a positive whole number');
  if (args.dir !== undefined && !fs.statSync(args.dir, { throwIfNoEntry: false })?.isDirectory()) throw new UsageError(`${args.dir} is not a folder\n${USAGE}`);
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

/** The wall times of a median's runs. */
function runsOf(median: { runs: number[] }): string {
  return `median of ${median.runs.length} runs: ${median.runs.map((secs) => secs.toFixed(2)).join(', ')} s`;
}

function line(label: string, files: number, bytes: number, { secs, cpu }: Timing): string {
  const mb = bytes / 1024 / 1024;
  return `${label.padEnd(34)} ${String(files).padStart(6)} files ${mb.toFixed(2).padStart(6)} MB ${secs.toFixed(2).padStart(7)} s (cpu ${cpu.toFixed(2).padStart(7)} s) ${(files / secs).toFixed(0).padStart(6)} files/s ${(mb / secs).toFixed(2).padStart(6)} MB/s`;
}

/** What a child process reports of itself when it exits (see reportOnExit). */
interface ChildUsage {
  time: Timing;
  peakMB: number;
}

// Loaded into a child with --require: at its exit it writes its CPU time and peak memory (worker
// threads included) to the file named by MLH_BENCH_USAGE.
const REPORT_ON_EXIT = `process.on('exit', () => {
  const u = process.resourceUsage();
  require('fs').writeFileSync(process.env.MLH_BENCH_USAGE, JSON.stringify({ cpu: (u.userCPUTime + u.systemCPUTime) / 1e6, maxRSS: u.maxRSS }));
});`;

/** Runs node with `args` in a child process; its wall time, CPU time and peak resident memory. */
function runChild(args: string[]): ChildUsage {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mlh-bench-usage-'));
  try {
    const preload = path.join(dir, 'report.js');
    fs.writeFileSync(preload, REPORT_ON_EXIT);
    const usageFile = path.join(dir, 'usage.json');
    const wall = process.hrtime.bigint();
    const child = spawnSync(process.execPath, ['--require', preload, ...args], {
      env: { ...process.env, MLH_BENCH_USAGE: usageFile },
      stdio: ['ignore', 'ignore', 'pipe'],
      maxBuffer: 64 * 1024 * 1024,
    });
    const secs = Number(process.hrtime.bigint() - wall) / 1e9;
    if (!fs.existsSync(usageFile)) throw new Error(`node ${args.join(' ')} failed: ${child.stderr}`);
    const usage = JSON.parse(fs.readFileSync(usageFile, 'utf8')) as { cpu: number; maxRSS: number };
    return { time: { secs, cpu: usage.cpu }, peakMB: usage.maxRSS / 1024 };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** Timed runs of the figures compared with each other (the command line, the bare parse): on a
 *  shared machine one run can be 5% off either way. */
const RUNS = 3;

/** The run of median wall time of `RUNS` runs, with every run's wall time and the highest peak memory. */
async function median<T extends { time: Timing; peakMB?: number }>(run: () => T | Promise<T>): Promise<T & { runs: number[] }> {
  const runs: T[] = [];
  for (let i = 0; i < RUNS; i++) runs.push(await run());
  const sorted = [...runs].sort((a, b) => a.time.secs - b.time.secs);
  const peaks = runs.map((r) => r.peakMB ?? 0);
  return { ...sorted[Math.floor(RUNS / 2)], peakMB: Math.max(...peaks), runs: runs.map((r) => r.time.secs) };
}

/** The command line on the folder: without its cache (the median of RUNS runs), then twice with it
 *  (cold, then warm). A cache folder the benchmark made is removed again. */
async function benchCli(root: string): Promise<{ noCache: ChildUsage & { runs: number[] }; cold: ChildUsage; warm: ChildUsage }> {
  const cacheFolder = path.join(root, CACHE_FOLDER);
  const hadCache = fs.existsSync(cacheFolder);
  const check = (...extra: string[]) => runChild([CLI, 'check', root, '--format', 'json', ...extra]);
  const noCache = await median(() => check('--no-cache'));
  fs.rmSync(path.join(cacheFolder), { recursive: true, force: true });
  try {
    const cold = check();
    const warm = check();
    return { noCache, cold, warm };
  } finally {
    if (!hadCache) fs.rmSync(cacheFolder, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  if (process.argv[2] === '--scan-child') {
    // The scan as the language server runs it: its workers, no cache.
    await scanProject(process.argv[3], { workerScript: WORKER, maxWorkers: backgroundWorkers(), youngHeapMB: BACKGROUND_YOUNG_HEAP_MB, firstPassHere: false });
    return;
  }
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
    if (args.rules) return await benchRules(root, texts, config);
    const bytes = texts.reduce((n, f) => n + f.size, 0);
    const sources = texts.flatMap((f) =>
      f.kind === 'python' ? [f.text] : f.kind === 'notebook' ? [notebookCode(parseNotebook(f.text)).text] : [],
    );
    const parseBytes = sources.reduce((n, text) => n + Buffer.byteLength(text), 0);

    const cli = await benchCli(root);
    const bare = await median(() => timed(() => sources.forEach((text) => parsePython(text).delete())));
    const serverScan = runChild([__filename, '--scan-child', root]);
    const workers = os.availableParallelism();
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
    console.log(`${line('bare tree-sitter parse (1 thread)', sources.length, parseBytes, bare.time)}  ${runsOf(bare)}`);
    console.log(line(`full scan (${workers} workers)`, texts.length, bytes, full));
    console.log(line('full scan (in this thread)', texts.length, bytes, fullInThread));
    console.log(line('analysis pass 1 (cold, 1 thread)', texts.length, bytes, cold));
    console.log(line('analysis pass 2 (warm, cached)', texts.length, bytes, warm));
    const withPeak = (label: string, usage: ChildUsage) => `${line(label, texts.length, bytes, usage.time)}  peak RSS ${usage.peakMB.toFixed(0)} MB`;
    console.log(`${withPeak('CLI check --no-cache (process)', cli.noCache)}  ${runsOf(cli.noCache)}`);
    console.log(withPeak('CLI check, cold cache (process)', cli.cold));
    console.log(withPeak('CLI check, warm cache (process)', cli.warm));
    console.log(withPeak('scan as the server runs it', serverScan));
    const ratio = (a: Timing, b: Timing) => `${(a.secs / b.secs).toFixed(1)} (cpu ${(a.cpu / b.cpu).toFixed(1)})`;
    const fine = (a: Timing, b: Timing) => `${(a.secs / b.secs).toFixed(2)} (cpu ${(a.cpu / b.cpu).toFixed(2)})`;
    console.log(`ratio CLI check --no-cache / bare parse: ${fine(cli.noCache.time, bare.time)}`);
    console.log(`ratio CLI check warm / cold cache: ${fine(cli.warm.time, cli.cold.time)}`);
    console.log(`ratio full scan / bare parse: ${ratio(full, bare.time)} with workers, ${ratio(fullInThread, bare.time)} in one thread`);
    console.log(`ratio warm / cold analysis pass: ${ratio(warm, cold)}`);
    await benchServer(root, texts);
  } finally {
    if (generated) fs.rmSync(root, { recursive: true, force: true });
  }
}

main().catch((e) => {
  console.error(e instanceof UsageError ? e.message : e);
  process.exitCode = 1;
});
