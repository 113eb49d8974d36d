// MLH804 reads its limits from the configuration: `thresholds.maxNotebookCells` and `thresholds.maxCellLines`.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { Analyzer } from '../../server/src/engine/analyze';
import { mergeConfig } from '../../server/src/engine/config';
import { ProjectIndex } from '../../server/src/engine/project';
import { initPython } from '../../server/src/engine/python/parser';
import { FIXTURES, describe } from '../support/fixtures';
import { EVERY_RULE } from '../support/config';

const NOTEBOOK = path.join(FIXTURES, 'rules/MLH804/near-miss-fifty-cells.ipynb');

async function notebookFindings(thresholds: { maxNotebookCells?: number; maxCellLines?: number }): Promise<string[]> {
  await initPython();
  const text = fs.readFileSync(NOTEBOOK, 'utf8');
  const rel = 'feature-exploration.ipynb';
  const analyzer = new Analyzer();
  const index = new ProjectIndex([{ path: rel, kind: 'notebook', size: text.length }], new Map([[rel, analyzer.facts(rel, text)]]));
  const config = mergeConfig(EVERY_RULE, { thresholds: { ...EVERY_RULE.thresholds, ...thresholds } });
  return analyzer.analyzeFile(rel, text, index, config).filter((f) => f.code === 'MLH804').map((f) => describe(f));
}

test('MLH804 is quiet at the default limits on a notebook of exactly 50 code cells', async () => {
  assert.deepEqual(await notebookFindings({}), []);
});

test('MLH804 follows configured limits for cells and lines', async () => {
  // 50 code cells: with a limit of 49 the 50th code cell (cell 61 of the notebook) is reported.
  assert.deepEqual(await notebookFindings({ maxNotebookCells: 49 }), ['feature-exploration.ipynb:cell 61:1:0-34 MLH804']);
  // With a limit of 0 lines, every one of the 50 code cells is too long.
  assert.deepEqual(await notebookFindings({ maxNotebookCells: 100, maxCellLines: 0 }).then((f) => f.length), 50);
});
