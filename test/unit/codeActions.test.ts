// The edits behind the code actions: suppression comments that the engine reads back, and fixes
// that create files without ever writing into one that exists.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, test } from 'node:test';
import { CodeActionParams, CreateFile, Diagnostic, TextDocumentEdit } from 'vscode-languageserver';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { commentsByLine, isSuppressed, readSuppressions } from '../../server/src/engine/suppressions';
import { rangeOf } from '../../server/src/engine/types';
import { CodeActions, ignoreFileEdit, ignoreLineEdit } from '../../server/src/lsp/codeActions';
import { DiagnosticData } from '../../server/src/lsp/diagnostics';

function apply(text: string, edit: { range: { start: { line: number; character: number }; end: { line: number; character: number } }; newText: string } | undefined): string {
  assert.ok(edit, 'an edit is offered');
  return TextDocument.applyEdits(TextDocument.create('file:///x.py', 'python', 1, text), [edit]);
}

function silenced(text: string, code: string, line: number): boolean {
  return isSuppressed(readSuppressions(commentsByLine(text)), code, rangeOf(line, 0, line, 1));
}

const doc = (text: string) => TextDocument.create('file:///project/train.py', 'python', 3, text);

describe('ignore for this line', () => {
  const cases: [string, string, string][] = [
    ['appends a noqa comment', 'x = df == np.nan\n', 'x = df == np.nan  # noqa: MLH106\n'],
    ['replaces trailing blanks', 'x = df == np.nan   \n', 'x = df == np.nan  # noqa: MLH106\n'],
    ['extends a noqa list', 'x = df == np.nan  # noqa: E501\n', 'x = df == np.nan  # noqa: E501, MLH106\n'],
    ['extends an ignore list', 'x = df == np.nan  # ml-hygiene: ignore[MLH101]\n', 'x = df == np.nan  # ml-hygiene: ignore[MLH101, MLH106]\n'],
    ['keeps a \\r\\n line ending', 'x = df == np.nan\r\ny = 1\r\n', 'x = df == np.nan  # noqa: MLH106\r\ny = 1\r\n'],
  ];
  for (const [name, before, after] of cases) {
    test(name, () => {
      const fixed = apply(before, ignoreLineEdit(doc(before), 0, 'MLH106'));
      assert.equal(fixed, after);
      assert.ok(silenced(fixed, 'MLH106', 0), 'the engine reads the comment back');
    });
  }

  test('nothing is offered when the line is silenced already', () => {
    for (const line of ['x = 1  # noqa', 'x = 1  # noqa: MLH106', 'x = 1  # ml-hygiene: ignore', 'x = 1  # ml-hygiene: ignore[MLH101,MLH106]']) {
      assert.equal(ignoreLineEdit(doc(line + '\n'), 0, 'MLH106'), undefined, line);
    }
  });
});

describe('ignore in this file', () => {
  const cases: [string, string, string][] = [
    ['goes at the top', 'import numpy as np\n', '# ml-hygiene: ignore-file[MLH106]\nimport numpy as np\n'],
    ['after a shebang', '#!/usr/bin/env python\nimport numpy\n', '#!/usr/bin/env python\n# ml-hygiene: ignore-file[MLH106]\nimport numpy\n'],
    [
      'after a shebang and an encoding line',
      '#!/usr/bin/env python\n# -*- coding: utf-8 -*-\nimport numpy\n',
      '#!/usr/bin/env python\n# -*- coding: utf-8 -*-\n# ml-hygiene: ignore-file[MLH106]\nimport numpy\n',
    ],
    ['after a cell magic', '%%time\nx = 1\n', '%%time\n# ml-hygiene: ignore-file[MLH106]\nx = 1\n'],
    ['after a lone shebang without newline', '#!/usr/bin/env python', '#!/usr/bin/env python\n# ml-hygiene: ignore-file[MLH106]'],
    ['extends an existing list', '# ml-hygiene: ignore-file[MLH101]\nx = 1\n', '# ml-hygiene: ignore-file[MLH101, MLH106]\nx = 1\n'],
  ];
  for (const [name, before, after] of cases) {
    test(name, () => {
      const fixed = apply(before, ignoreFileEdit(doc(before), 'MLH106'));
      assert.equal(fixed, after);
      assert.ok(silenced(fixed, 'MLH106', 5));
    });
  }
});

describe('fix actions', () => {
  const data = (create: { uri: string; content: string }[]): DiagnosticData => ({
    fileKind: 'python',
    project: false,
    fix: { title: 'Add the files', edits: [{ range: rangeOf(0, 0, 0, 0), newText: '# fixed\n' }], create },
  });
  const paramsFor = (d: DiagnosticData): CodeActionParams => {
    const diagnostic: Diagnostic = { range: rangeOf(0, 0, 0, 1), message: 'm', code: 'MLH999', source: 'ml-hygiene', data: d };
    return { textDocument: { uri: 'file:///project/train.py' }, range: diagnostic.range, context: { diagnostics: [diagnostic] } };
  };

  test('file creations become CreateFile with ignoreIfExists and an insert; files that exist are left alone', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mlh-actions-'));
    try {
      fs.writeFileSync(path.join(dir, 'exists.md'), 'mine\n');
      const missing = pathToFileURL(path.join(dir, 'Docs', 'Charter.md')).href;
      const existing = pathToFileURL(path.join(dir, 'exists.md')).href;
      const actions = new CodeActions({ workspace: { workspaceEdit: { documentChanges: true, resourceOperations: ['create'] } } });
      const [fix] = actions.actions(paramsFor(data([{ uri: missing, content: '# Charter\n' }, { uri: existing, content: 'theirs\n' }])), doc('x = 1\n'), [], () => ({}));
      assert.equal(fix.isPreferred, true);
      const changes = fix.edit?.documentChanges ?? [];
      assert.deepEqual(changes, [
        TextDocumentEdit.create({ uri: 'file:///project/train.py', version: 3 }, [{ range: rangeOf(0, 0, 0, 0), newText: '# fixed\n' }]),
        CreateFile.create(missing, { ignoreIfExists: true }),
        TextDocumentEdit.create({ uri: missing, version: null }, [{ range: rangeOf(0, 0, 0, 0), newText: '# Charter\n' }]),
      ]);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  test('a client without document changes gets plain text edits, and no fix that needs a new file', () => {
    const actions = new CodeActions({});
    const titles = actions.actions(paramsFor(data([{ uri: 'file:///nowhere/README.md', content: 'x' }])), doc('x = 1\n'), [], () => ({})).map((a) => a.title);
    assert.ok(!titles.includes('Add the files'), 'a fix that needs a file creation is not offered half-done');
    const [fix] = actions.actions(paramsFor(data([])), doc('x = 1\n'), [], () => ({}));
    assert.deepEqual(fix.edit, { changes: { 'file:///project/train.py': [{ range: rangeOf(0, 0, 0, 0), newText: '# fixed\n' }] } });
  });

  test('project findings get no suppression comment; every finding gets its documentation', () => {
    const actions = new CodeActions({});
    const titles = actions.actions(paramsFor({ fileKind: 'python', project: true }), doc('x = 1\n'), [], () => ({})).map((a) => a.title);
    assert.deepEqual(titles, ['Show documentation for MLH999']);
  });
});
