// A trap of tree-sitter's wasm runtime leaves it broken for the rest of its thread. In a scan's
// worker thread, the thread is replaced and only the file being parsed is lost. In the server's own
// thread, which holds the open documents, the document being parsed gets the notice, the client is
// told its text, and the server exits for a fresh one, which (told that text, as VS Code's client
// does) does not parse it again: reopening it gives the notice, not a crash loop.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { Diagnostic, DocumentDiagnosticReport, DocumentDiagnosticRequest, WorkspaceDiagnosticRequest } from 'vscode-languageserver/node';
import { PARSER_FAILED_NOTICE } from '../../server/src/engine/python/parserFailure';
import { PARSER_FAILED_EXIT_CODE, PARSER_FAILED_NOTIFICATION, ParserFailedParams } from '../../server/src/lsp/parserRestart';
import * as path from 'node:path';
import { fileUri, LspClient, poll, PULL_CAPABILITIES } from '../support/lspClient';
import { parserTrapEnv, TRAP_COMMENT } from '../support/parserTrap';
import { makeProject, removeProject } from '../support/project';

/** A preprocessing step with one MLH106 finding (a comparison with NaN). */
function step(column: string, comment = ''): string {
  return `import numpy as np
import pandas as pd
${comment}

def fill_${column}(frame: pd.DataFrame) -> pd.DataFrame:
    values = frame["${column}"]
    frame["${column}"] = np.where(values == np.nan, values.median(), values)
    return frame
`;
}

const TRAPPED = 'preprocessing/normalize.py';
const TRAPPED_TEXT = step('income', TRAP_COMMENT);
const FILES = {
  'requirements.txt': 'numpy==1.26.4\npandas==2.2.2\n',
  'preprocessing/impute.py': step('age'),
  [TRAPPED]: TRAPPED_TEXT,
  'preprocessing/scale.py': step('balance'),
};

const nanFindings = (items: Diagnostic[] | undefined) => (items ?? []).filter((d) => d.code === 'MLH106').length;
const itemsOf = (report: DocumentDiagnosticReport) => (report.kind === 'full' ? report.items : []);

describe('a parser trap in the language server', () => {
  let root: string;
  const uriOf = (rel: string) => fileUri(path.join(root, rel));
  const notice = (logs: string[]) => logs.some((l) => l.includes(path.join(root, TRAPPED)) && l.includes(PARSER_FAILED_NOTICE));

  before(() => (root = makeProject(FILES)));
  after(() => removeProject(root));

  test('in a scan, only the file being parsed is lost, and the server goes on', async () => {
    const client = LspClient.start(undefined, parserTrapEnv());
    try {
      await client.initialize(root, PULL_CAPABILITIES);
      const report = await client.connection.sendRequest(WorkspaceDiagnosticRequest.type, { previousResultIds: [] });
      const byUri = new Map(report.items.map((i) => [i.uri, i.kind === 'full' ? i.items : []]));
      assert.equal(nanFindings(byUri.get(uriOf('preprocessing/impute.py'))), 1);
      assert.equal(nanFindings(byUri.get(uriOf('preprocessing/scale.py'))), 1, 'the file after the trap is analysed');
      assert.equal(nanFindings(byUri.get(uriOf(TRAPPED))), 0);
      assert.ok(notice(client.logs), 'the trapped file is noted');
      assert.ok(client.alive);
    } finally {
      await client.stop();
    }
  });

  test('on an open document, it gets the notice, and a fresh server does not parse it again', async () => {
    const first = LspClient.start(undefined, parserTrapEnv());
    const failed: string[] = [];
    first.connection.onNotification(PARSER_FAILED_NOTIFICATION, (params: ParserFailedParams) => failed.push(params.textHash));
    await first.initialize(root, PULL_CAPABILITIES);
    await first.open(uriOf(TRAPPED), TRAPPED_TEXT);
    const status = await poll(() => first.process.exitCode ?? undefined, 'the server to exit');
    first.connection.dispose();
    assert.equal(status, PARSER_FAILED_EXIT_CODE);
    assert.equal(failed.length, 1, 'the client is told the text');
    assert.ok(notice(first.logs), 'the document is noted');

    // What the editor does: start a fresh server, told the texts, and open the documents again.
    const second = LspClient.start(undefined, parserTrapEnv());
    try {
      await second.initialize(root, PULL_CAPABILITIES, undefined, process.pid, { parserFailedOn: failed });
      await second.open(uriOf(TRAPPED), TRAPPED_TEXT);
      await second.open(uriOf('preprocessing/scale.py'), step('balance'));
      const trapped = await second.connection.sendRequest(DocumentDiagnosticRequest.type, { textDocument: { uri: uriOf(TRAPPED) } });
      const scale = await second.connection.sendRequest(DocumentDiagnosticRequest.type, { textDocument: { uri: uriOf('preprocessing/scale.py') } });
      assert.deepEqual(itemsOf(trapped), []);
      assert.equal(nanFindings(itemsOf(scale)), 1, 'the other documents are analysed');
      await poll(() => notice(second.logs), 'the notice of the document');
      assert.ok(second.alive, 'reopening the document does not end the fresh server');
    } finally {
      await second.stop();
    }
  });
});
