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

// Saved with the third cell run again last: its count is above the fourth cell's.
const REORDERED = JSON.stringify({
  cells: [
    { cell_type: 'code', execution_count: 1, metadata: {}, outputs: [], source: ['import pandas as pd\n'] },
    { cell_type: 'code', execution_count: 2, metadata: {}, outputs: [], source: ['sales = pd.read_csv("data/sales.csv")\n'] },
    { cell_type: 'code', execution_count: 9, metadata: {}, outputs: [], source: ['sales = sales.dropna()\n'] },
    { cell_type: 'code', execution_count: 3, metadata: {}, outputs: [], source: ['sales.describe()\n'] },
  ],
  metadata: {},
  nbformat: 4,
  nbformat_minor: 5,
});

describe('notebooks', () => {
  let root: string;
  let client: LspClient;
  const uriOf = (rel: string) => fileUri(path.join(root, rel));

  before(async () => {
    root = makeProject({
      'closed.ipynb': notebookJson(),
      'open.ipynb': notebookJson(),
      'reordered.ipynb': REORDERED,
      '.ml-hygiene.yaml': 'select: [MLH106, MLH801]\n',
    });
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
    assert.match((hover?.contents as MarkupContent).value, /^\*\*MLH106\*\* nan-equality/);
    assert.match((hover?.contents as MarkupContent).value, /\*P4 No AI without IA/);
    const actions = (await client.connection.sendRequest(CodeActionRequest.type, {
      textDocument: { uri: codeCell },
      range: finding.range,
      context: { diagnostics: [finding] },
    })) as CodeAction[];
    assert.deepEqual(actions.map((a) => a.title), ['Use np.isnan(x)', 'Ignore MLH106 for this line', 'Ignore MLH106 in this file', 'Disable MLH106 for this project', 'Show documentation for MLH106']);

    await client.connection.sendNotification(DidChangeNotebookDocumentNotification.type, {
      notebookDocument: { uri: notebookUri, version: 2 },
      change: { cells: { textContent: [{ document: { uri: codeCell, version: 2 }, changes: [{ range: finding.range, text: 'np.isnan(x)' }] }] } },
    });
    await poll(async () => (await pull(codeCell)).length === 0, 'the cell finding to go');
  });

  test('an open notebook keeps the execution counts of its saved file, which the client does not send for cells not run', async () => {
    const notebookUri = uriOf('reordered.ipynb');
    const cellUri = (i: number) => `${notebookUri.replace(/^file:/, 'vscode-notebook-cell:')}#cell${i}`;
    const sources = (JSON.parse(REORDERED) as { cells: { source: string[] }[] }).cells.map((c) => c.source.join(''));
    await client.connection.sendNotification(DidOpenNotebookDocumentNotification.type, {
      notebookDocument: {
        uri: notebookUri,
        notebookType: 'jupyter-notebook',
        version: 1,
        // As VS Code's client sends a notebook just opened: no executionSummary.
        cells: sources.map((_, i) => ({ kind: NotebookCellKind.Code, document: cellUri(i) })),
      },
      cellTextDocuments: sources.map((text, i) => ({ uri: cellUri(i), languageId: 'python', version: 1, text })),
    });
    const report = await client.connection.sendRequest(DocumentDiagnosticRequest.type, { textDocument: { uri: cellUri(3) } });
    assert.deepEqual(report.kind === 'full' ? report.items.map((d) => d.code) : [], ['MLH801']);
  });
});
