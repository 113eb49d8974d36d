// A minimal LSP client for protocol tests: starts the built server over stdio and speaks to it as
// an editor does (initialize, document sync, requests), recording what the server sends on its own.
import { ChildProcess, spawn } from 'node:child_process';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  ClientCapabilities,
  createProtocolConnection,
  Diagnostic,
  DidChangeTextDocumentNotification,
  DidOpenTextDocumentNotification,
  ExitNotification,
  InitializedNotification,
  InitializeRequest,
  LogMessageNotification,
  ProtocolConnection,
  PublishDiagnosticsNotification,
  PublishDiagnosticsParams,
  RegistrationRequest,
  ShowMessageNotification,
  ShutdownRequest,
  StreamMessageReader,
  StreamMessageWriter,
  TextDocumentContentChangeEvent,
  WorkDoneProgressCreateRequest,
  WorkspaceFolder,
} from 'vscode-languageserver/node';

/** The bundled server, beside this test bundle's tree (out/test/<suite>/ -> server/out/). */
export const SERVER_BUNDLE = path.resolve(__dirname, '../../../server/out/server.js');

/** What VS Code declares, for the parts this server looks at. */
export const PULL_CAPABILITIES: ClientCapabilities = {
  textDocument: {
    diagnostic: { dynamicRegistration: false, relatedDocumentSupport: false },
    publishDiagnostics: { relatedInformation: true, tagSupport: { valueSet: [1, 2] }, codeDescriptionSupport: true, dataSupport: true },
    hover: { contentFormat: ['markdown', 'plaintext'] },
    codeAction: { dataSupport: true, isPreferredSupport: true },
  },
  workspace: {
    configuration: true,
    workspaceFolders: true,
    diagnostics: { refreshSupport: true },
    didChangeWatchedFiles: { dynamicRegistration: true },
    didChangeConfiguration: { dynamicRegistration: true },
    workspaceEdit: { documentChanges: true, resourceOperations: ['create', 'rename', 'delete'] },
  },
  window: { workDoneProgress: true },
};

/** What a plain client (an editor that only takes pushed diagnostics) declares. */
export const PUSH_CAPABILITIES: ClientCapabilities = {
  textDocument: { publishDiagnostics: { relatedInformation: true }, hover: { contentFormat: ['markdown'] } },
  workspace: {},
};

export function fileUri(fsPath: string): string {
  return pathToFileURL(fsPath).href;
}

/** Waits until `probe` gives a value other than undefined/false, checking every 20 ms. */
export async function poll<T>(probe: () => T | undefined | false | Promise<T | undefined | false>, what: string, timeoutMs = 20000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

export class LspClient {
  readonly connection: ProtocolConnection;
  readonly pushed = new Map<string, Diagnostic[]>();
  /** Every publication in the order it came, for what came between two. */
  readonly publications: PublishDiagnosticsParams[] = [];
  readonly logs: string[] = [];
  readonly shownMessages: string[] = [];
  readonly progress: unknown[] = [];
  readonly registrations: { method: string; registerOptions?: unknown }[] = [];
  refreshRequests = 0;
  /** The `mlHygiene` settings workspace/configuration answers with. */
  settings: unknown = {};
  private readonly versions = new Map<string, number>();
  private readonly stderr: string[] = [];
  private readonly publishListeners: ((params: PublishDiagnosticsParams) => void)[] = [];
  private readonly progressListeners: ((params: unknown) => void)[] = [];

  private constructor(readonly process: ChildProcess) {
    this.connection = createProtocolConnection(new StreamMessageReader(process.stdout!), new StreamMessageWriter(process.stdin!));
    process.stderr!.on('data', (chunk) => this.stderr.push(String(chunk)));
    this.connection.onNotification(PublishDiagnosticsNotification.type, (p) => {
      this.pushed.set(p.uri, p.diagnostics);
      this.publications.push(p);
      for (const listener of this.publishListeners) listener(p);
    });
    this.connection.onNotification(LogMessageNotification.type, (p) => this.logs.push(p.message));
    this.connection.onNotification(ShowMessageNotification.type, (p) => this.shownMessages.push(p.message));
    this.connection.onNotification('$/progress', (p) => {
      this.progress.push(p);
      for (const listener of this.progressListeners) listener(p);
    });
    this.connection.onRequest(WorkDoneProgressCreateRequest.type, () => null);
    this.connection.onRequest(RegistrationRequest.type, (p) => {
      this.registrations.push(...p.registrations);
      return null;
    });
    this.connection.onRequest('workspace/configuration', (p: { items: unknown[] }) => p.items.map(() => this.settings));
    this.connection.onRequest('workspace/diagnostic/refresh', () => {
      this.refreshRequests++;
      return null;
    });
    this.connection.listen();
  }

  /** `env`: added to the server's environment. */
  static start(serverBundle = SERVER_BUNDLE, env: NodeJS.ProcessEnv = {}): LspClient {
    return new LspClient(spawn(process.execPath, [serverBundle, '--stdio'], { stdio: ['pipe', 'pipe', 'pipe'], env: { ...process.env, ...env } }));
  }

  /** `processId`: the process whose end the server outlives by a few seconds at most (default: this one). */
  async initialize(root: string, capabilities: ClientCapabilities, folders?: WorkspaceFolder[], processId = process.pid, initializationOptions?: unknown): Promise<void> {
    await this.connection.sendRequest(InitializeRequest.type, {
      processId,
      initializationOptions,
      rootUri: fileUri(root),
      capabilities,
      workspaceFolders: folders ?? [{ uri: fileUri(root), name: path.basename(root) }],
    });
    await this.connection.sendNotification(InitializedNotification.type, {});
  }

  async open(uri: string, text: string, languageId = 'python'): Promise<void> {
    this.versions.set(uri, 1);
    await this.connection.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri, languageId, version: 1, text } });
  }

  async change(uri: string, changes: TextDocumentContentChangeEvent[]): Promise<void> {
    const version = (this.versions.get(uri) ?? 1) + 1;
    this.versions.set(uri, version);
    await this.connection.sendNotification(DidChangeTextDocumentNotification.type, { textDocument: { uri, version }, contentChanges: changes });
  }

  /** Calls `listener` with each publication of diagnostics as it arrives. */
  onPublish(listener: (params: PublishDiagnosticsParams) => void): void {
    this.publishListeners.push(listener);
  }

  /** Calls `listener` with each $/progress notification as it arrives. */
  onProgress(listener: (params: unknown) => void): void {
    this.progressListeners.push(listener);
  }

  /** Shuts the server down as an editor does, and kills it if it does not exit. */
  async stop(): Promise<void> {
    const exited = new Promise<void>((resolve) => (this.process.exitCode !== null ? resolve() : this.process.once('exit', () => resolve())));
    try {
      await Promise.race([this.connection.sendRequest(ShutdownRequest.type), new Promise((resolve) => setTimeout(resolve, 2000))]);
      await this.connection.sendNotification(ExitNotification.type);
    } catch {
      // the server is gone already
    }
    const timer = setTimeout(() => this.process.kill('SIGKILL'), 3000);
    await exited;
    clearTimeout(timer);
    this.connection.dispose();
  }

  get alive(): boolean {
    return this.process.exitCode === null && this.process.signalCode === null;
  }

  /** What the server wrote to stderr (for assertion messages). */
  get errorOutput(): string {
    return this.stderr.join('');
  }
}
