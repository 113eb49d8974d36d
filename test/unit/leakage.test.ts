// Leakage findings name the source (the fit, the statistic) and the cut it reaches (the split, the
// cross-validation) as related places: in a script at their lines, in a notebook at their cell.
import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { initPython } from '../../server/src/engine/python/parser';
import { Finding } from '../../server/src/engine/types';
import { analyzeAlone } from '../support/fixtures';
import { notebookJson } from '../support/project';

before(() => initPython());

/** Each related place as `message @ [cell:]line` (1-based, cell-relative in a notebook). */
function relatedOf(finding: Finding): string[] {
  return (finding.related ?? []).map((r) => `${r.message} @ ${r.cell !== undefined ? `cell ${r.cell + 1}:` : ''}${r.range.start.line + 1}`);
}

const SCRIPT = `import pandas as pd
from sklearn.model_selection import cross_val_score
from sklearn.preprocessing import StandardScaler
from sklearn.svm import SVC


def scaled(frame):
    return StandardScaler().fit_transform(frame)


def score(model, X, y):
    return cross_val_score(model, X, y, cv=5).mean()


wine = pd.read_csv("wine.csv")
features = scaled(wine.drop(columns=["quality"]))
print(score(SVC(), features, wine["quality"]))
`;

describe('leakage findings', () => {
  test('a fit in one helper and a cross-validation in another: the calls and the cut are related places', () => {
    const [finding] = analyzeAlone('train.py', SCRIPT).filter((f) => f.code === 'MLH201');
    assert.equal(finding.range.start.line + 1, 8);
    assert.deepEqual(relatedOf(finding), ['the data goes through scaled() here @ 16', 'the data goes through score() here @ 17', 'the data is split here @ 12']);
    assert.ok(finding.related!.every((r) => r.path === 'train.py'));
  });

  test('in a notebook, a cut in another cell is located in that cell and in the JSON text', () => {
    const notebook = JSON.stringify(JSON.parse(notebookJson([
      { type: 'code', source: 'import pandas as pd\nfrom sklearn.model_selection import train_test_split\n', executionCount: 1 },
      { type: 'code', source: 'wine = pd.read_csv("wine.csv")\nwine = wine.fillna(wine.mean())\n', executionCount: 2 },
      { type: 'markdown', source: 'Hold out a test set.' },
      { type: 'code', source: 'train, test = train_test_split(wine, random_state=0)\n', executionCount: 3 },
    ])), null, 1);
    const [finding] = analyzeAlone('wine.ipynb', notebook).filter((f) => f.code === 'MLH201');
    assert.equal(finding.cell, 1);
    assert.deepEqual(relatedOf(finding), ['the data is split here @ cell 4:1']);
    const fileLine = finding.related![0].fileRange!.start.line;
    assert.match(notebook.split('\n')[fileLine], /train_test_split\(wine/);
  });
});
