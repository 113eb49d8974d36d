// The language server: projects per workspace folder, open documents analysed as they change, and
// the findings delivered by pull (when the client asks for it) or push.
import * as path from 'path';
import {
  AnnotatedTextEdit,
  CancellationToken,
  ChangeAnnotation,
  ClientCapabilities,
  CodeAction,
  CodeActionKind,
  CodeActionParams,
  CodeActionRequest,
  Connection,
  DidChangeConfigurationNotification,
  DidChangeConfigurationParams,
  DidChangeWatchedFilesNotification,
  DidChangeWatchedFilesParams,
  DocumentDiagnosticParams,
  DocumentDiagnosticReport,
  DocumentDiagnosticRequest,
  ErrorCodes,
  ExecuteCommandParams,
  ExecuteCommandRequest,
  FileChangeType,
  Hover,
  HoverParams,
  HoverRequest,
  InitializeParams,
  InitializeResult,
  LogMessageNotification,
  MessageType,
  PreviousResultId,
  ResponseError,
  ShowMessageNotification,
  TextDocumentEdit,
  TextDocumentSyncKind,
  WorkspaceDiagnosticReport,
  WorkspaceDiagnosticRequest,
  WorkspaceEdit,
  WorkspaceFolder,
  WorkspaceFoldersChangeEvent,
} from 'vscode-languageserver';
import { ConfigError } from '../engine/config';
import * as fs from 'fs';
import { createHash } from 'crypto';
import { kindOf } from '../engine/analyze';
import { CONFIG_YAML, ignoreInPyproject, ignoreInYaml, newConfigYaml } from '../engine/configEdits';
import { compatibleEdits } from '../engine/fixes';
import { initPython } from '../engine/python/parser';
import { PARSER_FAILED_NOTICE, parserFailed } from '../engine/python/parserFailure';
import { Finding } from '../engine/types';
import { readFileInside, realRootOf } from '../engine/workspace';
import { CodeActions, DisableEdits, FIX_ALL_KIND } from './codeActions';
import {
  FIX_ALL_COMMAND,
  projectReport,
  readFolderArgument,
  readReportFolder,
  readScaffoldArguments,
  REPORT_COMMAND,
  SCAFFOLD_COMMAND,
  scaffoldEdit,
  ScaffoldResult,
  SERVER_COMMANDS,
} from './commands';
import { Delivery } from './delivery';
import { fixData, PlacedFinding, SOURCE } from './diagnostics';
import { PROJECT_CHECKS_REQUEST, ProjectChecks, projectChecks } from './projectView';
import { OpenDocuments } from './documents';
import { hoverAt, HoverOptions, hoverOptionsOf } from './hover';
import { exitWithClient } from './lifetime';
import { PARSER_FAILED_EXIT_CODE, PARSER_FAILED_NOTIFICATION, ParserFailedParams } from './parserRestart';
import { Project, ProjectHost } from './project';
import { answering, checkArray, checkObject, checkPosition, checkRange, checkString, documentUri, unlessCancelled } from './requests';
import { DEFAULT_SETTINGS, LOG_LEVELS, LogLevel, parseSettings, UserSettings } from './settings';
import { normalizeUri, pathToUri, relativeTo, uriToPath } from './uri';
import { DiskChanges, WATCHED_FILES } from './watching';
import { warmUpSteps } from './warmUp';

/** Lets the event loop read and answer messages before the next piece of analysis. */
const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));
const pause = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** An edited document is analysed this long after its latest change (see scheduleDocument). */
const DOCUMENT_DELAY_MS = 15;
/** Keystrokes rehearsed in an opened document (warmUp.ts), each two analyses: on the benchmark's
 *  5,000-line module, the first typed line's keystrokes then took about 19 ms (p50), after three
 *  about 22, after none 26. */
const REHEARSED_KEYSTROKES = 6;
/** A rehearsed keystroke that took longer, but the first, ends the rehearsal of its document. */
const LONGEST_REHEARSAL_MS = 250;
/** Other open documents and project rules follow a document's change after this pause. */
const CROSS_FILE_DEBOUNCE_MS = 400;

export class MlHygieneServer implements ProjectHost {
  private readonly documents = new OpenDocuments();
  private capabilities: ClientCapabilities = {};
  private codeActions = new CodeActions({});
  private hoverOptions: HoverOptions = hoverOptionsOf(undefined);
  private folders: WorkspaceFolder[] = [];
  private readonly projects = new Map<string, Project>();
  /** Projects for files outside every workspace folder, by folder; only open files count there. */
  private readonly looseProjects = new Map<string, Project>();
  private delivery!: Delivery;
  private readonly pendingDocuments = new Set<string>();
  /** Documents taken for analysis, until that analysis is done. */
  private readonly analysing = new Map<string, Promise<void>>();
  private documentTimer?: NodeJS.Timeout;
  private readonly pendingCrossFile = new Map<Project, Set<string>>();
  private crossFileTimer?: NodeJS.Timeout;
  private readonly diskChanges = new DiskChanges(
    (work) => this.guard('file changes', work),
    (project) => this.changed(project),
  );
  private readonly shownConfigErrors = new Set<string>();
  /** The most detailed level written to the client's log (a window-wide setting). */
  private logLevel: LogLevel = DEFAULT_SETTINGS.logLevel;
  /** Settings sent with didChangeConfiguration, for clients without workspace/configuration. */
  private pushedSettings: unknown;
  /** The hashes of the texts that made an earlier server's parser fail (parserRestart.ts). */
  private failedTexts = new Set<string>();
  /** Set once this process's parser failed: the server is on its way out. */
  private exiting = false;
  /** Set by the client's shutdown request. */
  private shuttingDown = false;
  /** Set at the first change of a document: from then on, the warm-up would only compete with the
   *  user's edits, which warm V8 up themselves. */
  private documentChanged = false;
  /** Opened text documents to rehearse keystrokes in (warmUp.ts), with how many are left to
   *  rehearse; a document leaves at its first change (the user's keystrokes do the rest) or close. */
  private readonly rehearsals = new Map<string, number>();
  private rehearsing = false;
  /** Settles once the workspace folders have their projects (requests wait for it). */
  private readonly started: Promise<void>;
  private markStarted!: () => void;

  constructor(
    private readonly connection: Connection,
    private readonly workerScript: string,
  ) {
    this.started = new Promise((resolve) => (this.markStarted = resolve));
  }

  listen(): void {
    const { connection, documents } = this;
    connection.onInitialize((params) => this.initialize(params));
    connection.onInitialized(() => this.guard('initialized', () => this.initialized()));
    // An opened document is analysed at once; a changed one as the user's `run` setting says.
    // The library reports an opened document's content as changed too, right after the open and
    // with the open's own event; a change has an event of its own.
    let opening: unknown;
    documents.text.onDidOpen((e) => {
      opening = e;
      this.scheduleDocument(e.document.uri);
      this.rehearsals.set(e.document.uri, REHEARSED_KEYSTROKES);
      this.guard('rehearsal', () => this.rehearse());
    });
    documents.text.onDidChangeContent((e) => {
      if (e === opening) {
        opening = undefined;
        return;
      }
      this.scheduleChanged(e.document.uri);
    });
    documents.text.onDidClose((e) => this.guard('close', () => this.closed(e.document.uri)));
    documents.text.onDidSave((e) => {
      this.scheduleSaved(e.document.uri);
      // Without file watchers, a save in the editor is the only news of a changed file.
      if (this.watchesFiles) return;
      this.guard('save', () => this.watchedFilesChanged({ changes: [{ uri: e.document.uri, type: FileChangeType.Changed }] }));
    });
    documents.notebooks.onDidOpen((n) => this.scheduleDocument(n.uri));
    documents.notebooks.onDidChange((e) => this.scheduleChanged(e.notebookDocument.uri));
    documents.notebooks.onDidSave((n) => this.scheduleSaved(n.uri));
    documents.notebooks.onDidClose((n) => this.guard('close', () => this.closed(n.uri)));
    documents.text.listen(connection);
    documents.notebooks.listen(connection);
    // Registered as plain requests: the library's typed helpers read their parameters before the
    // handler can check them.
    const log = (message: string) => connection.console.error(message);
    connection.onRequest(HoverRequest.type, answering(HoverRequest.method, log, (params, token) => this.hover(params, token)));
    connection.onRequest(CodeActionRequest.type, answering(CodeActionRequest.method, log, (params) => this.codeAction(params)));
    connection.onRequest(ExecuteCommandRequest.type, answering(ExecuteCommandRequest.method, log, (params) => this.executeCommand(params)));
    connection.onRequest(PROJECT_CHECKS_REQUEST, answering(PROJECT_CHECKS_REQUEST, log, (params, token) => this.projectChecks(params, token)));
    connection.onRequest(DocumentDiagnosticRequest.type, answering(DocumentDiagnosticRequest.method, log, (params, token) => this.documentDiagnostics(params, token)));
    connection.onRequest(WorkspaceDiagnosticRequest.type, answering(WorkspaceDiagnosticRequest.method, log, (params, token) => this.workspaceDiagnostics(params, token)));
    connection.onDidChangeWatchedFiles((params) => this.guard('file changes', () => this.watchedFilesChanged(params)));
    connection.onDidChangeConfiguration((params) => this.guard('configuration', () => this.configurationChanged(params)));
    connection.onShutdown(() => {
      this.shuttingDown = true;
      for (const project of this.allProjects()) project.dispose();
    });
    connection.listen();
  }

  // ---- ProjectHost

  log(level: LogLevel, message: string): void {
    if (LOG_LEVELS.indexOf(level) > LOG_LEVELS.indexOf(this.logLevel)) return;
    const { console } = this.connection;
    ({ error: console.error, warning: console.warn, info: console.info, debug: console.log })[level].call(console, message);
  }

  configError(project: Project, error: ConfigError): void {
    const message = `ML Hygiene: ${path.join(project.root, error.file)} is invalid, the default configuration is used.\n${error.problems.join('\n')}`;
    this.log('error', message);
    if (this.shownConfigErrors.has(message)) return;
    this.shownConfigErrors.add(message);
    void this.connection.sendNotification(ShowMessageNotification.type, { type: MessageType.Warning, message });
  }

  failedParserBefore(text: string): boolean {
    return this.failedTexts.size > 0 && this.failedTexts.has(textHash(text));
  }

  openDocumentsAnalysed(): Promise<void> {
    return this.analyzePending().catch((e) => this.log('error', `ML Hygiene analysis failed: ${(e as Error)?.stack ?? e}`));
  }

  async withProgress<T>(run: (report: (done: number, total: number) => void) => Promise<T>): Promise<T> {
    if (!this.capabilities.window?.workDoneProgress) return run(() => undefined);
    let progress;
    try {
      progress = await this.connection.window.createWorkDoneProgress();
    } catch {
      return run(() => undefined);
    }
    progress.begin('ML Hygiene', 0, 'scanning files', false);
    try {
      return await run((done, total) => progress.report(total ? Math.round((done / total) * 100) : 100, `scanning ${total} files`));
    } finally {
      progress.done();
    }
  }

  // ---- Lifecycle

  private initialize(params: InitializeParams): InitializeResult {
    if (Number.isInteger(params.processId) && params.processId! > 0) exitWithClient(params.processId!);
    this.capabilities = params.capabilities;
    this.codeActions = new CodeActions(params.capabilities);
    this.hoverOptions = hoverOptionsOf(params.initializationOptions);
    const failedOn = (params.initializationOptions as { parserFailedOn?: unknown } | undefined)?.parserFailedOn;
    this.failedTexts = new Set(Array.isArray(failedOn) ? failedOn.filter((hash): hash is string => typeof hash === 'string') : []);
    this.delivery = new Delivery(this.connection, this.documents, {
      pull: this.pullDiagnostics,
      refresh: params.capabilities.workspace?.diagnostics?.refreshSupport === true,
      projectView: (params.initializationOptions as { projectView?: unknown } | undefined)?.projectView === true,
      projects: () => this.allProjects(),
      innerProjects: (outer) =>
        [...this.projects.values()].flatMap((inner) => {
          const rel = inner === outer ? undefined : relativeTo(outer.root, inner.root);
          return rel ? [rel + '/'] : [];
        }),
    });
    const rootUri = params.rootUri ?? (params.rootPath ? pathToUri(params.rootPath) : undefined);
    this.folders = params.workspaceFolders ?? (rootUri ? [{ uri: rootUri, name: path.basename(uriToPath(rootUri) ?? 'root') }] : []);
    const result: InitializeResult = {
      capabilities: {
        textDocumentSync: { openClose: true, change: TextDocumentSyncKind.Incremental, save: { includeText: false } },
        notebookDocumentSync: { notebookSelector: [{ notebook: { notebookType: 'jupyter-notebook' } }, { notebook: { pattern: '**/*.ipynb' } }] },
        hoverProvider: true,
        codeActionProvider: { codeActionKinds: [CodeActionKind.QuickFix, FIX_ALL_KIND] },
        executeCommandProvider: { commands: SERVER_COMMANDS },
        workspace: { workspaceFolders: { supported: true, changeNotifications: true } },
      },
      serverInfo: { name: 'ml-hygiene' },
    };
    if (this.pullDiagnostics) {
      result.capabilities.diagnosticProvider = { identifier: 'ml-hygiene', interFileDependencies: true, workspaceDiagnostics: true };
    }
    return result;
  }

  private get watchesFiles(): boolean {
    return this.capabilities.workspace?.didChangeWatchedFiles?.dynamicRegistration === true;
  }

  private get pullDiagnostics(): boolean {
    return this.capabilities.textDocument?.diagnostic !== undefined;
  }

  private async initialized(): Promise<void> {
    const { connection, capabilities } = this;
    try {
      await this.foldersChanged({ added: this.folders, removed: [] });
    } finally {
      this.markStarted();
    }
    this.guard('warm-up', () => this.warmUp());
    if (this.watchesFiles) {
      await connection.client.register(DidChangeWatchedFilesNotification.type, { watchers: WATCHED_FILES });
    }
    if (capabilities.workspace?.didChangeConfiguration?.dynamicRegistration) {
      await connection.client.register(DidChangeConfigurationNotification.type, { section: 'mlHygiene' });
    }
    if (capabilities.workspace?.workspaceFolders) {
      connection.workspace.onDidChangeWorkspaceFolders((e) => this.guard('workspace folders', () => this.foldersChanged(e)));
    }
  }

  /** Runs the warm-up (warmUp.ts) a step per turn of the event loop, in turns where no document
   *  waits for its analysis, until it is done, a document is changed or the server shuts down. */
  private async warmUp(): Promise<void> {
    await initPython();
    const steps = warmUpSteps();
    while (!this.shuttingDown && !this.exiting && !this.documentChanged) {
      await nextTurn();
      if (this.pendingDocuments.size > 0 || this.analysing.size > 0) await pause(DOCUMENT_DELAY_MS);
      else {
        const step = steps.next();
        if (step.done) return;
        for (const notice of step.value) this.log('debug', `Warm-up: ${notice.message}`);
      }
    }
  }

  /** Rehearses keystrokes in the opened documents (warmUp.ts), one per turn of the event loop, in
   *  turns where no document waits for its analysis nor the other documents for their refresh, until
   *  none is left or the server shuts down. */
  private async rehearse(): Promise<void> {
    if (this.rehearsing) return;
    this.rehearsing = true;
    try {
      while (this.rehearsals.size > 0 && !this.shuttingDown && !this.exiting) {
        await nextTurn();
        // After the documents' own analyses and the refresh of the others that follows them.
        if (this.pendingDocuments.size > 0 || this.analysing.size > 0 || this.pendingCrossFile.size > 0) {
          await pause(DOCUMENT_DELAY_MS);
          continue;
        }
        const [uri, left] = this.rehearsals.entries().next().value!;
        if (left > 1) this.rehearsals.set(uri, left - 1);
        else this.rehearsals.delete(uri);
        const fsPath = uriToPath(uri);
        const found = fsPath === undefined ? undefined : this.findProject(fsPath);
        if (fsPath === undefined || !found) {
          this.rehearsals.delete(uri);
          continue;
        }
        const started = performance.now();
        const rehearsed = found.project.rehearseKeystroke(found.path);
        if (parserFailed()) return this.exitForParserFailure({ fsPath, text: this.documents.text.get(uri)?.getText() ?? '' });
        const ms = performance.now() - started;
        if (rehearsed) this.log('debug', `Rehearsed a keystroke in ${found.path} (typed and taken back, both analysed), in ${Math.round(ms)} ms`);
        // A user who starts typing waits for the rehearsal under way: none follows one that took that
        // long. (The first is let off: it also made the findings by statement, as the user's first
        // keystroke would have.)
        if (!rehearsed || (left < REHEARSED_KEYSTROKES && ms > LONGEST_REHEARSAL_MS)) this.rehearsals.delete(uri);
      }
    } finally {
      this.rehearsing = false;
    }
  }

  private async foldersChanged(event: WorkspaceFoldersChangeEvent): Promise<void> {
    for (const folder of event.removed) {
      const key = normalizeUri(folder.uri);
      const project = this.projects.get(key);
      this.projects.delete(key);
      if (project) this.drop(project);
    }
    for (const folder of event.added) {
      const root = uriToPath(folder.uri);
      if (!root || this.projects.has(normalizeUri(folder.uri))) continue;
      const project = new Project(root, this, this.workerScript, true, await this.settingsFor(folder.uri));
      this.projects.set(normalizeUri(folder.uri), project);
      // Open documents that now belong to this folder move to it.
      for (const uri of this.openUris()) this.scheduleDocument(uri);
      project.ready.then(
        () => this.changed(project),
        (e) => this.log('error', `Scan of ${root} failed: ${e}`),
      );
    }
  }

  private drop(project: Project): void {
    project.dispose();
    this.delivery.removed(project);
  }

  private async settingsFor(scopeUri: string): Promise<UserSettings> {
    let settings = parseSettings(this.pushedSettings);
    if (this.capabilities.workspace?.configuration) {
      try {
        const [section] = await this.connection.workspace.getConfiguration([{ scopeUri, section: 'mlHygiene' }]);
        settings = parseSettings(section);
      } catch (e) {
        this.log('error', `Could not read the mlHygiene settings: ${e}`);
      }
    }
    this.logLevel = settings.logLevel;
    return settings;
  }

  private async configurationChanged(params: DidChangeConfigurationParams): Promise<void> {
    const settings = params.settings as Record<string, unknown> | undefined;
    if (settings && typeof settings === 'object' && 'mlHygiene' in settings) this.pushedSettings = settings.mlHygiene;
    for (const [uri, project] of [...this.projects, ...this.looseProjects]) {
      const next = await this.settingsFor(this.projects.has(uri) ? uri : pathToUri(project.root));
      if (JSON.stringify(next) === JSON.stringify(project.settings)) continue;
      project.settings = next;
      await project.scan();
      this.changed(project);
    }
  }

  // ---- Commands

  private async executeCommand(raw: unknown): Promise<unknown> {
    const method = ExecuteCommandRequest.method;
    checkString(method, 'command', checkObject(method, 'params', raw).command);
    const params = raw as ExecuteCommandParams;
    checkArray(method, 'arguments', params.arguments, true);
    if (params.command === SCAFFOLD_COMMAND) {
      await this.started;
      const args = readScaffoldArguments(params.arguments?.[0], this.workspaceRoots());
      const { plan, edit } = scaffoldEdit(args);
      const result: ScaffoldResult = { edit, create: plan.create.map((f) => f.path), skip: plan.skip, blocked: plan.blocked };
      if (args.apply) result.applied = (await this.connection.workspace.applyEdit({ label: 'Scaffold TDSP project', edit })).applied;
      return result;
    }
    if (params.command === FIX_ALL_COMMAND) return this.fixAllEdit(params.arguments?.[0]);
    if (params.command === REPORT_COMMAND) {
      await this.started;
      // The folder's own project, or the one of the workspace folder it lies in (default: the first).
      const folderPath = readReportFolder(params.arguments?.[0], this.workspaceRoots());
      const project = folderPath
        ? (this.projects.get(normalizeUri(pathToUri(folderPath))) ?? this.findProject(folderPath)?.project)
        : this.projects.values().next().value;
      if (!project) throw new ResponseError(ErrorCodes.InvalidParams, 'arguments[0]: no workspace folder to report on');
      await project.ready;
      return projectReport(project);
    }
    throw new ResponseError(ErrorCodes.MethodNotFound, `unknown command ${params.command}`);
  }

  // ---- Which project a document belongs to

  /** The workspace folders' paths: the server's commands write and report only inside them. */
  private workspaceRoots(): string[] {
    return [...this.projects.values()].map((p) => p.root);
  }

  private allProjects(): Project[] {
    return [...this.projects.values(), ...this.looseProjects.values()];
  }

  /** The project of a file: the innermost workspace folder holding it, else the project of its
   *  own folder if one was made for an open file there. */
  private findProject(fsPath: string): { project: Project; path: string } | undefined {
    let best: { project: Project; path: string } | undefined;
    for (const project of this.projects.values()) {
      const rel = relativeTo(project.root, fsPath);
      if (rel && (!best || project.root.length > best.project.root.length)) best = { project, path: rel };
    }
    const loose = this.looseProjects.get(path.dirname(fsPath));
    return best ?? (loose && { project: loose, path: path.basename(fsPath) });
  }

  /** The project of an open file, made for its folder when no workspace folder holds it. */
  private projectOf(fsPath: string): { project: Project; path: string } {
    const found = this.findProject(fsPath);
    if (found) return found;
    const dir = path.dirname(fsPath);
    const loose = new Project(dir, this, this.workerScript, false, parseSettings(this.pushedSettings));
    this.looseProjects.set(dir, loose);
    return { project: loose, path: path.basename(fsPath) };
  }

  /** The notebook a cell URI belongs to, or the URI itself. */
  private ownerUri(uri: string): string {
    return this.documents.notebooks.findNotebookDocumentForCell(uri)?.uri ?? uri;
  }

  private openUris(): string[] {
    return [...this.documents.text.all().map((d) => d.uri), ...this.documents.allNotebooks().map((n) => n.uri)];
  }

  // ---- Open documents

  /** Whether the document's project analyses it as it changes (`run: onType`) rather than on save. */
  private analysesOnType(uri: string): boolean {
    const fsPath = uriToPath(this.ownerUri(uri));
    const project = fsPath === undefined ? undefined : this.findProject(fsPath)?.project;
    return (project?.settings ?? parseSettings(this.pushedSettings)).run === 'onType';
  }

  private scheduleChanged(uri: string): void {
    this.documentChanged = true;
    this.rehearsals.delete(uri);
    if (this.analysesOnType(uri)) this.scheduleDocument(uri);
  }

  private scheduleSaved(uri: string): void {
    if (!this.analysesOnType(uri)) this.scheduleDocument(uri);
  }

  /** A changed document is analysed shortly after the change, without waiting for typing to pause:
   *  long enough for the messages read with it to be dispatched first (one per turn of the event
   *  loop, so a hover that came with it is not held up), short beside a keystroke's analysis. A
   *  keystroke costs only its document: the other documents and the project rules wait for a pause
   *  (scheduleCrossFile). */
  private scheduleDocument(uri: string): void {
    this.pendingDocuments.add(uri);
    clearTimeout(this.documentTimer);
    this.documentTimer = setTimeout(() => this.guard('analysis', () => this.analyzePending()), DOCUMENT_DELAY_MS);
  }

  /** Analyses the documents changed since their last analysis (or just `onlyUri`), then delivers.
   *  One document per turn of the event loop: requests are read between two analyses. */
  private async analyzePending(onlyUri?: string): Promise<void> {
    await this.started;
    if (onlyUri !== undefined) await this.analysing.get(onlyUri); // taken by an analysis under way
    const uris = onlyUri === undefined ? [...this.pendingDocuments] : this.pendingDocuments.has(onlyUri) ? [onlyUri] : [];
    if (uris.length === 0) return;
    let finished!: () => void;
    const done = new Promise<void>((resolve) => (finished = resolve));
    for (const uri of uris) {
      this.pendingDocuments.delete(uri);
      this.analysing.set(uri, done);
    }
    try {
      const touched = new Map<Project, string[]>();
      for (const uri of uris) {
        await nextTurn();
        const fsPath = uriToPath(uri);
        if (!fsPath) continue; // untitled and other unsaved schemes have no project
        const { project, path: filePath } = this.projectOf(fsPath);
        // Not the scan: an open document's own findings come first, the scan's join when it ends.
        await project.configured;
        const notebook = this.documents.notebooks.getNotebookDocument(uri);
        const document = notebook ? undefined : this.documents.text.get(uri);
        if (!notebook && !document) continue; // closed meanwhile
        // From here to the analysis nothing is awaited: the edits taken are exactly those since the
        // text the project's parser holds.
        const text = notebook ? this.documents.notebookText(notebook, project.root) : document!.getText();
        const edits = notebook ? undefined : this.documents.takeEdits(uri);
        if (project.analyzeLive(filePath, text, edits)) this.scheduleCrossFile(project, filePath);
        if (parserFailed()) return this.exitForParserFailure({ fsPath, text });
        touched.set(project, [...(touched.get(project) ?? []), uri]);
      }
      for (const [project, analysed] of touched) this.changed(project, analysed);
    } finally {
      for (const uri of uris) if (this.analysing.get(uri) === done) this.analysing.delete(uri);
      finished();
    }
  }

  /** What the index holds of an open document may have changed: the other open documents and the
   *  project rules follow a little later, as typing pauses longer (they cost more than the document
   *  itself), if it did change. */
  private scheduleCrossFile(project: Project, filePath: string): void {
    const paths = this.pendingCrossFile.get(project) ?? new Set<string>();
    paths.add(filePath);
    this.pendingCrossFile.set(project, paths);
    clearTimeout(this.crossFileTimer);
    this.crossFileTimer = setTimeout(
      () =>
        this.guard('project refresh', async () => {
          const pending = [...this.pendingCrossFile];
          this.pendingCrossFile.clear();
          // One document per turn of the event loop, so that requests are answered in between.
          for (const [pendingProject, changedPaths] of pending) {
            await nextTurn();
            const begun = pendingProject.crossFileDue();
            if (!begun) continue;
            for (const filePath of pendingProject.openPaths()) {
              // A document changed alone was analysed against the others as they are; of several
              // changed, each may have seen another's earlier text.
              if (changedPaths.size === 1 && changedPaths.has(filePath)) continue;
              await nextTurn();
              pendingProject.reanalyzeOpen(filePath); // its text as it is now, if still open
            }
            await nextTurn();
            pendingProject.refreshProjectFindings(begun);
            this.changed(pendingProject);
          }
        }),
      CROSS_FILE_DEBOUNCE_MS,
    );
  }

  private async closed(uri: string): Promise<void> {
    this.pendingDocuments.delete(uri);
    this.rehearsals.delete(uri);
    this.documents.resetEdits(uri);
    await this.started;
    const fsPath = uriToPath(uri);
    const found = fsPath === undefined ? undefined : this.findProject(fsPath);
    if (!found) return;
    const { project, path: filePath } = found;
    project.close(filePath);
    if (!project.scanned && this.openUris().every((u) => uriToPath(u) && path.dirname(uriToPath(u)!) !== project.root)) {
      this.looseProjects.delete(project.root);
      this.drop(project);
    }
    this.changed(project);
  }

  // ---- Files on disk

  private async watchedFilesChanged(params: DidChangeWatchedFilesParams): Promise<void> {
    await this.started;
    for (const change of params.changes) {
      const fsPath = uriToPath(change.uri);
      const found = fsPath === undefined ? undefined : this.findProject(fsPath);
      if (found?.project.scanned) this.diskChanges.add(found.project, found.path, change.type);
    }
  }

  // ---- Delivering findings

  private changed(project: Project, analysedUris?: string[]): void {
    this.delivery.changed(project, analysedUris);
  }

  /** The project a document belongs to, without creating one. */
  private ownerOf(uri: string): Project | undefined {
    const fsPath = uriToPath(this.ownerUri(uri));
    return fsPath === undefined ? undefined : this.findProject(fsPath)?.project;
  }

  private async documentDiagnostics(raw: unknown, token: CancellationToken): Promise<DocumentDiagnosticReport> {
    const method = DocumentDiagnosticRequest.method;
    const uri = documentUri(method, raw);
    const previousResultId = checkString(method, 'previousResultId', (raw as DocumentDiagnosticParams).previousResultId, true);
    await unlessCancelled(token, this.analyzePending(this.ownerUri(uri)));
    const project = this.ownerOf(uri);
    await unlessCancelled(token, project?.configured ?? Promise.resolve());
    return this.delivery.documentReport(project, uri, previousResultId);
  }

  private async workspaceDiagnostics(raw: unknown, token: CancellationToken): Promise<WorkspaceDiagnosticReport> {
    const method = WorkspaceDiagnosticRequest.method;
    const previous = checkArray(method, 'previousResultIds', checkObject(method, 'params', raw).previousResultIds);
    previous.forEach((p, i) => {
      checkString(method, `previousResultIds[${i}].uri`, checkObject(method, `previousResultIds[${i}]`, p).uri);
      checkString(method, `previousResultIds[${i}].value`, (p as PreviousResultId).value);
    });
    await unlessCancelled(token, this.analyzePending());
    await unlessCancelled(token, Promise.all([...this.projects.values()].map((p) => p.ready)));
    return this.delivery.workspaceReport(previous as PreviousResultId[]);
  }

  private placedIn(uri: string): PlacedFinding[] {
    const project = this.ownerOf(uri);
    return (project && this.delivery.reportOf(project, uri)?.placed) ?? [];
  }

  // ---- Hover and code actions

  private async hover(raw: unknown, token: CancellationToken): Promise<Hover | null> {
    const method = HoverRequest.method;
    const uri = documentUri(method, raw);
    const position = checkPosition(method, 'position', (raw as HoverParams).position);
    await unlessCancelled(token, this.analyzePending(this.ownerUri(uri)));
    return hoverAt(this.placedIn(uri), position, uri, this.hoverOptions);
  }

  private codeAction(raw: unknown): CodeAction[] {
    const method = CodeActionRequest.method;
    const uri = documentUri(method, raw);
    checkRange(method, 'range', (raw as CodeActionParams).range);
    const context = checkObject(method, 'context', (raw as CodeActionParams).context);
    checkArray(method, 'context.diagnostics', context.diagnostics).forEach((d, i) => {
      checkRange(method, `context.diagnostics[${i}].range`, checkObject(method, `context.diagnostics[${i}]`, d).range);
    });
    const params = raw as CodeActionParams;
    const document = this.documents.textDocument(uri) ?? this.documents.notebooks.cellTextDocuments.get(uri);
    if (!document) return [];
    // Clients that do not send `data` back get it from what was delivered for the same range.
    const placed = this.placedIn(uri);
    const diagnostics = params.context.diagnostics.map((d) => {
      if (d.data !== undefined || d.source !== SOURCE) return d;
      const same = placed.find((p) => p.finding.code === d.code && JSON.stringify(p.range) === JSON.stringify(d.range));
      return same ? { ...d, data: same.data } : d;
    });
    return this.codeActions.actions({ ...params, context: { ...params.context, diagnostics } }, document, placed, (code) => this.disableEdits(uri, code));
  }

  /** Edits that turn a rule off for the project of a document, or for the files of its folder. */
  private disableEdits(uri: string, code: string): DisableEdits {
    const fsPath = uriToPath(this.ownerUri(uri));
    const found = fsPath === undefined ? undefined : this.findProject(fsPath);
    if (!found) return {};
    const { project, path: filePath } = found;
    const folder = filePath.includes('/') ? `${filePath.slice(0, filePath.lastIndexOf('/'))}/**` : undefined;
    const out: DisableEdits = {};
    const projectEdit = this.configEdit(project, code);
    if (projectEdit) out.project = projectEdit;
    const folderEdit = folder === undefined ? undefined : this.configEdit(project, code, folder);
    if (folderEdit) out.folder = { glob: folder!, edit: folderEdit };
    return out;
  }

  /** The configuration of a project with `code` turned off (for the files under `glob`): its
   *  configuration file edited as the editor has it, or a new .ml-hygiene.yaml. */
  private configEdit(project: Project, code: string, glob?: string): WorkspaceEdit | undefined {
    const file = project.config.source ?? CONFIG_YAML;
    const fileUri = pathToUri(path.join(project.root, file));
    const open = this.documents.textDocument(fileUri);
    let text = open?.getText();
    if (text === undefined) {
      try {
        text = readFileInside(realRootOf(project.root), path.join(project.root, file)).toString('utf8');
      } catch {
        if (fs.existsSync(path.join(project.root, file))) return undefined; // there, but not to be read
        return this.codeActions.fileEdit(fileUri, null, [], [{ uri: fileUri, content: newConfigYaml(code, glob) }]);
      }
    }
    const next = file === 'pyproject.toml' ? ignoreInPyproject(text, code, glob) : ignoreInYaml(text, code, glob);
    return next === undefined ? undefined : this.codeActions.replacement(fileUri, open?.version ?? null, text, next);
  }

  // ---- The project view and fixing the whole project

  private async projectChecks(raw: unknown, token: CancellationToken): Promise<ProjectChecks> {
    const params = raw === undefined || raw === null ? {} : checkObject(PROJECT_CHECKS_REQUEST, 'params', raw);
    const project = await this.commandProject(params.folder, 'folder');
    await unlessCancelled(token, this.analyzePending());
    return projectChecks(project, (finding) => this.viewFixEdit(project, finding));
  }

  /** The project of a folder argument (default: the first workspace folder), once scanned. */
  private async commandProject(raw: unknown, argument: string): Promise<Project> {
    await this.started;
    const folderPath = raw === undefined || raw === null ? undefined : readFolderArgument(argument, raw, this.workspaceRoots());
    const project = folderPath
      ? (this.projects.get(normalizeUri(pathToUri(folderPath))) ?? this.findProject(folderPath)?.project)
      : this.projects.values().next().value;
    if (!project) throw new ResponseError(ErrorCodes.InvalidParams, `${argument}: no workspace folder`);
    await project.ready;
    return project;
  }

  /** A finding's fix as an edit of its file as the editor has it: none for a notebook's cells,
   *  whose edits apply to the open notebook's cell (its quick fix makes them). */
  private viewFixEdit(project: Project, finding: Finding): { title: string; edit: WorkspaceEdit } | undefined {
    const inNotebook = kindOf(finding.path) === 'notebook';
    const fix = fixData(project.root, finding, !inNotebook);
    if (!fix) return undefined;
    const uri = pathToUri(path.join(project.root, finding.path));
    const edit = this.codeActions.fixEdit(uri, this.documents.textDocument(uri)?.version ?? null, fix);
    return edit && { title: fix.title, edit };
  }

  /** Every fix of the project that edits a file's text (not notebooks, whose fixes apply to their
   *  cells), the compatible ones, as one workspace edit the editor asks to confirm (a preview). */
  private async fixAllEdit(raw: unknown): Promise<WorkspaceEdit> {
    const project = await this.commandProject(raw, 'arguments[0]');
    await this.analyzePending();
    const documentChanges: TextDocumentEdit[] = [];
    const changeAnnotations: Record<string, ChangeAnnotation> = {};
    for (const [filePath, findings] of [...project.findingsByPath()].sort(([a], [b]) => a.localeCompare(b))) {
      if (kindOf(filePath) === 'notebook') continue;
      const fixed = findings.filter((f) => f.fix?.edits?.length && !f.fix.create?.length && f.fix.rename === undefined);
      const edits = compatibleEdits(fixed.map((f) => f.fix!.edits!.map((e) => ({ ...e, annotationId: f.code }))));
      if (edits.length === 0) continue;
      for (const f of fixed) changeAnnotations[f.code] ??= { label: `${f.code} ${f.name}`, needsConfirmation: true, description: f.fix!.title };
      const uri = pathToUri(path.join(project.root, filePath));
      documentChanges.push(TextDocumentEdit.create({ uri, version: this.documents.textDocument(uri)?.version ?? null }, edits as AnnotatedTextEdit[]));
    }
    return { documentChanges, changeAnnotations };
  }

  /** Runs work that nothing awaits; a failure is logged and the server keeps serving. */
  private guard(what: string, work: () => unknown): void {
    Promise.resolve()
      .then(work)
      .catch((e) => this.connection.console.error(`ML Hygiene ${what} failed: ${(e as Error)?.stack ?? e}`))
      .finally(() => parserFailed() && this.exitForParserFailure());
  }

  /** This process's parser failed (parserFailure.ts) and cannot parse again: the document it was
   *  parsing, if it was an open one, gets the notice and the client its text's hash, then the server
   *  exits for the client to start a fresh one (parserRestart.ts). */
  private async exitForParserFailure(document?: { fsPath: string; text: string }): Promise<void> {
    if (this.exiting) return;
    this.exiting = true;
    if (document) {
      this.log('warning', `${document.fsPath}: ${PARSER_FAILED_NOTICE}`);
      const params: ParserFailedParams = { textHash: textHash(document.text) };
      await this.connection.sendNotification(PARSER_FAILED_NOTIFICATION, params);
    }
    // Awaited, as the notification above: the process ends once its messages are written.
    const message = 'ML Hygiene: the Python parser failed; the server exits for the editor to start a fresh one.';
    await this.connection.sendNotification(LogMessageNotification.type, { type: MessageType.Error, message });
    process.exit(PARSER_FAILED_EXIT_CODE);
  }
}

function textHash(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}
