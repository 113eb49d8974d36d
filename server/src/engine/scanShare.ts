// What one thread of a scan does with its files, in whichever thread it lives (scanPool.ts gives
// the work out to worker threads; a small project is scanned in the calling thread).
import { RULES } from '../rules';
import { Analyzer, ParsedFile } from './analyze';
import { Budget, DEFAULT_BUDGET } from './budget';
import { Config } from './config';
import { FileFacts, ProjectFile, ProjectIndex, ProjectLayout } from './project';
import { Finding, Notice } from './types';
import { isPersonalDataCandidate, PERSONAL_DATA_SAMPLE_BYTES, personalDataIn } from './personalData';
import { DiscoveredFile, isProjectDocument, readSample, readSource } from './workspace';
import { firstSyntaxError } from './python/syntax';

/** The kinds of file whose text the analysis parses. */
export const ANALYSED_KINDS = new Set(['python', 'notebook', 'yaml', 'requirements']);

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

/** One share of a scan: the files it reads and analyses. A file's syntax tree lives only while one
 *  pass works on it (trees are the bulk of the memory): the first pass gives the facts, the second
 *  reads and parses the file again for its rules. */
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

/** A notice for a .py file that does not parse, naming the first error's line. A notebook cell that
 *  does not parse is a finding of its own (MLH808). */
function syntaxError(parsed: ParsedFile): string | undefined {
  const error = parsed.kind === 'python' ? firstSyntaxError(parsed.module.root) : undefined;
  return error && `Python syntax error at line ${error.startPosition.row + 1}; only the parts that parse were analysed`;
}
