// What the analysis of an edited document keeps of the top-level statements an edit did not change
// (statementMemo.ts): the calls of each statement, described through the module's imports, what
// each statement binds, and its names by text. After every edit of a series, the calls, the bindings
// that reach every name, the places of each name and the findings of every rule are those of an
// analysis from scratch; and the statements the edit
// left alone keep their calls and bindings, unless an import changed what the calls' names mean.
import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { Analyzer, kindOf } from '../../server/src/engine/analyze';
import { ProjectIndex } from '../../server/src/engine/project';
import { Binding, bindingsOf } from '../../server/src/engine/python/bindings';
import { applyChanges, TextChange } from '../../server/src/engine/python/edits';
import { Call, Node, PythonModule } from '../../server/src/engine/python/module';
import { initPython } from '../../server/src/engine/python/parser';
import { Finding, rangeOf } from '../../server/src/engine/types';
import { EVERY_RULE } from '../support/config';

const SCRIPT = `"""Builds the churn features from the raw export and trains the model."""
# Paths are relative to the repository root.
import json
from pathlib import Path

import joblib
import numpy as np
import pandas as pd
from sklearn.ensemble import GradientBoostingClassifier
from sklearn.model_selection import train_test_split

RAW_DIR = Path("data/raw")
FEATURES = ["tenure", "monthly_charges", "gender", "contract"]
TARGET = "churned"


def load_export(name: str) -> pd.DataFrame:
    frame = pd.read_csv(RAW_DIR / f"{name}.csv")
    frame = frame.dropna(subset=[TARGET])
    return frame


def add_ratios(frame: pd.DataFrame) -> pd.DataFrame:
    frame["charge_per_month"] = frame["monthly_charges"] / frame["tenure"].clip(lower=1)
    frame["long_term"] = [(t := tenure) > 24 for tenure in frame["tenure"]]
    frame.fillna(0)
    return frame


class Trainer:
    def __init__(self, seed: int = 7):
        self.model = GradientBoostingClassifier(random_state=seed)
        self.scores = {}

    def fit(self, frame: pd.DataFrame) -> None:
        X_train, X_test, y_train, y_test = train_test_split(frame[FEATURES], frame[TARGET], random_state=7)
        self.model.fit(X_train, y_train)
        self.scores["test"] = float(self.model.score(X_test, y_test))
        frame.to_csv(RAW_DIR / "scored.csv", index=False)


def main() -> None:
    frame = add_ratios(load_export("customers"))
    trainer = Trainer()
    trainer.fit(frame)
    clipped = np.clip(frame["tenure"].to_numpy(), 0, 72)
    joblib.dump(trainer.model, Path("models") / "churn.joblib")
    Path("reports/scores.json").write_text(json.dumps(trainer.scores))


if __name__ == "__main__":
    main()
`;

const FILE = 'pipeline/train_churn.py';

/** A call as the rules read it. */
function describeCall(call: Call): string {
  const at = (node: Node | undefined) => (node ? `${node.startIndex}-${node.endIndex}` : '-');
  const keywords = [...call.keywords].map(([name, value]) => `${name}=${at(value)}`);
  return `${at(call.node)} ${call.callee} ${call.qualified} ${call.imported} ${call.method} ${at(call.receiver)} [${call.positional.map(at)}] [${keywords}] ${call.hasSplat}`;
}

function describeBinding(binding: Binding): string {
  const at = (node: Node | undefined) => (node ? `${node.startIndex}:${JSON.stringify(node.text)}` : '-');
  return `${binding.name}@${binding.visibleFrom}=${at(binding.value)}:${at(binding.annotation)}`;
}

/** What reaches each name and `self.` attribute of the module. */
function reachingEveryName(module: PythonModule): string[] {
  const bindings = bindingsOf(module);
  return [...module.nodes('identifier'), ...module.nodes('attribute')].map(
    (use) => `${use.startIndex} ${use.text}: ${(bindings.reaching(use) ?? []).map(describeBinding).join(', ')}`,
  );
}

/** Where each identifier and attribute text of the module is, as withText finds it. */
function nodesByText(module: PythonModule): string[] {
  return (['identifier', 'attribute'] as const).flatMap((type) =>
    [...new Set(module.nodes(type).map((node) => node.text))].map((text) => `${type} ${text}: ${module.withText(type, text).map((node) => `${node.startIndex}-${node.endIndex}`)}`),
  );
}

interface Analysis {
  calls: string[];
  reaching: string[];
  byText: string[];
  findings: Finding[];
  /** The objects of its calls and of the bindings that reach its names (a module is not to be read
   *  once its document is parsed again). */
  callObjects: Set<Call>;
  bindingObjects: Set<Binding>;
}

/** What the language server does with an open document's text (with the edits since the text it
 *  analysed before), or, without edits and with a new analyzer, what a fresh analysis does. */
function analyse(analyzer: Analyzer, text: string, edits?: ReturnType<typeof applyChanges>['edits']): Analysis {
  const parsed = analyzer.parse(FILE, text, edits);
  assert.equal(parsed.kind, 'python');
  const { module } = parsed;
  const facts = analyzer.liveFacts(FILE, text);
  const project = new ProjectIndex([{ path: FILE, kind: kindOf(FILE), size: text.length }], new Map([[FILE, facts]]));
  const calls = module.calls();
  calls.forEach((call) => assert.equal(module.describeCall(call.node), call, 'a call is described once'));
  const bindings = bindingsOf(module);
  return {
    calls: calls.map(describeCall),
    reaching: reachingEveryName(module),
    byText: nodesByText(module),
    findings: analyzer.analyzeFile(FILE, text, project, EVERY_RULE),
    callObjects: new Set(calls),
    bindingObjects: new Set(module.nodes('identifier').flatMap((use) => bindings.reaching(use) ?? [])),
  };
}

/** How many calls and bindings `after` has that are the very objects `before` had. */
function kept(before: Analysis, after: Analysis): { calls: number; bindings: number } {
  return {
    calls: [...after.callObjects].filter((call) => before.callObjects.has(call)).length,
    bindings: [...after.bindingObjects].filter((binding) => before.bindingObjects.has(binding)).length,
  };
}

const at = (line: number, character = 0) => rangeOf(line, character, line, character);
const lineOf = (text: string, start: string) => text.split('\n').findIndex((l) => l.startsWith(start));
/** The range of `part` in the line that starts with `start`. */
function inLine(text: string, start: string, part: string) {
  const line = lineOf(text, start);
  const column = text.split('\n')[line].indexOf(part);
  return rangeOf(line, column, line, column + part.length);
}

interface Step {
  name: string;
  changes: (text: string) => TextChange[];
  /** Whether the statements the edit did not touch keep their calls (false: an import changed). */
  keepsCalls: boolean;
}

const STEPS: Step[] = [
  { name: 'a statement typed inside a function', keepsCalls: true, changes: (t) => [{ range: at(lineOf(t, '    frame = frame.dropna')), text: '    frame = frame.drop_duplicates()\n' }] },
  { name: 'a comment line deleted above everything', keepsCalls: true, changes: (t) => [{ range: rangeOf(lineOf(t, '# Paths'), 0, lineOf(t, '# Paths') + 1, 0), text: '' }] },
  { name: 'an import alias changed', keepsCalls: false, changes: (t) => [{ range: inLine(t, 'import pandas', 'pandas'), text: 'polars' }] },
  { name: 'the import changed back', keepsCalls: false, changes: (t) => [{ range: inLine(t, 'import polars', 'polars'), text: 'pandas' }] },
  { name: 'the raw folder constant changed', keepsCalls: true, changes: (t) => [{ range: inLine(t, 'RAW_DIR = ', 'raw'), text: 'interim' }] },
  { name: 'a second binding of it appended', keepsCalls: true, changes: (t) => [{ range: at(t.split('\n').length - 1), text: 'RAW_DIR = Path("data/raw/v2")\n' }] },
  { name: 'a method broken', keepsCalls: true, changes: (t) => [{ range: at(lineOf(t, '        self.model.fit'), 8), text: '(' }] },
  { name: 'and repaired', keepsCalls: true, changes: (t) => [{ range: inLine(t, '        (self.model.fit', '('), text: '' }] },
  ...[...'seed = 3\n'].map((c, i) => ({
    name: `${JSON.stringify('seed = 3'.slice(0, i + 1))} typed above main`,
    keepsCalls: true,
    changes: (t: string) => [{ range: at(lineOf(t, 'def main') - 1, i), text: c }],
  })),
];

describe('what an edit keeps of the statements it did not change', () => {
  before(() => initPython());

  test('after each edit, calls, bindings and findings are those of a fresh analysis, and the untouched statements keep theirs', () => {
    const live = new Analyzer();
    let text = SCRIPT;
    let previous = analyse(live, text);
    assert.ok(previous.findings.some((f) => f.code === 'MLH104'), 'the script writes into data/raw');
    for (const step of STEPS) {
      const { text: next, edits } = applyChanges(text, step.changes(text));
      const now = analyse(live, next, edits);
      const fresh = analyse(new Analyzer(), next);
      assert.deepEqual(now.calls, fresh.calls, `${step.name}: the calls`);
      assert.deepEqual(now.reaching, fresh.reaching, `${step.name}: the bindings`);
      assert.deepEqual(now.byText, fresh.byText, `${step.name}: the nodes of each text`);
      assert.deepEqual(now.findings, fresh.findings, `${step.name}: the findings`);
      const reused = kept(previous, now);
      if (step.keepsCalls) assert.ok(reused.calls > 0, `${step.name}: calls kept`);
      else assert.equal(reused.calls, 0, `${step.name}: calls described again`);
      assert.ok(reused.bindings > 0, `${step.name}: bindings kept`);
      previous = now;
      text = next;
    }
  });
});
