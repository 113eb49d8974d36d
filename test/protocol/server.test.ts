// The built language server over stdio, driven as an editor drives it.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import {
  CodeAction,
  CodeActionRequest,
  Diagnostic,
  DidChangeConfigurationNotification,
  DidChangeWatchedFilesNotification,
  DidChangeWorkspaceFoldersNotification,
  DidSaveTextDocumentNotification,
  DocumentDiagnosticReport,
  DocumentDiagnosticRequest,
  FileChangeType,
  HoverRequest,
  MarkupContent,
  TextDocumentContentChangeEvent,
  TextDocumentEdit,
  TextEdit,
  WorkspaceDiagnosticRequest,
} from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { fileUri, LspClient, poll, PULL_CAPABILITIES, PUSH_CAPABILITIES } from '../support/lspClient';
import { makeProject, removeProject } from '../support/project';

const TRAIN = `import numpy as np
import pandas as pd

df = pd.read_csv("data/train.csv")
missing = df[df["income"] == np.nan]
print(len(missing))
`;

// Never opened in these tests: its finding must come from the workspace scan.
const FEATURES = `import numpy as np


def is_missing(value):
    return value == np.nan
`;

// Only MLH106 runs, so that rules added to the registry do not change what these tests see.
const PROJECT = { 'train.py': TRAIN, 'features.py': FEATURES, 'README.md': '# Churn model\n', '.ml-hygiene.yaml': 'select: [MLH106]\n' };

async function pull(client: LspClient, uri: string): Promise<Diagnostic[]> {
  const report: DocumentDiagnosticReport = await client.connection.sendRequest(DocumentDiagnosticRequest.type, { textDocument: { uri } });
  assert.equal(report.kind, 'full');
  return report.kind === 'full' ? report.items : [];
}

async function workspaceFindings(client: LspClient): Promise<Map<string, Diagnostic[]>> {
  const report = await client.connection.sendRequest(WorkspaceDiagnosticRequest.type, { previousResultIds: [] });
  return new Map(report.items.flatMap((item) => (item.kind === 'full' ? [[item.uri, item.items] as [string, Diagnostic[]]] : [])));
}

/** Diagnostics as the user sees them (the resultId-free part). */
function shown(diagnostics: Diagnostic[]): string[] {
  return diagnostics.map((d) => `${d.range.start.line}:${d.range.start.character}-${d.range.end.line}:${d.range.end.character} ${d.code} ${d.message}`);
}

function textEditsOf(action: CodeAction, uri: string): TextEdit[] {
  const changes = action.edit?.documentChanges ?? [];
  return changes.flatMap((c) => (TextDocumentEdit.is(c) && c.textDocument.uri === uri ? c.edits : []));
}

describe('language server with pull diagnostics', () => {
  let root: string;
  let client: LspClient;
  const uriOf = (rel: string) => fileUri(path.join(root, rel));

  before(async () => {
    root = makeProject(PROJECT);
    client = LspClient.start();
    await client.initialize(root, PULL_CAPABILITIES);
  });

  after(async () => {
    await client.stop();
    removeProject(root);
  });

  test('workspace diagnostics report a file that was never opened', async () => {
    const features = (await workspaceFindings(client)).get(uriOf('features.py'));
    assert.ok(features, 'features.py is in the workspace report');
    assert.deepEqual(
      features.map((d) => [d.code, d.source, d.codeDescription?.href, d.range.start.line]),
      [['MLH106', 'ml-hygiene', 'ml-hygiene-docs:/rules/MLH106.md', 4]],
    );
  });

  test('the first scan reports progress and file watchers are registered', () => {
    const values = client.progress.map((p) => (p as { value: { kind: string; title?: string; message?: string } }).value);
    assert.ok(values.some((v) => v.kind === 'begin' && v.title === 'ML Hygiene'), JSON.stringify(values));
    assert.ok(values.some((v) => v.kind === 'report' && /^scanning \d+ files$/.test(v.message ?? '')), JSON.stringify(values));
    assert.ok(values.some((v) => v.kind === 'end'));
    assert.ok(client.registrations.some((r) => r.method === 'workspace/didChangeWatchedFiles'));
  });

  test('an open document is diagnosed from the editor text, with code, documentation link and source', async () => {
    const uri = uriOf('train.py');
    // The editor's text differs from the disk: the finding moves one line down.
    await client.open(uri, '# edited, not saved\n' + TRAIN);
    const diagnostics = await pull(client, uri);
    assert.equal(diagnostics.length, 1);
    const [d] = diagnostics;
    assert.equal(d.code, 'MLH106');
    assert.equal(d.source, 'ml-hygiene');
    assert.equal(d.codeDescription?.href, 'ml-hygiene-docs:/rules/MLH106.md');
    assert.equal(d.severity, 1);
    assert.deepEqual(d.range, { start: { line: 5, character: 13 }, end: { line: 5, character: 35 } });
    assert.ok((d.data as { fix?: unknown }).fix, 'the fix travels with the diagnostic');
  });

  test('hover: per finding the rule, the message once, the practice with why it matters, the fix in one line', async () => {
    const hover = await client.connection.sendRequest(HoverRequest.type, { textDocument: { uri: uriOf('train.py') }, position: { line: 5, character: 20 } });
    const value = (hover?.contents as MarkupContent).value;
    const lines = value.split('\n').filter((line) => line.trim() !== '');
    assert.deepEqual(lines, [
      '**MLH106** nan-equality · `ml-hygiene explain MLH106`',
      'Comparison with np.nan is always False; use isna()/np.isnan() to test for missing values',
      '*P4 No AI without IA (information architecture):* NaN is not equal to anything, itself included: `x == np.nan` is always `False` and `x != np.nan` always `True`.',
      '**Fix:** Use the missing-value tests: `Series.isna()` / `notna()` for pandas data, `np.isnan(x)` for NumPy arrays, `math.isnan(x)` for floats.',
    ]);
    const outside = await client.connection.sendRequest(HoverRequest.type, { textDocument: { uri: uriOf('train.py') }, position: { line: 1, character: 3 } });
    assert.equal(outside, null);
  });

  test('hover: several findings on one spot are compact sections between rules', async () => {
    const uri = uriOf('nested.py');
    await client.open(uri, 'import numpy as np\n\n\ndef twice(x):\n    return (x == np.nan) == np.nan\n');
    await pull(client, uri);
    const hover = await client.connection.sendRequest(HoverRequest.type, { textDocument: { uri }, position: { line: 4, character: 13 } });
    const sections = (hover?.contents as MarkupContent).value.split('\n\n---\n\n');
    assert.equal(sections.length, 2);
    for (const section of sections) {
      assert.match(section, /^\*\*MLH106\*\* nan-equality/);
      assert.equal(section.split('\n\n').length, 4, section);
    }
  });

  test('code actions: the preferred fix, ignore for the line and the file, documentation; the fix removes the finding', async () => {
    const uri = uriOf('train.py');
    const [diagnostic] = await pull(client, uri);
    const actions = (await client.connection.sendRequest(CodeActionRequest.type, {
      textDocument: { uri },
      range: diagnostic.range,
      context: { diagnostics: [diagnostic] },
    })) as CodeAction[];
    assert.deepEqual(
      actions.map((a) => a.title),
      ['Use df["income"].isna()', 'Ignore MLH106 for this line', 'Ignore MLH106 in this file', 'Disable MLH106 for this project', 'Show documentation for MLH106'],
    );
    const [fix, ignoreLine, ignoreFile, , docs] = actions;
    assert.equal(fix.isPreferred, true);
    assert.equal(fix.kind, 'quickfix');
    assert.deepEqual(textEditsOf(ignoreLine, uri), [
      { range: { start: { line: 5, character: 36 }, end: { line: 5, character: 36 } }, newText: '  # noqa: MLH106' },
    ]);
    assert.deepEqual(textEditsOf(ignoreFile, uri), [
      { range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, newText: '# ml-hygiene: ignore-file[MLH106]\n' },
    ]);
    assert.deepEqual(docs.command, { title: 'Show documentation for MLH106', command: 'mlHygiene.showRuleDocumentation', arguments: ['MLH106'] });

    await client.change(uri, textEditsOf(fix, uri).map((e) => ({ range: e.range, text: e.newText })));
    assert.deepEqual(await pull(client, uri), []);
  });

  test('the ignore actions silence the finding, as the engine reads the comments back', async () => {
    for (const [rel, title] of [
      ['ignored_line.py', 'Ignore MLH106 for this line'],
      ['ignored_file.py', 'Ignore MLH106 in this file'],
    ]) {
      const uri = uriOf(rel);
      await client.open(uri, FEATURES);
      const [diagnostic] = await pull(client, uri);
      const actions = (await client.connection.sendRequest(CodeActionRequest.type, {
        textDocument: { uri },
        range: diagnostic.range,
        context: { diagnostics: [diagnostic] },
      })) as CodeAction[];
      const action = actions.find((a) => a.title === title)!;
      await client.change(uri, textEditsOf(action, uri).map((e) => ({ range: e.range, text: e.newText })));
      assert.deepEqual(await pull(client, uri), [], title);
    }
  });

  test('many incremental edits give the diagnostics of a fresh open of the same text', async () => {
    const uri = uriOf('edited.py');
    let expected = TextDocument.create(uri, 'python', 1, TRAIN);
    await client.open(uri, TRAIN);
    const send = async (changes: TextDocumentContentChangeEvent[]) => {
      expected = TextDocument.update(expected, changes, expected.version + 1);
      await client.change(uri, changes);
    };
    const steps: (() => Promise<void>)[] = [
      // Type a new comparison with NaN at the end, one key at a time.
      async () => {
        for (const ch of 'flag = df.age != np.nan\n') {
          const end = expected.positionAt(expected.getText().length);
          await send([{ range: { start: end, end }, text: ch }]);
        }
      },
      // Delete the line of the first finding.
      async () => send([{ range: { start: { line: 4, character: 0 }, end: { line: 5, character: 0 } }, text: '' }]),
      // Replace across lines, then two changes in one notification.
      async () => send([{ range: { start: { line: 0, character: 7 }, end: { line: 2, character: 0 } }, text: 'numpy as np\nimport math\n\n' }]),
      async () =>
        send([
          { range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, text: 'import pandas as pd\n' },
          { range: { start: { line: 6, character: 0 }, end: { line: 6, character: 0 } }, text: 'if math.nan == 1:\n    pass\n' },
        ]),
      // Break the syntax and repair it.
      async () => send([{ range: { start: { line: 3, character: 0 }, end: { line: 3, character: 0 } }, text: 'def broken(:\n' }]),
      async () => send([{ range: { start: { line: 3, character: 0 }, end: { line: 4, character: 0 } }, text: '' }]),
    ];
    for (const [i, step] of steps.entries()) {
      await step();
      const freshUri = uriOf(`fresh_${i}.py`);
      await client.open(freshUri, expected.getText());
      assert.deepEqual(shown(await pull(client, uri)), shown(await pull(client, freshUri)), `after step ${i + 1}:\n${expected.getText()}`);
    }
    assert.ok((await pull(client, uri)).length >= 2, 'the edited text has findings to compare');
  });

  test('a file changed on disk updates the workspace diagnostics; a new file is found', async () => {
    fs.writeFileSync(path.join(root, 'features.py'), FEATURES.replace('value == np.nan', 'np.isnan(value)'));
    await client.connection.sendNotification(DidChangeWatchedFilesNotification.type, { changes: [{ uri: uriOf('features.py'), type: FileChangeType.Changed }] });
    await poll(async () => !(await workspaceFindings(client)).has(uriOf('features.py')), 'features.py to be clean');

    fs.writeFileSync(path.join(root, 'evaluate.py'), FEATURES);
    await client.connection.sendNotification(DidChangeWatchedFilesNotification.type, { changes: [{ uri: uriOf('evaluate.py'), type: FileChangeType.Created }] });
    const found = await poll(async () => (await workspaceFindings(client)).get(uriOf('evaluate.py')), 'evaluate.py to be reported');
    assert.deepEqual(found.map((d) => d.code), ['MLH106']);
    assert.ok(client.refreshRequests > 0, 'the client is asked to pull again');
  });

  test('settings: severity and ignore from workspace/configuration apply on top of the project', async () => {
    const uri = uriOf('features_open.py');
    await client.open(uri, FEATURES);
    assert.equal((await pull(client, uri))[0]?.severity, 1);
    client.settings = { severity: { MLH106: 'warning' } };
    await client.connection.sendNotification(DidChangeConfigurationNotification.type, { settings: null });
    await poll(async () => (await pull(client, uri))[0]?.severity === 2, 'severity warning');
    client.settings = { ignore: ['MLH106'] };
    await client.connection.sendNotification(DidChangeConfigurationNotification.type, { settings: null });
    await poll(async () => (await pull(client, uri)).length === 0, 'MLH106 ignored');
    assert.equal((await workspaceFindings(client)).size, 0);
  });
});

describe('hover in the VS Code extension, which shows the diagnostic itself and runs command links', () => {
  let root: string;
  let client: LspClient;

  before(async () => {
    root = makeProject(PROJECT);
    client = LspClient.start();
    await client.initialize(root, PULL_CAPABILITIES, undefined, process.pid, { commandLinks: true, diagnosticsInHover: true });
  });

  after(async () => {
    await client.stop();
    removeProject(root);
  });

  test('the hover leaves the message to the editor and links the full page and the quick fixes first', async () => {
    const uri = fileUri(path.join(root, 'train.py'));
    await client.open(uri, TRAIN);
    const [diagnostic] = await pull(client, uri);
    const hover = await client.connection.sendRequest(HoverRequest.type, { textDocument: { uri }, position: diagnostic.range.start });
    const [heading, practice, fix, ...rest] = (hover?.contents as MarkupContent).value.split('\n\n');
    const link = (args: unknown[]) => encodeURIComponent(JSON.stringify(args));
    assert.equal(
      heading,
      `**MLH106** nan-equality · [Full documentation](command:mlHygiene.showRuleDocumentation?${link(['MLH106'])}) · [Quick fix](command:mlHygiene.quickFixAt?${link([uri, diagnostic.range.start])})`,
    );
    assert.match(practice, /^\*P4 No AI without IA/);
    assert.match(fix, /^\*\*Fix:\*\* /);
    assert.deepEqual(rest, []);
    assert.ok(!(hover?.contents as MarkupContent).value.includes(diagnostic.message), 'the message is not repeated');
  });
});

describe('the user settings run and logLevel', () => {
  let root: string;
  let client: LspClient;
  const uriOf = (rel: string) => fileUri(path.join(root, rel));
  const scans = () => client.logs.filter((line) => line.startsWith(`Scanned ${root}:`)).length;

  before(async () => {
    root = makeProject(PROJECT);
    client = LspClient.start();
    client.settings = { logLevel: 'warning' };
    await client.initialize(root, PULL_CAPABILITIES);
    await workspaceFindings(client);
  });

  after(async () => {
    await client.stop();
    removeProject(root);
  });

  /** Sends new settings and waits for the re-scan they cause (logged at level info). */
  async function applySettings(settings: unknown): Promise<void> {
    const before = scans();
    client.settings = settings;
    await client.connection.sendNotification(DidChangeConfigurationNotification.type, { settings: null });
    await poll(() => scans() > before, 'the re-scan after the settings changed');
  }

  test('logLevel warning leaves out the scan summaries; info writes what was scanned, how much and how long', async () => {
    assert.equal(scans(), 0, client.logs.join('\n'));
    await applySettings({ logLevel: 'info' });
    assert.match(client.logs.find((line) => line.startsWith('Scanned'))!, /^Scanned .*: \d+ files( \(\d+ from the cache\))?, 2 findings, 0 notes, in \d+ ms$/);
  });

  test('run onSave: an open document is analysed when opened and when saved, not as it changes', async () => {
    await applySettings({ run: 'onSave', logLevel: 'debug' });
    const uri = uriOf('on_save.py');
    await client.open(uri, 'import numpy as np\n');
    assert.deepEqual(await pull(client, uri), []);
    assert.ok(client.logs.some((line) => line.startsWith('Analysed on_save.py')), 'debug logs each analysis');
    await client.change(uri, [{ range: { start: { line: 1, character: 0 }, end: { line: 1, character: 0 } }, text: 'flag = np.nan == 1\n' }]);
    assert.deepEqual(await pull(client, uri), [], 'typing does not analyse');
    await client.connection.sendNotification(DidSaveTextDocumentNotification.type, { textDocument: { uri } });
    assert.deepEqual((await pull(client, uri)).map((d) => d.code), ['MLH106'], 'saving does');

    await applySettings({ run: 'onType' });
    await client.change(uri, [{ range: { start: { line: 1, character: 0 }, end: { line: 2, character: 0 } }, text: '' }]);
    assert.deepEqual(await pull(client, uri), [], 'with onType, typing analyses again');
  });
});

describe('language server with pushed diagnostics (a client without pull support)', () => {
  let root: string;
  let client: LspClient;

  before(async () => {
    root = makeProject(PROJECT);
    client = LspClient.start();
    await client.initialize(root, PUSH_CAPABILITIES);
  });

  after(async () => {
    await client.stop();
    removeProject(root);
  });

  test('findings of files never opened are pushed after the scan', async () => {
    const features = await poll(() => client.pushed.get(fileUri(path.join(root, 'features.py'))), 'features.py diagnostics');
    assert.deepEqual(features.map((d) => [d.code, d.source, d.codeDescription?.href]), [['MLH106', 'ml-hygiene', 'ml-hygiene-docs:/rules/MLH106.md']]);
    assert.equal(client.progress.length, 0, 'no progress without window.workDoneProgress');
    assert.equal(client.registrations.length, 0, 'nothing registered without dynamic registration');
  });

  test('an open document is pushed again after each change', async () => {
    const uri = fileUri(path.join(root, 'train.py'));
    await client.open(uri, TRAIN);
    await poll(() => client.pushed.get(uri)?.length === 1, 'train.py finding');
    await client.change(uri, [{ range: { start: { line: 4, character: 13 }, end: { line: 4, character: 35 } }, text: 'df["income"].isna()' }]);
    await poll(() => client.pushed.get(uri)?.length === 0, 'train.py cleared');
  });

  test('code actions work for a client that does not send diagnostic data back', async () => {
    const uri = fileUri(path.join(root, 'no_data.py'));
    await client.open(uri, FEATURES);
    const [pushed] = await poll(() => (client.pushed.get(uri)?.length ? client.pushed.get(uri) : undefined), 'no_data.py finding');
    const { data: _dropped, ...withoutData } = pushed;
    const actions = (await client.connection.sendRequest(CodeActionRequest.type, {
      textDocument: { uri },
      range: pushed.range,
      context: { diagnostics: [withoutData] },
    })) as CodeAction[];
    assert.deepEqual(actions.map((a) => a.title), ['Use np.isnan(value)', 'Ignore MLH106 for this line', 'Ignore MLH106 in this file', 'Disable MLH106 for this project', 'Show documentation for MLH106']);
    assert.ok(actions[0].edit?.changes?.[uri], 'plain text edits for a client without document changes');
  });

  test('without file watchers, saving the configuration in the editor re-scans the project', async () => {
    const config = path.join(root, '.ml-hygiene.yaml');
    const text = 'select: [MLH106]\nseverity:\n  MLH106: information\n';
    await client.open(fileUri(config), text, 'yaml');
    fs.writeFileSync(config, text);
    await client.connection.sendNotification(DidSaveTextDocumentNotification.type, { textDocument: { uri: fileUri(config) } });
    const features = fileUri(path.join(root, 'features.py'));
    await poll(() => client.pushed.get(features)?.[0]?.severity === 3, 'features.py as information');
  });
});

describe('language server on a YAML configuration', () => {
  let root: string;
  let client: LspClient;

  before(async () => {
    root = makeProject({ '.ml-hygiene.yaml': 'select: [MLH604]\n' });
    client = LspClient.start();
    await client.initialize(root, PULL_CAPABILITIES);
  });

  after(async () => {
    await client.stop();
    removeProject(root);
  });

  test('a duplicate key points at the first definition, and the ignore comment uses YAML syntax', async () => {
    const uri = fileUri(path.join(root, 'params.yaml'));
    await client.open(uri, 'train:\n  max_depth: 12\n  max_depth: 8\n', 'yaml');
    const [duplicate] = await pull(client, uri);
    assert.equal(duplicate?.code, 'MLH604');
    assert.equal(duplicate.range.start.line, 2);
    assert.deepEqual(
      duplicate.relatedInformation?.map((r) => [r.location.uri, r.location.range.start.line]),
      [[uri, 1]],
    );
    const actions = (await client.connection.sendRequest(CodeActionRequest.type, {
      textDocument: { uri },
      range: duplicate.range,
      context: { diagnostics: [duplicate] },
    })) as CodeAction[];
    const ignoreLine = actions.find((a) => a.title === 'Ignore MLH604 for this line')!;
    await client.change(uri, textEditsOf(ignoreLine, uri).map((e) => ({ range: e.range, text: e.newText })));
    assert.deepEqual(await pull(client, uri), []);
  });
});

describe('language server in a multi-root workspace', () => {
  let roots: string[];
  let client: LspClient;
  const BIG_PROJECT_FILES = 80; // enough for the scan to run on worker threads

  before(async () => {
    const modules = Object.fromEntries(Array.from({ length: BIG_PROJECT_FILES }, (_, i) => [`pkg/module_${i}.py`, FEATURES]));
    roots = [
      makeProject({
        'a.py': FEATURES,
        '.ml-hygiene.yaml': 'select: [MLH106]\nseverity:\n  MLH106: warning\n',
        'nested/n.py': FEATURES,
        'nested/.ml-hygiene.yaml': 'select: [MLH106]\nseverity:\n  MLH106: information\n',
      }),
      makeProject({ ...modules, '.ml-hygiene.yaml': 'select: [MLH106]\n' }),
    ];
    client = LspClient.start();
    await client.initialize(
      roots[0],
      PULL_CAPABILITIES,
      [...roots, path.join(roots[0], 'nested')].map((r) => ({ uri: fileUri(r), name: path.basename(r) })),
    );
  });

  after(async () => {
    await client.stop();
    for (const root of roots) removeProject(root);
  });

  test('each folder is a project with its own configuration', async () => {
    const findings = await workspaceFindings(client);
    assert.deepEqual(findings.get(fileUri(path.join(roots[0], 'a.py')))?.map((d) => d.severity), [2]);
    const second = [...findings].filter(([uri]) => uri.startsWith(fileUri(roots[1]) + '/'));
    assert.equal(second.length, BIG_PROJECT_FILES);
    assert.ok(second.every(([, items]) => items.length === 1 && items[0].severity === 1));
  });

  test('a folder nested in another is reported once, by its own project', async () => {
    const report = await client.connection.sendRequest(WorkspaceDiagnosticRequest.type, { previousResultIds: [] });
    const nested = report.items.filter((i) => i.uri === fileUri(path.join(roots[0], 'nested', 'n.py')));
    assert.deepEqual(nested.map((i) => (i.kind === 'full' ? i.items.map((d) => d.severity) : [])), [[3]]);
  });

  test('a removed folder stops being reported', async () => {
    await client.connection.sendNotification(DidChangeWorkspaceFoldersNotification.type, {
      event: { added: [], removed: [{ uri: fileUri(roots[1]), name: path.basename(roots[1]) }] },
    });
    await poll(async () => [...(await workspaceFindings(client)).keys()].every((uri) => !uri.startsWith(fileUri(roots[1]) + '/')), 'the folder to go');
    assert.ok((await workspaceFindings(client)).has(fileUri(path.join(roots[0], 'a.py'))));
  });
});
