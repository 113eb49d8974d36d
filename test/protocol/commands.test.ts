// workspace/executeCommand: the TDSP scaffold as a workspace edit of file creations (so any LSP
// editor can offer it) and the project's hygiene report.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, test } from 'node:test';
import { ApplyWorkspaceEditParams, ApplyWorkspaceEditRequest, CreateFile, ExecuteCommandRequest, TextDocumentEdit } from 'vscode-languageserver/node';
import { fileUri, LspClient, PULL_CAPABILITIES } from '../support/lspClient';
import { makeProject, NAN_MODULE, removeProject } from '../support/project';

let root: string;
let client: LspClient;

before(async () => {
  root = makeProject({ 'train.py': NAN_MODULE, 'existing/README.md': 'our own readme\n' });
  client = LspClient.start();
  // An editor applies the edit: create each file (never over an existing one), then insert its text.
  client.connection.onRequest(ApplyWorkspaceEditRequest.type, (params: ApplyWorkspaceEditParams) => {
    for (const change of params.edit.documentChanges ?? []) {
      if (CreateFile.is(change)) {
        const file = fileURLToPath(change.uri);
        fs.mkdirSync(path.dirname(file), { recursive: true });
        if (!fs.existsSync(file)) fs.writeFileSync(file, '');
      } else if (TextDocumentEdit.is(change)) {
        const file = fileURLToPath(change.textDocument.uri);
        fs.writeFileSync(file, change.edits.map((e) => e.newText).join('') + fs.readFileSync(file, 'utf8'));
      }
    }
    return { applied: true };
  });
  await client.initialize(root, PULL_CAPABILITIES);
});

after(async () => {
  await client.stop();
  removeProject(root);
});

const scaffold = (args: unknown) => client.connection.sendRequest(ExecuteCommandRequest.type, { command: 'ml-hygiene.server.scaffoldTdsp', arguments: [args] });

test('the scaffold edit only creates files, and leaves existing ones out', async () => {
  const target = fileUri(path.join(root, 'existing'));
  const result = (await scaffold({ target, name: 'Churn' })) as { edit: { documentChanges: unknown[] }; create: string[]; skip: string[] };
  assert.deepEqual(result.skip, ['README.md']);
  assert.ok(result.create.includes('Docs/Project/Charter.md'));
  const creations = result.edit.documentChanges.filter((c) => CreateFile.is(c as CreateFile)) as CreateFile[];
  assert.equal(creations.length, result.create.length);
  assert.ok(creations.every((c) => c.options?.ignoreIfExists === true && c.options?.overwrite !== true));
  assert.ok(!creations.some((c) => c.uri.endsWith('/existing/README.md')));
  const edited = result.edit.documentChanges.filter((c) => TextDocumentEdit.is(c as TextDocumentEdit)) as TextDocumentEdit[];
  const created = new Set(creations.map((c) => c.uri));
  assert.ok(edited.every((e) => created.has(e.textDocument.uri)), 'text goes only into files the edit creates');
  assert.equal(fs.existsSync(path.join(root, 'existing/Docs')), false, 'nothing is written without apply');
});

test('with apply, the server asks the editor to apply the edit', async () => {
  const target = fileUri(path.join(root, 'existing'));
  const result = (await scaffold({ target, name: 'Churn', without: ['ci'], apply: true })) as { applied: boolean };
  assert.equal(result.applied, true);
  assert.match(fs.readFileSync(path.join(root, 'existing/Docs/Project/Charter.md'), 'utf8'), /^# Project charter: Churn/);
  assert.equal(fs.readFileSync(path.join(root, 'existing/README.md'), 'utf8'), 'our own readme\n');
  assert.equal(fs.existsSync(path.join(root, 'existing/.github/workflows/ci.yml')), false);
});

test('wrong scaffold arguments are an error the editor can show', async () => {
  await assert.rejects(scaffold({ target: 'not a uri' }), /scaffold needs/);
  await assert.rejects(scaffold({ target: fileUri(root), without: ['everything'] }), /unknown parts everything/);
});

test('the report command scores the project from its findings', async () => {
  const result = (await client.connection.sendRequest(ExecuteCommandRequest.type, { command: 'ml-hygiene.server.report', arguments: [fileUri(root)] })) as {
    root: string;
    report: { overall: number; practices: { practice: string }[]; topFindings: { code: string }[] };
  };
  assert.equal(result.root, fileUri(root));
  assert.equal(result.report.practices.length, 10);
  assert.ok(result.report.overall < 100);
  assert.ok(result.report.topFindings.some((f) => f.code === 'MLH106'));
});
