// Notebooks: open ones are synced cell by cell (notebookDocument/sync) and their findings land on
// the cells; notebooks that are not open are reported on the .ipynb file.
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import {
  CodeAction,
  CodeActionRequest,
  Diagnostic,
  DidChangeNotebookDocumentNotification,
  DidOpenNotebookDocumentNotification,
  DocumentDiagnosticRequest,
  HoverRequest,
  MarkupContent,
  NotebookCellKind,
  WorkspaceDiagnosticRequest,
} from 'vscode-languageserver/node';
import { fileUri, LspClient, poll, PULL_CAPABILITIES } from '../support/lspClient';
import { makeProject, removeProject } from '../support/project';

const CODE_CELL = 'import numpy as np\nx = 1.0\nprint(x == np.nan)\n';

function notebookJson(): string {
  return JSON.stringify(
    {
      cells: [
        { cell_type: 'markdown', metadata: {}, source: ['# Exploration\n'] },
        { cell_type: 'code', execution_count: 1, metadata: {}, outputs: [], source: CODE_CELL.split(/(?<=\n)/) },
      ],
      metadata: {},
      nbformat: 4,
      nbformat_minor: 5,
    },
    null,
    1,
  );
}

describe('notebooks', () => {
  let root: string;
  let client: LspClient;
  const uriOf = (rel: string) => fileUri(path.join(root, rel));

  before(async () => {
    root = makeProject({ 'closed.ipynb': notebookJson(), 'open.ipynb': notebookJson(), '.ml-hygiene.yaml': 'select: [MLH106]\n' });
    client = LspClient.start();
    await client.initialize(root, PULL_CAPABILITIES);
  });

  after(async () => {
    await client.stop();
    removeProject(root);
  });

  test('a notebook that is not open is reported on the .ipynb file, at the cell source in the JSON', async () => {
    const report = await client.connection.sendRequest(WorkspaceDiagnosticRequest.type, { previousResultIds: [] });
    const closed = report.items.find((i) => i.uri === uriOf('closed.ipynb'));
    assert.ok(closed && closed.kind === 'full');
    assert.deepEqual(closed.items.map((d) => d.code), ['MLH106']);
    const line = notebookJson().split('\n')[closed.items[0].range.start.line];
    assert.match(line, /print\(x == np\.nan\)/);
  });

  test('an open notebook is analysed from its cells; findings land on the cell, and follow its edits', async () => {
    const notebookUri = uriOf('open.ipynb');
    const markdownCell = `${notebookUri.replace(/^file:/, 'vscode-notebook-cell:')}#cell0`;
    const codeCell = `${notebookUri.replace(/^file:/, 'vscode-notebook-cell:')}#cell1`;
    await client.connection.sendNotification(DidOpenNotebookDocumentNotification.type, {
      notebookDocument: {
        uri: notebookUri,
        notebookType: 'jupyter-notebook',
        version: 1,
        cells: [
          { kind: NotebookCellKind.Markup, document: markdownCell },
          { kind: NotebookCellKind.Code, document: codeCell, executionSummary: { executionOrder: 1 } },
        ],
      },
      cellTextDocuments: [
        { uri: markdownCell, languageId: 'markdown', version: 1, text: '# Exploration\n' },
        { uri: codeCell, languageId: 'python', version: 1, text: CODE_CELL },
      ],
    });
    const pull = async (uri: string): Promise<Diagnostic[]> => {
      const report = await client.connection.sendRequest(DocumentDiagnosticRequest.type, { textDocument: { uri } });
      return report.kind === 'full' ? report.items : [];
    };
    const [finding] = await pull(codeCell);
    assert.equal(finding?.code, 'MLH106');
    assert.deepEqual(finding.range, { start: { line: 2, character: 6 }, end: { line: 2, character: 17 } });
    assert.deepEqual(await pull(markdownCell), []);

    const hover = await client.connection.sendRequest(HoverRequest.type, { textDocument: { uri: codeCell }, position: { line: 2, character: 8 } });
    assert.match((hover?.contents as MarkupContent).value, /Practice/);
    assert.match((hover?.contents as MarkupContent).value, /\*File role:\* exploration/);
    const actions = (await client.connection.sendRequest(CodeActionRequest.type, {
      textDocument: { uri: codeCell },
      range: finding.range,
      context: { diagnostics: [finding] },
    })) as CodeAction[];
    assert.deepEqual(actions.map((a) => a.title), ['Use np.isnan(x)', 'Ignore MLH106 for this line', 'Ignore MLH106 in this file', 'Show documentation for MLH106']);

    await client.connection.sendNotification(DidChangeNotebookDocumentNotification.type, {
      notebookDocument: { uri: notebookUri, version: 2 },
      change: { cells: { textContent: [{ document: { uri: codeCell, version: 2 }, changes: [{ range: finding.range, text: 'np.isnan(x)' }] }] } },
    });
    await poll(async () => (await pull(codeCell)).length === 0, 'the cell finding to go');
  });
});
