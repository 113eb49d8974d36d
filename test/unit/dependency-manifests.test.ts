// Dependencies declared in pyproject.toml, Pipfile and conda environment files, and the TOML line
// finder that places them.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  condaDependencies,
  pipfileDependencies,
  publishedPackage,
  pyprojectDependencies,
  pyprojectKind,
} from '../../server/src/engine/declaredDependencies';
import { ProjectIndex } from '../../server/src/engine/project';
import { tomlArrayStrings, tomlKeyLine } from '../../server/src/engine/tomlLines';

const PYPROJECT = `[build-system]
requires = ["hatchling"]

[project]
name = "churn"
description = """
dependencies = ["not", "a key"]
"""
dependencies = [
  "pandas==2.2.2",   # pinned
  'scikit-learn>=1.4', "xgboost",
  { include-group = "ignored" },
]
optional-dependencies.gpu = ["torch~=2.3"]

[dependency-groups]
docs = [
    "mkdocs",
]

[tool.poetry.dependencies]
python = "^3.11"
numpy = "1.26.4"
lightgbm = "^4.3"
"my.lib" = { path = "../my-lib" }
featurestore = { git = "https://github.com/acme/featurestore", rev = "0123abcd" }

[tool.poetry.group.dev.dependencies]
pytest = { version = "*" }

[[tool.poetry.source]]
name = "internal"
`;

describe('TOML line finder', () => {
  test('finds keys under headers, dotted keys and tables, not text in multi-line strings', () => {
    assert.equal(tomlKeyLine(PYPROJECT, ['project', 'dependencies']), 8);
    assert.equal(tomlKeyLine(PYPROJECT, ['project', 'optional-dependencies', 'gpu']), 13);
    assert.equal(tomlKeyLine(PYPROJECT, ['dependency-groups', 'docs']), 16);
    assert.equal(tomlKeyLine(PYPROJECT, ['tool', 'poetry', 'dependencies']), 20);
    assert.equal(tomlKeyLine(PYPROJECT, ['tool', 'poetry', 'dependencies', 'my.lib']), 24);
    assert.equal(tomlKeyLine(PYPROJECT, ['tool', 'poetry', 'group', 'dev', 'dependencies', 'pytest']), 28);
    assert.equal(tomlKeyLine(PYPROJECT, ['tool', 'poetry', 'source', 'name']), undefined);
    assert.equal(tomlKeyLine(PYPROJECT, ['project', 'version']), undefined);
  });

  test('places each top-level string of an array on its literal', () => {
    const strings = tomlArrayStrings(PYPROJECT, 8).map((s) => `${s.value}@${s.range.start.line}:${s.range.start.character}-${s.range.end.character}`);
    assert.deepEqual(strings, ['pandas==2.2.2@9:2-17', 'scikit-learn>=1.4@10:2-21', 'xgboost@10:23-32']);
    assert.deepEqual(tomlArrayStrings('name = "x"', 0), []);
  });
});

describe('declared dependencies', () => {
  test('pyproject.toml: PEP 621 and Poetry tables, pinned or not, on their lines', () => {
    const manifest = pyprojectDependencies(PYPROJECT)!;
    const seen = manifest.dependencies.map((d) => `${d.name} ${d.pinned ? 'pinned' : 'loose'} ${d.range.start.line}`);
    assert.deepEqual(seen, [
      'pandas pinned 9',
      'scikit-learn loose 10',
      'xgboost loose 10',
      'torch loose 13',
      'mkdocs loose 17',
      'numpy pinned 22',
      'lightgbm loose 23',
      'featurestore pinned 25',
      'pytest loose 28',
    ]);
  });

  test('a pyproject.toml builds a package with a build system, a name and a version, unless it says it is an application', () => {
    const pkg = '[build-system]\nrequires = ["hatchling"]\n[project]\nname = "churn-features"\n';
    assert.equal(pyprojectKind(`${pkg}version = "1.2.0"\n`), 'package');
    assert.equal(pyprojectKind(`${pkg}dynamic = ["version"]\n`), 'package');
    assert.equal(pyprojectKind(pkg), 'application', 'no version');
    assert.equal(pyprojectKind('[project]\nname = "churn-service"\nversion = "0.3.0"\ndependencies = ["pandas"]\n'), 'application');
    assert.equal(pyprojectKind(`${pkg}version = "1.2.0"\nclassifiers = ["Private :: Do Not Upload"]\n`), 'application');
    assert.equal(pyprojectKind(`${pkg}version = "1.2.0"\n[tool.uv]\npackage = false\n`), 'application');
    const poetryApp = '[tool.poetry]\nname = "scoring"\nversion = "0.1.0"\npackage-mode = false\n[build-system]\nrequires = ["poetry-core"]\n';
    assert.equal(pyprojectKind(poetryApp), 'application');
    assert.equal(pyprojectKind('[tool.ruff]\nline-length = 100\n'), undefined, 'tool configuration only');
    assert.equal(pyprojectKind('[project\n'), undefined);
  });

  test('a published package is one whose top folder holds its manifest and no sign of an application', () => {
    const index = (texts: Record<string, string>) =>
      new ProjectIndex(
        Object.keys(texts).map((path) => ({ path, kind: 'other' as const, size: texts[path].length })),
        new Map(),
        new Map(Object.entries(texts)),
      );
    const pyproject = '[build-system]\nrequires = ["hatchling"]\n[project]\nname = "churn-features"\nversion = "1.2.0"\n';
    assert.equal(publishedPackage(index({ 'pyproject.toml': pyproject, 'requirements.txt': 'pandas>=2\n' })), 'pyproject.toml');
    assert.equal(publishedPackage(index({ 'setup.cfg': '[metadata]\nname = churn-features\n', 'docs/requirements.txt': 'mkdocs\n' })), 'setup.cfg');
    assert.equal(publishedPackage(index({ 'setup.py': '', 'requirements.txt': '-e .\nclick\n' })), undefined, 'installs itself');
    assert.equal(publishedPackage(index({ 'setup.py': '', 'src/__init__.py': '', 'requirements.txt': 'torch\n' })), undefined, 'the package is src');
    assert.equal(publishedPackage(index({ 'pyproject.toml': pyproject, Dockerfile: 'FROM python:3.11\n' })), undefined, 'deployed');
    assert.equal(publishedPackage(index({ 'requirements.txt': 'pandas\n', 'libs/features/pyproject.toml': pyproject })), undefined, 'a package below an application');
  });

  test('Pipfile: "*" and ranges are loose, == and commit refs are pinned', () => {
    const text = `[packages]\npandas = "*"\nnumpy = "==1.26.4"\nrequests = {version = ">=2.31", extras = ["socks"]}\nlib = {git = "https://x/lib.git", ref = "main"}\n\n[dev-packages]\npytest = "==8.2.0"\n`;
    const seen = pipfileDependencies(text)!.dependencies.map((d) => `${d.name} ${d.pinned ? 'pinned' : 'loose'} ${d.line}`);
    assert.deepEqual(seen, ['pandas loose 1', 'numpy pinned 2', 'requests loose 3', 'lib loose 4', 'pytest pinned 7']);
  });

  test('conda environment: versions pin, ranges and bare names do not, pip list included', () => {
    const text = `name: churn\nchannels: [conda-forge]\ndependencies:\n  - python=3.11\n  - pip\n  - numpy=1.26\n  - conda-forge::pandas\n  - scikit-learn>=1.4\n  - pytorch 2.3.1\n  - xgboost=2.0.*\n  - pip:\n      - mlflow==2.14.1\n      - evidently\n      - -r requirements.txt\n`;
    const seen = condaDependencies(text)!.dependencies.map((d) => `${d.name} ${d.pinned ? 'pinned' : 'loose'} ${d.line}:${d.range.start.character}`);
    assert.deepEqual(seen, ['numpy pinned 5:4', 'pandas loose 6:4', 'scikit-learn loose 7:4', 'pytorch pinned 8:4', 'xgboost loose 9:4', 'mlflow pinned 11:8', 'evidently loose 12:8']);
  });
});
