// Untrusted input must never take the server down: every bad file below sits in the workspace
// (and is opened in the editor), and the server still answers afterwards.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import {
  Diagnostic,
  DidChangeWatchedFilesNotification,
  DocumentDiagnosticRequest,
  FileChangeType,
  HoverRequest,
  WorkspaceDiagnosticRequest,
} from 'vscode-languageserver/node';
import { fileUri, LspClient, poll, PULL_CAPABILITIES } from '../support/lspClient';
import { makeProject, removeProject } from '../support/project';

const NAN_CHECK = 'import numpy as np\n\nmissing = 1.0 == np.nan\n';

function binary(): Buffer {
  const bytes = Buffer.alloc(4096);
  for (let i = 0; i < bytes.length; i++) bytes[i] = (i * 7919) % 256;
  return bytes;
}

const BAD_FILES: Record<string, string | Buffer> = {
  'broken.py': 'def train(:\n    model = \n  return (((\n',
  'broken.ipynb': '{"cells": [{"cell_type": "code", "source": ["x = 1',
  'not_a_notebook.ipynb': '{"nbformat": 3, "worksheets": []}',
  'params.yaml': 'train:\n  lr: [0.1, 0.2\n  epochs: : :\n\t- tab\n',
  'binary.py': binary(),
  'huge.py': '# generated\n' + 'value = 1.0\n'.repeat(20 * 1024 * 1024 / 12),
  // Latin-1 bytes: not valid UTF-8, read as Latin-1 and still analysed.
  'latin1.py': Buffer.from('# caf\xe9 cr\xe8me\n' + NAN_CHECK, 'latin1'),
  'good.py': NAN_CHECK,
  // Invalid configuration: shown once, and the defaults are used.
  '.ml-hygiene.yaml': 'select: 5\nunknown_option: true\n',
};

describe('bad input', () => {
  let root: string;
  let client: LspClient;
  const uriOf = (rel: string) => fileUri(path.join(root, rel));
  const nanFindings = (items: Diagnostic[] | undefined) => (items ?? []).filter((d) => d.code === 'MLH106').length;

  before(async () => {
    root = makeProject(BAD_FILES);
    fs.mkdirSync(path.join(root, 'data'));
    fs.symlinkSync(root, path.join(root, 'data', 'loop'), 'dir'); // a folder that contains itself
    fs.symlinkSync(path.join(root, 'missing-target'), path.join(root, 'dangling.py'));
    client = LspClient.start();
    await client.initialize(root, PULL_CAPABILITIES);
  });

  after(async () => {
    await client.stop();
    removeProject(root);
  });

  test('the scan gets through every bad file and still reports the good ones', async () => {
    const report = await client.connection.sendRequest(WorkspaceDiagnosticRequest.type, { previousResultIds: [] });
    const byUri = new Map(report.items.map((i) => [i.uri, i.kind === 'full' ? i.items : []]));
    assert.equal(nanFindings(byUri.get(uriOf('good.py'))), 1);
    assert.equal(nanFindings(byUri.get(uriOf('latin1.py'))), 1, 'a Latin-1 file is analysed');
    assert.ok(client.logs.some((l) => l.includes('huge.py') && /MB limit/.test(l)), 'the huge file is skipped with a note');
    assert.ok(client.logs.some((l) => l.includes('binary.py') && /binary/.test(l)), 'the binary file is skipped with a note');
    assert.ok(client.alive);
  });

  test('an invalid configuration is shown once, and the defaults apply', async () => {
    assert.equal(client.shownMessages.length, 1);
    assert.match(client.shownMessages[0], /\.ml-hygiene\.yaml is invalid/);
    const refreshes = client.refreshRequests;
    await client.connection.sendNotification(DidChangeWatchedFilesNotification.type, { changes: [{ uri: uriOf('.ml-hygiene.yaml'), type: FileChangeType.Changed }] });
    await poll(() => client.refreshRequests > refreshes, 'the project to be scanned again');
    assert.equal(client.shownMessages.length, 1, 'the same problem is not shown twice');
  });

  test('bad files opened in the editor are answered, and the server keeps serving', async () => {
    for (const [rel, content] of Object.entries(BAD_FILES)) {
      const text = typeof content === 'string' ? content : content.toString('latin1');
      const languageId = rel.endsWith('.py') ? 'python' : rel.endsWith('.yaml') ? 'yaml' : 'json';
      await client.open(uriOf(rel), text, languageId);
      const report = await client.connection.sendRequest(DocumentDiagnosticRequest.type, { textDocument: { uri: uriOf(rel) } });
      assert.equal(report.kind, 'full', rel);
    }
    // Typing into the broken file keeps it analysable.
    await client.change(uriOf('broken.py'), [{ range: { start: { line: 0, character: 10 }, end: { line: 0, character: 10 } }, text: 'x):\n    return x == np.nan\ndef g(' }]);
    await client.connection.sendRequest(DocumentDiagnosticRequest.type, { textDocument: { uri: uriOf('broken.py') } });
    const hover = await client.connection.sendRequest(HoverRequest.type, { textDocument: { uri: uriOf('good.py') }, position: { line: 2, character: 12 } });
    assert.ok(hover, 'the server still answers a hover');
    const good = await client.connection.sendRequest(DocumentDiagnosticRequest.type, { textDocument: { uri: uriOf('good.py') } });
    assert.equal(good.kind === 'full' ? nanFindings(good.items) : -1, 1);
    assert.ok(client.alive, client.errorOutput);
  });
});
