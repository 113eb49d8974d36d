// The project view and fixing in bulk, as a client with a project view asks for them: the checks by
// practice with their findings, findings about the whole project kept off the files, fix all in a
// file (source.fixAll.mlHygiene), fix all in the project as an edit to confirm, and turning a rule
// off for the project or a folder in the configuration file.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import {
  CodeAction,
  CodeActionRequest,
  Diagnostic,
  DidChangeWatchedFilesNotification,
  DocumentDiagnosticRequest,
  ExecuteCommandRequest,
  FileChangeType,
  TextDocumentEdit,
  WorkspaceDiagnosticRequest,
  WorkspaceEdit,
} from 'vscode-languageserver/node';
import type { ProjectChecks } from '../../server/src/lsp/projectView';
import { fileUri, LspClient, poll, PULL_CAPABILITIES } from '../support/lspClient';
import { makeProject, removeProject } from '../support/project';

// Two NaN comparisons (MLH106, each with a fix) in a module of a sub-folder.
const FEATURES = `import numpy as np
import pandas as pd


def flag_missing(df: pd.DataFrame) -> pd.DataFrame:
    df["income_missing"] = df["income"] == np.nan
    df["age_missing"] = df["age"] == np.nan
    return df
`;

describe('a client with a project view', () => {
  let root: string;
  let client: LspClient;
  const uriOf = (rel: string) => fileUri(path.join(root, rel));
  const pull = async (rel: string): Promise<Diagnostic[]> => {
    const report = await client.connection.sendRequest(DocumentDiagnosticRequest.type, { textDocument: { uri: uriOf(rel) } });
    return report.kind === 'full' ? report.items : [];
  };

  before(async () => {
    root = makeProject({
      'README.md': '# Churn model\n',
      'requirements.txt': 'numpy==1.26.4\npandas==2.2.2\n',
      'churn/features.py': FEATURES,
      '.ml-hygiene.yaml': '# rules for the churn project\nselect: [MLH106, MLH301]  # NaN and CI\n',
    });
    client = LspClient.start();
    await client.initialize(root, PULL_CAPABILITIES, undefined, process.pid, { projectView: true });
  });

  after(async () => {
    await client.stop();
    removeProject(root);
  });

  test('lists the practices with their checks and findings; a finding about the whole project is on no file', async () => {
    const checks = await poll(async () => {
      const answer: ProjectChecks = await client.connection.sendRequest('mlHygiene/projectChecks', { folder: fileUri(root) });
      const all = answer.practices.flatMap((p) => p.checks);
      return all.some((c) => c.code === 'MLH301' && c.findings.length) && all.some((c) => c.code === 'MLH106' && c.findings.length === 2) && answer;
    }, 'both checks failing in the view');
    const p6 = checks.practices.find((p) => p.practice === 'P6')!;
    const noCi = p6.checks.find((c) => c.code === 'MLH301')!;
    assert.equal(noCi.passed, false);
    assert.equal(noCi.findings[0].wholeProject, true);
    assert.ok(noCi.findings[0].fix?.edit.documentChanges?.length, 'the view offers the fix that creates the workflow');
    const nan = checks.practices.flatMap((p) => p.checks).find((c) => c.code === 'MLH106')!;
    assert.deepEqual(nan.findings.map((f) => [f.path, f.range.start.line]), [['churn/features.py', 5], ['churn/features.py', 6]]);
    assert.equal(nan.findings[0].fix?.title, 'Use df["income"].isna()');

    const workspace = await client.connection.sendRequest(WorkspaceDiagnosticRequest.type, { previousResultIds: [] });
    const codes = workspace.items.flatMap((i) => (i.kind === 'full' ? i.items.map((d) => d.code) : []));
    assert.ok(!codes.includes('MLH301'), 'MLH301 is not put on README.md line 1');
  });

  test('source.fixAll.mlHygiene fixes every finding of the file in one edit', async () => {
    await client.open(uriOf('churn/features.py'), FEATURES);
    const diagnostics = await poll(async () => {
      const items = await pull('churn/features.py');
      return items.length === 2 && items;
    }, 'the two findings');
    const actions = (await client.connection.sendRequest(CodeActionRequest.type, {
      textDocument: { uri: uriOf('churn/features.py') },
      range: diagnostics[0].range,
      context: { diagnostics: [], only: ['source.fixAll'] },
    })) as CodeAction[];
    assert.deepEqual(actions.map((a) => a.kind), ['source.fixAll.mlHygiene']);
    const [edit] = actions[0].edit!.documentChanges as TextDocumentEdit[];
    assert.deepEqual(edit.edits.map((e) => e.newText), ['df["income"].isna()', 'df["age"].isna()']);
  });

  test('fix all in the project is one edit whose changes ask to be confirmed', async () => {
    const edit: WorkspaceEdit = await client.connection.sendRequest(ExecuteCommandRequest.type, { command: 'ml-hygiene.server.fixAll', arguments: [fileUri(root)] });
    const [features] = edit.documentChanges as TextDocumentEdit[];
    assert.equal(features.textDocument.uri, uriOf('churn/features.py'));
    assert.equal(features.edits.length, 2);
    assert.deepEqual(edit.changeAnnotations?.MLH106?.needsConfirmation, true);
  });

  test('"Disable for this project" and "for churn/**" edit the configuration and keep its comments', async () => {
    const [diagnostic] = await pull('churn/features.py');
    const actions = (await client.connection.sendRequest(CodeActionRequest.type, {
      textDocument: { uri: uriOf('churn/features.py') },
      range: diagnostic.range,
      context: { diagnostics: [diagnostic] },
    })) as CodeAction[];
    const newConfig = (title: string) => {
      const action = actions.find((a) => a.title === title);
      assert.ok(action, `"${title}" among ${actions.map((a) => a.title).join(', ')}`);
      const [change] = action.edit!.documentChanges as TextDocumentEdit[];
      assert.equal(change.textDocument.uri, uriOf('.ml-hygiene.yaml'));
      return change.edits[0].newText;
    };
    assert.equal(newConfig('Disable MLH106 for this project'), '# rules for the churn project\nselect: [MLH106, MLH301] # NaN and CI\nignore: [MLH106]\n');
    assert.equal(newConfig('Disable MLH106 for churn/**'), '# rules for the churn project\nselect: [MLH106, MLH301] # NaN and CI\nperFileIgnores:\n  churn/**: [MLH106]\n');
    // Once the configuration says so, the folder's findings go.
    fs.writeFileSync(path.join(root, '.ml-hygiene.yaml'), newConfig('Disable MLH106 for churn/**'));
    await client.connection.sendNotification(DidChangeWatchedFilesNotification.type, { changes: [{ uri: uriOf('.ml-hygiene.yaml'), type: FileChangeType.Changed }] });
    await poll(async () => (await pull('churn/features.py')).length === 0, 'the findings under churn/ to go');
  });
});
