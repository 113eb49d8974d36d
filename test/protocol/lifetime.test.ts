// The server never outlives its client: it exits when the client's process is gone, even while an
// analysis holds its main thread.
import assert from 'node:assert/strict';
import { ChildProcess, spawn } from 'node:child_process';
import { after, describe, test } from 'node:test';
import { DocumentDiagnosticRequest } from 'vscode-languageserver/node';
import { fileUri, LspClient, poll, PULL_CAPABILITIES, SERVER_BUNDLE } from '../support/lspClient';
import { makeProject, removeProject } from '../support/project';

// An editor in miniature: starts the server over stdio, initializes it with its own process id,
// prints the server's pid once the server answers, and waits to be killed.
const EDITOR = `
const { spawn } = require('child_process');
const server = spawn(process.execPath, [process.argv[1], '--stdio'], { stdio: ['pipe', 'pipe', 'ignore'] });
const body = JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'initialize', params: { processId: process.pid, rootUri: null, capabilities: {} } });
server.stdin.write('Content-Length: ' + Buffer.byteLength(body) + '\\r\\n\\r\\n' + body);
server.stdout.once('data', () => console.log(server.pid));
setInterval(() => {}, 1000);
`;

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function firstLine(child: ChildProcess): Promise<string> {
  return new Promise((resolve) => {
    let out = '';
    child.stdout!.on('data', (chunk) => {
      out += chunk;
      if (out.includes('\n')) resolve(out.split('\n')[0]);
    });
  });
}

/** A process that only waits, to stand for an editor whose pipes the test holds. */
function idleProcess(): ChildProcess {
  return spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
}

describe('server lifetime', () => {
  const cleanup: (() => void)[] = [];
  after(() => cleanup.forEach((c) => c()));

  test('the server exits when its client is killed', async () => {
    const editor = spawn(process.execPath, ['-e', EDITOR, SERVER_BUNDLE], { stdio: ['ignore', 'pipe', 'ignore'] });
    const serverPid = Number(await firstLine(editor));
    cleanup.push(() => isRunning(serverPid) && process.kill(serverPid, 'SIGKILL'));
    assert.ok(isRunning(serverPid), 'the server runs');
    editor.kill('SIGKILL');
    await poll(() => !isRunning(serverPid), 'the server to exit after its client was killed');
  });

  test('the server exits when the client process is gone, even in the middle of a long analysis', async () => {
    const root = makeProject({});
    cleanup.push(() => removeProject(root));
    const editor = idleProcess();
    const client = LspClient.start();
    cleanup.push(() => client.alive && client.process.kill('SIGKILL'));
    await client.initialize(root, PULL_CAPABILITIES, undefined, editor.pid);
    // About 4 MB of Python: its analysis holds the main thread for several seconds.
    const uri = fileUri(`${root}/generated.py`);
    const line = 'features = build_features(frame, window=30, min_periods=5, center=False)\n';
    await client.open(uri, line.repeat(Math.floor((4 * 1024 * 1024) / line.length)));
    let answered = false;
    void client.connection.sendRequest(DocumentDiagnosticRequest.type, { textDocument: { uri } }).then(
      () => (answered = true),
      () => undefined,
    );
    editor.kill('SIGKILL');
    await poll(() => !client.alive, 'the server to exit after its client process was gone');
    assert.equal(answered, false, 'the server exited before the analysis was done');
  });
});
