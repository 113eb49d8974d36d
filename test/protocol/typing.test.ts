// Typing in an open document: the findings shown never blink off, move with the text, and a push
// client hears nothing when a change leaves them as they were.
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { Diagnostic, DocumentDiagnosticReport, DocumentDiagnosticRequest, HoverRequest } from 'vscode-languageserver/node';
import { fileUri, LspClient, poll, PULL_CAPABILITIES, PUSH_CAPABILITIES } from '../support/lspClient';
import { makeProject, removeProject } from '../support/project';
import { longModule } from '../bench/corpus';

// One MLH106 finding, on line 6 (0-based).
const FEATURES = `"""Cleaning steps shared by training and serving."""
import numpy as np
import pandas as pd


def drop_missing(df: pd.DataFrame, column: str) -> pd.DataFrame:
    missing = df[df[column] == np.nan]
    return df.drop(index=missing.index)
`;
const FINDING_LINE = 6;
const PROJECT = { 'features.py': FEATURES, 'cleaning.py': FEATURES, '.ml-hygiene.yaml': 'select: [MLH106]\n' };
const BURST = 20;

const at = (line: number, character = 0) => ({ start: { line, character }, end: { line, character } });

describe('typing, with pushed diagnostics', () => {
  let root: string;
  let client: LspClient;
  let uri: string;
  let other: string;
  const publications = (of = uri) => client.publications.filter((p) => p.uri === of);
  /** Waits until what was sent so far is analysed (a hover is answered after the analysis). */
  const settled = () => client.connection.sendRequest(HoverRequest.type, { textDocument: { uri }, position: { line: 0, character: 0 } });

  before(async () => {
    root = makeProject(PROJECT);
    uri = fileUri(path.join(root, 'features.py'));
    other = fileUri(path.join(root, 'cleaning.py'));
    client = LspClient.start();
    await client.initialize(root, PUSH_CAPABILITIES);
    await client.open(uri, FEATURES);
    await client.open(other, FEATURES);
    await poll(() => publications().length > 0 && publications(other).length > 0, 'the first publications');
  });

  after(async () => {
    await client.stop();
    removeProject(root);
  });

  test('a burst of lines typed above the findings of two documents: every publication shows each finding on its line in the version published', async () => {
    const before = client.publications.length;
    // Version 1 is the text as opened; each change inserts one line above the finding. The two
    // documents take turns: the analysis of one publishes the other while its latest edits wait.
    for (let i = 0; i < BURST; i++) {
      for (const document of [uri, other]) await client.change(document, [{ range: at(4), text: `THRESHOLD_${i} = 0.${i}\n` }]);
    }
    for (const document of [uri, other]) await poll(() => publications(document).find((p) => p.version === BURST + 1), 'the last version published');
    const burst = client.publications.slice(before);
    for (const p of burst) {
      assert.equal(p.diagnostics.length, 1, `${p.uri} version ${p.version}: ${JSON.stringify(p.diagnostics)}`);
      assert.equal(p.diagnostics[0].range.start.line, FINDING_LINE + p.version! - 1, `${p.uri} version ${p.version}`);
    }
  });

  test('typing a comment that changes no finding publishes nothing', async () => {
    await settled();
    const before = publications().length;
    const end = FEATURES.split('\n').length - 1 + BURST;
    const comment = '# drop rows whose target is missing';
    for (let i = 0; i < comment.length; i++) await client.change(uri, [{ range: at(end, i), text: comment[i] }]);
    await settled();
    assert.equal(publications().length, before);
  });
});

describe('typing, with pulled diagnostics', () => {
  let root: string;
  let client: LspClient;
  let uri: string;

  before(async () => {
    root = makeProject(PROJECT);
    uri = fileUri(path.join(root, 'features.py'));
    client = LspClient.start();
    await client.initialize(root, PULL_CAPABILITIES);
    await client.open(uri, FEATURES);
  });

  after(async () => {
    await client.stop();
    removeProject(root);
  });

  test('pulls during a burst of edits never answer an empty or partial set, and the finding moves with the text', async () => {
    const reports: Promise<DocumentDiagnosticReport>[] = [];
    const line = 'scale = df[column].std()';
    // A new line inside the function, above the finding, typed with a pull after each keystroke.
    const keystrokes = [{ range: at(FINDING_LINE), text: '    \n' }, ...[...line].map((c, i) => ({ range: at(FINDING_LINE, 4 + i), text: c }))];
    for (const keystroke of keystrokes) {
      await client.change(uri, [keystroke]);
      reports.push(client.connection.sendRequest(DocumentDiagnosticRequest.type, { textDocument: { uri } }));
    }
    const answered = await Promise.all(reports);
    for (const report of answered) assert.equal(report.kind === 'full' ? report.items.length : 1, 1, JSON.stringify(report));
    const last = answered[answered.length - 1];
    assert.equal(last.kind === 'full' && last.items[0].range.start.line, FINDING_LINE + 1);
  });
});

// A long module takes the server long enough per keystroke that pulls and changes overlap: what it
// answers and publishes meanwhile must still be whole, each finding where the text has it.
describe('typing a comment line into a long module', () => {
  const LONG = longModule(1200);
  const lines = LONG.split('\n');
  /** A new line opened above a top-level function in the middle, then a comment typed into it. */
  const line = lines.findIndex((l, i) => i > lines.length / 2 && l.startsWith('def '));
  const comment = '# tuned on the March data';
  const keystrokes = [{ range: at(line), text: '\n' }, ...[...comment].map((c, i) => ({ range: at(line, i), text: c }))];
  let root: string;
  let uri: string;

  before(() => {
    root = makeProject({ 'pipeline/train_all.py': LONG });
    uri = fileUri(path.join(root, 'pipeline/train_all.py'));
  });

  after(() => removeProject(root));

  /** Where the findings of the text before the line are after it: moved down one line below it. */
  const movedDown = (items: Diagnostic[]) =>
    items.map(({ range: { start, end } }) => (start.line >= line ? { start: { ...start, line: start.line + 1 }, end: { ...end, line: end.line + 1 } } : { start, end }));

  test('by pull: every answer during the burst is the whole set, moved with the text', async () => {
    const client = LspClient.start();
    try {
      await client.initialize(root, PULL_CAPABILITIES);
      await client.open(uri, LONG);
      const pull = () => client.connection.sendRequest(DocumentDiagnosticRequest.type, { textDocument: { uri } });
      const first = await pull();
      assert.ok(first.kind === 'full' && first.items.length > 5, JSON.stringify(first));
      const answers: Promise<DocumentDiagnosticReport>[] = [];
      for (const keystroke of keystrokes) {
        await client.change(uri, [keystroke]);
        answers.push(pull());
      }
      const answered = await Promise.all(answers);
      const last = await pull();
      assert.ok(last.kind === 'full');
      assert.deepEqual(last.items.map((d) => d.range), movedDown(first.items));
      for (const [i, answer] of answered.entries()) assert.deepEqual(answer, last, `answer ${i}`);
    } finally {
      await client.stop();
    }
  });

  test('by push: every publication during the burst is the whole set, moved with the text', async () => {
    const client = LspClient.start();
    try {
      await client.initialize(root, PUSH_CAPABILITIES);
      await client.open(uri, LONG);
      const published = () => client.publications.filter((p) => p.uri === uri);
      await poll(() => published().length > 0, 'the first publication');
      const first = published()[0].diagnostics;
      assert.ok(first.length > 5);
      for (const keystroke of keystrokes) await client.change(uri, [keystroke]);
      // The comment changes no finding: the new line moves them, and what follows publishes nothing.
      await poll(() => published().length > 1, 'the publication of the moved findings');
      await client.connection.sendRequest(HoverRequest.type, { textDocument: { uri }, position: { line: 0, character: 0 } });
      const after = published().slice(1);
      assert.deepEqual(after[after.length - 1].diagnostics.map((d) => d.range), movedDown(first));
      for (const p of after) assert.deepEqual(p.diagnostics, after[after.length - 1].diagnostics, `version ${p.version}`);
    } finally {
      await client.stop();
    }
  });
});

// While a user reads a document they opened, the server rehearses keystrokes in it (warmUp.ts): a
// character typed at its end and taken back, both analysed, nothing shown. What is typed next is
// analysed as in a server that rehearsed nothing.
describe('typing into a document the server rehearsed keystrokes in', () => {
  let root: string;
  let client: LspClient;
  let uri: string;
  const pulled = async () => {
    const report = await client.connection.sendRequest(DocumentDiagnosticRequest.type, { textDocument: { uri } });
    assert.ok(report.kind === 'full');
    return report.items.map((d) => [d.code, d.range.start.line]);
  };

  before(async () => {
    root = makeProject(PROJECT);
    uri = fileUri(path.join(root, 'features.py'));
    client = LspClient.start();
    client.settings = { logLevel: 'debug' };
    await client.initialize(root, PULL_CAPABILITIES);
  });

  after(async () => {
    await client.stop();
    removeProject(root);
  });

  test('the rehearsal shows nothing, and a line typed afterwards is analysed as typed', async () => {
    await client.open(uri, FEATURES);
    assert.deepEqual(await pulled(), [['MLH106', FINDING_LINE]]);
    await poll(() => client.logs.some((line) => line.startsWith('Rehearsed a keystroke in features.py')), 'a rehearsed keystroke');
    assert.deepEqual(await pulled(), [['MLH106', FINDING_LINE]]);
    // A second comparison with NaN, typed below the first a character at a time.
    const typed = '    flagged = df[column] == np.nan\n';
    for (let i = 0; i < typed.length; i++) await client.change(uri, [{ range: at(FINDING_LINE + 1, i), text: typed[i] }]);
    assert.deepEqual(await pulled(), [['MLH106', FINDING_LINE], ['MLH106', FINDING_LINE + 1]]);
    assert.deepEqual(client.logs.filter((line) => /fail|error/i.test(line)), []);
  });
});
