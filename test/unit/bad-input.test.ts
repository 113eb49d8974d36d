// Inputs the engine must survive (the CLI side is test/cli/bad-input.test.ts): unparsable Python,
// broken notebook JSON, invalid YAML, a binary .py, a 20 MB file, Latin-1 bytes, a symbolic link
// loop. The scan finishes, the other files' findings are reported, each problem gives at most one notice.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { DEFAULT_CONFIG } from '../../server/src/engine/config';
import { initPython } from '../../server/src/engine/python/parser';
import { scanProject } from '../../server/src/engine/scan';
import { decodeBytes } from '../../server/src/engine/text';
import { analyzeAlone } from '../support/fixtures';
import { makeProject, removeProject, writeBadInputProject } from '../support/project';

let root: string;
let badFiles: string[];
before(async () => {
  await initPython();
  root = makeProject({});
  badFiles = writeBadInputProject(root);
});
after(() => removeProject(root));

describe('a scan of a project with bad input', () => {
  test('finishes, reports the good files, and gives at most one clear notice per bad file', async () => {
    const result = await scanProject(root, { workers: 0 });
    assert.deepEqual(
      result.findings.filter((f) => f.code === 'MLH106').map((f) => `${f.path}:${f.range.start.line + 1}`),
      ['good.py:4', 'latin1.py:3'],
    );
    const byPath = new Map<string, string[]>();
    for (const n of result.notices) byPath.set(n.path, [...(byPath.get(n.path) ?? []), n.message]);
    for (const [file, messages] of byPath) {
      assert.ok(badFiles.includes(file), `notice about ${file}`);
      assert.equal(messages.length, 1, `${file}: ${messages.join(' / ')}`);
      assert.doesNotMatch(messages[0], /could not be analysed|Error|\n/, `${file}: a plain message`);
    }
    assert.deepEqual([...byPath.keys()].sort(), ['binary.py', 'broken.py', 'huge.py', 'latin1.py']);
  });

  test('a 20 MB file is skipped by size, not read', async () => {
    const result = await scanProject(root, { workers: 0 });
    assert.match(result.notices.find((n) => n.path === 'huge.py')!.message, /20\.0 MB is above the 5 MB limit \(thresholds\.maxFileSizeMB\)/);
    assert.ok(!result.index.facts.has('huge.py'));
  });

  test('the symbolic link loop is not followed: every file is listed once', async () => {
    const { index } = await scanProject(root, { workers: 0 });
    const paths = index.files.map((f) => f.path);
    assert.equal(new Set(paths).size, paths.length);
    assert.ok(!paths.some((p) => p.startsWith('loop/')), paths.join(', '));
  });
});

describe('one bad file at a time', () => {
  test('Python that does not parse still gives findings for the parts that do', () => {
    const text = 'import numpy as np\nok = x == np.nan\n\ndef broken(:\n    pass\n\nlater = y == np.nan\n';
    const lines = analyzeAlone('partial.py', text)
      .filter((f) => f.code === 'MLH106')
      .map((f) => f.range.start.line + 1);
    assert.ok(lines.includes(2), `finding before the error: ${lines}`);
  });

  test('garbage of every kind is analysed without throwing', () => {
    const garbage = ['', '\u0000', '((((((((((', ']]]}}}', 'x = "unterminated', '\uFEFFimport numpy as np', 'def f(:\n'.repeat(2000), '[' .repeat(5000)];
    for (const file of ['m.py', 'nb.ipynb', 'params.yaml', 'requirements.txt']) {
      for (const text of garbage) assert.doesNotThrow(() => analyzeAlone(file, text, DEFAULT_CONFIG), `${file}: ${JSON.stringify(text.slice(0, 20))}`);
    }
  });

  test('Python nested as deep as anyone writes it: no stack overflow, no endless walk', () => {
    const deep = [
      'z = ' + 'model.'.repeat(20000) + 'fit(X)\n', // an attribute chain
      'if ' + '('.repeat(20000) + '0' + ')'.repeat(20000) + ':\n    pass\n', // parentheses around a false literal
      'import json\njson.load(f)\ndef load(f, t: int % r(f, y=t\n', // a scope under an ERROR root
      'import yaml\ncfg = yaml.safe_load(open("params.yaml"))\nlr = ' + '['.repeat(20000) + 'cfg["lr"]' + ']'.repeat(20000) + '\n', // uses of a config
    ];
    for (const text of deep) assert.doesNotThrow(() => analyzeAlone('deep.py', text), JSON.stringify(text.slice(0, 30)));
  });

  test('a notebook with values of the wrong type is read without throwing', () => {
    const deep = '{"a":'.repeat(20000) + '1' + '}'.repeat(20000);
    const notebooks = [
      { nbformat: {}, cells: [] },
      { nbformat: 4, cells: [{ cell_type: { code: true }, execution_count: [], source: 'x = 1', outputs: {} }] },
      { nbformat: 4, cells: [{ cell_type: 'code', execution_count: 1, source: ['x = 1'], outputs: [{ text: 7, data: null }, null, 'x'] }] },
    ].map((nb) => JSON.stringify(nb));
    notebooks.push(`{"nbformat": 4, "cells": [{"cell_type": "code", "source": "x = 1", "outputs": [${deep}]}]}`);
    for (const text of notebooks) assert.doesNotThrow(() => analyzeAlone('nb.ipynb', text), text.slice(0, 60));
  });

  test('bytes: binary refused, UTF-8 with a BOM read, Latin-1 read with a note', () => {
    assert.equal(decodeBytes(new Uint8Array([0x41, 0x00, 0x42])).skipped, true);
    assert.deepEqual(decodeBytes(Buffer.from('\uFEFFx = 1\n', 'utf8')), { text: 'x = 1\n', skipped: false });
    const latin = decodeBytes(Buffer.from('name = "caf\xe9"\n', 'latin1'));
    assert.equal(latin.text, 'name = "café"\n');
    assert.match(latin.problem!, /not valid UTF-8/);
  });
});
