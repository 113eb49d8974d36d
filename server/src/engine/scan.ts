import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { RULES } from '../rules';
import { Analyzer, byPosition, PROJECT } from './analyze';
import { Budget, DEFAULT_BUDGET } from './budget';
import { Config } from './config';
import { CachedFile, isCachedFile, isProjectResults, ProjectResults } from './cachedResults';
import { contentHash, hashOfData, ScanCache } from './scanCache';
import { trackedFiles } from './git';
import { FileFacts, ProjectIndex, ProjectLayout } from './project';
import { initPython } from './python/parser';
import { ScanPool } from './scanPool';
import { ANALYSED_KINDS, EarlyRules, FirstPass, IndexData, indexFromData, OwedFile, ReadLimits, readDocuments, readInFirstPass, ScanShare, SecondPass } from './scanShare';
import { Finding, Notice } from './types';
import { isPersonalDataCandidate, PERSONAL_DATA_SAMPLE_BYTES } from './personalData';
import { DiscoveredFile, discoverFiles, isProjectDocument, readConfig, realRootOf } from './workspace';

/** The parts of the configuration that lay out projects and roles. */
export function layoutOf(config: Config): ProjectLayout {
  return { roots: config.roots, roles: config.roles };
}

export interface ScanOptions {
  /** Configuration to use instead of the one read from the root (throws ConfigError when invalid). */
  config?: Config;
  /** Worker threads; 0 analyses in this thread. Default: one per core (this thread only hands out
   *  the work and runs the project rules), at most `maxWorkers`, and none for small projects. */
  workers?: number;
  /** At most this many worker threads by default (the language server leaves a core to the editor). */
  maxWorkers?: number;
  /** The bundled worker script; the scan runs in this thread when it is missing. */
  workerScript?: string;
  /** False: the first pass, where each file is parsed first, runs in worker threads only (a small
   *  project's too). The language server's thread holds the open documents, and a parser that fails
   *  there (parserFailure.ts) ends it: a file that makes the parser fail does so in a worker thread
   *  (the few files owing rules after that pass, parsed there before, may still be analysed here). */
  firstPassHere?: boolean;
  /** What each file's analysis may cost (default: DEFAULT_BUDGET). */
  budget?: Budget;
  /** The young generation of each worker thread's heap, in MB (default: YOUNG_HEAP_MB, scanPool.ts). */
  youngHeapMB?: number;
  /** Keep each file's results in the root's cache folder and reuse those of unchanged files
   *  (scanCache.ts). Off by default. */
  cache?: boolean;
  /** Called with done = 0 once the files are listed, then as files are done. */
  onProgress?(done: number, total: number): void;
}

export interface ScanResult {
  root: string;
  config: Config;
  index: ProjectIndex;
  findings: Finding[];
  /** The findings of project-scoped rules (also in `findings`). */
  projectFindings: Finding[];
  notices: Notice[];
  /** How many files had their results in the cache: their facts (not read again), and their rules'
   *  findings while the project's index is the one they were found with. */
  fromCache: number;
}

const SMALL_PROJECT_FILES = 64;
/** Files that owe rules after the first pass are analysed in this thread when they are this few
 *  bytes in all: a worker thread would first be sent the whole index and classify every file's role
 *  again (on keras, one owed file then cost 150 ms at the end of the scan). */
const OWED_HERE_BYTES = 64 * 1024;
/** The configuration, dependency and data files are read in this thread, while the worker threads
 *  load, when there is at most this much of them to read: then every worker starts on the code at
 *  once (on keras, the second waited 50 ms for the first to read them). */
const OTHERS_HERE_BYTES = 256 * 1024;

/** Worker threads for a scan that runs beside an editor (the language server's): every core but one,
 *  which is left to the editor and to the open documents; fewer threads also hold less memory. */
export function backgroundWorkers(): number {
  return Math.max(1, os.availableParallelism() - 1);
}

/** The young generation of a worker thread of a scan beside an editor, in MB: half the command line's
 *  (YOUNG_HEAP_MB), for a smaller peak (the language server's on keras: about 260 MB instead of 290)
 *  at the cost of more garbage collection. */
export const BACKGROUND_YOUNG_HEAP_MB = 32;

/** Scans a project folder: discovers files, reads its documents, gathers each file's facts and runs
 *  its rules in one pass (in parallel) as far as the pre-index answers them, builds the index, then
 *  runs the project rules and, on the files that still owe some, the file rules that needed it. */
export async function scanProject(root: string, options: ScanOptions = {}): Promise<ScanResult> {
  const config = options.config ?? readConfig(root);
  const realRoot = realRootOf(root);
  const tracked = trackedFiles(root);
  const { files, notices } = discoverFiles(root, config, tracked);
  const workerScript = options.workerScript ?? path.join(__dirname, 'worker.js');
  const analysed = files.filter((f) => ANALYSED_KINDS.has(f.kind) || isProjectDocument(f) || isPersonalDataCandidate(f.path));
  const budget = options.budget ?? DEFAULT_BUDGET;
  const cache = options.cache ? ScanCache.open<CachedFile, ProjectResults>(realRoot, { config, budget, rules: RULES.map((r) => r.code) }, isCachedFile) : undefined;
  // A file read in the first pass is kept in the cache under the hash of the bytes it was read from,
  // which that pass gives (in parallel, and the very bytes analysed).
  const limits: ReadLimits = { realRoot, maxFileSizeMB: config.thresholds.maxFileSizeMB, hashContent: cache !== undefined };
  // Files whose content the cache knows need no first pass. (Looked up by the hash of what they hold
  // now: files are hashed here only when the cache holds entries.)
  const cached = new Map<string, CachedFile>();
  const hashes = new Map<string, string>();
  if (cache?.holdsEntries) {
    for (const file of analysed) {
      if (!ANALYSED_KINDS.has(file.kind)) continue;
      const hash = contentHash(file, limits);
      if (hash === undefined) continue;
      hashes.set(file.path, hash);
      const entry = cache.entry(file.path, hash);
      if (entry) cached.set(file.path, entry);
    }
  }
  const toRead = analysed.filter((f) => readInFirstPass(f) && !cached.has(f.path));
  const wanted = options.workers ?? (toRead.length >= SMALL_PROJECT_FILES ? Math.min(os.availableParallelism(), options.maxWorkers ?? Infinity) : options.firstPassHere === false ? 1 : 0);
  const hasWorkers = fs.existsSync(workerScript);
  const workerCount = hasWorkers ? Math.min(wanted, toRead.length) : 0;
  options.onProgress?.(0, analysed.length);
  const threads = workerCount > 0 ? new ScanPool(workerScript, workerCount, budget, options.youngHeapMB) : await inThisThread(budget, hasWorkers ? workerScript : undefined, options.youngHeapMB);
  try {
    // Everything the index holds but the facts of the files still to read: the pre-index.
    const { documents, notices: documentNotices } = readDocuments(analysed, limits);
    const projectFiles = files.map(({ path: p, kind, size }) => ({ path: p, kind, size }));
    const factsOf = (passes: FirstPass[]) => passes.flatMap((r): [string, FileFacts][] => (r.facts ? [[r.path, r.facts]] : []));
    const preIndex = (known: FirstPass[], pending: DiscoveredFile[]): IndexData => ({
      files: projectFiles,
      facts: factsOf(known),
      documents,
      tracked,
      layout: layoutOf(config),
      pending: pending.map((f) => f.path),
    });
    let done = analysed.length - toRead.length;
    options.onProgress?.(done, analysed.length);
    const onDone = (count: number) => {
      done += count;
      options.onProgress?.(done, analysed.length);
    };
    // Configuration, dependency and data files first: few and quick to read, and their facts (YAML
    // keys, packages, personal data) are what the code's rules ask of other files most.
    const isCode = (f: DiscoveredFile) => f.kind === 'python' || f.kind === 'notebook';
    const firstPasses = [...cached.values()].map((entry) => entry.first);
    const others = toRead.filter((f) => !isCode(f));
    const othersIndex = preIndex(firstPasses, toRead);
    const othersHere = workerCount > 0 && options.firstPassHere !== false && bytesToRead(others) <= OTHERS_HERE_BYTES;
    firstPasses.push(...(await (othersHere ? factsHere(new ScanShare(budget), () => threads, others, othersIndex, config, limits, onDone) : threads.facts(others, othersIndex, config, limits, onDone))));
    const code = toRead.filter(isCode);
    const codeFacts = threads.facts(code, preIndex(firstPasses, code), config, limits, onDone);
    // This thread's parser loads while the scan threads read the code, not after: the few files that
    // still owe rules are analysed here (findingsHere), and loading it then cost keras 25 ms at the
    // end. A failure to load shows where the parser is needed.
    if (workerCount > 0) initPython().catch(() => undefined);
    firstPasses.push(...(await codeFacts));
    // In the files' order, whatever share read them: project rules that anchor to "the first" file
    // must not depend on the number of workers.
    const order = new Map(files.map((f, i) => [f.path, i]));
    firstPasses.sort((a, b) => order.get(a.path)! - order.get(b.path)!);
    const data: IndexData = {
      files: projectFiles,
      facts: factsOf(firstPasses),
      documents,
      tracked,
      layout: layoutOf(config),
    };
    const index = indexFromData(data);
    // Findings depend on the whole index (roles, imports, cross-file facts): the cache's are reused
    // only when the index is the one they were found with. Each file's facts count by their hash,
    // which the first pass gave (or the cache kept): hashing all of them here cost keras 50-70 ms.
    const indexHash = cache ? hashOfData({ ...data, facts: firstPasses.flatMap((first) => (first.facts ? [[first.path, first.factsHash ?? first.facts]] : [])) }) : '';
    const reusable = cache?.indexHash === indexHash;
    const results: SecondPass[] = [];
    const early = new Map<string, EarlyRules>();
    const toAnalyse: OwedFile[] = [];
    for (const first of firstPasses) {
      if (!first.analyse) continue;
      const file = files[order.get(first.path)!];
      const previous = reusable ? cached.get(file.path)?.second : undefined;
      const rules = first.rules;
      if (previous) results.push(previous);
      // The role the rules ran for is the file's: only the rules that asked too early are owed.
      else if (rules && rules.role === index.roleOf(file.path)) {
        if (rules.owed.length === 0) results.push({ path: file.path, findings: rules.findings, notices: rules.notices, outOfTime: rules.outOfTime });
        else {
          early.set(file.path, rules);
          toAnalyse.push({ ...file, rules: rules.owed });
        }
      } else toAnalyse.push(file);
    }
    const owedBytes = toAnalyse.reduce((sum, file) => sum + file.size, 0);
    const pending =
      workerCount > 0 && owedBytes <= OWED_HERE_BYTES ? findingsHere(toAnalyse, index, data, config, limits, budget, threads) : threads.findings(toAnalyse, data, config, limits);
    // The project rules read only the index: they run here while the workers run the file rules.
    const projectAnalyzer = new Analyzer(RULES, undefined, budget);
    const cachedProject = reusable ? cache?.project : undefined;
    const project: ProjectResults = isProjectResults(cachedProject) ? cachedProject : {
      findings: projectAnalyzer.analyzeProject(index, config),
      notices: projectAnalyzer.noticesOf(PROJECT),
    };
    for (const second of await pending) {
      const rules = early.get(second.path);
      results.push(rules ? {
        path: second.path,
        findings: [...rules.findings, ...second.findings],
        notices: [...rules.notices, ...second.notices],
        outOfTime: rules.outOfTime || second.outOfTime,
      } : second);
    }
    // The scan threads stop, and give their memory back, before the cache's text is made: the
    // language server's peak on keras was 20-30 MB higher when they were still there.
    await threads.close();
    // A run that found everything in the cache would write the cache again as it was.
    const unchanged = reusable && isProjectResults(cachedProject) && toAnalyse.length === 0 && !toRead.some((f) => ANALYSED_KINDS.has(f.kind));
    if (cache && !unchanged) {
      const finals = new Map(results.map((r) => [r.path, r]));
      const entries = firstPasses.flatMap((first): [string, { hash: string; entry: CachedFile }][] => {
        const { rules: _, contentHash, ...facts } = first;
        const hash = contentHash ?? hashes.get(first.path);
        const second = finals.get(first.path);
        if (hash === undefined || first.outOfTime || second?.outOfTime) return [];
        return [[first.path, { hash, entry: { first: facts, second } }]];
      });
      cache.save(indexHash, new Map(entries), projectAnalyzer.ranOutOfTime(PROJECT) ? undefined : project);
    }
    return {
      root,
      config,
      index,
      findings: [...results.flatMap((r) => r.findings), ...project.findings].sort(byPosition),
      projectFindings: project.findings,
      // Sorted so that the report does not depend on how files were shared between workers.
      notices: [...notices, ...documentNotices, ...firstPasses.flatMap((r) => r.notices), ...results.flatMap((r) => r.notices), ...project.notices].sort(
        (a, b) => a.path.localeCompare(b.path) || a.message.localeCompare(b.message),
      ),
      fromCache: cached.size,
    };
  } finally {
    void threads.close();
  }
}

/** The scan's two passes over files, on worker threads (ScanPool) or in this thread. */
interface ScanThreads {
  facts(files: DiscoveredFile[], preIndex: IndexData, config: Config, limits: ReadLimits, onDone: (count: number) => void): Promise<FirstPass[]>;
  findings(files: OwedFile[], index: IndexData, config: Config, limits: ReadLimits): Promise<SecondPass[]>;
  /** Settles when the threads have stopped. */
  close(): Promise<void>;
}

/** What the first pass reads of files: data files are sampled. */
function bytesToRead(files: DiscoveredFile[]): number {
  return files.reduce((sum, file) => sum + (ANALYSED_KINDS.has(file.kind) ? file.size : Math.min(file.size, PERSONAL_DATA_SAMPLE_BYTES)), 0);
}

/** The first pass in this thread with `share`, against the pre-index; the files left when this
 *  thread's parser failed go to the threads `elsewhere` gives. */
async function factsHere(
  share: ScanShare,
  elsewhere: () => ScanThreads,
  files: DiscoveredFile[],
  preIndex: IndexData,
  config: Config,
  limits: ReadLimits,
  onDone: (count: number) => void,
): Promise<FirstPass[]> {
  const { results, left } = share.collectFacts(files, limits, { index: indexFromData(preIndex), config });
  onDone(results.length);
  return left.length ? [...results, ...(await elsewhere().facts(left, preIndex, config, limits, onDone))] : results;
}

/** The second pass in this thread, against the index it holds (`data`, for the worker threads that
 *  take the files left when this thread's parser fails). */
async function findingsHere(files: OwedFile[], index: ProjectIndex, data: IndexData, config: Config, limits: ReadLimits, budget: Budget, threads: ScanThreads): Promise<SecondPass[]> {
  if (files.length === 0) return [];
  await initPython();
  const { results, left } = new ScanShare(budget).findings(files, index, config, limits);
  return left.length ? [...results, ...(await threads.findings(left, data, config, limits))] : results;
}

/** The two passes in this thread. A parser that failed here cannot be started again (parserFailure.ts):
 *  the files still to do then go to a worker thread, or without the worker script get a notice. */
async function inThisThread(budget: Budget, workerScript: string | undefined, youngHeapMB: number | undefined): Promise<ScanThreads> {
  await initPython();
  const share = new ScanShare(budget);
  let pool: ScanPool | undefined;
  const elsewhere = (): ScanThreads => (workerScript ? (pool ??= new ScanPool(workerScript, 1, budget, youngHeapMB)) : unanalysed);
  return {
    facts: (files, preIndex, config, limits, onDone) => factsHere(share, elsewhere, files, preIndex, config, limits, onDone),
    findings: async (files, data, config, limits) => {
      const { results, left } = share.findings(files, indexFromData(data), config, limits);
      return left.length ? [...results, ...(await elsewhere().findings(left, data, config, limits))] : results;
    },
    close: async () => pool?.close(),
  };
}

/** Files left when the parser failed on an earlier one, with no thread to take them. */
const unanalysed: ScanThreads = {
  facts: async (files, _preIndex, _config, _limits, onDone) => {
    onDone(files.length);
    return files.map((file) => ({ path: file.path, notices: [{ path: file.path, message: EARLIER_PARSER_FAILURE }], analyse: false }));
  },
  findings: async (files) => files.map((file) => ({ path: file.path, findings: [], notices: [{ path: file.path, message: EARLIER_PARSER_FAILURE }] })),
  close: async () => undefined,
};
const EARLIER_PARSER_FAILURE = 'not analysed: the Python parser failed on an earlier file';
