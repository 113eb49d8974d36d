// The workspace scan keeps the command line's cache (`mlHygiene.cache`, on by default): a second start
// takes the unchanged files from the cache the first wrote and shows what the first did, a file
// changed meanwhile is analysed again, a folder the command line checked is scanned from its cache,
// and with the setting off the scan writes nothing into the folder.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterEach, beforeEach, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { Diagnostic, WorkspaceDiagnosticRequest } from 'vscode-languageserver/node';
import { CACHE_FOLDER } from '../../server/src/engine/workspace';
import { runCli } from '../support/cli';
import { LspClient, PULL_CAPABILITIES } from '../support/lspClient';
import { CLEAN_MODULE, makeProject, NAN_MODULE, removeProject, writeFiles } from '../support/project';

const PROJECT = {
  'requirements.txt': 'numpy==1.26.4\n',
  'churn/clean.py': NAN_MODULE,
  'train.py': 'from churn.clean import clean\n\nprint(clean(0.5))\n',
};

let root: string;
beforeEach(() => {
  root = makeProject(PROJECT);
});
afterEach(() => removeProject(root));

/** A server started on the folder, until its scan is done: what its log says of the scan, and the
 *  findings of the workspace (file and line, rule). */
async function scanned(settings?: unknown): Promise<{ scan: string; findings: string[] }> {
  const client = LspClient.start();
  try {
    if (settings) client.settings = settings;
    await client.initialize(root, PULL_CAPABILITIES);
    const report = await client.connection.sendRequest(WorkspaceDiagnosticRequest.type, { previousResultIds: [] });
    const findings = report.items.flatMap((item) =>
      item.kind === 'full' ? item.items.map((d: Diagnostic) => `${path.relative(root, fileURLToPath(item.uri))}:${d.range.start.line + 1} ${d.code}`) : [],
    );
    return { scan: client.logs.find((line) => line.startsWith('Scanned ')) ?? '', findings: findings.sort() };
  } finally {
    await client.stop();
  }
}

test('a second start takes the unchanged files from the cache the first wrote, and shows the same findings', async () => {
  const first = await scanned();
  assert.deepEqual(first.findings, ['churn/clean.py:4 MLH106']);
  assert.match(first.scan, /: 3 files, 1 findings/);
  assert.equal(fs.readdirSync(path.join(root, CACHE_FOLDER)).filter((name) => name.endsWith('.json')).length, 1);

  const second = await scanned();
  assert.match(second.scan, /: 3 files \(3 from the cache\), 1 findings/);
  assert.deepEqual(second.findings, first.findings);

  writeFiles(root, { 'churn/clean.py': CLEAN_MODULE });
  const afterEdit = await scanned();
  assert.match(afterEdit.scan, /: 3 files \(2 from the cache\), 0 findings/);
  assert.deepEqual(afterEdit.findings, []);
});

test('a folder the command line checked is scanned from the cache the command line wrote', async () => {
  assert.equal(runCli(['check'], root).status, 1);
  const { scan, findings } = await scanned();
  assert.match(scan, /: 3 files \(3 from the cache\), 1 findings/);
  assert.deepEqual(findings, ['churn/clean.py:4 MLH106']);
});

test('with mlHygiene.cache false, the scan neither reads the cache nor writes into the folder', async () => {
  const { scan, findings } = await scanned({ cache: false });
  assert.match(scan, /: 3 files, 1 findings/);
  assert.deepEqual(findings, ['churn/clean.py:4 MLH106']);
  assert.equal(fs.existsSync(path.join(root, CACHE_FOLDER)), false);

  assert.equal(runCli(['check'], root).status, 1);
  assert.match((await scanned({ cache: false })).scan, /: 3 files, 1 findings/);
});
