// Findings as LSP diagnostics: every field an editor shows or sends back.
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import { pathToFileURL } from 'node:url';
import { DiagnosticTag } from 'vscode-languageserver';
import { Finding, rangeOf } from '../../server/src/engine/types';
import { dataOf, toDiagnostic } from '../../server/src/lsp/diagnostics';

const finding: Finding = {
  code: 'MLH504',
  name: 'dead-experimental-code',
  severity: 'information',
  message: 'Branch never runs',
  path: 'src/train.py',
  range: rangeOf(3, 4, 5, 0),
  unnecessary: true,
  related: [{ path: 'configs/params.yaml', range: rangeOf(1, 2, 1, 9), message: 'the flag is set here' }],
  fix: { title: 'Remove the branch', edits: [{ range: rangeOf(3, 0, 5, 0), newText: '' }], create: [{ path: 'Docs/Notes.md', content: '# Notes\n' }] },
};

describe('findings as diagnostics', () => {
  test('severity, code, documentation link, source, tags, related locations and data', () => {
    const data = { fileKind: 'python' as const, project: false };
    const diagnostic = toDiagnostic('/repo', { finding, range: finding.range, data });
    assert.equal(diagnostic.severity, 3);
    assert.equal(diagnostic.code, 'MLH504');
    assert.deepEqual(diagnostic.codeDescription, { href: 'ml-hygiene-docs:/rules/MLH504.md' });
    assert.equal(diagnostic.source, 'ml-hygiene');
    assert.deepEqual(diagnostic.tags, [DiagnosticTag.Unnecessary]);
    assert.deepEqual(diagnostic.relatedInformation, [
      { location: { uri: pathToFileURL(path.join('/repo', 'configs', 'params.yaml')).href, range: rangeOf(1, 2, 1, 9) }, message: 'the flag is set here' },
    ]);
    assert.deepEqual(dataOf(diagnostic), data);
  });

  test('a related place in a notebook cell points into the notebook JSON when the notebook is shown as a file', () => {
    const inNotebook: Finding = {
      ...finding,
      path: 'eda.ipynb',
      cell: 1,
      related: [{ path: 'eda.ipynb', range: rangeOf(0, 0, 0, 30), cell: 4, fileRange: rangeOf(57, 4, 57, 40), message: 'the data is split here' }],
    };
    const diagnostic = toDiagnostic('/repo', { finding: inNotebook, range: rangeOf(12, 4, 12, 40), data: { fileKind: 'notebook', project: false }, cell: 2 });
    assert.deepEqual(diagnostic.relatedInformation, [
      { location: { uri: pathToFileURL(path.join('/repo', 'eda.ipynb')).href, range: rangeOf(57, 4, 57, 40) }, message: 'the data is split here' },
    ]);
  });

  test('data from another source, or malformed, is not ours', () => {
    const diagnostic = toDiagnostic('/repo', { finding, range: finding.range, data: { fileKind: 'python', project: false } });
    assert.equal(dataOf({ ...diagnostic, source: 'ruff' }), undefined);
    assert.equal(dataOf({ ...diagnostic, data: 'garbage' }), undefined);
    assert.equal(dataOf({ ...diagnostic, data: null }), undefined);
  });
});
