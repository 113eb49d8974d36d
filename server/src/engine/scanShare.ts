// What one thread of a scan does with its files, in whichever thread it lives (scanPool.ts gives
// the work out to worker threads; a small project is scanned in the calling thread).
import { RULES } from '../rules';
import { Analyzer, ParsedFile } from './analyze';
import { Budget, DEFAULT_BUDGET } from './budget';
import { Config } from './config';
import { FactsSoFar, FileFacts, ProjectFile, ProjectIndex, ProjectLayout } from './project';
import { Role } from './roles';
import { hashOfBytes, hashOfData } from './scanCache';
import { Finding, Notice } from './types';
import { isPersonalDataCandidate, PERSONAL_DATA_SAMPLE_BYTES, personalDataIn } from './personalData';
import { DiscoveredFile, isProjectDocument, readSample, readSource } from './workspace';
import { firstSyntaxError } from './python/syntax';
import { PARSER_FAILED_NOTICE, parserFailed } from './python/parserFailure';

/** The kinds of file whose text the analysis parses. */
export const ANALYSED_KINDS = new Set(['python', 'notebook', 'yaml', 'requirements']);

/** The plain-data form of a ProjectIndex, as it crosses to worker threads. */
export interface IndexData {
  files: ProjectFile[];
  facts: [string, FileFacts][];
  documents: [string, string][];
  tracked?: string[];
  layout: ProjectLayout;
  /** For a pre-index (the first pass's): the files whose facts are still to come. */
  pending?: string[];
}

export function indexFromData(data: IndexData): ProjectIndex {
  const facts = data.pending
    ? new FactsSoFar(data.facts, new Set(data.pending), new Map(data.files.map((f, i) => [f.path, i])))
    : new Map(data.facts);
  return new ProjectIndex(data.files, facts, new Map(data.documents), data.tracked, data.layout);
}

/** What the first pass learns of one file: its facts, the notices, whether its rules are to run
 *  (not when it could not be read or parsed in budget), and what they found then. */
export interface FirstPass {
  path: string;
  facts?: FileFacts;
  notices: Notice[];
  analyse: boolean;
  /** Stopped at the budget's deadline, or by a failure of the parser: a result of a moment, not of
   *  the file, so not cached. */
  outOfTime?: boolean;
  /** The file's rules, run against the pre-index (none when the first pass gives only facts). */
  rules?: EarlyRules;
  /** When the limits ask for them (a scan that caches its results): the hash of the bytes the facts
   *  are of (hashOfBytes), which the cache keeps the file's results under, and the hash of the facts
   *  (hashOfData), which stands for them in the hash of the project's index. */
  contentHash?: string;
  factsHash?: string;
}

/** The rules of a file run in the first pass, against the pre-index: the role they ran for (the
 *  pre-index's, checked against the index's), their findings and notices, and the rules still owed
 *  (they asked what only the whole index knows). */
export interface EarlyRules {
  role: Role;
  findings: Finding[];
  notices: Notice[];
  owed: string[];
  outOfTime?: boolean;
}

/** A file for the second pass, with the codes of the rules still to run (all when absent). */
export type OwedFile = DiscoveredFile & { rules?: string[] };

/** The index a pass runs the rules against (the pre-index, or the whole index) and the configuration. */
export interface SharedProject {
  index: ProjectIndex;
  config: Config;
}

/** What the second pass gives for one file: its rules' findings and notices. */
export interface SecondPass {
  path: string;
  findings: Finding[];
  notices: Notice[];
  outOfTime?: boolean;
}

/** A pass over files in one thread: the results of the files it did, and the files after one that
 *  made the thread's parser fail (parserFailure.ts), left for another thread. */
export interface PassResults<T, F> {
  results: T[];
  left: F[];
}

/** Where a share reads files, and how large they may be. */
export interface ReadLimits {
  /** The real path of the project's folder; nothing outside it is read. */
  realRoot: string;
  maxFileSizeMB: number;
  /** The first pass gives the hashes of each file it reads and of its facts (FirstPass.contentHash,
   *  factsHash): made there, they cost no second read of the file and are spread over the threads. */
  hashContent?: boolean;
}

/** Whether the first pass reads a file: to parse it, or to sample a data file for personal data. */
export function readInFirstPass(file: DiscoveredFile): boolean {
  return ANALYSED_KINDS.has(file.kind) || isPersonalDataCandidate(file.path);
}

/** The texts of the files that describe the project (isProjectDocument), read before the first pass
 *  for the pre-index. A problem reading one is noted here unless the first pass reads it too. */
export function readDocuments(files: DiscoveredFile[], { realRoot, maxFileSizeMB }: ReadLimits): { documents: [string, string][]; notices: Notice[] } {
  const documents: [string, string][] = [];
  const notices: Notice[] = [];
  for (const file of files) {
    if (!isProjectDocument(file)) continue;
    const { text, notice } = readSource(file, maxFileSizeMB, realRoot);
    if (notice && !ANALYSED_KINDS.has(file.kind)) notices.push(notice);
    if (text !== undefined) documents.push([file.path, text]);
  }
  return { documents, notices };
}

/** One share of a scan: the files it reads and analyses. A file's syntax tree lives only while one
 *  pass works on it (trees are the bulk of the memory). The first pass gives the facts and runs the
 *  file's rules against the pre-index (what is known before the code is parsed); the second reads
 *  and parses again only the files that still owe rules once the whole index is known. */
export class ScanShare {
  readonly analyzer: Analyzer;

  /** `beforeFile` is called before each file a pass reads whole to analyse it (a scan thread makes
   *  room for the analysis there, see worker.ts). */
  constructor(
    budget: Budget = DEFAULT_BUDGET,
    private readonly beforeFile?: (file: DiscoveredFile) => void,
  ) {
    this.analyzer = new Analyzer(RULES, undefined, budget);
  }

  /** The first pass over files, with the pre-index: their facts, as the rules its configuration
   *  selects read them, and unless `withRules` is false their rules, as far as it can answer them. */
  collectFacts(files: DiscoveredFile[], limits: ReadLimits, preIndex: SharedProject, withRules = true): PassResults<FirstPass, DiscoveredFile> {
    return untilParserFails(
      files,
      (file) => this.firstPass(file, limits, preIndex, withRules),
      (file) => ({ path: file.path, notices: [{ path: file.path, message: PARSER_FAILED_NOTICE }], analyse: false, outOfTime: true }),
    );
  }

  private firstPass(file: DiscoveredFile, { realRoot, maxFileSizeMB, hashContent }: ReadLimits, preIndex: SharedProject, withRules: boolean): FirstPass {
    const result: FirstPass = { path: file.path, notices: [], analyse: false };
    if (!ANALYSED_KINDS.has(file.kind)) {
      // Data files are sampled, never read whole: their size does not matter.
      const sample = readSample(file, PERSONAL_DATA_SAMPLE_BYTES, realRoot);
      const personalData = sample === undefined ? undefined : personalDataIn(sample);
      if (personalData) result.facts = { path: file.path, kind: file.kind, personalData };
      return result;
    }
    this.beforeFile?.(file);
    const { text, notice, bytes } = readSource(file, maxFileSizeMB, realRoot);
    if (notice) result.notices.push(notice);
    if (text === undefined) return result;
    if (hashContent && bytes) result.contentHash = hashOfBytes(bytes);
    try {
      result.facts = this.analyzer.facts(file.path, text, preIndex.config);
      if (this.analyzer.ranOutOfTime(file.path)) result.outOfTime = true;
      const stopped = this.analyzer.noticesOf(file.path);
      result.notices.push(...stopped);
      // Parsed beyond the budget, or too large: the file's rules are not run.
      if (stopped.length) return result;
      const syntax = syntaxError(this.analyzer.parse(file.path, text));
      if (syntax) result.notices.push({ path: file.path, message: syntax });
      result.analyse = true;
      if (withRules) result.rules = this.earlyRules(file.path, text, result.facts, preIndex);
    } catch (e) {
      result.notices.push({ path: file.path, message: `could not be analysed: ${(e as Error).message}` });
    } finally {
      this.analyzer.forget(file.path);
    }
    if (hashContent && result.facts) result.factsHash = hashOfData(result.facts);
    return result;
  }

  /** The file's rules against the pre-index, at the file with its facts. */
  private earlyRules(path: string, text: string, facts: FileFacts, { index, config }: SharedProject): EarlyRules {
    index.atFile(path, facts);
    try {
      const early: EarlyRules = { role: index.roleOf(path), findings: [], notices: [], owed: [] };
      try {
        early.findings = this.analyzer.analyzeFile(path, text, index, config);
        early.notices = this.analyzer.noticesOf(path);
        early.owed = this.analyzer.deferredOf(path);
        if (this.analyzer.ranOutOfTime(path)) early.outOfTime = true;
      } catch (e) {
        early.notices = [{ path, message: `could not be analysed: ${(e as Error).message}` }];
      }
      return early;
    } finally {
      index.atFile();
    }
  }

  findings(files: OwedFile[], index: ProjectIndex, config: Config, limits: ReadLimits): PassResults<SecondPass, OwedFile> {
    const { results, left } = untilParserFails(
      files,
      (file) => this.secondPass(file, index, config, limits),
      (file): SecondPass | undefined => ({ path: file.path, findings: [], notices: [{ path: file.path, message: PARSER_FAILED_NOTICE }], outOfTime: true }),
    );
    return { results: results.filter((result): result is SecondPass => result !== undefined), left };
  }

  private secondPass(file: OwedFile, index: ProjectIndex, config: Config, { realRoot, maxFileSizeMB }: ReadLimits): SecondPass | undefined {
    this.beforeFile?.(file);
    // Read again: a problem reading it was noted in the first pass.
    const { text } = readSource(file, maxFileSizeMB, realRoot);
    if (text === undefined) return undefined;
    const result: SecondPass = { path: file.path, findings: [], notices: [] };
    try {
      result.findings = this.analyzer.analyzeFile(file.path, text, index, config, undefined, file.rules && new Set(file.rules));
      result.notices = this.analyzer.noticesOf(file.path);
      if (this.analyzer.ranOutOfTime(file.path)) result.outOfTime = true;
    } catch (e) {
      result.notices = [{ path: file.path, message: `could not be analysed: ${(e as Error).message}` }];
    } finally {
      this.analyzer.forget(file.path);
    }
    return result;
  }
}

/** Runs `pass` on each file in turn until the parser fails: the file it failed on gets `failed`
 *  instead of what the pass made of it (the rules that ran before the failure, and those that caught
 *  it, reported on a broken parser), and the files after it are left for another thread. */
function untilParserFails<F, T>(files: F[], pass: (file: F) => T, failed: (file: F) => T): PassResults<T, F> {
  if (parserFailed()) return { results: [], left: files };
  const results: T[] = [];
  for (let i = 0; i < files.length; i++) {
    const result = pass(files[i]);
    if (parserFailed()) {
      results.push(failed(files[i]));
      return { results, left: files.slice(i + 1) };
    }
    results.push(result);
  }
  return { results, left: [] };
}

/** A notice for a .py file that does not parse, naming the first error's line. A notebook cell that
 *  does not parse is a finding of its own (MLH808). */
function syntaxError(parsed: ParsedFile): string | undefined {
  const error = parsed.kind === 'python' ? firstSyntaxError(parsed.module.root) : undefined;
  return error && `Python syntax error at line ${error.startPosition.row + 1}; only the parts that parse were analysed`;
}
