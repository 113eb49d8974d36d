// A keystroke gathers only the facts its own rules read; the other facts of the document are
// gathered once typing pauses, before the project rules run. Either way the findings are those of
// the text as it is.
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { Diagnostic, DocumentDiagnosticReport, DocumentDiagnosticRequest } from 'vscode-languageserver/node';
import { fileUri, LspClient, poll, PULL_CAPABILITIES } from '../support/lspClient';
import { makeProject, removeProject } from '../support/project';

// Deterministic algorithms asked for, then not: only that fact (a costly one) differs between the
// two texts, and the project rule MLH405 reads it.
const TRAIN = `"""Trains the digit classifier."""
import torch
from torch import nn

torch.manual_seed(0)
torch.use_deterministic_algorithms(True)

model = nn.Linear(64, 10)
optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
for epoch in range(3):
    loss = model(torch.randn(32, 64)).sum()
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()
`;
const SWITCH_LINE = 5;
const SWITCH = 'torch.use_deterministic_algorithms('.length;

// The schema check commented out, then in: the file rule MLH101 reads whether its own module
// validates the data (a costly fact) on the keystroke.
const LOAD = `"""Loads the weekly sales for the demand model."""
import pandas as pd

sales = pd.read_csv("data/processed/sales.csv")
# assert "units" in sales.columns
`;
const CHECK_LINE = 4;

// A module that reads data, validated in a module it imports: whether that one validates is a
// costly fact of the other document.
const INGEST = `"""Reads the raw orders; checks.py validates them."""
import pandas as pd

import checks

orders = pd.read_csv("data/raw/orders.csv")
`;
const CHECKS = `"""Schema checks of the orders."""
# import pandera as pa
`;

const at = (line: number, start: number, end = start) => ({ start: { line, character: start }, end: { line, character: end } });

async function codes(client: LspClient, uri: string): Promise<string[]> {
  const report = (await client.connection.sendRequest(DocumentDiagnosticRequest.type, { textDocument: { uri } })) as DocumentDiagnosticReport;
  return report.kind === 'full' ? report.items.map((d: Diagnostic) => String(d.code)) : [];
}

describe('the costly facts of an open document', () => {
  let root: string;
  let client: LspClient;
  const uriOf = (file: string) => fileUri(path.join(root, file));

  before(async () => {
    root = makeProject({ 'train.py': TRAIN, 'load.py': LOAD, 'ingest.py': INGEST, 'checks.py': CHECKS, '.ml-hygiene.yaml': 'select: [MLH405, MLH101]\n' });
    client = LspClient.start();
    const scanned = new Promise<void>((resolve) => client.onProgress((p) => (p as { value?: { kind?: string } }).value?.kind === 'end' && resolve()));
    await client.initialize(root, PULL_CAPABILITIES);
    await scanned;
  });

  after(async () => {
    await client.stop();
    removeProject(root);
  });

  test('a keystroke that changes only a costly fact brings the project finding that reads it, and takes it away, once typing pauses', async () => {
    const uri = uriOf('train.py');
    await client.open(uri, TRAIN);
    assert.deepEqual(await codes(client, uri), []);
    await client.change(uri, [{ range: at(SWITCH_LINE, SWITCH, SWITCH + 'True'.length), text: 'False' }]);
    await poll(async () => (await codes(client, uri)).includes('MLH405'), 'the project finding of training without deterministic algorithms');
    await client.change(uri, [{ range: at(SWITCH_LINE, SWITCH, SWITCH + 'False'.length), text: 'True' }]);
    await poll(async () => (await codes(client, uri)).length === 0, 'the project finding to go');
  });

  test("a file rule that reads its own document's costly fact reads it fresh on the keystroke", async () => {
    const uri = uriOf('load.py');
    await client.open(uri, LOAD);
    assert.deepEqual(await codes(client, uri), ['MLH101']);
    await client.change(uri, [{ range: at(CHECK_LINE, 0, 2), text: '' }]);
    assert.deepEqual(await codes(client, uri), [], 'the assert on the columns validates the data');
    await client.change(uri, [{ range: at(CHECK_LINE, 0), text: '# ' }]);
    assert.deepEqual(await codes(client, uri), ['MLH101']);
  });

  test('after edits in two documents within one pause, each reads the other as it is now', async () => {
    const ingest = uriOf('ingest.py');
    const checks = uriOf('checks.py');
    await client.open(ingest, INGEST);
    await client.open(checks, CHECKS);
    assert.deepEqual(await codes(client, ingest), ['MLH101']);
    // The data reader is edited first, then the module it imports starts validating the data.
    await client.change(ingest, [{ range: at(5, 0), text: '# Orders of the last week only.\n' }]);
    await client.change(checks, [{ range: at(1, 0, 2), text: '' }]);
    await poll(async () => (await codes(client, ingest)).length === 0, 'the reader to count as validated by the module it imports');
  });
});
