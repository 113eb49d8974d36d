import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Worker } from 'worker_threads';
import { RULES } from '../rules';
import { Analyzer, byPosition, ParsedFile, PROJECT } from './analyze';
import { Budget, DEFAULT_BUDGET } from './budget';
import { Config } from './config';
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

export interface FactsResult {
  facts: FileFacts[];
  documents: [string, string][];
  notices: Notice[];
}

/** One share of a scan: the files it reads and analyses, in whichever thread it lives. The texts
 *  read in the first pass are kept for the second, so each file is read and parsed once. */
export class ScanShare {
  private readonly texts = new Map<string, string>();
  readonly analyzer: Analyzer;

  constructor(budget: Budget = DEFAULT_BUDGET) {
    this.analyzer = new Analyzer(RULES, undefined, budget);
  }

  /** `realRoot`: the real path of the project's folder; nothing outside it is read. */
  collectFacts(files: DiscoveredFile[], maxFileSizeMB: number, realRoot: string): FactsResult {
    const result: FactsResult = { facts: [], documents: [], notices: [] };
    for (const file of files) {
      if (isPersonalDataCandidate(file.path) && !ANALYSED_KINDS.has(file.kind)) {
        // Data files are sampled, never read whole: their size does not matter.
        const sample = readSample(file, PERSONAL_DATA_SAMPLE_BYTES, realRoot);
        const personalData = sample === undefined ? undefined : personalDataIn(sample);
        if (personalData) result.facts.push({ path: file.path, kind: file.kind, personalData });
        if (!isProjectDocument(file)) continue;
      }
      const { text, notice } = readSource(file, maxFileSizeMB, realRoot);
      if (notice) result.notices.push(notice);
      if (text === undefined) continue;
      if (isProjectDocument(file)) result.documents.push([file.path, text]);
      if (!ANALYSED_KINDS.has(file.kind)) continue;
      this.texts.set(file.path, text);
      try {
        result.facts.push(this.analyzer.facts(file.path, text));
        const stopped = this.analyzer.noticesOf(file.path);
        result.notices.push(...stopped);
        if (stopped.length) {
          // Parsed beyond the budget, or too large: the file's rules are not run.
          this.texts.delete(file.path);
          continue;
        }
        const syntax = syntaxError(this.analyzer.parse(file.path, text));
        if (syntax) result.notices.push({ path: file.path, message: syntax });
      } catch (e) {
        this.texts.delete(file.path);
        result.notices.push({ path: file.path, message: `could not be analysed: ${(e as Error).message}` });
      }
    }
    return result;
  }

  findings(index: ProjectIndex, config: Config): { findings: Finding[]; notices: Notice[] } {
    const findings: Finding[] = [];
    const notices: Notice[] = [];
    for (const [filePath, text] of this.texts) {
      try {
        findings.push(...this.analyzer.analyzeFile(filePath, text, index, config));
        notices.push(...this.analyzer.noticesOf(filePath));
      } catch (e) {
        notices.push({ path: filePath, message: `could not be analysed: ${(e as Error).message}` });
      } finally {
        this.analyzer.forget(filePath);
      }
    }
    this.texts.clear();
    return { findings, notices };
  }
}

export interface ScanOptions {
  /** Configuration to use instead of the one read from the root (throws ConfigError when invalid). */
  config?: Config;
  /** Worker threads; 0 analyses in this thread. Default: one per core beyond the first, at least one,
   *  and none for small projects. */
  workers?: number;
  /** The bundled worker script; the scan runs in this thread when it is missing. */
  workerScript?: string;
  /** What each file's analysis may cost (default: DEFAULT_BUDGET). */
  budget?: Budget;
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

/** Scans a project folder: discovers files, gathers facts (in parallel), builds the index, runs every rule. */
export async function scanProject(root: string, options: ScanOptions = {}): Promise<ScanResult> {
  const config = options.config ?? readConfig(root);
  const realRoot = realRootOf(root);
  const tracked = trackedFiles(root);
  const { files, notices } = discoverFiles(root, config, tracked);
  const workerScript = options.workerScript ?? path.join(__dirname, 'worker.js');
  const analysed = files.filter((f) => ANALYSED_KINDS.has(f.kind) || isProjectDocument(f) || isPersonalDataCandidate(f.path));
  const wanted = options.workers ?? (analysed.length < SMALL_PROJECT_FILES ? 0 : Math.max(1, os.cpus().length - 1));
  const workerCount = fs.existsSync(workerScript) ? Math.min(wanted, analysed.length) : 0;
  options.onProgress?.(0, analysed.length);
  const budget = options.budget ?? DEFAULT_BUDGET;
  const shares = workerCount > 0 ? await startWorkers(workerScript, workerCount, budget) : [await inlineShare(budget)];
  try {
    // Round-robin by size so that the shares take about as long.
    const parts: DiscoveredFile[][] = shares.map(() => []);
    [...analysed].sort((a, b) => b.size - a.size).forEach((f, i) => parts[i % parts.length].push(f));
    let done = 0;
    const factResults = await Promise.all(
      shares.map(async (share, i) => {
        const result = await share.collectFacts(parts[i], config.thresholds.maxFileSizeMB, realRoot);
        done += parts[i].length;
        options.onProgress?.(done, analysed.length);
        return result;
      }),
    );
    // In the files' order, whatever share read them: project rules that anchor to "the first" file
    // must not depend on the number of workers.
    const order = new Map(files.map((f, i) => [f.path, i]));
    const inFileOrder = <T>(entries: [string, T][]) => entries.sort((a, b) => order.get(a[0])! - order.get(b[0])!);
    const data: IndexData = {
      files: files.map(({ path: p, kind, size }) => ({ path: p, kind, size })),
      facts: inFileOrder(factResults.flatMap((r) => r.facts.map((f): [string, FileFacts] => [f.path, f]))),
      documents: inFileOrder(factResults.flatMap((r) => r.documents)),
      tracked,
      layout: layoutOf(config),
    };
    const index = indexFromData(data);
    const findingResults = await Promise.all(shares.map((share) => share.findings(data, config)));
    const projectAnalyzer = new Analyzer(RULES, undefined, budget);
    const projectFindings = projectAnalyzer.analyzeProject(index, config);
    return {
      root,
      config,
      index,
      findings: [...findingResults.flatMap((r) => r.findings), ...projectFindings].sort(byPosition),
      projectFindings,
      // Sorted so that the report does not depend on how files were shared between workers.
      notices: [
        ...notices,
        ...factResults.flatMap((r) => r.notices),
        ...findingResults.flatMap((r) => r.notices),
        ...projectAnalyzer.noticesOf(PROJECT),
      ].sort(
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
  collectFacts(files: DiscoveredFile[], maxFileSizeMB: number, realRoot: string): Promise<FactsResult>;
  findings(index: IndexData, config: Config): Promise<{ findings: Finding[]; notices: Notice[] }>;
  close(): void;
}

async function inlineShare(budget: Budget): Promise<RemoteShare> {
  await initPython();
  const share = new ScanShare(budget);
  return {
    collectFacts: async (files, max, realRoot) => share.collectFacts(files, max, realRoot),
    findings: async (data, config) => share.findings(indexFromData(data), config),
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
      collectFacts: (files, maxFileSizeMB, realRoot) => ask<FactsResult>({ type: 'facts', files, maxFileSizeMB, realRoot }),
      findings: (index, config) => ask<{ findings: Finding[]; notices: Notice[] }>({ type: 'findings', index, config }),
      close: () => void worker.terminate(),
    };
  });
}
