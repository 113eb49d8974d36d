// The scan runs each file's rules in the pass that reads its facts, against a pre-index: the
// project as known before any file is parsed (files, layout, documents), with the facts of the one
// file at hand. A rule that asks about another file's facts is owed, and a file whose role the other
// files decide is run again, once the whole index is built. What the scan reports must be what the
// rules find against the whole index, on one thread and on workers, with and without the cache.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, before, test } from 'node:test';
import { Analyzer, byPosition, kindOf } from '../../server/src/engine/analyze';
import { FileFacts, NotYetKnown } from '../../server/src/engine/project';
import { initPython } from '../../server/src/engine/python/parser';
import { scanProject, ScanResult } from '../../server/src/engine/scan';
import { ANALYSED_KINDS, indexFromData, readDocuments, ScanShare } from '../../server/src/engine/scanShare';
import { discoverFiles, realRootOf } from '../../server/src/engine/workspace';
import { Finding } from '../../server/src/engine/types';
import { EVERY_RULE } from '../support/config';
import { makeProject, removeProject, REPO, writeFiles } from '../support/project';

const WORKER = path.join(REPO, 'server/out/worker.js');

const TRAIN = `"""Trains the house-price model."""
import lightgbm as lgb
import pandas as pd

from columns import fill_missing


def add_features(houses):
    houses["rooms_per_household"] = houses["total_rooms"] / houses["households"]
    houses["bedrooms_share"] = houses["total_bedrooms"] / houses["total_rooms"]
    return houses


if __name__ == "__main__":
    houses = add_features(fill_missing(pd.read_csv("data/processed/houses.csv")))
    model = lgb.LGBMRegressor(random_state=11)
    model.fit(houses.drop(columns="median_value"), houses["median_value"])
    model.booster_.save_model("models/house-prices.txt")
`;

// Imported by the training script, outside any package: a library module, which only the other
// files can tell.
const COLUMNS = `"""Missing values, as training and scoring fill them."""
import numpy as np


def fill_missing(houses):
    houses.loc[houses["total_bedrooms"] == np.nan, "total_bedrooms"] = 0
    return houses
`;

// The endpoint computes the features again, in its own copy: a finding only the training
// script's facts reveal.
const SERVICE = `"""House-price endpoint."""
import joblib
import pandas as pd
from fastapi import FastAPI

app = FastAPI()
model = joblib.load("models/house-prices.joblib")


def add_features(houses):
    houses["rooms_per_household"] = houses["total_rooms"] / houses["households"]
    houses["bedrooms_share"] = houses["total_bedrooms"] / houses["total_rooms"]
    return houses


@app.post("/price")
def price(house: dict):
    return {"price": float(model.predict(add_features(pd.DataFrame([house])))[0])}
`;

const PROJECT = {
  'requirements.txt': 'fastapi==0.111.0\njoblib==1.4.2\nlightgbm==4.3.0\nnumpy==1.26.4\npandas==2.2.2\n',
  'README.md': '# House prices\n\nTrain with `python train.py`, serve with `uvicorn app.main:app`.\n',
  'train.py': TRAIN,
  'columns.py': COLUMNS,
  'app/main.py': SERVICE,
};

let root: string;
before(async () => {
  await initPython();
  root = makeProject(PROJECT);
});
after(() => removeProject(root));

/** What the rules find against the scan's whole index, each file's rules run in one go. */
function againstWholeIndex(result: ScanResult): Finding[] {
  const analyzer = new Analyzer();
  const fileFindings = result.index.files
    .filter((f) => ANALYSED_KINDS.has(f.kind))
    .flatMap((f) => analyzer.analyzeFile(f.path, fs.readFileSync(path.join(result.root, f.path), 'utf8'), result.index, result.config));
  return [...fileFindings, ...result.projectFindings].sort(byPosition);
}

const found = (result: ScanResult, code: string) => result.findings.filter((f) => f.code === code).map((f) => `${f.path}:${f.range.start.line + 1} ${f.role}`);

test('a pre-index answers from the file at hand and what is known before parsing, and throws NotYetKnown for the rest', () => {
  const analyzer = new Analyzer();
  const facts = new Map(Object.entries(PROJECT).map(([p, text]): [string, FileFacts] => [p, analyzer.facts(p, text)]));
  const files = Object.entries(PROJECT).map(([p, text]) => ({ path: p, kind: kindOf(p), size: text.length }));
  const data = { files, facts: [], documents: [['README.md', PROJECT['README.md']]] as [string, string][], layout: {} };
  const preIndex = indexFromData({ ...data, pending: files.filter((f) => ANALYSED_KINDS.has(f.kind)).map((f) => f.path) });
  const index = indexFromData({ ...data, facts: [...facts] });

  preIndex.atFile('train.py', facts.get('train.py'));
  assert.deepEqual(preIndex.python('train.py'), facts.get('train.py')!.python);
  // Its own imports resolve by the file list alone.
  assert.deepEqual(preIndex.importsOf('train.py'), ['columns.py']);
  assert.equal(preIndex.roleOf('train.py'), index.roleOf('train.py'));
  assert.equal(preIndex.documents.get('README.md'), PROJECT['README.md']);
  assert.throws(() => preIndex.python('app/main.py'), NotYetKnown);
  assert.throws(() => preIndex.pythonFiles(), NotYetKnown);
  assert.throws(() => preIndex.roleOf('app/main.py'), NotYetKnown);

  // Whether another file imports it is not known yet: taken as a script, it is a library once known.
  preIndex.atFile('columns.py', facts.get('columns.py'));
  assert.equal(preIndex.roleOf('columns.py'), 'pipeline');
  assert.equal(index.roleOf('columns.py'), 'library');
  assert.throws(() => preIndex.importersOf('columns.py'), NotYetKnown);
  // A question it could not answer is not remembered as answered.
  assert.throws(() => preIndex.importersOf('columns.py'), NotYetKnown);
  assert.deepEqual(index.importersOf('columns.py'), ['train.py']);
});

test('the first pass runs every rule that needs only the file and the project around it: only the cross-file ones are owed', () => {
  const { files } = discoverFiles(root, EVERY_RULE);
  const limits = { realRoot: realRootOf(root), maxFileSizeMB: EVERY_RULE.thresholds.maxFileSizeMB };
  const code = files.filter((f) => f.kind === 'python');
  const others = files.filter((f) => ANALYSED_KINDS.has(f.kind) && f.kind !== 'python');
  const { documents } = readDocuments(files, limits);
  const share = new ScanShare();
  // The requirements first, as the scan reads them: the code's pre-index knows their facts.
  const preIndex = { files, facts: [], documents, layout: {} };
  const { results: configFirst } = share.collectFacts(others, limits, { index: indexFromData({ ...preIndex, pending: others.map((f) => f.path) }), config: EVERY_RULE });
  const known = configFirst.map((r): [string, FileFacts] => [r.path, r.facts!]);
  const { results: passes } = share.collectFacts(code, limits, { index: indexFromData({ ...preIndex, facts: known, pending: code.map((f) => f.path) }), config: EVERY_RULE });
  const owed = Object.fromEntries(passes.map((r) => [r.path, { role: r.rules?.role, owed: r.rules?.owed }]));
  assert.deepEqual(owed, {
    // Whether training defines the same features, and whether a file of the project writes the
    // model it loads.
    'app/main.py': { role: 'serving', owed: ['MLH502', 'MLH608'] },
    // Run as the script it would be if nothing imported it; the scan runs it again as a library.
    // MLH213 first asks whether any function of the project returns test scores.
    'columns.py': { role: 'pipeline', owed: ['MLH213'] },
    // Whether a module it imports, or one that imports it, validates the data it reads.
    'train.py': { role: 'pipeline', owed: ['MLH101', 'MLH213'] },
  });
});

for (const [name, workers] of [['in this thread', 0], ['on worker threads', 2]] as const) {
  test(`the scan reports what the rules find against the whole index (${name})`, async () => {
    assert.ok(fs.existsSync(WORKER), `the built worker ${WORKER} exists (run the build first)`);
    const result = await scanProject(root, { config: EVERY_RULE, workers, workerScript: WORKER });
    assert.deepEqual(result.findings, againstWholeIndex(result));
    // A rule that needed another file's facts ran once they were known ...
    assert.deepEqual(found(result, 'MLH502'), ['app/main.py:10 serving']);
    assert.equal(result.findings.find((f) => f.code === 'MLH502')?.related?.[0].path, 'train.py');
    // ... and the module that turned out to be imported was analysed as the library it is.
    assert.deepEqual(found(result, 'MLH106'), ['columns.py:6 library']);
    assert.deepEqual(result.notices, []);
  });
}

for (const [name, workers] of [['in this thread', 0], ['on worker threads', 2]] as const) {
  test(`with the cache, a file whose findings depend on an edited file is analysed again (${name})`, async () => {
    const project = makeProject(PROJECT);
    try {
      const first = await scanProject(project, { config: EVERY_RULE, cache: true, workers, workerScript: WORKER });
      assert.deepEqual(found(first, 'MLH502'), ['app/main.py:10 serving']);
      // The training script now imports its features from the service: the copy is gone, and the
      // service's own text did not change.
      writeFiles(project, { 'train.py': TRAIN.replace(/def add_features[\s\S]*?return houses\n/, '').replace('from columns', 'from app.main import add_features\nfrom columns') });
      const cached = await scanProject(project, { config: EVERY_RULE, cache: true, workers, workerScript: WORKER });
      const fresh = await scanProject(project, { config: EVERY_RULE });
      assert.deepEqual(found(cached, 'MLH502'), []);
      assert.deepEqual(cached.findings, fresh.findings);
      assert.deepEqual(cached.notices, fresh.notices);
    } finally {
      removeProject(project);
    }
  });
}
