// Projects inside a repository and the role of each file: facts of the index that rules read.
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import { Analyzer, kindOf } from '../../server/src/engine/analyze';
import { loadConfig } from '../../server/src/engine/config';
import { ProjectIndex } from '../../server/src/engine/project';
import { projectRoots } from '../../server/src/engine/projects';
import { initPython } from '../../server/src/engine/python/parser';
import { scanProject } from '../../server/src/engine/scan';
import { expectationsOf, findingsOf, FIXTURES } from '../support/fixtures';
import { EVERY_RULE } from '../support/config';

/** An index of small Python files, as a scan would build it. */
async function indexOf(files: Record<string, string>, layout = {}): Promise<ProjectIndex> {
  await initPython();
  const analyzer = new Analyzer();
  const entries = Object.entries(files);
  return new ProjectIndex(
    entries.map(([p, text]) => ({ path: p, kind: kindOf(p), size: text.length })),
    new Map(entries.filter(([p]) => kindOf(p) === 'python').map(([p, text]) => [p, analyzer.facts(p, text)])),
    new Map(),
    undefined,
    layout,
  );
}

describe('project roots', () => {
  test('the nearest folder with a dependency or pipeline file; docs and test requirements serve the project around them', () => {
    const paths = [
      'README.md',
      'hw1/requirements.txt',
      'hw1/train.py',
      'hw2/Pipfile',
      'hw2/src/pkg/__init__.py',
      'services/api/pyproject.toml',
      'docs/requirements.txt',
      'hw1/tests/requirements-test.txt',
      'pipeline/dvc.yaml',
      'env/environment.yml',
      'models/churn/MLmodel',
      'models/churn/requirements.txt',
    ];
    assert.deepEqual(projectRoots(paths), ['', 'env', 'hw1', 'hw2', 'pipeline', 'services/api']);
  });

  test('the roots setting replaces the detection', () => {
    assert.deepEqual(projectRoots(['hw1/requirements.txt', 'course/week1/a.py', 'course/week2/b.py'], ['course/*']), ['', 'course/week1', 'course/week2']);
  });
});

describe('imports resolve inside one project, as Python finds modules', () => {
  test('relative imports, the src/ layout, the script folder and installed-style packages', async () => {
    const index = await indexOf({
      'requirements.txt': '',
      'src/churn/__init__.py': '',
      'src/churn/features.py': 'def build(df):\n    return df\n',
      'src/churn/train.py': 'from .features import build\nfrom . import features\n',
      'src/churn/io/__init__.py': '',
      'src/churn/io/load.py': 'from ..features import build\n',
      'Code/scoring/__init__.py': '',
      'Code/scoring/model.py': 'x = 1\n',
      'tests/helpers.py': 'y = 2\n',
      'tests/test_features.py': 'from churn.features import build\nimport helpers\nfrom scoring.model import x\n',
    });
    assert.deepEqual(index.importsOf('src/churn/train.py').sort(), ['src/churn/__init__.py', 'src/churn/features.py']);
    assert.deepEqual(index.importsOf('src/churn/io/load.py'), ['src/churn/features.py']);
    assert.deepEqual(index.importsOf('tests/test_features.py').sort(), ['Code/scoring/model.py', 'src/churn/features.py', 'tests/helpers.py']);
  });

  test('a module file before a package of the same name; the script folder before the import roots, for each importer', async () => {
    const index = await indexOf({
      'requirements.txt': '',
      'features.py': 'def build(df):\n    return df\n',
      'features/__init__.py': '',
      'features/scaling.py': 'def scale(df):\n    return df\n',
      'src/utils/__init__.py': '',
      'src/utils/io.py': 'def read(path):\n    return path\n',
      'pipelines/utils.py': 'def read(path):\n    return path\n',
      'pipelines/train.py': 'import utils\nimport features\n',
      'evaluate.py': 'import utils\nfrom utils.io import read\nimport features.scaling\n',
    });
    assert.deepEqual(index.importsOf('pipelines/train.py').sort(), ['features.py', 'pipelines/utils.py']);
    assert.deepEqual(index.importsOf('evaluate.py').sort(), ['features/scaling.py', 'src/utils/__init__.py', 'src/utils/io.py']);
  });

  test('a bare module name never reaches into another project', async () => {
    const index = await indexOf({
      'hw1/requirements.txt': '',
      'hw1/batch.py': 'x = 1\n',
      'hw2/requirements.txt': '',
      'hw2/tests/test_batch.py': 'import batch\n',
    });
    const hw2 = index.projectOf('hw2/tests/test_batch.py');
    assert.equal(hw2.root, 'hw2');
    assert.deepEqual(hw2.importsOf('hw2/tests/test_batch.py'), []);
    // A view answers for the repository: roles and projects are shared.
    assert.equal(hw2.roleOf('hw2/tests/test_batch.py'), 'test');
    assert.equal(hw2.projectOf('hw1/batch.py').root, 'hw1');
    assert.deepEqual(index.projects().map((p) => p.root), ['hw1', 'hw2']);
  });

  test('a repository whose only project sits in a folder resolves from that folder', async () => {
    const index = await indexOf({
      'app/pyproject.toml': '',
      'app/src/scoring.py': 'x = 1\n',
      'app/tests/test_model.py': 'from scoring import x\n',
    });
    const app = index.projectOf('app/tests/test_model.py');
    assert.equal(app.root, 'app');
    assert.deepEqual(app.importsOf('app/tests/test_model.py'), ['app/src/scoring.py']);
  });
});

describe('a course monorepo: two projects side by side', () => {
  const fixture = path.join(FIXTURES, 'projects', 'two-course-projects');
  // MLH502 pairs no twins across projects; MLH406 is quiet only where the lock file is; MLH101 is
  // not silenced by another project's test of a module with the same name.
  test('cross-file findings stay inside each project', async () => {
    const codes = ['MLH101', 'MLH406', 'MLH502'];
    assert.deepEqual(await findingsOf(fixture, codes), expectationsOf(fixture).filter((e) => codes.some((c) => e.endsWith(c))));
  });
});

describe('file roles', () => {
  const fixture = path.join(FIXTURES, 'roles');

  test('each file gets the role its path, imports and content say', async () => {
    const { index } = await scanProject(fixture, { config: EVERY_RULE, workers: 0 });
    const roles = Object.fromEntries(index.files.map((f) => [f.path, index.roleOf(f.path)]));
    assert.deepEqual(roles, {
      'docs/gen_rule_pages.py': 'tooling',
      'homework-3/solution.py': 'teaching',
      'notebooks/churn-eda.ipynb': 'exploration',
      'notebooks/churn-eda.py': 'generated',
      'notebooks/first-look.py': 'exploration',
      'pipelines/train.py': 'pipeline',
      'scripts/plot_losses.py': 'tooling',
      'serve/app.py': 'serving',
      'src/churn/__init__.py': 'library',
      'src/churn/encoding.py': 'library',
      'tests/test_encoding.py': 'test',
    });
  });

  test('an index with one file described anew gives every file the role a fresh index gives it', async () => {
    const files = {
      'encoding.py': 'import pandas as pd\n\ndef encode(df):\n    return pd.get_dummies(df)\n',
      'report.py': 'import matplotlib.pyplot as plt\n\ndef plot(history):\n    plt.plot(history)\n',
      'run.py': 'import pandas as pd\n\ndf = pd.read_csv("data/train.csv")\n',
    };
    const index = await indexOf(files);
    for (const f of index.files) index.roleOf(f.path);
    // Edits of run.py: one that leaves its imports, training and saving alone, and ones that change
    // them (importing encoding.py makes that a library).
    for (const text of [
      'import pandas as pd\n\ndf = pd.read_csv("data/train.csv")\nprint(df.shape)\n',
      'import pandas as pd\nfrom encoding import encode\n\ndf = encode(pd.read_csv("data/train.csv"))\n',
      'import pandas as pd\nfrom sklearn.linear_model import LogisticRegression\n\nLogisticRegression().fit(pd.read_csv("x.csv"), [0])\n',
    ]) {
      const facts = new Analyzer().facts('run.py', text);
      const edited = index.withFile({ path: 'run.py', kind: 'python', size: text.length }, facts);
      const fresh = await indexOf({ ...files, 'run.py': text });
      for (const f of fresh.files) assert.equal(edited.roleOf(f.path), fresh.roleOf(f.path), `${f.path} after run.py became ${JSON.stringify(text)}`);
    }
  });

  test('course material: numbered modules of a repository with homework, and a numbered sequence of chapter notebooks', async () => {
    const course = await indexOf({
      '01-intro/duration-prediction.ipynb': '',
      '04-deployment/web-service/predict.py': 'from flask import Flask\n',
      'cohorts/2024/01-intro/homework.md': '',
    });
    assert.equal(course.roleOf('01-intro/duration-prediction.ipynb'), 'teaching');
    assert.equal(course.roleOf('04-deployment/web-service/predict.py'), 'teaching');
    const product = await indexOf({ '01-ingest/load.py': 'import pandas\n', 'README.md': '' });
    assert.equal(product.roleOf('01-ingest/load.py'), 'pipeline');
    const book = await indexOf({ '01_the_landscape.ipynb': '', '02_end_to_end.ipynb': '', '03_classification.ipynb': '', 'notebooks/01-eda.ipynb': '' });
    assert.equal(book.roleOf('02_end_to_end.ipynb'), 'teaching');
    assert.equal(book.roleOf('notebooks/01-eda.ipynb'), 'exploration');
  });

  test('dependency and config files take the role of a project whose code is all lessons or notebooks', async () => {
    const book = await indexOf({ '01_landscape.ipynb': '', '02_end_to_end.ipynb': '', '03_classification.ipynb': '', 'requirements.txt': '', 'environment.yml': '' });
    assert.equal(book.roleOf('requirements.txt'), 'teaching');
    assert.equal(book.roleOf('environment.yml'), 'teaching');
    const service = await indexOf({ 'analysis.ipynb': '', 'train.py': 'import sklearn\n', 'requirements.txt': '' });
    assert.equal(service.roleOf('requirements.txt'), 'pipeline');
  });

  test('the roles setting overrides the derived role, first matching glob first', async () => {
    const config = loadConfig({ mlHygieneYaml: 'roles:\n  "homework-*/**": pipeline\n  "*.py": library\n' });
    const { index } = await scanProject(fixture, { config, workers: 0 });
    assert.equal(index.roleOf('homework-3/solution.py'), 'pipeline');
    assert.equal(index.roleOf('serve/app.py'), 'library');
    assert.equal(index.roleOf('notebooks/churn-eda.ipynb'), 'exploration');
  });

  test('a rule is skipped on files of a role it does not declare', async () => {
    // MLH101 (production data validation) runs on the pipeline's read, not on the exploration or
    // the homework reads.
    const { findings } = await scanProject(fixture, { config: EVERY_RULE, workers: 0 });
    assert.deepEqual(findings.filter((f) => f.code === 'MLH101').map((f) => `${f.path} ${f.role}`), ['pipelines/train.py pipeline']);
  });

  test('a script generated from a notebook is reported once, on the notebook', async () => {
    const { findings } = await scanProject(fixture, { config: EVERY_RULE, workers: 0 });
    assert.deepEqual(findings.filter((f) => f.code === 'MLH106').map((f) => `${f.path} ${f.role}`), ['notebooks/churn-eda.ipynb exploration']);
    assert.deepEqual(findings.filter((f) => f.path === 'notebooks/churn-eda.py'), []);
  });
});
