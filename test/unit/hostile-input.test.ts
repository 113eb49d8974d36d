// Inputs found by fuzzing that hung, crashed or exhausted the analysis, and the per-file budget
// that bounds whatever else may come. These tests assert results, never times: an input that
// made the analysis quadratic or endless would run into the test's timeout instead.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { Analyzer, PROJECT } from '../../server/src/engine/analyze';
import { checkpoint, DEFAULT_BUDGET } from '../../server/src/engine/budget';
import { DEFAULT_CONFIG } from '../../server/src/engine/config';
import { patternMatches } from '../../server/src/engine/gitPatterns';
import { personalDataIn } from '../../server/src/engine/personalData';
import { ProjectIndex } from '../../server/src/engine/project';
import { EVERY_REQUESTED_FACT, pythonFacts } from '../../server/src/engine/python/facts';
import { initPython } from '../../server/src/engine/python/parser';
import { scanProject } from '../../server/src/engine/scan';
import { readSuppressions } from '../../server/src/engine/suppressions';
import { LineIndex } from '../../server/src/engine/text';
import { mayNestTooDeep } from '../../server/src/engine/yaml';
import { defineRule } from '../../server/src/engine/rule';
import { findRule } from '../../server/src/rules';
import { analyzeAlone } from '../support/fixtures';
import { makeProject, notebookJson, removeProject } from '../support/project';

const GUARD = { timeout: 60_000 };
const NAN_CHECK = 'import numpy as np\n\nlabels = load_labels()\nmissing = labels == np.nan\n';

before(() => initPython());

function nanLines(path: string, text: string): number[] {
  return analyzeAlone(path, text)
    .filter((f) => f.code === 'MLH106')
    .map((f) => f.range.start.line + 1);
}

describe('Python that used to hang or take quadratic time', () => {
  test('a signature typed halfway, whose broken tree has no module root, is analysed', GUARD, () => {
    const text = 'import json\njson.load(f)\ndef load(f, t: int % r(f, y=t\n';
    assert.ok(Array.isArray(analyzeAlone('load.py', text)));
  });

  test('one call with thousands of `model.fit(...)` arguments is analysed, and the code after it too', GUARD, () => {
    const args = Array.from({ length: 6000 }, (_, i) => `model.fit(X${i}, y)`).join(', ');
    const text = `from sklearn.ensemble import RandomForestClassifier\nmodel = RandomForestClassifier()\nresults = collect(${args})\n${NAN_CHECK}`;
    assert.deepEqual(nanLines('sweep.py', text), [7]);
  });

  test('fits, splits and transforms repeated a thousand times in one statement are analysed', GUARD, () => {
    const parts = ['scaler.fit_transform(X{i})', 'train_test_split(X{i}, y)', 'model.fit(X{i}, y)', 'accuracy_score(y, model.predict(X{i}))'];
    const args = Array.from({ length: 4000 }, (_, i) => parts[i % parts.length].replace('{i}', String(i))).join(', ');
    const text =
      'from sklearn.metrics import accuracy_score\nfrom sklearn.model_selection import train_test_split\n' +
      'from sklearn.preprocessing import StandardScaler\nscaler = StandardScaler()\n' +
      `report = collect(${args})\n${NAN_CHECK}`;
    assert.deepEqual(nanLines('grid.py', text), [9]);
  });

  test('a chain of 20,000 method calls is analysed without copying the chain for each call', GUARD, () => {
    const text = `import numpy as np\nimport pandas as pd\nframe = pd.read_csv("runs.csv")${'.dropna()'.repeat(20_000)}\n${NAN_CHECK}`;
    assert.deepEqual(nanLines('chain.py', text), [7]);
  });

  test('brackets nested as deep as Python allows are analysed; 5,000 deep neither throw nor overflow the stack', GUARD, () => {
    for (const [open, close] of [['[', ']'], ['(', ')'], ['{"k": ', '}'], ['f(', ')']]) {
      const within = `nested = ${open.repeat(150)}1${close.repeat(150)}\n${NAN_CHECK}`;
      assert.deepEqual(analyzeAlone('nested.py', within).map((f) => f.code), ['MLH106'], open);
      const text = `nested = ${open.repeat(5000)}1${close.repeat(5000)}\n${NAN_CHECK}`;
      assert.doesNotThrow(() => analyzeAlone('nested.py', text), open);
    }
  });

  test('blocks indented deeper than Python allows are refused with a notice, and later files still parse', GUARD, async () => {
    // Far past Python's 100 levels, tree-sitter's wasm memory used to abort, and every parse after
    // it in the process failed: the next file looked like a syntax error and lost its findings.
    const blocks = Array.from({ length: 3000 }, (_, i) => `${' '.repeat(i)}if ready_${i}:`).join('\n');
    const root = makeProject({ 'a_deep.py': `${blocks}\n${' '.repeat(3000)}pass\n`, 'train.py': NAN_CHECK });
    try {
      const result = await scanProject(root, { workers: 0 });
      assert.deepEqual(result.findings.filter((f) => f.code === 'MLH106').map((f) => f.path), ['train.py']);
      assert.deepEqual(result.notices, [{ path: 'a_deep.py', message: 'not analysed: indented more than 100 levels deep, more than Python accepts' }]);
    } finally {
      removeProject(root);
    }
  });
});

describe('line ends', () => {
  test('old Mac line ends (CR only) are lines, as Python reads them', async () => {
    const text = NAN_CHECK.replace(/\n/g, '\r');
    assert.deepEqual(nanLines('mac.py', text), [4]);
    const root = makeProject({ 'mac.py': text });
    try {
      const result = await scanProject(root, { workers: 0 });
      assert.deepEqual(result.notices, [], 'no syntax error');
    } finally {
      removeProject(root);
    }
  });

  test('the line index counts \\n, \\r\\n and a lone \\r alike', () => {
    const lines = new LineIndex('a\nb\r\nc\rd');
    assert.equal(lines.lineCount, 4);
    assert.deepEqual([0, 1, 2, 3].map((l) => lines.lineText(l)), ['a', 'b', 'c', 'd']);
    assert.deepEqual(lines.positionAt(7), { line: 3, character: 0 });
  });
});

describe('the per-file budget', () => {
  let root: string;
  before(() => {
    const args = Array.from({ length: 300 }, (_, i) => `x${i}`).join(', ');
    root = makeProject({
      'sweep.py': `import numpy as np\nresults = collect(${args})\nbad = results == np.nan\n`,
      'train.py': NAN_CHECK,
      'params.yaml': 'train:\n  lr: 0.01\n',
    });
  });
  after(() => removeProject(root));

  test('a file above the syntax-node limit is skipped with a notice; the other files are analysed', async () => {
    const result = await scanProject(root, { workers: 0, budget: { ...DEFAULT_BUDGET, maxSyntaxNodes: 200 } });
    assert.deepEqual(
      result.findings.filter((f) => f.code === 'MLH106').map((f) => f.path),
      ['train.py'],
    );
    const notices = result.notices.filter((n) => n.path === 'sweep.py');
    assert.equal(notices.length, 1);
    assert.match(notices[0].message, /^not analysed: \d+ syntax nodes are above the limit of 200 per file$/);
  });

  test('with no time at all, every file stops with a notice naming the step, and the scan finishes', async () => {
    const result = await scanProject(root, { workers: 0, budget: { ...DEFAULT_BUDGET, timeMs: 0 } });
    for (const path of ['sweep.py', 'train.py', 'params.yaml']) {
      const notices = result.notices.filter((n) => n.path === path).map((n) => n.message);
      assert.equal(notices.length, 1, `${path}: ${notices.join(' / ')}`);
      // The parse and facts of a small file may finish before the clock is read (every so many units
      // of work, counted across files); then the rules' pass stops, at its own parse or at a rule.
      assert.match(notices[0], /^analysis stopped(: parsing and reading the file took longer than the 0 s budget per file| at (parsing|MLH\d{3} \([a-z-]+\)), past the file's 0 s budget)/);
    }
    assert.ok(!result.findings.some((f) => f.path === 'train.py' && f.code === 'MLH106'));
  });

  test('a rule past the deadline keeps the findings of the rules before it and names itself', GUARD, () => {
    const slow = defineRule({
      ...findRule('MLH106')!,
      code: 'MLH999',
      name: 'waits-for-the-deadline',
      check: {
        python() {
          // A walk that never ends, checking the deadline as the shared analyses' walks do.
          for (;;) checkpoint();
        },
      },
    });
    // Parsed and read beforehand, and a budget that MLH106 stays far within, even on a loaded machine.
    const analyzer = new Analyzer([findRule('MLH106')!, slow, findRule('MLH402')!], 8, { ...DEFAULT_BUDGET, timeMs: 1000 });
    const parsed = analyzer.parse('train.py', NAN_CHECK);
    assert.ok(parsed.kind === 'python');
    const facts = { path: 'train.py', kind: parsed.kind, python: pythonFacts(parsed.module, 'train.py', EVERY_REQUESTED_FACT) };
    const index = new ProjectIndex([{ path: 'train.py', kind: 'python', size: NAN_CHECK.length }], new Map([['train.py', facts]]));
    const findings = analyzer.analyzeFile('train.py', NAN_CHECK, index, DEFAULT_CONFIG);
    assert.deepEqual(findings.map((f) => f.code), ['MLH106']);
    assert.deepEqual(analyzer.noticesOf('train.py').map((n) => n.message), [
      "analysis stopped at MLH999 (waits-for-the-deadline), past the file's 1 s budget: it and the rules after it were not run",
    ]);
  });

  test('a rule that throws is skipped with a notice and the other rules still report', () => {
    const broken = defineRule({ ...findRule('MLH106')!, code: 'MLH998', name: 'throws', check: { python: () => JSON.parse('{') } });
    const analyzer = new Analyzer([broken, findRule('MLH106')!]);
    const index = new ProjectIndex([{ path: 'train.py', kind: 'python', size: NAN_CHECK.length }], new Map());
    assert.deepEqual(analyzer.analyzeFile('train.py', NAN_CHECK, index, DEFAULT_CONFIG).map((f) => f.code), ['MLH106']);
    assert.match(analyzer.noticesOf('train.py')[0].message, /^MLH998 \(throws\) failed on this file and was skipped: /);
    const project = analyzer.analyzeProject(index, DEFAULT_CONFIG);
    assert.ok(Array.isArray(project));
    assert.deepEqual(analyzer.noticesOf(PROJECT), []);
  });
});

describe('configuration, notebooks and ignore files that used to end the run', () => {
  let root: string;
  before(() => {
    root = makeProject({
      'environment.yml': `name: churn\ndependencies:\n  - ${'['.repeat(3000)}numpy${']'.repeat(3000)}\n`,
      'conf/deep.yaml': Array.from({ length: 400 }, (_, i) => `${'  '.repeat(i)}level${i}:`).join('\n') + '\n',
      // Unclosed brackets: the YAML library, deep in its recursion, could abort the process.
      'dvc.yaml': `stages:\n  train: ${'['.repeat(20_000)}\n`,
      'explore.ipynb': notebookJson([{ type: 'code', source: 'x = 1' }]).replace('"metadata": {}', `"metadata": ${'{"a": '.repeat(20_000)}1${'}'.repeat(20_000)}`),
      '.gitignore': `${'a*'.repeat(50_000)}\ndata/\n`,
      'data/raw.py': NAN_CHECK,
      'train.py': NAN_CHECK,
    });
  });
  after(() => removeProject(root));

  test('deep YAML and notebook JSON and a 100,000-character ignore pattern give notices; the other files their findings', GUARD, async () => {
    const result = await scanProject(root, { workers: 0 });
    assert.deepEqual(
      result.findings.filter((f) => f.code === 'MLH106').map((f) => f.path),
      ['train.py'],
      'the ignore file still applies its other patterns (data/)',
    );
    const notices = Object.fromEntries(result.notices.map((n) => [n.path, n.message]));
    assert.deepEqual(notices, {
      '.gitignore': '1 pattern(s) longer than 4096 characters ignored',
      'conf/deep.yaml': 'not analysed: nested more than 100 levels deep',
      'dvc.yaml': 'not analysed: nested more than 100 levels deep',
      'environment.yml': 'not analysed: nested more than 100 levels deep',
      'explore.ipynb': "not analysed: the notebook's JSON nests more than 500 levels deep",
    });
    assert.ok(!result.findings.some((f) => f.code === 'MLH607'), 'valid YAML is not called broken');
  });
});

test('YAML that may nest too deep is told from its text, before the parser sees it', () => {
  assert.ok(mayNestTooDeep(`deps: ${'['.repeat(101)}`), 'flow brackets');
  assert.ok(mayNestTooDeep(`${'- '.repeat(101)}numpy\n`), 'block sequences on one line');
  assert.ok(mayNestTooDeep(`${' '.repeat(201)}lr: 0.1\n`), 'indentation deep enough for 100 levels');
  const params = 'train:\n  lr: 0.01  # [not a bracket\n  name: "{[(unbalanced in a string"\n  layers: [[64, 32], [16]]\n';
  assert.ok(!mayNestTooDeep(params), 'comments, strings and shallow flow collections');
});

describe('regular expressions over user text stay linear', () => {
  const LONG = 100_000;

  test('secret shapes: a password-in-URL candidate rescanned from every letter', GUARD, () => {
    for (const text of ['a.'.repeat(LONG / 2), `postgres://admin:${'p.'.repeat(LONG / 2)}`, 'x://'.repeat(LONG / 4)]) {
      const findings = analyzeAlone('settings.py', `DATABASE_URL = "${text}"\n`).filter((f) => f.code === 'MLH603');
      assert.deepEqual(findings, []);
    }
    const leaked = analyzeAlone('settings.py', `DATABASE_URL = "postgresql://etl:Xq7pV2mR9wLz@db.internal:5432/warehouse"\n${'#'.repeat(LONG)}\n`);
    assert.equal(leaked.filter((f) => f.code === 'MLH603').length, 1);
  });

  test('personal data: long runs of word characters, dots, digits and @ signs', GUARD, () => {
    for (const text of ['a'.repeat(LONG), 'a.'.repeat(LONG / 2), 'a@'.repeat(LONG / 2), `a@${'a.'.repeat(LONG / 2)}`, '1'.repeat(LONG), `+1 ${'1 '.repeat(LONG / 2)}`, `DE12${' A'.repeat(LONG / 2)}`]) {
      assert.equal(personalDataIn(text), undefined, text.slice(0, 10));
    }
    assert.equal(personalDataIn(`${'x'.repeat(LONG)}\nname,email\nAda,ada.lovelace@gmail.com\n`)?.kind, 'email address');
  });

  test('suppression comments with 100,000 characters of codes', GUARD, () => {
    const suppressions = readSuppressions([
      { line: 0, text: `# noqa: ${'MLH106, '.repeat(LONG / 8)}` },
      { line: 1, text: `# ml-hygiene: ignore[${'a'.repeat(LONG)}` },
    ]);
    assert.ok(suppressions);
  });

  test('ignore-file patterns with many wildcards against long names', GUARD, () => {
    assert.equal(patternMatches(`${'*a'.repeat(40)}b`, 'a'.repeat(250)), false);
    assert.equal(patternMatches(`${'**/a'.repeat(40)}b`, 'a/'.repeat(120)), false);
    assert.equal(patternMatches('a'.repeat(LONG), 'a'.repeat(LONG)), false, 'longer than any path');
    assert.equal(patternMatches('*.csv', 'data/raw.csv'), true);
  });
});
