// Notebooks: code cells joined into one Python text, IPython magics kept out of the parser's way,
// findings mapped back to their cell and line (and to the line of the JSON file).
import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { mapToCell, notebookCode, parseNotebook } from '../../server/src/engine/notebook';
import { initPython, parsePython } from '../../server/src/engine/python/parser';
import { analyzeAlone } from '../support/fixtures';
import { notebookJson } from '../support/project';

before(() => initPython());

const NOTEBOOK = notebookJson([
  { type: 'markdown', source: '# Fraud model\n\nExploration of the transactions.\n' },
  { type: 'code', source: '%matplotlib inline\n!pip install lightgbm==4.3.0\nimport numpy as np\nimport pandas as pd\n', executionCount: 1 },
  { type: 'code', source: '%%time\nscores = np.zeros(10)\n', executionCount: 2 },
  { type: 'code', source: 'df = pd.DataFrame({"amount": [1.0, None]})\ndf?\nmissing = df[df["amount"] == np.nan]\n', executionCount: 3 },
  { type: 'markdown', source: 'Next: the threshold.' },
  { type: 'code', source: 'for col in df:\n    if df[col].max() != np.nan:\n        print(col)', executionCount: 4 },
]);

describe('notebook code', () => {
  test('code cells are joined in order; markdown is left out; lines map back to their cell', () => {
    const notebook = parseNotebook(NOTEBOOK);
    assert.equal(notebook.problem, undefined);
    assert.deepEqual(
      notebook.cells.map((c) => c.kind),
      ['markdown', 'code', 'code', 'code', 'markdown', 'code'],
    );
    const code = notebookCode(notebook);
    const lines = code.text.split('\n');
    assert.equal(lines.length, code.lineMap.length);
    const at = lines.findIndex((l) => l.startsWith('missing ='));
    assert.deepEqual(code.lineMap[at], { cell: 3, line: 2, length: lines[at].length });
    assert.doesNotMatch(code.text, /Fraud model/);
  });

  test('magics and shell escapes do not break parsing, and keep their columns', () => {
    const code = notebookCode(parseNotebook(NOTEBOOK));
    const tree = parsePython(code.text);
    try {
      assert.equal(tree.rootNode.hasError, false, code.text);
    } finally {
      tree.delete();
    }
    const lines = code.text.split('\n');
    for (const magic of ['%matplotlib inline', '!pip install lightgbm==4.3.0', '%%time', 'df?']) {
      const line = lines.find((l) => l.length === magic.length && l.slice(1) === magic.slice(1));
      assert.ok(line?.startsWith('#'), `${magic} became a comment of the same length`);
    }
  });

  test('findings are reported in their cell, at cell-relative lines, and located in the JSON text', () => {
    const findings = analyzeAlone('fraud.ipynb', NOTEBOOK).filter((f) => f.code === 'MLH106');
    assert.deepEqual(
      findings.map((f) => ({ cell: f.cell, range: f.range })),
      [
        { cell: 3, range: { start: { line: 2, character: 13 }, end: { line: 2, character: 35 } } },
        { cell: 5, range: { start: { line: 1, character: 7 }, end: { line: 1, character: 30 } } },
      ],
    );
    const json = NOTEBOOK.split('\n');
    assert.match(json[findings[0].fileRange!.start.line], /missing = df\[df\[\\"amount\\"\] == np\.nan\]/);
    assert.match(json[findings[1].fileRange!.start.line], /if df\[col\]\.max\(\) != np\.nan/);
  });

  test('a source written as one string maps the same way', () => {
    const text = JSON.stringify({
      cells: [
        { cell_type: 'code', source: 'import numpy as np', metadata: {}, outputs: [], execution_count: null },
        { cell_type: 'code', source: 'x = 1\ny = x == np.nan\n', metadata: {}, outputs: [], execution_count: null },
      ],
      metadata: {},
      nbformat: 4,
      nbformat_minor: 5,
    });
    const [finding] = analyzeAlone('one.ipynb', text).filter((f) => f.code === 'MLH106');
    assert.deepEqual({ cell: finding.cell, line: finding.range.start.line, character: finding.range.start.character }, { cell: 1, line: 1, character: 4 });
  });

  test('a range that crosses cells is cut at the end of its first cell', () => {
    const code = notebookCode(parseNotebook(NOTEBOOK));
    const first = code.lineMap.findIndex((l) => l.cell === 1);
    const mapped = mapToCell(code, { start: { line: first, character: 0 }, end: { line: first + 5, character: 3 } });
    assert.equal(mapped?.cell, 1);
    assert.deepEqual(mapped?.range.end, { line: 0, character: code.lineMap[first].length });
  });
});

describe('broken notebooks', () => {
  test('JSON that does not parse, or is not nbformat 4, is a problem with a place, and has no cells', () => {
    const broken = parseNotebook('{"cells": [{"cell_type": "code", "source": ["x = 1"');
    assert.match(broken.problem!.message, /does not parse/);
    assert.deepEqual(broken.cells, []);
    const old = parseNotebook('{"nbformat": 3, "worksheets": []}');
    assert.match(old.problem!.message, /nbformat 4.*3/);
    assert.match(parseNotebook('[1, 2]').problem!.message, /not a JSON object/);
  });

  test('the analyzer survives them', () => {
    for (const text of ['', '{', '{"cells": "none", "nbformat": 4}', '{"cells": [{"source": 42}], "nbformat": 4}', '\u0000\u0001']) {
      assert.doesNotThrow(() => analyzeAlone('broken.ipynb', text), JSON.stringify(text));
    }
  });
});
