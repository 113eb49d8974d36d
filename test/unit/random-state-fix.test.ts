// The MLH402 quick fix: which seed it passes, and where it defines RANDOM_SEED when there is none.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Analyzer, kindOf } from '../../server/src/engine/analyze';
import { ProjectIndex } from '../../server/src/engine/project';
import { initPython } from '../../server/src/engine/python/parser';
import { Fix, rangeOf } from '../../server/src/engine/types';
import { EVERY_RULE } from '../support/config';

async function fixesOf(text: string, path = 'train.py'): Promise<(Fix | undefined)[]> {
  await initPython();
  const analyzer = new Analyzer();
  const index = new ProjectIndex([{ path, kind: kindOf(path), size: text.length }], new Map([[path, analyzer.facts(path, text)]]));
  return analyzer
    .analyzeFile(path, text, index, EVERY_RULE)
    .filter((f) => f.code === 'MLH402')
    .map((f) => f.fix);
}

const insertAt = (line: number, character: number, newText: string) => ({ range: rangeOf(line, character, line, character), newText });

test('without a seed, RANDOM_SEED is defined after the imports and passed', async () => {
  const text = [
    'import pandas as pd',
    'from sklearn.model_selection import train_test_split',
    '',
    'df = pd.read_csv("data/customers.csv")',
    'train, test = train_test_split(df, test_size=0.2)',
  ].join('\n');
  assert.deepEqual(await fixesOf(text), [
    {
      title: 'Add random_state=RANDOM_SEED (and define RANDOM_SEED = 42 after the imports)',
      edits: [insertAt(1, 52, '\n\nRANDOM_SEED = 42'), insertAt(4, 48, ', random_state=RANDOM_SEED')],
    },
  ]);
});

test('an existing seed constant or seed parameter is reused', async () => {
  const text = [
    'from sklearn.cluster import KMeans',
    'from sklearn.ensemble import RandomForestClassifier',
    'GLOBAL_SEED = 7',
    'segments = KMeans().fit_predict(X)',
    'def build(seed):',
    '    return RandomForestClassifier(',
    '        n_estimators=100,',
    '    )',
  ].join('\n');
  assert.deepEqual(await fixesOf(text), [
    { title: 'Add random_state=GLOBAL_SEED', edits: [insertAt(3, 18, 'random_state=GLOBAL_SEED')] },
    { title: 'Add random_state=seed', edits: [insertAt(6, 24, ', random_state=seed')] },
  ]);
});

test('a seed constant defined below a module-level call is not used by it', async () => {
  const text = ['from sklearn.cluster import KMeans', 'segments = KMeans(n_clusters=3).fit_predict(X)', 'SEED = 1'].join('\n');
  const [fix] = await fixesOf(text);
  assert.equal(fix?.title, 'Add random_state=RANDOM_SEED (and define RANDOM_SEED = 42 after the imports)');
});
