// How CI commands are read: which shell steps run tests, and which hand over to what cannot be read.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ciJobs, commandRunsTests, isCiFile, makeTargets, TestVerdict } from '../../server/src/engine/ci';

const MAKEFILE = makeTargets('ci: lint test\n\nlint:\n\truff check .\n\ntest:\n\t@$(PYTHON) -m pytest\n\ndocs:\n\tmkdocs build\n');

const CASES: [string, TestVerdict][] = [
  ['pytest -q', 'tests'],
  ['python -m pytest tests/', 'tests'],
  ['python3 -m unittest discover -s tests', 'tests'],
  ['uv run pytest', 'tests'],
  ['uv run --frozen pytest', 'tests'],
  ['poetry run pytest --cov', 'tests'],
  ['pdm run test', 'tests'],
  ['hatch test', 'tests'],
  ['hatch run test:cov', 'tests'],
  ['conda run -n env python -m pytest', 'tests'],
  ['coverage run -m pytest', 'tests'],
  ['tox', 'tests'],
  ['tox -e py311', 'tests'],
  ['nox -s tests', 'tests'],
  ['CUDA_VISIBLE_DEVICES= pytest -x', 'tests'],
  ['docker compose run app pytest', 'tests'],
  ['make ci', 'tests'],
  ['python manage.py test', 'tests'],
  ['bash scripts/run_tests.sh', 'tests'],
  ['pip install pytest', 'no-tests'],
  ['uv pip install pytest', 'no-tests'],
  ['poetry add --group dev pytest', 'no-tests'],
  ['echo "run pytest"', 'no-tests'],
  ['test -f requirements.txt && pip install -r requirements.txt', 'no-tests'],
  ['tox -e lint,docs', 'no-tests'],
  ['nox -s lint', 'no-tests'],
  ['make lint docs', 'no-tests'],
  ['python train.py', 'no-tests'],
  ['ruff check . # pytest later', 'no-tests'],
  ['./scripts/ci.sh', 'unknown'],
  ['make release', 'unknown'],
];

describe('commands that run tests', () => {
  for (const [command, verdict] of CASES) {
    test(`${command} -> ${verdict}`, () => assert.equal(commandRunsTests(command, { makeTargets: MAKEFILE }), verdict));
  }
  test('make without a Makefile goes by the target name', () => {
    assert.equal(commandRunsTests('make test', { makeTargets: new Map() }), 'tests');
    assert.equal(commandRunsTests('make build', { makeTargets: new Map() }), 'unknown');
  });
});

describe('CI files', () => {
  test('known CI configurations are recognised', () => {
    for (const p of ['.github/workflows/ci.yml', '.gitlab-ci.yml', 'azure-pipelines.yml', '.circleci/config.yml', 'Jenkinsfile', 'bitbucket-pipelines.yml']) {
      assert.ok(isCiFile(p), p);
    }
    assert.ok(!isCiFile('.github/dependabot.yml'));
    assert.ok(!isCiFile('config/ci.yml'));
  });

  test('GitLab includes and remote reusable workflows are opaque', () => {
    assert.deepEqual(ciJobs('.gitlab-ci.yml', 'include:\n  - project: org/templates\n    file: python.yml\n').opaque, ['include']);
    assert.equal(ciJobs('.github/workflows/x.yml', 'jobs:\n  t:\n    uses: org/repo/.github/workflows/test.yml@v1\n').commands.length, 1);
    assert.deepEqual(ciJobs('.github/workflows/x.yml', 'jobs:\n  t:\n    uses: org/repo/.github/workflows/build.yml@v1\n').opaque, [
      'uses: org/repo/.github/workflows/build.yml@v1',
    ]);
  });

  test('Jenkins shell steps are read, comments are not', () => {
    const jobs = ciJobs('Jenkinsfile', "// sh 'pytest'\nnode { sh 'pip install .'\n sh(script: \"python -m pytest\") }");
    assert.deepEqual(jobs.commands, ['pip install .', 'python -m pytest']);
  });
});
