import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Worker } from 'worker_threads';
import { RULES } from '../rules';
import { Analyzer, byPosition, ParsedFile, PROJECT } from './analyze';
import { Budget, DEFAULT_BUDGET } from './budget';
import { Config } from './config';
import { contentHash, hashOfData, ScanCache } from './scanCache';
import { trackedFiles } from './git';
import { FileFacts, ProjectFile, ProjectIndex, ProjectLayout } from './project';
import { initPython } from './python/parser';
import { Finding, Notice } from './types';
import { isPersonalDataCandidate, PERSONAL_DATA_SAMPLE_BYTES, personalDataIn } from './personalData';
import { DiscoveredFile, discoverFiles, isProjectDocument, readConfig, readSample, readSource, realRootOf } from './workspace';
import { firstSyntaxError } from './python/syntax';

const ANALYSED_KINDS = new Set(['python', 'notebook', 'yaml', 'requirements']);

/** The plain-data form of a ProjectIndex, as it crosses to worker threads. */
export interface IndexData {
  files: ProjectFile[];
  facts: [string, FileFacts][];
  documents: [string, string][];
  tracked?: string[];
  layout: ProjectLayout;
}

export function indexFromData(data: IndexData): ProjectIndex {
  return new ProjectIndex(data.files, new Map(data.facts), new Map(data.documents), data.tracked, data.layout);
}

/** The parts of the configuration that lay out projects and roles. */
export function layoutOf(config: Config): ProjectLayout {
  return { roots: config.roots, roles: config.roles };
}

/** What the first pass learns of one file: its facts, its text when it describes the project, the
 *  notices, and whether its rules are to run (not when it could not be read or parsed in budget). */
export interface FirstPass {
  path: string;
  facts?: FileFacts;
  document?: string;
  notices: Notice[];
  analyse: boolean;
  /** Stopped at the budget's deadline: a result of a busy moment, not of the file, so not cached. */
  outOfTime?: boolean;
}

/** What the second pass gives for one file: its rules' findings and notices. */
export interface SecondPass {
  path: string;
  findings: Finding[];
  notices: Notice[];
  outOfTime?: boolean;
}

/** Where a share reads files, and how large they may be. */
export interface ReadLimits {
  /** The real path of the project's folder; nothing outside it is read. */
  realRoot: string;
  maxFileSizeMB: number;
}

/** One share of a scan: the files it reads and analyses, in whichever thread it lives. A file's
 *  syntax tree lives only while one pass works on it (trees are the bulk of the memory): the first
 *  pass gives the facts, the second reads and parses the file again for its rules. */
export class ScanShare {
  readonly analyzer: Analyzer;

  constructor(budget: Budget = DEFAULT_BUDGET) {
    this.analyzer = new Analyzer(RULES, undefined, budget);
  }

  collectFacts(files: DiscoveredFile[], limits: ReadLimits): FirstPass[] {
    return files.map((file) => this.firstPass(file, limits));
  }

  private firstPass(file: DiscoveredFile, { realRoot, maxFileSizeMB }: ReadLimits): FirstPass {
    const result: FirstPass = { path: file.path, notices: [], analyse: false };
    if (isPersonalDataCandidate(file.path) && !ANALYSED_KINDS.has(file.kind)) {
      // Data files are sampled, never read whole: their size does not matter.
      const sample = readSample(file, PERSONAL_DATA_SAMPLE_BYTES, realRoot);
      const personalData = sample === undefined ? undefined : personalDataIn(sample);
      if (personalData) result.facts = { path: file.path, kind: file.kind, personalData };
      if (!isProjectDocument(file)) return result;
    }
    const { text, notice } = readSource(file, maxFileSizeMB, realRoot);
    if (notice) result.notices.push(notice);
    if (text === undefined) return result;
    if (isProjectDocument(file)) result.document = text;
    if (!ANALYSED_KINDS.has(file.kind)) return result;
    try {
      result.facts = this.analyzer.facts(file.path, text);
      if (this.analyzer.ranOutOfTime(file.path)) result.outOfTime = true;
      const stopped = this.analyzer.noticesOf(file.path);
      result.notices.push(...stopped);
      // Parsed beyond the budget, or too large: the file's rules are not run.
      if (stopped.length) return result;
      const syntax = syntaxError(this.analyzer.parse(file.path, text));
      if (syntax) result.notices.push({ path: file.path, message: syntax });
      result.analyse = true;
    } catch (e) {
      result.notices.push({ path: file.path, message: `could not be analysed: ${(e as Error).message}` });
    } finally {
      this.analyzer.forget(file.path);
    }
    return result;
  }

  findings(files: DiscoveredFile[], index: ProjectIndex, config: Config, { realRoot, maxFileSizeMB }: ReadLimits): SecondPass[] {
    const results: SecondPass[] = [];
    for (const file of files) {
      // Read again: a problem reading it was noted in the first pass.
      const { text } = readSource(file, maxFileSizeMB, realRoot);
      if (text === undefined) continue;
      const result: SecondPass = { path: file.path, findings: [], notices: [] };
      try {
        result.findings = this.analyzer.analyzeFile(file.path, text, index, config);
        result.notices = this.analyzer.noticesOf(file.path);
        if (this.analyzer.ranOutOfTime(file.path)) result.outOfTime = true;
      } catch (e) {
        result.notices = [{ path: file.path, message: `could not be analysed: ${(e as Error).message}` }];
      } finally {
        this.analyzer.forget(file.path);
      }
      results.push(result);
    }
    return results;
  }
}

export interface ScanOptions {
  /** Configuration to use instead of the one read from the root (throws ConfigError when invalid). */
  config?: Config;
  /** Worker threads; 0 analyses in this thread. Default: one per core (this thread only hands out
   *  the work and runs the project rules), and none for small projects. */
  workers?: number;
  /** The bundled worker script; the scan runs in this thread when it is missing. */
  workerScript?: string;
  /** What each file's analysis may cost (default: DEFAULT_BUDGET). */
  budget?: Budget;
  /** Keep each file's results in the root's cache folder and reuse those of unchanged files
   *  (scanCache.ts). Off by default. */
  cache?: boolean;
  /** Called with done = 0 once the files are listed, then as shares finish. */
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
}

const SMALL_PROJECT_FILES = 64;

/** What the cache keeps of a file: both passes' results. */
interface CachedFile {
  first: FirstPass;
  second?: SecondPass;
}

interface ProjectResults {
  findings: Finding[];
  notices: Notice[];
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

/** Whether what the cache holds for a file has the shape the scan wrote. */
function isCachedFile(value: unknown, path: string): value is CachedFile {
  if (!isObject(value) || !isObject(value.first) || value.first.path !== path || !Array.isArray(value.first.notices)) return false;
  const second = value.second;
  return second === undefined || (isObject(second) && second.path === path && Array.isArray(second.findings) && Array.isArray(second.notices));
}

function isProjectResults(value: unknown): value is ProjectResults {
  return isObject(value) && Array.isArray(value.findings) && Array.isArray(value.notices);
}

/** Deals files out to `count` shares, largest first and round-robin, so that they take about as long. */
function dealBySize(files: DiscoveredFile[], count: number): DiscoveredFile[][] {
  const parts: DiscoveredFile[][] = Array.from({ length: count }, () => []);
  [...files].sort((a, b) => b.size - a.size).forEach((f, i) => parts[i % count].push(f));
  return parts;
}

/** Scans a project folder: discovers files, gathers facts (in parallel), builds the index, runs every rule. */
export async function scanProject(root: string, options: ScanOptions = {}): Promise<ScanResult> {
  const config = options.config ?? readConfig(root);
  const realRoot = realRootOf(root);
  const tracked = trackedFiles(root);
  const { files, notices } = discoverFiles(root, config, tracked);
  const workerScript = options.workerScript ?? path.join(__dirname, 'worker.js');
  const analysed = files.filter((f) => ANALYSED_KINDS.has(f.kind) || isProjectDocument(f) || isPersonalDataCandidate(f.path));
  const budget = options.budget ?? DEFAULT_BUDGET;
  const limits: ReadLimits = { realRoot, maxFileSizeMB: config.thresholds.maxFileSizeMB };
  const cache = options.cache ? ScanCache.open<CachedFile, ProjectResults>(realRoot, { config, budget, rules: RULES.map((r) => r.code) }, isCachedFile) : undefined;
  // Files whose content the cache knows need no first pass.
  const cached = new Map<string, CachedFile>();
  const hashes = new Map<string, string>();
  if (cache) {
    for (const file of analysed) {
      if (!ANALYSED_KINDS.has(file.kind)) continue;
      const hash = contentHash(file, limits);
      if (hash === undefined) continue;
      hashes.set(file.path, hash);
      const entry = cache.entry(file.path, hash);
      if (entry) cached.set(file.path, entry);
    }
  }
  const toRead = analysed.filter((f) => !cached.has(f.path));
  const wanted = options.workers ?? (toRead.length < SMALL_PROJECT_FILES ? 0 : os.availableParallelism());
  const workerCount = fs.existsSync(workerScript) ? Math.min(wanted, toRead.length) : 0;
  options.onProgress?.(0, analysed.length);
  const shares = workerCount > 0 ? await startWorkers(workerScript, workerCount, budget) : [await inlineShare(budget)];
  try {
    let done = cached.size;
    const parts = dealBySize(toRead, shares.length);
    const firstPasses = (
      await Promise.all(
        shares.map(async (share, i) => {
          const result = await share.collectFacts(parts[i], limits);
          done += parts[i].length;
          options.onProgress?.(done, analysed.length);
          return result;
        }),
      )
    ).flat();
    for (const entry of cached.values()) firstPasses.push(entry.first);
    // In the files' order, whatever share read them: project rules that anchor to "the first" file
    // must not depend on the number of workers.
    const order = new Map(files.map((f, i) => [f.path, i]));
    firstPasses.sort((a, b) => order.get(a.path)! - order.get(b.path)!);
    const data: IndexData = {
      files: files.map(({ path: p, kind, size }) => ({ path: p, kind, size })),
      facts: firstPasses.flatMap((r): [string, FileFacts][] => (r.facts ? [[r.path, r.facts]] : [])),
      documents: firstPasses.flatMap((r): [string, string][] => (r.document !== undefined ? [[r.path, r.document]] : [])),
      tracked,
      layout: layoutOf(config),
    };
    const index = indexFromData(data);
    // Findings depend on the whole index (roles, imports, cross-file facts): the cache's are reused
    // only when the index is the one they were found with.
    const indexHash = cache ? hashOfData(data) : '';
    const reusable = cache?.indexHash === indexHash;
    const secondPasses: SecondPass[] = [];
    const toAnalyse: DiscoveredFile[] = [];
    const analysable = new Set(firstPasses.filter((r) => r.analyse).map((r) => r.path));
    for (const file of analysed) {
      if (!analysable.has(file.path)) continue;
      const previous = reusable ? cached.get(file.path)?.second : undefined;
      if (previous) secondPasses.push(previous);
      else toAnalyse.push(file);
    }
    const secondParts = dealBySize(toAnalyse, shares.length);
    const pending = Promise.all(shares.map((share, i) => share.findings(secondParts[i], data, config, limits)));
    // The project rules read only the index: they run here while the workers run the file rules.
    const projectAnalyzer = new Analyzer(RULES, undefined, budget);
    const cachedProject = reusable ? cache?.project : undefined;
    const project: ProjectResults = isProjectResults(cachedProject) ? cachedProject : {
      findings: projectAnalyzer.analyzeProject(index, config),
      notices: projectAnalyzer.noticesOf(PROJECT),
    };
    secondPasses.push(...(await pending).flat());
    if (cache) {
      const seconds = new Map(secondPasses.map((r) => [r.path, r]));
      const entries = firstPasses.flatMap((first): [string, { hash: string; entry: CachedFile }][] => {
        const hash = hashes.get(first.path);
        const second = seconds.get(first.path);
        if (hash === undefined || first.outOfTime || second?.outOfTime) return [];
        return [[first.path, { hash, entry: { first, second } }]];
      });
      cache.save(indexHash, new Map(entries), projectAnalyzer.ranOutOfTime(PROJECT) ? undefined : project);
    }
    return {
      root,
      config,
      index,
      findings: [...secondPasses.flatMap((r) => r.findings), ...project.findings].sort(byPosition),
      projectFindings: project.findings,
      // Sorted so that the report does not depend on how files were shared between workers.
      notices: [...notices, ...firstPasses.flatMap((r) => r.notices), ...secondPasses.flatMap((r) => r.notices), ...project.notices].sort(
        (a, b) => a.path.localeCompare(b.path) || a.message.localeCompare(b.message),
      ),
    };
  } finally {
    for (const share of shares) share.close();
  }
}

/** A notice for a .py file that does not parse, naming the first error's line. A notebook cell that
 *  does not parse is a finding of its own (MLH808). */
function syntaxError(parsed: ParsedFile): string | undefined {
  const error = parsed.kind === 'python' ? firstSyntaxError(parsed.module.root) : undefined;
  return error && `Python syntax error at line ${error.startPosition.row + 1}; only the parts that parse were analysed`;
}

interface RemoteShare {
  collectFacts(files: DiscoveredFile[], limits: ReadLimits): Promise<FirstPass[]>;
  findings(files: DiscoveredFile[], index: IndexData, config: Config, limits: ReadLimits): Promise<SecondPass[]>;
  close(): void;
}

async function inlineShare(budget: Budget): Promise<RemoteShare> {
  await initPython();
  const share = new ScanShare(budget);
  return {
    collectFacts: async (files, limits) => share.collectFacts(files, limits),
    findings: async (files, data, config, limits) => share.findings(files, indexFromData(data), config, limits),
    close: () => undefined,
  };
}

async function startWorkers(script: string, count: number, budget: Budget): Promise<RemoteShare[]> {
  return Array.from({ length: count }, () => {
    const worker = new Worker(script, { workerData: { budget } });
    const ask = <T>(message: unknown) =>
      new Promise<T>((resolve, reject) => {
        const onMessage = (reply: { ok: boolean; value: T; error?: string }) => {
          worker.off('error', reject);
          if (reply.ok) resolve(reply.value);
          else reject(new Error(reply.error));
        };
        worker.once('message', onMessage);
        worker.once('error', reject);
        worker.postMessage(message);
      });
    return {
      collectFacts: (files, limits) => ask<FirstPass[]>({ type: 'facts', files, limits }),
      findings: (files, index, config, limits) => ask<SecondPass[]>({ type: 'findings', files, index, config, limits }),
      close: () => void worker.terminate(),
    };
  });
}
