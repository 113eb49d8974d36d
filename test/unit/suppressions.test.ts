// Suppression comments, through the analyzer: which comments silence MLH106 and which must not.
import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { initPython } from '../../server/src/engine/python/parser';
import { commentsByLine, isSuppressed, readSuppressions } from '../../server/src/engine/suppressions';
import { rangeOf } from '../../server/src/engine/types';
import { analyzeAlone } from '../support/fixtures';
import { notebookJson } from '../support/project';

before(() => initPython());

/** Lines (1-based) of the MLH106 findings in a module that starts with `import numpy as np`. */
function nanLines(body: string, file = 'clean.py'): number[] {
  return analyzeAlone(file, `import numpy as np\n${body}`)
    .filter((f) => f.code === 'MLH106')
    .map((f) => f.range.start.line + 1);
}

describe('line suppressions', () => {
  const silenced: [string, string][] = [
    ['bare noqa', '# noqa'],
    ['noqa with the code', '# noqa: MLH106'],
    ['noqa without a space', '#noqa:MLH106'],
    ['noqa with several codes', '# noqa: MLH402, MLH106'],
    ['noqa with a reason after the code', '# noqa: MLH106 sentinel values are checked upstream'],
    ['ml-hygiene ignore with the code', '# ml-hygiene: ignore[MLH106]'],
    ['ml-hygiene ignore with several codes', '# ml-hygiene: ignore[MLH402,MLH106]'],
    ['bare ml-hygiene ignore', '# ml-hygiene: ignore'],
    ['a marker after another comment', '# legacy check  # noqa: MLH106'],
  ];
  for (const [what, comment] of silenced) {
    test(`${what} silences: ${comment}`, () => {
      assert.deepEqual(nanLines(`a = x == np.nan  ${comment}\nb = y == np.nan\n`), [3]);
    });
  }

  const kept: [string, string][] = [
    ['noqa naming another of our codes', '# noqa: MLH402'],
    ["noqa naming another linter's code", '# noqa: E501'],
    ['ml-hygiene ignore naming another code', '# ml-hygiene: ignore[MLH402]'],
    ['ml-hygiene ignore with an unreadable list', '# ml-hygiene: ignore[nan-check]'],
    ['a word that starts with noqa', '# noqalist'],
    ['an ordinary comment', '# TODO: handle missing values'],
  ];
  for (const [what, comment] of kept) {
    test(`${what} does not silence: ${comment}`, () => {
      assert.deepEqual(nanLines(`a = x == np.nan  ${comment}\n`), [2]);
    });
  }

  test('a marker inside a string is not a comment', () => {
    assert.deepEqual(nanLines('a = (x == np.nan, "# noqa: MLH106")\nb = (y == np.nan, """\n# ml-hygiene: ignore-file[MLH106]\n""")\n'), [2, 3]);
  });

  test('a marker on any line of a multi-line finding silences it', () => {
    assert.deepEqual(nanLines('a = (\n    x\n    == np.nan  # noqa: MLH106\n)\n'), []);
  });
});

describe('file suppressions', () => {
  test('ignore-file with the code silences the whole file, wherever it is written', () => {
    assert.deepEqual(nanLines('a = x == np.nan\nb = y == np.nan\n# ml-hygiene: ignore-file[MLH106]\n'), []);
  });

  test('ignore-file naming another code silences nothing', () => {
    assert.deepEqual(nanLines('# ml-hygiene: ignore-file[MLH402]\na = x == np.nan\n'), [3]);
  });

  test('in a notebook, a marker in one cell applies to the whole notebook; a line marker to its line', () => {
    const notebook = (first: string) =>
      notebookJson([
        { type: 'code', source: `import numpy as np\n${first}` },
        { type: 'code', source: 'a = x == np.nan\nb = y == np.nan  # noqa: MLH106\n' },
      ]);
    const cells = (text: string) =>
      analyzeAlone('eda.ipynb', text)
        .filter((f) => f.code === 'MLH106')
        .map((f) => `cell ${f.cell! + 1}:${f.range.start.line + 1}`);
    assert.deepEqual(cells(notebook('')), ['cell 2:1']);
    assert.deepEqual(cells(notebook('# ml-hygiene: ignore-file[MLH106]\n')), []);
  });
});

describe('suppressions in YAML and requirements files', () => {
  test('a marker after whitespace is a comment; a # inside a value is not', () => {
    const text = 'train:\n  lr: 0.1  # noqa: MLH601\nurl: http://example.com/#noqa\nkey: value # ml-hygiene: ignore[MLH604]\n';
    const suppressions = readSuppressions(commentsByLine(text));
    const at = (line: number) => rangeOf(line, 0, line, 5);
    assert.ok(isSuppressed(suppressions, 'MLH601', at(1)));
    assert.ok(!isSuppressed(suppressions, 'MLH604', at(1)));
    assert.ok(!isSuppressed(suppressions, 'MLH601', at(2)));
    assert.ok(isSuppressed(suppressions, 'MLH604', at(3)));
  });
});
