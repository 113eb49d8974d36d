// The language server reads nothing outside its workspace folder: links that lead out of it are
// skipped with a logged notice, and no diagnostic, report or message quotes what they lead to; a file
// that becomes such a link after the scan is not read either.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, test } from 'node:test';
import { DidChangeWatchedFilesNotification, ExecuteCommandRequest, FileChangeType, WorkspaceDiagnosticRequest } from 'vscode-languageserver/node';
import { fileUri, LspClient, poll, PULL_CAPABILITIES } from '../support/lspClient';
import { OUTSIDE_MARKER, removeProject, writeFiles, writeOutsideLinksProject } from '../support/project';

let base: string;
let root: string;
let links: string[];
let client: LspClient;

before(async () => {
  base = fs.mkdtempSync(path.join(os.tmpdir(), 'mlh-links-'));
  ({ root, links } = writeOutsideLinksProject(base));
  writeFiles(root, { 'requirements-dev.txt': 'pytest==8.3.3\n' });
  client = LspClient.start();
  await client.initialize(root, PULL_CAPABILITIES);
});

after(async () => {
  await client.stop();
  removeProject(base);
});

/** Everything the server has said so far, and the answers to a workspace pull and a report. */
async function everythingSaid(): Promise<string> {
  const report = await client.connection.sendRequest(WorkspaceDiagnosticRequest.type, { previousResultIds: [] });
  const score = await client.connection.sendRequest(ExecuteCommandRequest.type, { command: 'ml-hygiene.server.report', arguments: [fileUri(root)] });
  return JSON.stringify([report, score, [...client.pushed], client.logs, client.shownMessages]);
}

test('diagnostics, the report and the log hold nothing from outside; the log names each link', async () => {
  await client.open(fileUri(path.join(root, 'train.py')), fs.readFileSync(path.join(root, 'train.py'), 'utf8'));
  const said = await everythingSaid();
  assert.ok(said.includes('MLH106'), 'train.py, inside, is analysed');
  assert.ok(!said.includes(OUTSIDE_MARKER), said);
  for (const link of links) {
    assert.ok(
      client.logs.some((l) => l.startsWith(path.join(root, link) + ': skipped: a symbolic link that leads outside')),
      `${link} is named:\n${client.logs.join('\n')}`,
    );
  }
});

test('a file that becomes a link out of the folder is not read when the editor reports its change', async () => {
  const file = path.join(root, 'requirements-dev.txt');
  fs.rmSync(file);
  fs.symlinkSync(path.join(base, 'outside', 'requirements.txt'), file);
  await client.connection.sendNotification(DidChangeWatchedFilesNotification.type, { changes: [{ uri: fileUri(file), type: FileChangeType.Changed }] });
  await poll(() => client.logs.some((l) => l.startsWith(file + ': skipped: a symbolic link that leads outside')), 'the new link to be skipped');
  const said = await everythingSaid();
  assert.ok(!said.includes(OUTSIDE_MARKER), said);
});
