// An open document's facts: the costly ones are gathered when first read, from the parse of the text
// they describe, never from a tree an edit changed since; gathered, they are the facts a scan gives.
// A requested fact is gathered only while a selected rule names it.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { before, describe, test } from 'node:test';
import { Analyzer } from '../../server/src/engine/analyze';
import { DEFAULT_CONFIG } from '../../server/src/engine/config';
import { applyChanges } from '../../server/src/engine/python/edits';
import { hasDeferredFacts } from '../../server/src/engine/python/facts';
import { initPython } from '../../server/src/engine/python/parser';
import { rangeOf } from '../../server/src/engine/types';
import { FIXTURES } from '../support/fixtures';

function codeFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return codeFiles(full);
    return /\.(py|ipynb)$/.test(entry.name) ? [full] : [];
  });
}

const TRAIN = `"""Trains the churn model from the settings in params.yaml."""
import pandas as pd
import yaml
from sklearn.linear_model import LogisticRegression

params = yaml.safe_load(open("params.yaml"))
frame = pd.read_csv("data/churn.csv")
model = LogisticRegression(C=params["train"]["c"]).fit(frame[["tenure"]], frame["churned"])
`;

describe('the facts of an open document', () => {
  before(() => initPython());

  test('gathered, are the facts a scan gives, for every Python file and notebook of the rule fixtures', () => {
    const files = codeFiles(path.join(FIXTURES, 'rules'));
    assert.ok(files.length > 100, 'the fixtures hold the code to compare on');
    for (const file of files) {
      const relative = path.relative(FIXTURES, file).split(path.sep).join('/');
      const text = fs.readFileSync(file, 'utf8');
      const live = new Analyzer().liveFacts(relative, text);
      assert.equal(JSON.stringify(live), JSON.stringify(new Analyzer().facts(relative, text)), relative);
    }
  });

  test('gather a costly fact when it is first read, and the same text gives the same facts again', () => {
    const analyzer = new Analyzer();
    analyzer.parse('train.py', TRAIN);
    const facts = analyzer.liveFacts('train.py', TRAIN).python!;
    assert.ok(hasDeferredFacts(facts));
    assert.deepEqual(facts.stringKeysRead.sort(), ['c', 'churned', 'train']);
    assert.equal(analyzer.liveFacts('train.py', TRAIN).python, facts);
    assert.deepEqual(facts.pathsRead.sort(), ['data/churn.csv', 'params.yaml']);
  });

  test('refuse to gather a costly fact once the document was edited, and keep those gathered before', () => {
    const analyzer = new Analyzer();
    analyzer.parse('train.py', TRAIN);
    const facts = analyzer.liveFacts('train.py', TRAIN).python!;
    const keys = facts.stringKeysRead;
    // A keystroke: the tree the facts were read from is edited for the new text.
    const { text, edits } = applyChanges(TRAIN, [{ range: rangeOf(6, 0, 6, 0), text: 'x' }]);
    analyzer.parse('train.py', text, edits);
    assert.throws(() => facts.pathsRead, /read after its text changed/);
    assert.equal(facts.stringKeysRead, keys);
    assert.deepEqual(analyzer.liveFacts('train.py', text).python!.pathsRead.sort(), ['data/churn.csv', 'params.yaml']);
  });

  test('hold a requested fact only while a selected rule names it, scanned or open', () => {
    const validating = `${TRAIN}assert frame["tenure"].ge(0).all()\n`;
    const withMLH101 = { ...DEFAULT_CONFIG, extendSelect: ['MLH101'] };
    const analyzer = new Analyzer();
    // MLH101, the only rule that reads validatesData, is opt-in.
    assert.equal(analyzer.facts('train.py', validating, DEFAULT_CONFIG).python!.validatesData, undefined);
    assert.equal(analyzer.facts('train.py', validating, withMLH101).python!.validatesData, true);
    // An open document whose rules change (a setting) gets facts for the new selection.
    assert.equal(analyzer.liveFacts('train.py', validating, DEFAULT_CONFIG).python!.validatesData, undefined);
    assert.equal(analyzer.liveFacts('train.py', validating, withMLH101).python!.validatesData, true);
  });
});
