// One analysed folder: the last scan of the disk, with the open documents' texts laid over it.
import * as fs from 'fs';
import * as path from 'path';
import { Analyzer, kindOf } from '../engine/analyze';
import { Config, ConfigError, DEFAULT_CONFIG } from '../engine/config';
import { FileFacts, ProjectFile, ProjectIndex } from '../engine/project';
import { gatherDeferredFacts, hasDeferredFacts } from '../engine/python/facts';
import { Edit, initPython } from '../engine/python/parser';
import { PARSER_FAILED_NOTICE } from '../engine/python/parserFailure';
import { BACKGROUND_YOUNG_HEAP_MB, backgroundWorkers, layoutOf, scanProject } from '../engine/scan';
import { Finding, Notice } from '../engine/types';
import { isProjectDocument, leadsElsewhere, readConfig, readSource, realRootOf } from '../engine/workspace';
import { effectiveConfig, LogLevel, UserSettings } from './settings';
import { rehearseKeystroke } from './warmUp';

export interface ProjectHost {
  /** Writes to the client's log when the user's log level shows `level`. */
  log(level: LogLevel, message: string): void;
  /** The project's configuration file is invalid (the defaults are used meanwhile). */
  configError(project: Project, error: ConfigError): void;
  /** Settles when the documents opened so far are analysed: the first scan starts after them, so
   *  that its start (listing the files, asking git) does not hold up their first findings. */
  openDocumentsAnalysed(): Promise<void>;
  /** Whether a text made the parser of an earlier server fail (parserRestart.ts): it is not parsed
   *  again, so that reopening it does not make this one fail too. */
  failedParserBefore(text: string): boolean;
  /** Runs a scan under the editor's progress indicator; `run` reports (done, total). */
  withProgress<T>(run: (report: (done: number, total: number) => void) => Promise<T>): Promise<T>;
}

interface LiveFile {
  text: string;
  facts: FileFacts;
  findings: Finding[];
}

/** Why an open document's text is not analysed (as the scan refuses such files on disk). */
function refusalOf(text: string, maxFileSizeMB: number): string | undefined {
  if (text.length > maxFileSizeMB * 1024 * 1024) return `not analysed: larger than the ${maxFileSizeMB} MB limit (thresholds.maxFileSizeMB)`;
  if (text.slice(0, 8192).includes('\0')) return 'not analysed: binary content (NUL characters)';
  return undefined;
}

/** What the project index holds of an open document, as it was when the other documents and the
 *  project rules were last analysed against it (see Project.crossFileDue). */
interface Refreshed {
  /** Project.changes when that analysis began: a change since then may have been seen halfway. */
  changes: number;
  /** Per open document, what the index held of it (documentEntry). */
  entries: Map<string, string>;
}

/** Whether two facts of a file, each gathered in full, say the same (facts still to be gathered
 *  are not compared: another text's costly facts may differ). */
function sameGatheredFacts(a: FileFacts, b: FileFacts): boolean {
  if ((a.python && hasDeferredFacts(a.python)) || (b.python && hasDeferredFacts(b.python))) return false;
  return JSON.stringify(a) === JSON.stringify(b);
}

/** documentEntry's facts part, once per facts object (most documents stay as they are from one pause to the next). */
const factsText = new WeakMap<FileFacts, string>();

/** What the project index holds of an open document: its facts, every one gathered, with its text
 *  when the index keeps it (a project document) or its size (a file known by its size). */
function documentEntry(file: LiveFile): string {
  let facts = factsText.get(file.facts);
  if (facts === undefined) {
    if (file.facts.python) gatherDeferredFacts(file.facts.python);
    factsText.set(file.facts, (facts = JSON.stringify(file.facts)));
  }
  const entry = { path: file.facts.path, kind: kindOf(file.facts.path), size: file.text.length };
  return JSON.stringify([facts, isProjectDocument(entry) ? file.text : undefined, entry.kind === 'other' ? entry.size : undefined]);
}

export class Project {
  /** Parses the open documents; its cache holds their trees between changes (incremental parsing). */
  readonly analyzer = new Analyzer();
  private projectConfig: Config = DEFAULT_CONFIG;
  private files: ProjectFile[] = [];
  private facts = new Map<string, FileFacts>();
  private documents = new Map<string, string>();
  /** File-scoped findings of the files as they are on disk. */
  private diskFindings = new Map<string, Finding[]>();
  private projectFindings: Finding[] = [];
  private readonly live = new Map<string, LiveFile>();
  private cachedIndex?: ProjectIndex;
  /** Counts the changes of what the index holds of the open documents, and of the disk state. */
  private changes = 0;
  /** What the latest analysis of the other documents and the project rules saw of the open
   *  documents, when it saw one state throughout; undefined when not known. */
  private refreshed?: Refreshed;
  private scanChain: Promise<void> = Promise.resolve();
  private queuedScan?: Promise<void>;
  /** Whether the disk state holds a finished scan (always, for folders that are not scanned): until
   *  then the project rules, which would judge the project by its open files alone, do not run. */
  private scanDone: boolean;
  /** Settles when the parser is loaded and the configuration read: open documents are analysed from
   *  then on, while the first scan runs. */
  readonly configured: Promise<void>;
  /** Settles when the first scan is done (at once for folders that are not scanned). */
  readonly ready: Promise<void>;

  constructor(
    readonly root: string,
    private readonly host: ProjectHost,
    private readonly workerScript: string,
    /** Folders outside the workspace (a single open file) are not scanned: only open files count. */
    readonly scanned: boolean,
    public settings: UserSettings,
  ) {
    // Open documents are parsed in this thread, scans in workers (or here, for small projects).
    this.scanDone = !scanned;
    this.configured = initPython().then(() => this.loadConfig());
    this.ready = scanned ? this.configured.then(() => host.openDocumentsAnalysed()).then(() => this.scan()) : this.configured;
  }

  get config(): Config {
    return effectiveConfig(this.projectConfig, this.settings);
  }

  get enabled(): boolean {
    return this.settings.enable;
  }

  /** Queues a full scan; requests made while one waits share it. */
  scan(): Promise<void> {
    this.queuedScan ??= this.scanChain.then(() => {
      this.queuedScan = undefined;
      return this.runScan();
    });
    this.scanChain = this.queuedScan;
    return this.queuedScan;
  }

  private loadConfig(): void {
    try {
      this.projectConfig = readConfig(this.root);
    } catch (e) {
      if (!(e instanceof ConfigError)) throw e;
      this.projectConfig = DEFAULT_CONFIG;
      this.host.configError(this, e);
    }
  }

  private async runScan(): Promise<void> {
    try {
      this.loadConfig();
      if (!this.enabled) {
        this.setDiskState([], new Map(), new Map(), new Map(), []);
        return;
      }
      const started = performance.now();
      const result = await this.host.withProgress((report) =>
        scanProject(this.root, { config: this.config, workerScript: this.workerScript, maxWorkers: backgroundWorkers(), youngHeapMB: BACKGROUND_YOUNG_HEAP_MB, firstPassHere: false, onProgress: report, cache: this.settings.cache }),
      );
      const files = result.index.files.length;
      const fromCache = result.fromCache ? ` (${result.fromCache} from the cache)` : '';
      this.host.log(
        'info',
        `Scanned ${this.root}: ${files} ${files === 1 ? 'file' : 'files'}${fromCache}, ${result.findings.length} findings, ${result.notices.length} notes, in ${Math.round(performance.now() - started)} ms`,
      );
      const projectFindings = new Set(result.projectFindings);
      const byPath = new Map<string, Finding[]>();
      for (const finding of result.findings) {
        if (projectFindings.has(finding)) continue;
        const list = byPath.get(finding.path) ?? [];
        list.push(finding);
        byPath.set(finding.path, list);
      }
      this.setDiskState(result.index.files, result.index.facts, result.index.documents, byPath, result.projectFindings);
      this.logNotices(result.notices);
    } catch (e) {
      this.host.log('error', `Scan of ${this.root} failed: ${(e as Error).stack ?? e}`);
    }
  }

  private setDiskState(
    files: ProjectFile[],
    facts: Map<string, FileFacts>,
    documents: Map<string, string>,
    findings: Map<string, Finding[]>,
    projectFindings: Finding[],
  ): void {
    this.files = files;
    this.facts = facts;
    this.documents = documents;
    this.diskFindings = findings;
    this.projectFindings = projectFindings;
    this.scanDone = true;
    this.cachedIndex = undefined;
    this.changes++;
    // Open documents were analysed against the previous index and configuration.
    for (const [filePath, file] of this.live) this.analyzeLive(filePath, file.text);
    if (this.live.size) this.refreshProjectFindings();
  }

  private logNotices(notices: Notice[]): void {
    for (const notice of notices) this.host.log('warning', `${path.join(this.root, notice.path)}: ${notice.message}`);
  }

  /** The project as the rules see it: the scan, with each open document's own facts and text. */
  index(): ProjectIndex {
    if (!this.cachedIndex) {
      // An open document's entry has the size of its text, not of the file on disk.
      const files = this.files.map((f) => (this.live.has(f.path) ? { ...f, size: this.live.get(f.path)!.text.length } : f));
      const known = new Set(files.map((f) => f.path));
      const facts = new Map(this.facts);
      const documents = new Map(this.documents);
      for (const [filePath, file] of this.live) {
        const entry = { path: filePath, kind: kindOf(filePath), size: file.text.length };
        if (!known.has(filePath)) files.push(entry);
        facts.set(filePath, file.facts);
        if (isProjectDocument(entry)) documents.set(filePath, file.text);
      }
      this.cachedIndex = new ProjectIndex(files, facts, documents, undefined, layoutOf(this.config));
    }
    return this.cachedIndex;
  }

  /** Analyses an open document's text. With `edits` (the changes since the text analysed last),
   *  Python re-parses incrementally. Returns whether what the project index holds of the document
   *  may have changed: then the other documents and the project rules are due (crossFileDue says
   *  whether they are, once typing pauses). */
  analyzeLive(filePath: string, text: string, edits?: Edit[]): boolean {
    const previous = this.live.get(filePath);
    if (!this.enabled) {
      this.analyzer.forget(filePath);
      this.live.set(filePath, { text, facts: { path: filePath, kind: kindOf(filePath) }, findings: [] });
      return false;
    }
    // Files the engine does not read (data, model binaries) are known to the project rules by
    // their size: a new size is a change of the index.
    const sizeChanged = kindOf(filePath) === 'other' && previous?.text.length !== text.length;
    const refusal = refusalOf(text, this.config.thresholds.maxFileSizeMB) ?? (this.host.failedParserBefore(text) ? PARSER_FAILED_NOTICE : undefined);
    if (refusal) {
      this.analyzer.forget(filePath);
      // What the scan knows of the file on disk, not what an earlier text of the document held: the
      // findings must not depend on the history of the edits.
      const changed = this.setLiveFacts(filePath, text, this.diskFacts(filePath), [], sizeChanged) || sizeChanged;
      if (previous?.text === undefined || refusalOf(previous.text, this.config.thresholds.maxFileSizeMB) !== refusal) {
        this.host.log('warning', `${path.join(this.root, filePath)}: ${refusal}`);
      }
      return changed;
    }
    try {
      const started = performance.now();
      this.analyzer.parse(filePath, text, edits);
      const facts = this.analyzer.liveFacts(filePath, text, this.config);
      const indexed = previous ?? { facts: this.facts.get(filePath), text: this.documents.get(filePath) };
      const entry = { path: filePath, kind: kindOf(filePath), size: text.length };
      const changed =
        (!previous && !this.facts.has(filePath) && !this.files.some((f) => f.path === filePath)) ||
        (isProjectDocument(entry) && indexed.text !== text) ||
        sizeChanged;
      const factsChanged = this.setLiveFacts(filePath, text, facts, previous?.findings ?? [], changed);
      const live = this.live.get(filePath)!;
      live.findings = this.analyzer.analyzeFile(filePath, text, this.index(), this.config);
      this.host.log('debug', `Analysed ${filePath}${edits ? ' (incrementally)' : ''}: ${live.findings.length} findings, in ${Math.round(performance.now() - started)} ms`);
      return changed || factsChanged;
    } catch (e) {
      // A tree that failed half-way through an edit must not be edited again; the facts of its
      // earlier texts went with it.
      this.analyzer.forget(filePath);
      this.setLiveFacts(filePath, text, this.diskFacts(filePath), [], true);
      this.host.log('error', `${path.join(this.root, filePath)}: could not be analysed: ${(e as Error).stack ?? e}`);
      return true;
    }
  }

  /** Rehearses a keystroke in an open Python document (warmUp.ts) whose analysed text is the
   *  parse the analyzer holds; false when there is none (not open, not Python, not analysed: refused,
   *  failed or not yet). */
  rehearseKeystroke(filePath: string): boolean {
    const file = this.live.get(filePath);
    if (!this.enabled || !file || kindOf(filePath) !== 'python' || !this.analyzer.holdsParseOf(filePath, file.text)) return false;
    // The document's costly facts are read from the parse the rehearsal replaces.
    if (file.facts.python) gatherDeferredFacts(file.facts.python);
    try {
      rehearseKeystroke(this.analyzer, filePath, file.text, this.index(), this.config);
      return true;
    } catch (e) {
      // As after a failed analysis: the next one parses the document afresh.
      this.analyzer.forget(filePath);
      this.host.log('warning', `${path.join(this.root, filePath)}: a rehearsed keystroke failed: ${(e as Error).stack ?? e}`);
      return false;
    }
  }

  private diskFacts(filePath: string): FileFacts {
    return this.facts.get(filePath) ?? { path: filePath, kind: kindOf(filePath) };
  }

  /** Makes `newFacts` an open document's facts in the project index (the facts held so far when
   *  they say the same). The index is built anew on `rebuild` (the document listed anew: a new
   *  file, a new size) and for a project document; else it takes the document's new entry, which
   *  keeps the roles of the files when the facts leave what they are made of as it was. Returns
   *  whether the index holds other facts of the document than before: facts of another text, whose
   *  costly part is not compared here but once typing pauses (crossFileDue). */
  private setLiveFacts(filePath: string, text: string, newFacts: FileFacts, findings: Finding[], rebuild: boolean): boolean {
    const indexed = this.live.get(filePath)?.facts ?? this.facts.get(filePath);
    const facts = indexed && sameGatheredFacts(indexed, newFacts) ? indexed : newFacts;
    this.live.set(filePath, { text, facts, findings });
    const entry = { path: filePath, kind: kindOf(filePath), size: text.length };
    if (rebuild) this.cachedIndex = undefined;
    else if (facts !== indexed) this.cachedIndex = isProjectDocument(entry) ? undefined : this.cachedIndex?.withFile(entry, facts);
    if (rebuild || facts !== indexed) this.changes++;
    return facts !== indexed;
  }

  /** Whether the other open documents and the project rules are to be analysed again, once typing
   *  pauses: not when what the index holds of every open document is what it held when they were
   *  last analysed. The costly facts of the open documents are gathered here, before those analyses
   *  read them. When due, the result goes to refreshProjectFindings at the end. */
  crossFileDue(): Refreshed | undefined {
    const entries = new Map([...this.live].map(([filePath, file]) => [filePath, documentEntry(file)]));
    const known = this.refreshed;
    if (known && known.entries.size === entries.size && [...entries].every(([filePath, e]) => known.entries.get(filePath) === e)) return undefined;
    this.refreshed = undefined;
    return { changes: this.changes, entries };
  }

  /** Re-analyses the other open documents and the project rules after the index changed. */
  private refreshAfterIndexChange(): void {
    for (const filePath of this.openPaths()) this.reanalyzeOpen(filePath);
    this.refreshProjectFindings();
  }

  /** The open documents, by path. */
  openPaths(): string[] {
    return [...this.live.keys()];
  }

  /** Analyses an open document's current text again (after the index changed); false when it is not open. */
  reanalyzeOpen(filePath: string): boolean {
    const file = this.live.get(filePath);
    if (file) this.analyzeLive(filePath, file.text);
    return file !== undefined;
  }

  /** Runs the project rules again. `begun` is what crossFileDue gave when this refresh of the other
   *  documents began; without it (a refresh within one turn), what they saw is not recorded. */
  refreshProjectFindings(begun?: Refreshed): void {
    this.refreshed = begun?.changes === this.changes ? begun : undefined;
    if (!this.scanDone) return;
    if (!this.enabled) {
      this.projectFindings = [];
      return;
    }
    try {
      this.projectFindings = this.analyzer.analyzeProject(this.index(), this.config);
    } catch (e) {
      this.host.log('error', `Project rules failed on ${this.root}: ${(e as Error).stack ?? e}`);
    }
  }

  /** An open document was closed: from now on its file on disk counts. */
  close(filePath: string): void {
    if (!this.live.delete(filePath)) return;
    this.analyzer.forget(filePath);
    this.cachedIndex = undefined;
    this.changes++;
    if (!this.updateFromDisk([filePath])) this.refreshProjectFindings();
  }

  /** Re-reads changed files the scan knows (open ones aside) and re-analyses them and the files that
   *  import them. Returns false when a full scan is needed instead (a file it does not know, or one
   *  that became a symbolic link). */
  updateFromDisk(paths: string[]): boolean {
    const known = new Map(this.files.map((f) => [f.path, f]));
    const changed = paths.filter((p) => !this.live.has(p));
    if (changed.some((p) => !known.has(p) || leadsElsewhere(this.root, p))) return false;
    if (!this.enabled || changed.length === 0) return true;
    const maxMB = this.config.thresholds.maxFileSizeMB;
    const realRoot = realRootOf(this.root);
    const texts = new Map<string, string>();
    const readText = (filePath: string): string | undefined => {
      if (texts.has(filePath)) return texts.get(filePath);
      const absolutePath = path.join(this.root, filePath);
      let size: number;
      try {
        size = fs.statSync(absolutePath).size;
      } catch {
        return undefined;
      }
      const { text, notice } = readSource({ path: filePath, absolutePath, size }, maxMB, realRoot);
      if (notice) this.logNotices([notice]);
      if (text !== undefined) texts.set(filePath, text);
      return text;
    };
    for (const filePath of changed) {
      const text = readText(filePath);
      const file = known.get(filePath)!;
      file.size = text?.length ?? file.size;
      this.documents.delete(filePath);
      if (text !== undefined && isProjectDocument(file)) this.documents.set(filePath, text);
      try {
        if (text !== undefined && file.kind !== 'other' && file.kind !== 'toml') this.facts.set(filePath, this.analyzer.facts(filePath, text, this.config));
        else this.facts.delete(filePath);
      } catch (e) {
        this.facts.delete(filePath);
        this.host.log('error', `${path.join(this.root, filePath)}: could not be analysed: ${(e as Error).message}`);
      }
    }
    this.cachedIndex = undefined;
    this.changes++;
    const index = this.index();
    const affected = new Set(changed);
    for (const filePath of changed) {
      for (const importer of index.projectOf(filePath).importersOf(filePath)) if (!this.live.has(importer)) affected.add(importer);
    }
    for (const filePath of affected) {
      const text = readText(filePath);
      try {
        this.diskFindings.set(filePath, text === undefined ? [] : this.analyzer.analyzeFile(filePath, text, index, this.config));
      } catch (e) {
        this.diskFindings.set(filePath, []);
        this.host.log('error', `${path.join(this.root, filePath)}: could not be analysed: ${(e as Error).message}`);
      } finally {
        this.analyzer.forget(filePath);
      }
    }
    this.refreshAfterIndexChange();
    return true;
  }

  /** Every finding by file: the open document's own analysis where there is one, the scan's
   *  otherwise, plus the project findings anchored to that file. */
  findingsByPath(): Map<string, Finding[]> {
    const out = new Map<string, Finding[]>();
    const add = (filePath: string, findings: Finding[]) => {
      if (findings.length) out.set(filePath, [...(out.get(filePath) ?? []), ...findings]);
    };
    for (const [filePath, findings] of this.diskFindings) if (!this.live.has(filePath)) add(filePath, findings);
    for (const [filePath, file] of this.live) add(filePath, file.findings);
    for (const finding of this.projectFindings) add(finding.path, [finding]);
    return out;
  }

  isProjectFinding(finding: Finding): boolean {
    return this.projectFindings.includes(finding);
  }

  dispose(): void {
    for (const filePath of this.live.keys()) this.analyzer.forget(filePath);
    this.live.clear();
  }
}
