// Requests are answered with LSP errors, never with a JavaScript message; a cancelled request is
// answered as cancelled; a slow analysis does not hold up a request about another document; pull
// diagnostics carry the project findings known and ask for a refresh when more arrive.
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import {
  CancellationTokenSource,
  CodeActionRequest,
  DocumentDiagnosticReport,
  DocumentDiagnosticRequest,
  ErrorCodes,
  ExecuteCommandRequest,
  HoverRequest,
  LSPErrorCodes,
  ResponseError,
  WorkspaceDiagnosticRequest,
} from 'vscode-languageserver/node';
import { fileUri, LspClient, poll, PULL_CAPABILITIES } from '../support/lspClient';
import { makeProject, NAN_MODULE, removeProject } from '../support/project';

/** About 1.5 MB of Python: its analysis takes a while. */
function slowModule(): string {
  const line = 'features = build_features(frame, window=30, min_periods=5, center=False)\n';
  return line.repeat(Math.floor((1.5 * 1024 * 1024) / line.length));
}

async function errorOf(request: Promise<unknown>): Promise<ResponseError<unknown>> {
  try {
    await request;
  } catch (e) {
    return e as ResponseError<unknown>;
  }
  assert.fail('the request was answered without an error');
}

/** Writes `messages` to the server in one write (so that it reads them together, as a burst from
 *  an editor), and collects the answers to those with an id, in the order they come. Requests
 *  with null parameters can only be sent this way: the client library refuses to. */
async function rawExchange(client: LspClient, messages: { id?: string }[]): Promise<Map<string, unknown>> {
  const ids = new Set(messages.flatMap((m) => (m.id === undefined ? [] : [m.id])));
  const answers = new Map<string, unknown>();
  let buffer = Buffer.alloc(0);
  const onData = (chunk: Buffer) => {
    buffer = Buffer.concat([buffer, chunk]);
    for (;;) {
      const headerEnd = buffer.indexOf('\r\n\r\n');
      const length = Number(/Content-Length: (\d+)/.exec(buffer.subarray(0, headerEnd).toString())?.[1]);
      if (headerEnd < 0 || buffer.length < headerEnd + 4 + length) return;
      const message = JSON.parse(buffer.subarray(headerEnd + 4, headerEnd + 4 + length).toString());
      buffer = buffer.subarray(headerEnd + 4 + length);
      if (ids.has(message.id)) answers.set(message.id, message);
    }
  };
  client.process.stdout!.on('data', onData);
  try {
    client.process.stdin!.write(messages.map((m) => JSON.stringify(m)).map((body) => `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`).join(''));
    await poll(() => answers.size === ids.size, `answers to ${[...ids].join(', ')}`);
  } finally {
    client.process.stdout!.off('data', onData);
  }
  return answers;
}

describe('requests', () => {
  let root: string;
  let client: LspClient;
  const uriOf = (rel: string) => fileUri(path.join(root, rel));

  before(async () => {
    // No Python file on disk: MLH301 (no CI) fires only once one is opened.
    root = makeProject({ 'README.md': '# Churn model\n', 'requirements.txt': 'numpy==1.26.4\n', '.ml-hygiene.yaml': 'select: [MLH106, MLH301]\n' });
    client = LspClient.start();
    await client.initialize(root, PULL_CAPABILITIES);
  });

  after(async () => {
    await client.stop();
    removeProject(root);
  });

  test('null or malformed parameters get InvalidParams naming the argument', async () => {
    const anywhere = { textDocument: { uri: uriOf('a.py') } };
    const origin = { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } };
    const cases: [string, string, unknown, RegExp][] = [
      ['hover with null params', HoverRequest.method, null, /params/],
      ['hover without a position', HoverRequest.method, anywhere, /position/],
      ['hover with a numeric uri', HoverRequest.method, { textDocument: { uri: 5 }, position: { line: 0, character: 0 } }, /textDocument\.uri/],
      ['pull with null params', DocumentDiagnosticRequest.method, null, /params/],
      ['pull with a numeric previousResultId', DocumentDiagnosticRequest.method, { ...anywhere, previousResultId: 1 }, /previousResultId/],
      ['workspace pull with null previousResultIds', WorkspaceDiagnosticRequest.method, { previousResultIds: null }, /previousResultIds/],
      ['code action without a range', CodeActionRequest.method, { ...anywhere, context: { diagnostics: [] } }, /range/],
      ['code action with a null diagnostic', CodeActionRequest.method, { ...anywhere, range: origin, context: { diagnostics: [null] } }, /context\.diagnostics\[0\]/],
      ['command that is not a string', ExecuteCommandRequest.method, { command: 5 }, /command/],
      ['command with null params', ExecuteCommandRequest.method, null, /params/],
    ];
    const answers = await rawExchange(
      client,
      cases.map(([what, method, params]) => ({ jsonrpc: '2.0', id: what, method, params })),
    );
    for (const [what, , , argument] of cases) {
      const { error } = answers.get(what) as { error?: { code: number; message: string } };
      assert.equal(error?.code, ErrorCodes.InvalidParams, `${what}: ${JSON.stringify(error)}`);
      assert.match(error.message, argument, what);
      assert.doesNotMatch(error.message, /Cannot read|TypeError|failed with message/, what);
    }
    assert.ok(client.alive);
  });

  test('a cancelled pull is answered with RequestCancelled', async () => {
    const uri = uriOf('slow.py');
    await client.open(uri, slowModule());
    const source = new CancellationTokenSource();
    const request = client.connection.sendRequest(DocumentDiagnosticRequest.type, { textDocument: { uri } }, source.token);
    source.cancel();
    assert.equal((await errorOf(request)).code, LSPErrorCodes.RequestCancelled);
    // The server goes on serving, and the analysis it started is not lost.
    const report: DocumentDiagnosticReport = await client.connection.sendRequest(DocumentDiagnosticRequest.type, { textDocument: { uri } });
    assert.equal(report.kind, 'full');
  });

  test('a hover on one document is answered before the slow analysis of another', async () => {
    const small = uriOf('small.py');
    const slow = uriOf('slow.py');
    await client.open(small, NAN_MODULE);
    await client.connection.sendRequest(DocumentDiagnosticRequest.type, { textDocument: { uri: small } });
    // One write, so that the server reads the three messages together: a change that makes the
    // slow document due for analysis, its pull, then a hover on the small one.
    const messages = [
      { jsonrpc: '2.0', method: 'textDocument/didChange', params: { textDocument: { uri: slow, version: 100 }, contentChanges: [{ range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, text: '# edited\n' }] } },
      { jsonrpc: '2.0', id: 'slow-pull', method: DocumentDiagnosticRequest.method, params: { textDocument: { uri: slow } } },
      { jsonrpc: '2.0', id: 'small-hover', method: HoverRequest.method, params: { textDocument: { uri: small }, position: { line: 3, character: 10 } } },
    ];
    const answers = await rawExchange(client, messages);
    const order = [...answers.keys()];
    assert.deepEqual(order, ['small-hover', 'slow-pull']);
  });

  test('a pull carries the project findings known, and a refresh is asked for when the scan adds more', async () => {
    const readme = uriOf('README.md');
    await client.open(readme, '# Churn model\n', 'markdown');
    // The small and slow modules are open: the project has Python, and no CI.
    await poll(async () => {
      const report = await client.connection.sendRequest(DocumentDiagnosticRequest.type, { textDocument: { uri: readme } });
      return report.kind === 'full' && report.items.some((d) => d.code === 'MLH301');
    }, 'MLH301 on README.md');
    // A second client on the same folder, whose first pull of README.md comes right after the scan.
    const second = LspClient.start();
    try {
      await second.initialize(root, PULL_CAPABILITIES);
      await poll(() => second.progress.some((p) => (p as { value: { kind: string } }).value.kind === 'end'), 'the end of the scan');
      await second.open(readme, '# Churn model\n', 'markdown');
      const first = await second.connection.sendRequest(DocumentDiagnosticRequest.type, { textDocument: { uri: readme } });
      assert.ok(first.kind === 'full' && first.items.every((d) => d.code !== 'MLH301'), 'no Python on disk: no MLH301 yet');
      const refreshes = second.refreshRequests;
      await second.open(uriOf('train.py'), NAN_MODULE);
      await second.connection.sendRequest(DocumentDiagnosticRequest.type, { textDocument: { uri: uriOf('train.py') } });
      await poll(() => second.refreshRequests > refreshes, 'a refresh request once the project findings change');
      const later = await second.connection.sendRequest(DocumentDiagnosticRequest.type, { textDocument: { uri: readme } });
      assert.ok(later.kind === 'full' && later.items.some((d) => d.code === 'MLH301'), 'the refreshed pull has MLH301');
    } finally {
      await second.stop();
    }
  });
});

describe('a document that turns binary while it is edited', () => {
  test('counts as a fresh server counts it: not as the Python it was', async () => {
    const root = makeProject({ 'README.md': '# Churn model\n', '.ml-hygiene.yaml': 'select: [MLH301]\n' });
    const client = LspClient.start();
    try {
      await client.initialize(root, PULL_CAPABILITIES);
      const readme = fileUri(path.join(root, 'README.md'));
      const train = fileUri(path.join(root, 'train.py'));
      await client.open(readme, '# Churn model\n', 'markdown');
      await client.open(train, NAN_MODULE);
      const noCiOnReadme = async () => {
        await client.connection.sendRequest(DocumentDiagnosticRequest.type, { textDocument: { uri: train } });
        const report = await client.connection.sendRequest(DocumentDiagnosticRequest.type, { textDocument: { uri: readme } });
        return report.kind === 'full' && report.items.some((d) => d.code === 'MLH301');
      };
      await poll(noCiOnReadme, 'MLH301 once the project has Python');
      await client.change(train, [{ range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, text: '\0' }]);
      await poll(async () => !(await noCiOnReadme()), 'MLH301 gone once the only Python file is binary');
    } finally {
      await client.stop();
      removeProject(root);
    }
  });
});

describe('a model file edited in the editor', () => {
  test('is reported with the size of its text, as a fresh server would report it', async () => {
    const root = makeProject({ 'train.py': NAN_MODULE, 'model.pkl': 'x'.repeat(2 * 1024), '.ml-hygiene.yaml': 'select: [MLH408]\n' });
    const client = LspClient.start();
    try {
      await client.initialize(root, PULL_CAPABILITIES);
      const model = fileUri(path.join(root, 'model.pkl'));
      const sizeReported = async () => {
        await client.connection.sendRequest(DocumentDiagnosticRequest.type, { textDocument: { uri: model } });
        const report = await client.connection.sendRequest(WorkspaceDiagnosticRequest.type, { previousResultIds: [] });
        const messages = report.items.flatMap((item) => (item.kind === 'full' ? item.items : [])).filter((d) => d.code === 'MLH408');
        return messages.length === 1 ? /\((\d+) KB\)/.exec(messages[0].message)?.[1] : undefined;
      };
      assert.equal(await poll(sizeReported, 'MLH408'), '2');
      await client.open(model, 'x'.repeat(10 * 1024), 'plaintext');
      await poll(async () => (await sizeReported()) === '10', 'the size of the opened text');
      await client.change(model, [{ range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, text: 'y'.repeat(10 * 1024) }]);
      await poll(async () => (await sizeReported()) === '20', 'the size of the edited text');
    } finally {
      await client.stop();
      removeProject(root);
    }
  });
});
