// Requirement files as pip reads them: comments, includes, markers, hashes, continuations, extras, URLs.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { parseRequirements, Requirement } from '../../server/src/engine/requirements';

const TEXT = `# Training environment
--index-url https://pypi.org/simple
-r base.txt
--requirement=dev.txt
-c constraints.txt
-e .

numpy==1.26.4
pandas>=2.0,<3  # 2.x API
scikit-learn[extra,docs]==1.4.0 ; python_version >= "3.9"
torch==2.2.0 \\
    --hash=sha256:0a1b2c3d4e5f
requests \\
    >=2.31
tensorflow-cpu===2.15.0
xgboost == 2.*
mypkg @ https://example.com/wheels/mypkg-1.0-py3-none-any.whl
shared-lib @ git+https://github.com/acme/shared-lib.git@main
git+https://github.com/acme/featurestore@0123456789abcdef#egg=featurestore
lightgbm~=4.3
`;

function byName(): Map<string, Requirement> {
  return new Map(parseRequirements(TEXT).requirements.map((r) => [r.name, r]));
}

describe('requirements parsing', () => {
  test('includes and constraints, in order, with their lines; other options are skipped', () => {
    assert.deepEqual(parseRequirements(TEXT).includes, [
      { path: 'base.txt', constraint: false, line: 2 },
      { path: 'dev.txt', constraint: false, line: 3 },
      { path: 'constraints.txt', constraint: true, line: 4 },
    ]);
  });

  test('every requirement is found once, by name', () => {
    assert.deepEqual(
      parseRequirements(TEXT).requirements.map((r) => r.name),
      ['numpy', 'pandas', 'scikit-learn', 'torch', 'requests', 'tensorflow-cpu', 'xgboost', 'mypkg', 'shared-lib', 'featurestore', 'lightgbm'],
    );
  });

  test('pins: exact versions, hashes and immutable URLs are pinned; ranges, wildcards and branches are not', () => {
    const pinned = [...byName()].map(([name, r]) => `${name}=${r.pinned}`);
    assert.deepEqual(pinned, [
      'numpy=true',
      'pandas=false',
      'scikit-learn=true',
      'torch=true',
      'requests=false',
      'tensorflow-cpu=true',
      'xgboost=false',
      'mypkg=true',
      'shared-lib=false',
      'featurestore=true',
      'lightgbm=false',
    ]);
  });

  test('specifiers, markers, extras and URLs', () => {
    const r = byName();
    assert.equal(r.get('pandas')!.specifier, '>=2.0,<3');
    assert.equal(r.get('scikit-learn')!.specifier, '==1.4.0');
    assert.equal(r.get('scikit-learn')!.marker, 'python_version >= "3.9"');
    assert.equal(r.get('numpy')!.marker, undefined);
    assert.equal(r.get('mypkg')!.url, 'https://example.com/wheels/mypkg-1.0-py3-none-any.whl');
    assert.equal(r.get('shared-lib')!.url, 'git+https://github.com/acme/shared-lib.git@main');
    assert.equal(r.get('featurestore')!.url, 'git+https://github.com/acme/featurestore@0123456789abcdef#egg=featurestore');
  });

  test('continuations: a requirement spans lines, reported at its first line without the comment or backslash', () => {
    const r = byName();
    assert.equal(r.get('requests')!.specifier, '>=2.31');
    assert.deepEqual(r.get('torch')!.range, { start: { line: 10, character: 0 }, end: { line: 10, character: 12 } });
    assert.deepEqual(r.get('pandas')!.range, { start: { line: 8, character: 0 }, end: { line: 8, character: 14 } });
    assert.equal(r.get('lightgbm')!.line, 19);
  });

  test('a comment ending in a backslash does not swallow the next line', () => {
    const parsed = parseRequirements('# CPU wheels; for CUDA see docs/gpu.md \\\ntorch==2.2.0\npandas==2.2.2  # pinned for the feature store \\\nnumpy==1.26.4\n');
    assert.deepEqual(parsed.requirements.map((r) => [r.name, r.line]), [['torch', 1], ['pandas', 2], ['numpy', 3]]);
  });

  test('Windows line endings and garbage lines', () => {
    const parsed = parseRequirements('numpy==1.26.4\r\n\r\n!!! not a requirement\r\n-r other.txt\r\n');
    assert.deepEqual(parsed.requirements.map((r) => [r.name, r.pinned, r.line]), [['numpy', true, 0]]);
    assert.deepEqual(parsed.includes, [{ path: 'other.txt', constraint: false, line: 3 }]);
  });
});

// Runs of blanks and long continuations once made the parse quadratic (minutes for 200 KB): each
// character is read a bounded number of times now. The timeout only guards the run; the growth of
// the work is checked in linear-growth.test.ts.
test('a line with long runs of blanks and a requirement continued over thousands of lines are read as pip reads them', { timeout: 60_000 }, () => {
  const spaced = `numpy==1.26.4${' \t'.repeat(100_000)}; python_version >= "3.9"`;
  const continued = `torch==2.2.0 \\\n${'    --hash=sha256:0a1b2c3d4e5f \\\n'.repeat(20_000)}    --hash=sha256:0a1b2c3d4e5f\n`;
  const parsed = parseRequirements(`${spaced}\n${continued}`);
  assert.deepEqual(
    parsed.requirements.map((r) => [r.name, r.specifier, r.marker, r.pinned, r.range.end.character]),
    [
      ['numpy', '==1.26.4', 'python_version >= "3.9"', true, spaced.length],
      ['torch', '==2.2.0', undefined, true, 'torch==2.2.0'.length],
    ],
  );
});
