// workspace/executeCommand: the TDSP scaffold as a workspace edit of file creations (so any LSP
// editor can offer it) and the project's hygiene report.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, test } from 'node:test';
import { ApplyWorkspaceEditParams, ApplyWorkspaceEditRequest, CreateFile, ErrorCodes, ExecuteCommandRequest, TextDocumentEdit } from 'vscode-languageserver/node';
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

/** The error a command answers with: its code and message. */
async function refusal(request: Promise<unknown>): Promise<{ code: number; message: string }> {
  try {
    await request;
  } catch (e) {
    const { code, message } = e as { code: number; message: string };
    return { code, message };
  }
  assert.fail('the command was not refused');
}

test('wrong scaffold arguments are InvalidParams errors that name the argument', async () => {
  const cases: [unknown, RegExp][] = [
    [undefined, /^arguments\[0\]: must be an object/],
    [null, /^arguments\[0\]: must be an object/],
    ['file:///tmp', /^arguments\[0\]: must be an object/],
    [{ target: 'not a uri' }, /^target: must be a file URI of a folder/],
    [{ target: fileUri(root), name: 42 }, /^name: must be a string/],
    [{ target: fileUri(root), without: 'ci' }, /^without: must be a list of part names/],
    [{ target: fileUri(root), without: ['everything'] }, /^without: unknown parts everything/],
    [{ target: fileUri(root), apply: 'yes' }, /^apply: must be true or false/],
    [{ target: fileUri(path.join(root, 'churn')), name: 'Customer-churn-'.repeat(20) }, /^name: the project name has 300 characters; at most 100 are allowed/],
  ];
  for (const [args, message] of cases) {
    const { code, message: text } = await refusal(client.connection.sendRequest(ExecuteCommandRequest.type, { command: 'ml-hygiene.server.scaffoldTdsp', arguments: args === undefined ? [] : [args] }));
    assert.equal(code, ErrorCodes.InvalidParams, `${JSON.stringify(args)}: ${text}`);
    assert.match(text, message);
  }
  assert.equal(fs.existsSync(path.join(root, 'churn')), false);
});

test('the scaffold works only inside a workspace folder, and never through a link', async () => {
  const outside = makeProject({ 'notes.md': 'outside\n' });
  try {
    fs.symlinkSync(outside, path.join(root, 'linked'), 'dir');
    const hostile = [
      'file:///etc',
      fileUri(outside),
      fileUri(path.join(outside, 'new-project')),
      fileUri(path.join(root, '..')),
      '../',
      fileUri(path.join(root, 'linked')),
      fileUri(path.join(root, 'linked', 'new-project')),
      'untitled:Untitled-1',
      'https://example.com/project',
    ];
    for (const target of hostile) {
      const { code, message } = await refusal(scaffold({ target, apply: true }));
      assert.equal(code, ErrorCodes.InvalidParams, target);
      assert.match(message, /^target: /, target);
    }
    const file = await refusal(scaffold({ target: fileUri(path.join(root, 'train.py')) }));
    assert.match(file.message, /^target: '.*train\.py' is not a folder$/);
    assert.deepEqual(fs.readdirSync(outside), ['notes.md'], 'nothing written outside');

    // Inside: a folder of the target that is a link is listed, and nothing behind it is planned.
    fs.mkdirSync(path.join(root, 'churn'));
    fs.symlinkSync(outside, path.join(root, 'churn', 'Docs'), 'dir');
    const result = (await scaffold({ target: fileUri(path.join(root, 'churn')), name: 'Churn' })) as { create: string[]; blocked: unknown[]; edit: { documentChanges: unknown[] } };
    assert.deepEqual(result.blocked, [{ path: 'Docs', kind: 'link' }]);
    assert.ok(!result.create.some((f) => f.startsWith('Docs/')));
    const creations = result.edit.documentChanges.filter((c) => CreateFile.is(c as CreateFile)) as CreateFile[];
    assert.ok(creations.length > 0 && !creations.some((c) => c.uri.includes('/churn/Docs/')));
  } finally {
    fs.rmSync(path.join(root, 'linked'), { force: true });
    fs.rmSync(path.join(root, 'churn'), { recursive: true, force: true });
    removeProject(outside);
  }
});

test('the report command takes only a folder of the workspace', async () => {
  const report = (args: unknown[]) => client.connection.sendRequest(ExecuteCommandRequest.type, { command: 'ml-hygiene.server.report', arguments: args });
  for (const folder of ['file:///etc', 42, { uri: fileUri(root) }, 'not a uri']) {
    const { code, message } = await refusal(report([folder]));
    assert.equal(code, ErrorCodes.InvalidParams, String(folder));
    assert.match(message, /^arguments\[0\]: /);
  }
});

test('the report command scores the project from its findings', async () => {
  const result = (await client.connection.sendRequest(ExecuteCommandRequest.type, { command: 'ml-hygiene.server.report', arguments: [fileUri(root)] })) as {
    root: string;
    report: { overall: number; practices: { practice: string }[]; fixFirst: { code: string }[] };
  };
  assert.equal(result.root, fileUri(root));
  assert.equal(result.report.practices.length, 10);
  assert.ok(result.report.overall < 100);
  assert.ok(result.report.fixFirst.some((f) => f.code === 'MLH106'));
});
