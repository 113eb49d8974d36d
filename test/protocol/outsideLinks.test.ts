// The language server reads nothing outside its workspace folder: links that lead out of it are
// skipped with a logged notice, and no diagnostic, report or message quotes what they lead to; a file
// that becomes such a link after the scan is not read either.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, test } from 'node:test';
import {
  DidChangeWatchedFilesNotification,
  DidOpenNotebookDocumentNotification,
  ExecuteCommandRequest,
  FileChangeType,
  NotebookCellKind,
  WorkspaceDiagnosticRequest,
} from 'vscode-languageserver/node';
import { fileUri, LspClient, poll, PULL_CAPABILITIES } from '../support/lspClient';
import { OUTSIDE_MARKER, removeProject, writeFiles, writeOutsideLinksProject } from '../support/project';

const CELL = 'import pandas as pd\ncustomers = pd.read_csv("data/customers.csv")\ncustomers.head()\n';
/** A notebook whose saved output shows a customer's email address (MLH702 reports it). */
const NOTEBOOK = JSON.stringify({
  cells: [
    {
      cell_type: 'code',
      execution_count: 1,
      metadata: {},
      outputs: [{ output_type: 'stream', name: 'stdout', text: [`1  Maria Keller  maria.keller@gmx.de  ${OUTSIDE_MARKER}\n`] }],
      source: CELL.split(/(?<=\n)/),
    },
  ],
  metadata: {},
  nbformat: 4,
  nbformat_minor: 5,
});

let base: string;
let root: string;
let links: string[];
let client: LspClient;

before(async () => {
  base = fs.mkdtempSync(path.join(os.tmpdir(), 'mlh-links-'));
  ({ root, links } = writeOutsideLinksProject(base));
  writeFiles(root, { 'requirements-dev.txt': 'pytest==8.3.3\n' });
  writeFiles(path.join(base, 'outside'), { 'explore.ipynb': NOTEBOOK });
  fs.symlinkSync('../outside/explore.ipynb', path.join(root, 'explore.ipynb'));
  client = LspClient.start();
  // MLH702 (personal data in outputs) is opt-in: the user's setting turns it on.
  client.settings = { extendSelect: ['MLH702'] };
  await client.initialize(root, PULL_CAPABILITIES);
});

after(async () => {
  await client.stop();
  removeProject(base);
});

async function openNotebook(rel: string): Promise<void> {
  const uri = fileUri(path.join(root, rel));
  const cell = `${uri.replace(/^file:/, 'vscode-notebook-cell:')}#cell0`;
  await client.connection.sendNotification(DidOpenNotebookDocumentNotification.type, {
    notebookDocument: { uri, notebookType: 'jupyter-notebook', version: 1, cells: [{ kind: NotebookCellKind.Code, document: cell, executionSummary: { executionOrder: 1 } }] },
    cellTextDocuments: [{ uri: cell, languageId: 'python', version: 1, text: CELL }],
  });
}

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

test('an open notebook that is a link out of the folder: its saved outputs are not read', async () => {
  // The same notebook inside, written after the scan: what the rules know of it comes from the
  // editor's cells and the saved outputs, as for the link, in the same refresh of the project.
  writeFiles(root, { 'inside.ipynb': NOTEBOOK });
  await openNotebook('explore.ipynb');
  await openNotebook('inside.ipynb');
  // An open notebook's findings land on its cells.
  const cellCodes = async (rel: string) => {
    const report = await client.connection.sendRequest(WorkspaceDiagnosticRequest.type, { previousResultIds: [] });
    const cell = `${fileUri(path.join(root, rel)).replace(/^file:/, 'vscode-notebook-cell:')}#cell0`;
    return report.items.flatMap((i) => (i.kind === 'full' && i.uri === cell ? i.items.map((d) => d.code) : []));
  };
  await poll(async () => (await cellCodes('inside.ipynb')).includes('MLH702'), 'the email in the saved outputs of the notebook inside to be found');
  assert.ok(!(await cellCodes('explore.ipynb')).includes('MLH702'), 'the outputs of the notebook outside are not read');
  assert.ok(!(await everythingSaid()).includes(OUTSIDE_MARKER));
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
