// The language-server check: one long-lived server over stdio gets every input as an open document
// with rapid incremental edits, and must answer each request within the budget, log no escaped
// exception and stay up. Now and then a session of 1,000 rapid edits ends with a comparison: the
// diagnostics of the edited document must equal those of a fresh server on the final text.
import * as path from 'path';
import {
  CancellationTokenSource,
  Diagnostic,
  DidCloseTextDocumentNotification,
  DocumentDiagnosticRequest,
  HoverRequest,
  LSPErrorCodes,
  ResponseError,
  TextDocumentContentChangeEvent,
} from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { fileUri, LspClient, PULL_CAPABILITIES } from '../support/lspClient';
import type { Outcome } from './engine';
import { FuzzInput, Random } from './mutate';

/** Log lines of the server that mean an exception escaped the analysis (and was caught by a guard). */
const ESCAPED = /could not be analysed|failed:|uncaught|unhandled|Maximum call stack/i;

const SNIPPETS = ['(', ')', '[', ']', '{', '}', ':', '\n', '\r\n', '\r', '    ', '\t', '#', '"', "'", '"""', '\\', ',', '=', '.',
  'model.fit(X_train, y_train)', 'np.nan', 'import torch\n', 'def train(', 'random_state=42', 'é', '😀', '\0', 'x'.repeat(200)];

function languageOf(name: string): string {
  if (name.endsWith('.py')) return 'python';
  if (name.endsWith('.ipynb')) return 'json';
  if (/\.ya?ml$/.test(name)) return 'yaml';
  if (name.endsWith('.toml')) return 'toml';
  return 'plaintext';
}

/** The text an editor shows for the bytes: UTF-8, invalid sequences replaced. */
function editorText(bytes: Buffer): string {
  return bytes.toString('utf8');
}

function timeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout;
  return Promise.race([
    promise.finally(() => clearTimeout(timer)),
    new Promise<T>((_, reject) => (timer = setTimeout(() => reject(new Error(`${what}: no answer within ${ms} ms`)), ms))),
  ]);
}

/** A random edit of `document`, as an editor sends it: never inside a surrogate pair or a CRLF. */
function randomChange(document: TextDocument, random: Random): TextDocumentContentChangeEvent {
  const text = document.getText();
  const safe = (offset: number) => {
    let o = Math.max(0, Math.min(text.length, offset));
    const code = text.charCodeAt(o);
    if (o > 0 && code >= 0xdc00 && code <= 0xdfff) o--;
    if (o > 0 && text[o - 1] === '\r' && text[o] === '\n') o--;
    return o;
  };
  const start = safe(random.int(0, text.length));
  const end = random.chance(0.4) ? safe(start + random.int(0, 12)) : start;
  const inserted = random.chance(0.3) ? '' : random.pick(SNIPPETS);
  return { range: { start: document.positionAt(start), end: document.positionAt(Math.max(start, end)) }, text: inserted };
}

function shown(diagnostics: Diagnostic[]): string[] {
  return diagnostics
    .map((d) => `${d.range.start.line}:${d.range.start.character}-${d.range.end.line}:${d.range.end.character} ${d.code} ${d.message}`)
    .sort();
}

/** With the text the edits left, when there is one. */
export type ServerOutcome = Outcome & { finalText?: string };

export class ServerCheck {
  private client?: LspClient;
  private logsSeen = 0;

  constructor(
    private readonly serverBundle: string,
    private readonly root: string,
    private readonly budgetMs: number,
  ) {}

  private async server(): Promise<LspClient> {
    if (this.client?.alive) return this.client;
    this.client = LspClient.start(this.serverBundle);
    this.logsSeen = 0;
    await timeout(this.client.initialize(this.root, PULL_CAPABILITIES), this.budgetMs, 'initialize');
    return this.client;
  }

  private uriOf(input: FuzzInput): string {
    return fileUri(path.join(this.root, `in-${input.index}`, input.folder ?? '', input.name));
  }

  private async pull(client: LspClient, uri: string): Promise<Diagnostic[]> {
    const report = await timeout(client.connection.sendRequest(DocumentDiagnosticRequest.type, { textDocument: { uri } }), this.budgetMs, 'a diagnostics pull');
    return report.kind === 'full' ? report.items : [];
  }

  /** Pulls until two answers agree with no refresh asked for in between, a quiet while apart:
   *  project findings follow edits later, and a loaded machine makes "later" long. */
  private async settledPull(client: LspClient, uri: string): Promise<string[]> {
    let last = shown(await this.pull(client, uri));
    for (let i = 0; i < 10; i++) {
      const refreshes = client.refreshRequests;
      await new Promise((resolve) => setTimeout(resolve, 1500));
      const next = shown(await this.pull(client, uri));
      if (client.refreshRequests === refreshes && JSON.stringify(next) === JSON.stringify(last)) return next;
      last = next;
    }
    return last;
  }

  /** Sends `count` random changes without waiting, with a pull or a hover now and then; waits for
   *  every answer. As an editor does, a new pull or hover cancels the one still unanswered, which
   *  must then be answered as cancelled. Returns the final text, and when every answer is in. */
  private edit(client: LspClient, uri: string, document: TextDocument, count: number, random: Random): { final: TextDocument; answered: Promise<unknown> } {
    const answers: Promise<unknown>[] = [];
    const outstanding = new Map<string, CancellationTokenSource>();
    const request = (method: string, params: object) => {
      outstanding.get(method)?.cancel();
      const source = new CancellationTokenSource();
      outstanding.set(method, source);
      const answer = client.connection.sendRequest(method, params, source.token).catch((e: ResponseError<unknown>) => {
        if (e?.code !== LSPErrorCodes.RequestCancelled || !source.token.isCancellationRequested) throw e;
      });
      answers.push(timeout(answer, this.budgetMs, method));
    };
    for (let i = 0; i < count; i++) {
      const changes: TextDocumentContentChangeEvent[] = [];
      for (let n = random.int(1, 3); n > 0; n--) {
        const change = randomChange(document, random);
        changes.push(change);
        document = TextDocument.update(document, [change], document.version + 1);
      }
      void client.change(uri, changes);
      if (random.chance(0.02)) request(DocumentDiagnosticRequest.method, { textDocument: { uri } });
      if (random.chance(0.02)) request(HoverRequest.method, { textDocument: { uri }, position: document.positionAt(random.int(0, document.getText().length)) });
    }
    return { final: document, answered: Promise.all(answers) };
  }

  private escapedExceptions(client: LspClient): string | undefined {
    const fresh = client.logs.slice(this.logsSeen);
    this.logsSeen = client.logs.length;
    const escaped = fresh.find((l) => ESCAPED.test(l)) ?? (ESCAPED.test(client.errorOutput) ? client.errorOutput : undefined);
    return escaped && escaped.slice(0, 3000);
  }

  /** Opens the input, edits it `edits` times in quick succession, pulls its diagnostics and closes it. */
  async check(input: FuzzInput, edits: number, random: Random): Promise<ServerOutcome> {
    const started = Date.now();
    const uri = this.uriOf(input);
    let finalText: string | undefined;
    try {
      const client = await this.server();
      const text = editorText(input.bytes);
      await timeout(client.open(uri, text, languageOf(input.name)), this.budgetMs, 'opening the document');
      const { final, answered } = this.edit(client, uri, TextDocument.create(uri, languageOf(input.name), 1, text), edits, random);
      finalText = final.getText();
      await timeout(answered, this.budgetMs * 3, 'the requests during the edits');
      await this.pull(client, uri);
      await timeout(client.connection.sendNotification(DidCloseTextDocumentNotification.type, { textDocument: { uri } }), this.budgetMs, 'closing the document');
      const escaped = this.escapedExceptions(client);
      if (escaped) return { ok: false, ms: Date.now() - started, problem: `exception in the server: ${escaped}`, finalText };
      return { ok: true, ms: Date.now() - started };
    } catch (e) {
      return this.failed(started, e, finalText);
    }
  }

  /** 1,000 rapid edits, then the diagnostics against those of a fresh server on the final text. */
  async editSession(input: FuzzInput, random: Random): Promise<ServerOutcome> {
    const started = Date.now();
    const uri = this.uriOf(input);
    let fresh: LspClient | undefined;
    let finalText: string | undefined;
    try {
      const client = await this.server();
      const text = editorText(input.bytes);
      await timeout(client.open(uri, text, languageOf(input.name)), this.budgetMs, 'opening the document');
      const { final, answered } = this.edit(client, uri, TextDocument.create(uri, languageOf(input.name), 1, text), 1000, random);
      finalText = final.getText();
      await timeout(answered, this.budgetMs * 3, 'the requests during the edits');
      const edited = await this.settledPull(client, uri);
      await timeout(client.connection.sendNotification(DidCloseTextDocumentNotification.type, { textDocument: { uri } }), this.budgetMs, 'closing the document');
      fresh = LspClient.start(this.serverBundle);
      await timeout(fresh.initialize(this.root, PULL_CAPABILITIES), this.budgetMs, 'initialize');
      await timeout(fresh.open(uri, finalText, languageOf(input.name)), this.budgetMs, 'opening the document');
      const expected = await this.settledPull(fresh, uri);
      const escaped = this.escapedExceptions(client);
      if (escaped) return { ok: false, ms: Date.now() - started, problem: `exception in the server: ${escaped}`, finalText };
      if (JSON.stringify(edited) !== JSON.stringify(expected)) {
        const missing = expected.filter((d) => !edited.includes(d));
        const extra = edited.filter((d) => !expected.includes(d));
        return {
          ok: false,
          ms: Date.now() - started,
          finalText,
          problem: `after 1,000 edits the diagnostics differ from a fresh server's on the final text (saved beside the input)\n  missing: ${missing.join('\n           ')}\n  extra:   ${extra.join('\n           ')}`,
        };
      }
      return { ok: true, ms: Date.now() - started };
    } catch (e) {
      return this.failed(started, e, finalText);
    } finally {
      await fresh?.stop();
    }
  }

  /** A failed request: the server is replaced when it no longer answers. */
  private async failed(started: number, e: unknown, finalText?: string): Promise<ServerOutcome> {
    const client = this.client;
    let problem = `${(e as Error).message ?? e}`;
    if (!client?.alive) problem += ` (the server exited: ${client?.process.exitCode ?? client?.process.signalCode}; ${client?.errorOutput.slice(-2000)})`;
    else {
      try {
        await timeout(client.connection.sendRequest(HoverRequest.type, { textDocument: { uri: 'file:///nowhere.py' }, position: { line: 0, character: 0 } }), this.budgetMs, 'a hover');
      } catch {
        problem += ' (and the server stopped answering)';
        await this.stop();
      }
    }
    return { ok: false, ms: Date.now() - started, problem, finalText };
  }

  /** Stops the server (the next check starts a new one). */
  async stop(): Promise<void> {
    const client = this.client;
    this.client = undefined;
    await client?.stop();
  }
}
