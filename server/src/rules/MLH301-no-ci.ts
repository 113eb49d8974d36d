import { ciFiles } from '../engine/ci';
import { defineRule } from '../engine/rule';
import { wholeProject } from '../engine/projectQueries';
import { CI_WORKFLOW } from '../scaffold/templates';
import { PRODUCTION } from '../engine/roles';

export default defineRule({
  code: 'MLH301',
  name: 'no-ci',
  summary: 'A project with Python code and no continuous integration configuration',
  practices: ['P6'],
  references: ['ml-ops.org practice P6: CI/CD/CT first'],
  severity: 'warning',
  fixable: true,
  optIn: true,
  roles: PRODUCTION,
  repositoryWide: true,
  applies: (project, appliesTo) => project.pythonFiles().some(([path]) => appliesTo(path)),
  docs: `## What it finds
A project with Python code or notebooks and no configuration of a CI service where the service
looks for it: GitHub Actions (\`.github/workflows/*.yml\`), GitLab CI (\`.gitlab-ci.yml\`), Azure
Pipelines (\`azure-pipelines.yml\`, \`.azure-pipelines/*.yml\`), Jenkins (a \`Jenkinsfile\`),
CircleCI (\`.circleci/config.yml\`), Bitbucket Pipelines, Travis CI, Buildkite, Drone, Woodpecker
or AppVeyor. A \`tox.ini\` or a Makefile alone does not count: nothing runs them on every change. The finding sits on line 1 of
the README (else pyproject.toml, else the first Python file).

Only pipeline, serving and library code asks for CI, and CI is configured once for the repository, covering every project in it.

**Opt-in:** not in the default set. On a judged corpus of public ML repositories, 2 of 7 of its findings were worth acting on: most were research code, textbooks and templates with nothing for CI to run. Select it where it fits (\`extendSelect: [MLH301]\`).

## Why it matters
Without CI nothing checks a change before it is merged: tests, linting, a training smoke test and
data validation run only when someone remembers. ML systems decay silently, so the flywheel of
continuous integration, delivery and training is the first thing to build, not the last (practice
P6). CI is also where the other checks of this catalog (tests, pinned environments, model
validation gates) are enforced.

## How to fix
Add a pipeline that installs the pinned environment and runs the tests and linters on every push
and pull request. Add a small training run on sample data, and \`ml-hygiene check\` itself, as the
project grows. The quick fix creates a GitHub Actions workflow that installs, lints and tests.

## Example
\`\`\`yaml
# After: .github/workflows/ci.yml
name: ci
on: [push, pull_request]
jobs:
  test:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - uses: actions/setup-python@v5
        with:
          python-version: "3.11"
      - run: pip install -r requirements.txt
      - run: python -m pytest
\`\`\`

## References
- ml-ops.org: [MLOps Principles](https://ml-ops.org/content/mlops-principles), continuous X
  (CI/CD/CT), practice P6.
- Breck et al.: *The ML Test Score* (2017), infrastructure tests, which assume an automated pipeline.
- Sculley et al.: *Hidden Technical Debt in Machine Learning Systems* (NeurIPS 2015).
`,
  check: {
    project(ctx) {
      const { project } = ctx;
      const pythonFiles = project
        .pythonFiles()
        .map(([path]) => path)
        .filter(ctx.appliesTo)
        .sort();
      if (pythonFiles.length === 0) return;
      if (ciFiles(project).length > 0) return;
      ctx.report({
        ...wholeProject(project, pythonFiles),
        message:
          'No CI configuration found (GitHub Actions, GitLab CI, Azure Pipelines, Jenkins, CircleCI, ...): nothing runs the tests ' +
          'and checks on each change. Add a pipeline, e.g. .github/workflows/ci.yml that installs the dependencies and runs the tests',
        // With no CI file at all, the workflow path is free: the fix never overwrites.
        fix: { title: `Create ${CI_WORKFLOW.path} (install, lint, test)`, create: [CI_WORKFLOW] },
      });
    },
  },
});
