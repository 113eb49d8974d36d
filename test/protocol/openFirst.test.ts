// A file opened right after the server starts, in a workspace big enough that its scan takes a
// while: the file's own diagnostics come first, the project findings when the scan ends.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { DocumentDiagnosticReport, DocumentDiagnosticRequest, WorkspaceDiagnosticRequest } from 'vscode-languageserver/node';
import { writeCorpus } from '../bench/corpus';
import { fileUri, LspClient, poll, PULL_CAPABILITIES, PUSH_CAPABILITIES } from '../support/lspClient';
import { makeProject, removeProject } from '../support/project';

// A generated ML repository of this many files is scanned in a worker thread, for seconds.
const CORPUS_FILES = 200;
// The file opened: a feature module with a NaN comparison (MLH106) on line 12. MLH001 and MLH309
// are project rules: their findings land on files never opened.
const OPENED = 'src/features/churn_features_3.py';
const CONFIG = 'select: [MLH106, MLH001, MLH309]\n';

const isScanEnd = (p: unknown) => (p as { value?: { kind?: string } }).value?.kind === 'end';

for (const mode of ['pull', 'push'] as const) {
  describe(`a file opened right after start, by ${mode}`, () => {
    let root: string;
    let client: LspClient;
    /** What happened, in order: `scan end`, `opened file: N findings`, `other file`. */
    const events: string[] = [];
    let uri: string;

    before(async () => {
      root = makeProject({ '.ml-hygiene.yaml': CONFIG });
      writeCorpus(root, CORPUS_FILES);
      uri = fileUri(path.join(root, OPENED));
      client = LspClient.start();
      client.onProgress((p) => isScanEnd(p) && events.push('scan end'));
      client.onPublish((p) => events.push(p.uri === uri ? `opened file: ${p.diagnostics.length} findings` : 'other file'));
      // A push client that shows progress, as Neovim does: the end of the scan is seen.
      await client.initialize(root, mode === 'pull' ? PULL_CAPABILITIES : { ...PUSH_CAPABILITIES, window: { workDoneProgress: true } });
      await client.open(uri, fs.readFileSync(path.join(root, OPENED), 'utf8'));
      if (mode === 'pull') {
        const report: DocumentDiagnosticReport = await client.connection.sendRequest(DocumentDiagnosticRequest.type, { textDocument: { uri } });
        events.push(`opened file: ${report.kind === 'full' ? report.items.length : '?'} findings`);
      }
      await poll(() => events.includes('scan end'), 'the end of the scan', 60000);
    });

    after(async () => {
      await client.stop();
      removeProject(root);
    });

    test("the opened file's diagnostics arrive before the scan ends", () => {
      const first = events.findIndex((e) => e.startsWith('opened file'));
      assert.ok(first >= 0 && first < events.indexOf('scan end'), events.join(', '));
      assert.equal(events[first], 'opened file: 1 findings');
    });

    test('project findings arrive after the scan', async () => {
      const projectFindings = async () => {
        if (mode === 'push') return [...client.pushed.values()].flat().filter((d) => d.code === 'MLH001' || d.code === 'MLH309');
        const report = await client.connection.sendRequest(WorkspaceDiagnosticRequest.type, { previousResultIds: [] });
        return report.items.flatMap((item) => (item.kind === 'full' ? item.items : [])).filter((d) => d.code === 'MLH001' || d.code === 'MLH309');
      };
      const found = await poll(async () => ((await projectFindings()).length > 0 ? await projectFindings() : undefined), 'project findings');
      assert.deepEqual([...new Set(found.map((d) => d.code))].sort(), ['MLH001', 'MLH309']);
      if (mode === 'pull') assert.ok(client.refreshRequests > 0, 'the client is asked to pull again when the scan ends');
      else assert.ok(events.indexOf('other file') > events.indexOf('scan end'), events.join(', '));
    });

    test('the opened file is never shown without its finding', () => {
      assert.ok(!events.includes('opened file: 0 findings'), events.join(', '));
    });
  });
}
