// Typing in an open document re-parses it incrementally (tree-sitter reuses the subtrees the edit
// did not touch) and indexes the new tree. After every edit of a series (typing inside a function, a new import,
// a deleted line, syntax broken and repaired, a line typed a character at a time above a function),
// the incremental analysis must be the analysis of the same text from scratch: the index node for
// node, the facts and the findings.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { before, describe, test } from 'node:test';
import { Analyzer, kindOf } from '../../server/src/engine/analyze';
import { FileFacts, ProjectIndex } from '../../server/src/engine/project';
import { applyChanges, TextChange } from '../../server/src/engine/python/edits';
import { callsIn } from '../../server/src/engine/python/flow';
import { Node, PythonModule } from '../../server/src/engine/python/module';
import { Edit, initPython } from '../../server/src/engine/python/parser';
import { Finding, rangeOf } from '../../server/src/engine/types';
import { longModule } from '../bench/corpus';
import { RULES } from '../../server/src/rules';
import { rehearseKeystroke } from '../../server/src/lsp/warmUp';
import { EVERY_RULE } from '../support/config';
import { FIXTURES } from '../support/fixtures';
import { namedNodes } from '../support/syntaxTree';

/** Node types the analyses list. */
const TYPES = ['assignment', 'attribute', 'call', 'comment', 'function_definition', 'identifier', 'if_statement', 'import_from_statement',
  'import_statement', 'keyword_argument', 'string', 'subscript', 'block', 'module'];

/** The index as the analyses see it: each node listed by type, where it is, what it reads, and its
 *  parent; and every listed node is the very object its parent lists among its children. */
function indexShape(module: PythonModule): string[] {
  const out: string[] = [];
  for (const type of TYPES) {
    for (const node of module.nodes(type)) {
      const parent = node.parent;
      assert.ok(!parent || parent.children.includes(node), `${type} at ${node.startIndex} is not among its parent's children`);
      out.push(`${type} ${describeNode(node)} ${JSON.stringify(node.text.slice(0, 40))} in ${parent ? describeNode(parent) : '-'}`);
    }
  }
  return out;
}

function describeNode(node: Node): string {
  const { startPosition: s, endPosition: e } = node;
  return `${node.type}@${node.startIndex}-${node.endIndex}(${s.row}:${s.column}-${e.row}:${e.column})`;
}

interface Analysis {
  facts: FileFacts;
  findings: Finding[];
  index: string[];
}

/** What the language server does with an open document's text: parse (with the edits since the
 *  text it analysed before, if any), facts (the costly ones gathered when read), then the file's
 *  rules; or, `live` false, what a scan does with a file (every fact gathered at once). */
function analyse(analyzer: Analyzer, file: string, text: string, edits?: Edit[], live = true): Analysis {
  const parsed = analyzer.parse(file, text, edits);
  assert.equal(parsed.kind, 'python');
  const index = indexShape(parsed.module);
  const facts = live ? analyzer.liveFacts(file, text) : analyzer.facts(file, text);
  const project = new ProjectIndex([{ path: file, kind: kindOf(file), size: text.length }], new Map([[file, facts]]));
  return { facts, findings: analyzer.analyzeFile(file, text, project, EVERY_RULE), index };
}

interface Step {
  name: string;
  changes: TextChange[];
}

/** Applies each step to the text (a list, or a function giving the next step for the text so far)
 *  and checks the incremental analysis against a fresh one; gives the findings after each step.
 *  With `rehearsed`, that many keystrokes are first rehearsed in the opened text, as the language
 *  server does while a document is read (warmUp.ts): then its parse and findings are those of the text. */
function checkSteps(file: string, text: string, steps: Step[] | { count: number; next(text: string): Step }, rehearsed = 0): Finding[][] {
  const incremental = new Analyzer();
  const opened = analyse(incremental, file, text);
  for (let i = 0; i < rehearsed; i++) {
    const project = new ProjectIndex([{ path: file, kind: kindOf(file), size: text.length }], new Map([[file, opened.facts]]));
    rehearseKeystroke(incremental, file, text, project, EVERY_RULE);
    assert.ok(incremental.holdsParseOf(file, text), `${file}: after a rehearsed keystroke, the parse is of the text again`);
  }
  if (rehearsed) assert.deepEqual(analyse(incremental, file, text).findings, opened.findings, `${file}: the findings after the rehearsed keystrokes`);
  const count = Array.isArray(steps) ? steps.length : steps.count;
  const found: Finding[][] = [];
  for (let i = 0; i < count; i++) {
    const step = Array.isArray(steps) ? steps[i] : steps.next(text);
    const { text: next, edits } = applyChanges(text, step.changes);
    const live = analyse(incremental, file, next, edits);
    const fresh = analyse(new Analyzer(), file, next, undefined, false);
    assert.deepEqual(live.index, fresh.index, `${file}, ${step.name}: the index`);
    assert.deepEqual(live.facts, fresh.facts, `${file}, ${step.name}: the facts`);
    assert.deepEqual(live.findings, fresh.findings, `${file}, ${step.name}: the findings`);
    found.push(live.findings);
    text = next;
  }
  return found;
}

const at = (line: number, character = 0) => rangeOf(line, character, line, character);

/** The first line of the text that starts with `start` (after its indentation). */
function lineOf(text: string, start: string): number {
  const line = text.split('\n').findIndex((l) => l.trimStart().startsWith(start));
  assert.ok(line >= 0, start);
  return line;
}

/** A step made for the text as it is when it comes. */
type StepOn = (text: string) => Step;

const insertAt = (name: string, start: string, inserted: string, below = 0): StepOn => (text) => ({ name, changes: [{ range: at(lineOf(text, start) + below), text: inserted }] });

const deleteAt = (name: string, start: string, below = 0): StepOn => (text) => {
  const line = lineOf(text, start) + below;
  return { name, changes: [{ range: rangeOf(line, 0, line + 1, 0), text: '' }] };
};

const replaceIn = (name: string, start: string, from: string, to: string): StepOn => (text) => {
  const line = lineOf(text, start);
  const column = text.split('\n')[line].indexOf(from);
  return { name, changes: [{ range: rangeOf(line, column, line, column + from.length), text: to }] };
};

/** A line typed a character at a time above the first line that starts with `start`. */
const typedAbove = (start: string, typed: string): StepOn[] => {
  let line = -1;
  return [...typed].map((c, i) => (text) => {
    if (i === 0) line = lineOf(text, start);
    return { name: `${JSON.stringify(typed.slice(0, i + 1))} typed above ${start}`, changes: [{ range: at(line, i), text: c }] };
  });
};

/** Steps made as they come, for checkSteps. */
function stepsOn(steps: StepOn[]): { count: number; next(text: string): Step } {
  let next = 0;
  return { count: steps.length, next: (text) => steps[next++](text) };
}

/** A pseudo-random number generator (mulberry32): the same edits on every run. */
function seeded(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Random edits of the kinds typing makes, each to the text as it is then: a line of the module
 *  copied to another place (an import, a credential, a call moves in or out of a function), a line
 *  deleted, a character typed or deleted inside a line, a suppression comment added to a line. */
function randomEdits(seed: number, count: number, codes: string[]): { count: number; next(text: string): Step } {
  const rand = seeded(seed);
  const below = (n: number) => Math.floor(rand() * n);
  return {
    count,
    next(text) {
      const lines = text.split('\n');
      const line = below(lines.length);
      const length = lines[line].length;
      switch (below(5)) {
        case 0: {
          const copied = lines[below(lines.length)];
          return { name: `line ${line + 1} inserted: ${JSON.stringify(copied)}`, changes: [{ range: at(line), text: `${copied}\n` }] };
        }
        case 1:
          return { name: `line ${line + 1} deleted`, changes: [{ range: rangeOf(line, 0, line + 1, 0), text: '' }] };
        case 2: {
          const column = below(length + 1);
          // Mostly what keeps the syntax whole; now and then a bracket or quote that breaks it.
          const typed = rand() < 0.9 ? 'x_0 .='[below(6)] : '("\''[below(3)];
          return { name: `${JSON.stringify(typed)} typed at ${line + 1}:${column}`, changes: [{ range: at(line, column), text: typed }] };
        }
        case 3: {
          const column = below(Math.max(length, 1));
          return { name: `a character deleted at ${line + 1}:${column}`, changes: [{ range: rangeOf(line, column, line, Math.min(column + 1, length)), text: '' }] };
        }
        default: {
          const code = codes[below(codes.length)];
          return { name: `noqa for ${code} on line ${line + 1}`, changes: [{ range: at(line, length), text: `  # noqa: ${code}` }] };
        }
      }
    },
  };
}

/** A line typed a character at a time at the start of `line`: the text in between breaks the
 *  statement that was there until the line ends. */
function typedLine(line: number, typed: string): { name: string; changes: TextChange[] }[] {
  return [...typed].map((c, i) => ({ name: `type ${JSON.stringify(typed.slice(0, i + 1))} at line ${line + 1}`, changes: [{ range: at(line, i), text: c }] }));
}

/** Edits of a realistic kind for any module: inside its first function, at its top, in its middle. */
function editsFor(text: string): { name: string; changes: TextChange[] }[] {
  const lines = text.split('\n');
  const def = lines.findIndex((l) => /^\s*def .*:\s*$/.test(l));
  const body = def >= 0 ? def + 1 : Math.floor(lines.length / 2);
  const indent = /^\s*/.exec(lines[body] ?? '')![0];
  const middle = Math.floor(lines.length / 2);
  return [
    { name: 'a new statement inside a function', changes: [{ range: at(body), text: `${indent}scale = 2\n` }] },
    { name: 'a call typed after it', changes: [{ range: at(body, indent.length + 9), text: ' * np.sqrt(len(scale))' }] },
    { name: 'a new import at the top', changes: [{ range: at(0), text: 'import numpy as np\n' }] },
    { name: 'a line deleted in the middle', changes: [{ range: rangeOf(middle, 0, middle + 1, 0), text: '' }] },
    { name: 'the syntax broken', changes: [{ range: at(body + 1, indent.length), text: '(' }] },
    { name: 'and repaired', changes: [{ range: rangeOf(body + 1, indent.length, body + 1, indent.length + 1), text: '' }] },
    { name: 'a comment above the function', changes: [{ range: at(Math.max(def, 0)), text: '# the first step\n' }] },
  ];
}

/** The Python fixtures where a rule must fire, relative to FIXTURES. */
function firingFixtures(): string[] {
  return fs
    .readdirSync(path.join(FIXTURES, 'rules'))
    .flatMap((code) => fs.readdirSync(path.join(FIXTURES, 'rules', code)).filter((f) => /^fires.*\.py$/.test(f)).map((f) => path.join('rules', code, f)));
}

describe('incremental analysis of an edited document', () => {
  before(() => initPython());

  test('each firing rule fixture, edited step by step, is analysed as from scratch', () => {
    const fixtures = firingFixtures();
    assert.ok(fixtures.length > 20);
    for (const fixture of fixtures) {
      const file = `pipeline/${path.basename(fixture)}`;
      const text = fs.readFileSync(path.join(FIXTURES, fixture), 'utf8');
      checkSteps(file, text, editsFor(text));
    }
  });

  test('each firing rule fixture, rehearsed on and then edited step by step, is analysed as from scratch', () => {
    for (const fixture of firingFixtures()) {
      const text = fs.readFileSync(path.join(FIXTURES, fixture), 'utf8');
      checkSteps(`pipeline/${path.basename(fixture)}`, text, editsFor(text), 2);
    }
  });

  test('a line typed a character at a time above a function of a long module, then deleted', () => {
    const text = longModule(600);
    const lines = text.split('\n');
    const def = lines.findIndex((l, i) => i > lines.length / 2 && l.startsWith('def '));
    const typed = 'extra = 2\n';
    checkSteps('pipeline/train_all.py', text, [
      ...typedLine(def, typed),
      { name: 'the typed line deleted', changes: [{ range: rangeOf(def, 0, def + 1, 0), text: '' }] },
      { name: 'an import added at the top', changes: [{ range: at(0), text: 'import random\n' }] },
      { name: 'a statement typed inside the function', changes: [{ range: at(def + 2), text: '    random.shuffle(rows)\n' }] },
    ]);
  });
});

describe('statement-local rules while a document is edited', () => {
  before(() => initPython());

  // Each such rule runs again only on the statements an edit changed: after random edits of its
  // fixtures and of a long module, every rule's findings are those of an analysis from scratch.
  const local = RULES.filter((r) => r.statementLocal);

  test('some rules are statement-local, each has Python fixtures', () => {
    assert.ok(local.length >= 4);
    for (const rule of local) assert.ok(pythonFixtures(rule.code).length > 0, rule.code);
  });

  for (const rule of local) {
    test(`${rule.code}: its Python fixtures, edited at random, are analysed as from scratch`, () => {
      pythonFixtures(rule.code).forEach((fixture, i) => {
        const text = fs.readFileSync(path.join(FIXTURES, 'rules', rule.code, fixture), 'utf8');
        checkSteps(`pipeline/${fixture}`, text, randomEdits(i + 1, 40, [rule.code, 'MLH603']));
      });
    });
  }

  test('a long module edited at random is analysed as from scratch', () => {
    checkSteps('pipeline/train_all.py', longModule(300), randomEdits(42, 40, local.map((r) => r.code)));
  });
});

function pythonFixtures(code: string): string[] {
  return fs.readdirSync(path.join(FIXTURES, 'rules', code)).filter((f) => f.endsWith('.py'));
}

describe('rules that read what a statement reaches by name, while a document is edited', () => {
  before(() => initPython());

  // Their findings in a statement are kept only while that statement is the same node and what it
  // reaches by name is as it was: each edit below changes, in other statements, a value that an
  // unchanged statement reads (a folder its writes go to, the URL it reads, the frame it modifies),
  // or puts a statement of the same text before the one that binds what it reads.
  const features = `"""Builds the churn features and writes them for training."""
import pandas as pd
from sklearn.model_selection import train_test_split

EVENTS_URL = "https://storage.example.com/churn/events.csv"
DATA_DIR = "data/interim"
FEATURES_PATH = f"{DATA_DIR}/features.parquet"


def build_features(events: pd.DataFrame) -> pd.DataFrame:
    features = events.groupby("customer_id").agg(n_events=("ts", "count"))
    features.to_parquet(FEATURES_PATH)
    return features


events = pd.read_csv(EVENTS_URL)
events["amount"]["refund"] = 0
events.dropna()
train, test = train_test_split(build_features(events), test_size=0.2, random_state=7)
`;
  const byName = new Set(RULES.filter((r) => r.statementLocal === 'reachingByName').map((r) => r.code));

  test('MLH104, MLH105, MLH107 and MLH108 read by name', () => {
    assert.deepEqual([...byName].sort(), ['MLH104', 'MLH105', 'MLH107', 'MLH108']);
  });

  test('edits of what unchanged statements read elsewhere are analysed as from scratch', () => {
    const steps: [StepOn, string[]][] = [
      [replaceIn('the data folder made the raw one', 'DATA_DIR = ', 'interim', 'raw'), ['MLH104 12', 'MLH105 16', 'MLH107 17', 'MLH108 18']],
      [replaceIn('the aggregation in the function edited', 'features = events', '"count"', '"nunique"'), ['MLH104 12', 'MLH105 16', 'MLH107 17', 'MLH108 18']],
      [replaceIn('and the interim one again', 'DATA_DIR = ', 'raw', 'interim'), ['MLH105 16', 'MLH107 17', 'MLH108 18']],
      [insertAt('the events read by a function of the module, below the pandas read', 'events["amount"]', 'events = load_events()\n'), ['MLH105 16']],
      [deleteAt('that line deleted', 'events = load_events('), ['MLH105 16', 'MLH107 17', 'MLH108 18']],
      [replaceIn('the path of the features a literal in the raw folder', 'FEATURES_PATH = ', 'f"{DATA_DIR}/', '"data/raw/'), ['MLH104 12', 'MLH105 16', 'MLH107 17', 'MLH108 18']],
      [deleteAt('the constant deleted: its value unknown', 'FEATURES_PATH = '), ['MLH105 15', 'MLH107 16', 'MLH108 17']],
      [insertAt('and written again', 'def build_features', 'FEATURES_PATH = "data/raw/features.parquet"\n\n\n'), ['MLH104 14', 'MLH105 18', 'MLH107 19', 'MLH108 20']],
      [replaceIn('the URL of the events pinned to a version', 'EVENTS_URL = ', 'churn/', 'churn/v3/'), ['MLH104 14', 'MLH107 19', 'MLH108 20']],
      // The same text as the discarded dropna below, before the frame is bound: the first of the two
      // takes the place of the one before among the statements of that text, but not its findings.
      [insertAt('a copy of the dropna above the function', 'def build_features', 'events.dropna()\n\n\n'), ['MLH104 17', 'MLH107 22', 'MLH108 23']],
      [replaceIn('the version taken out of the URL', 'EVENTS_URL = ', 'churn/v3/', 'churn/'), ['MLH104 17', 'MLH105 21', 'MLH107 22', 'MLH108 23']],
    ];
    const found = checkSteps('pipeline/features.py', features, stepsOn(steps.map(([step]) => step)));
    found.forEach((findings, i) => {
      const shown = findings.filter((f) => byName.has(f.code)).map((f) => `${f.code} ${f.range.start.line + 1}`);
      assert.deepEqual(shown, steps[i][1], `after step ${i + 1}`);
    });
  });
});

describe('the syntax tree index of a re-parse', () => {
  before(() => initPython());

  test('keeps the node objects of the subtrees the parse reused, moved to their new place', () => {
    const analyzer = new Analyzer();
    const text = longModule(200);
    const first = analyzer.parse('pipeline/train_all.py', text);
    assert.equal(first.kind, 'python');
    const last = first.module.nodes('function_definition').at(-1)!;
    const { row, column } = last.startPosition;
    const { text: next, edits } = applyChanges(text, [{ range: at(0), text: 'import random\n' }]);
    const second = analyzer.parse('pipeline/train_all.py', next, edits);
    assert.equal(second.kind, 'python');
    const moved = second.module.nodes('function_definition').at(-1)!;
    assert.equal(moved, last, 'the last function is the object of before');
    assert.deepEqual(moved.startPosition, { row: row + 1, column });
    assert.equal(moved.tree.rootNode, second.module.root, 'its tree leads to the module');
    assert.equal(moved.text, last.text);
  });
});

describe('the syntax tree index of a line typed above a function', () => {
  before(() => initPython());

  test('keeps the objects of the statements after the one typed in, each for a node of its type and text', () => {
    const analyzer = new Analyzer();
    let text = longModule(300);
    const lines = text.split('\n');
    const def = lines.findIndex((l, i) => i > lines.length / 2 && l.startsWith('def '));
    const offset = lines.slice(0, def).join('\n').length + 1;
    let parsed = analyzer.parse('pipeline/train_all.py', text);
    for (const step of typedLine(def, 'extra')) {
      assert.equal(parsed.kind, 'python');
      const before = new Map(namedNodes(parsed.module.root).map((node) => [node, `${node.type} ${node.text}`]));
      const { text: next, edits } = applyChanges(text, step.changes);
      parsed = analyzer.parse('pipeline/train_all.py', next, edits);
      assert.equal(parsed.kind, 'python');
      const after = namedNodes(parsed.module.root);
      for (const node of after) if (before.has(node)) assert.equal(`${node.type} ${node.text}`, before.get(node), step.name);
      // Only the statement typed in is parsed again: the statements before and after it are those
      // of before.
      const typedIn = parsed.module.root.namedChildren.find((s) => s !== null && s.startIndex <= offset && offset < s.endIndex)!;
      const following = after.filter((node) => node.startIndex >= typedIn.endIndex);
      const kept = following.filter((node) => before.has(node)).length;
      assert.ok(following.length > 1000 && kept === following.length, `${step.name}: ${kept} of ${following.length} objects kept`);
      const preceding = after.filter((node) => node !== typedIn.parent && node.endIndex <= typedIn.startIndex);
      const keptBefore = preceding.filter((node) => before.has(node)).length;
      assert.ok(preceding.length > 1000 && keptBefore === preceding.length, `${step.name}: ${keptBefore} of ${preceding.length} objects before it kept`);
      text = next;
    }
  });
});

describe('the leakage flow kept between versions of an edited module', () => {
  before(() => initPython());

  // A function's flow is kept while its statement and what it reads of the module by name stay:
  // each edit below changes what some unchanged function reads elsewhere (a global it fits, the
  // function a call runs, a statistic reached through two assignments, the imports, a class written
  // as a transformer, a recursion, the function a call by a parameter's name runs), and the
  // findings must be those of an analysis from scratch.
  const pipeline = `"""Churn model: features, scaling helpers and the evaluation."""
import numpy as np
import pandas as pd
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import KFold, cross_val_score, train_test_split
from sklearn.preprocessing import StandardScaler

SEED = 13
FEATURES = ["tenure", "monthly_charges", "total_charges"]
scaler = StandardScaler()
raw = pd.read_csv("data/churn.csv")
reference = raw[FEATURES].mean()
mu = reference


class ClipOutliers:
    """Clips each feature at the quantiles seen in fit."""

    def fit(self, X, y=None):
        self.low_ = X.quantile(0.01)
        self.high_ = X.quantile(0.99)
        return self

    def transform(self, X):
        return X.clip(self.low_, self.high_, axis=1)


def load(path):
    frame = pd.read_csv(path)
    return frame.dropna(subset=["churned"])


def scaled(X):
    return scaler.fit_transform(X)


def clipped(X):
    return ClipOutliers().fit(X).transform(X)


def centred(X):
    return X - mu


def rescaled(X):
    return MinMaxScaler().fit_transform(X)


def prepare(X, transform=np.log1p):
    return transform(X)


def smooth(X, depth):
    return X if depth == 0 else smooth(X / 2, depth - 1)


def normalise(X, rounds):
    return X if rounds == 0 else standardise(X - X.mean(), rounds - 1)


def standardise(X, rounds):
    return normalise(X / X.std(), rounds)


def evaluate(model, X, y):
    folds = KFold(n_splits=5, shuffle=True, random_state=SEED)
    return cross_val_score(model, X, y, cv=folds)


def split(X, y):
    return train_test_split(X, y, test_size=0.2, random_state=SEED)


def main(path):
    data = load(path)
    X = scaled(data[FEATURES])
    y = data["churned"]
    X_train, X_test, y_train, y_test = split(X, y)
    model = LogisticRegression(max_iter=1000).fit(X_train, y_train)
    print("held-out accuracy", model.score(X_test, y_test))
    print("cv", evaluate(LogisticRegression(max_iter=1000), centred(data[FEATURES]), y).mean())
    print("cv clipped", evaluate(LogisticRegression(max_iter=1000), clipped(data[FEATURES]), y).mean())
    print("cv rescaled", evaluate(LogisticRegression(max_iter=1000), rescaled(data[FEATURES]), y).mean())
    print("cv prepared", evaluate(LogisticRegression(max_iter=1000), prepare(data[FEATURES]), y).mean())
    print("cv normalised", evaluate(LogisticRegression(max_iter=1000), normalise(data[FEATURES], 2), y).mean())


if __name__ == "__main__":
    main("data/churn.csv")
`;

  test('edits that change what unchanged functions read elsewhere are analysed as from scratch', () => {
    const steps: StepOn[] = [
      insertAt('the global scaler made stateless below its definition', 'raw = ', 'scaler = FunctionTransformer(np.log1p)\n'),
      insertAt('the import that stateless scaler needs', 'from sklearn.preprocessing', 'from sklearn.preprocessing import FunctionTransformer\n'),
      deleteAt('the stateless scaler deleted', 'scaler = FunctionTransformer'),
      insertAt('the import the rescaling helper was missing', 'from sklearn.preprocessing', 'from sklearn.preprocessing import MinMaxScaler\n'),
      insertAt('a function named as the parameter a helper calls', 'def main(', 'def transform(X):\n    return StandardScaler().fit_transform(X)\n\n\n'),
      replaceIn('the statistic reached through two assignments made a row', 'reference = ', '.mean()', '.iloc[0]'),
      replaceIn('and a statistic again', 'reference = ', '.iloc[0]', '.median()'),
      insertAt('a second definition of a helper, which main now calls', 'def main(', 'def scaled(X):\n    return X\n\n\n'),
      deleteAt('its body deleted: the definition broken', 'def main(', -3),
      insertAt('and given back', 'def main(', '    return X\n', -2),
      replaceIn('the class no longer keeps what it learns', 'self.high_ = ', 'self.high_', 'high'),
      replaceIn('and keeps it again', 'high = ', 'high', 'self.high_'),
      replaceIn('a recursion through the helpers', 'return X - mu', 'X - mu', 'smooth(X, 2) - mu'),
      replaceIn('main calls the recursive helper', 'X = scaled(', 'scaled(', 'smooth('),
      replaceIn('with its depth', 'X = smooth(', '])', '], 3)'),
      replaceIn('main follows the other function of a recursion first', 'print("cv normalised"', 'normalise(data', 'standardise(data'),
      replaceIn('the split helper renamed: main calls a name no function has', 'def split(', 'split', 'holdout'),
      replaceIn('and back', 'def holdout(', 'holdout', 'split'),
      ...typedAbove('def evaluate(', 'folds = 3\n'),
      deleteAt('the typed line deleted', 'folds = 3'),
    ];
    checkSteps('pipeline/train.py', pipeline, stepsOn(steps));
  });
});

describe('the data flow of a scope in a module edited twice', () => {
  before(() => initPython());

  test('a function nested in a kept function is still found after the statements before it moved', () => {
    const analyzer = new Analyzer();
    const padding = Array.from({ length: 40 }, (_, i) => `    step_${i} = scale(step_${i})\n`).join('');
    const first = `def warm_up():\n${padding}    return step_0\n\n\ndef load_split():\n    return read_csv("train.csv")\n\n\ndef train():\n    def log_metrics():\n        log(loss)\n    model.fit(features, labels)\n`;
    const path = 'pipeline/train.py';
    const module = (text: string, edits?: Edit[]) => {
      const parsed = analyzer.parse(path, text, edits);
      assert.equal(parsed.kind, 'python');
      return parsed.module;
    };
    const def = (m: PythonModule, name: string) => m.nodes('function_definition').find((d) => d.childForFieldName('name')?.text === name)!;
    // The scopes of the first version are asked for: the module's functions are listed.
    callsIn(def(module(first), 'warm_up'));
    // load_split is parsed again; then warm_up loses its padding, and train moves back past where
    // load_split's first version was.
    const second = applyChanges(first, [{ range: rangeOf(45, 11, 45, 32), text: 'read_parquet("train.parquet")' }]);
    module(second.text, second.edits);
    const third = applyChanges(second.text, [{ range: rangeOf(1, 0, 41, 0), text: '' }]);
    const calls = callsIn(def(module(third.text, third.edits), 'train')).map((call) => call.text);
    assert.deepEqual(calls, ['model.fit(features, labels)'], 'the call in log_metrics is its own');
  });
});
