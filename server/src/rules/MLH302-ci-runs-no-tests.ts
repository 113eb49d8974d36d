import { ciFiles, ciTestVerdict } from '../engine/ci';
import { defineRule } from '../engine/rule';
import { mlModules, relatedFiles } from '../engine/projectQueries';
import { PRODUCTION } from '../engine/roles';

export default defineRule({
  code: 'MLH302',
  name: 'ci-runs-no-tests',
  summary: 'Continuous integration is configured but no job runs tests',
  practices: ['P6'],
  references: ['ML Test Score, Infra 2: model specification code is unit tested', 'ML Test Score, Infra 3: the full ML pipeline is integration tested'],
  severity: 'information',
  optIn: true,
  roles: PRODUCTION,
  repositoryWide: true,
  applies: (project, appliesTo) => ciFiles(project).length > 0 && mlModules(project, appliesTo).length > 0,
  docs: `## What it finds
A project with CI configuration (GitHub Actions, GitLab CI, Azure Pipelines, CircleCI, Jenkins,
Bitbucket Pipelines, Travis ...) where no job runs tests: no \`pytest\`, \`python -m unittest\`,
\`tox\`, \`nox\`, \`hatch test\`, \`make test\` (followed through the Makefile), \`uv run pytest\`,
\`poetry run pytest\` or similar step. When a job hands over to something that cannot be read
here (a local action, an included template, a shell script, a Jenkins shared library), the rule
assumes it may run tests and stays quiet.

Only pipeline, serving and library code asks for tested CI, configured once for the repository.

**Opt-in:** not in the default set. On a judged corpus of public ML repositories, 1 of 3 of its findings were worth acting on: CI often runs the tests through scripts the analysis does not read. Select it where it fits (\`extendSelect: [MLH302]\`).

## Why it matters
CI that only installs, lints or builds gives a green check mark to changes that break the
model's code. The ML Test Score asks that model code is unit tested and the whole pipeline
integration tested on every change; CI is where that happens (practice P6).

## How to fix
Add a step that runs the test suite to the CI job that runs on pushes and pull requests.

## Example
\`\`\`yaml
# .github/workflows/ci.yml
jobs:
  test:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - uses: actions/setup-python@v5
      - run: pip install -r requirements.txt
      - run: python -m pytest   # added
\`\`\`

## References
- Breck et al., *The ML Test Score* (2017), Infra 2 and Infra 3.
- [GitHub Actions: building and testing Python](https://docs.github.com/en/actions/use-cases-and-examples/building-and-testing/building-and-testing-python).
`,
  check: {
    project(ctx) {
      const { project } = ctx;
      const files = ciFiles(project).filter((p) => project.documents.has(p));
      if (files.length === 0 || mlModules(project, ctx.appliesTo).length === 0) return;
      if (ciTestVerdict(project) !== 'no-tests') return;
      ctx.report({
        path: files[0],
        message:
          files.length === 1
            ? 'CI is configured but none of its jobs runs tests; add a step that runs them (e.g. python -m pytest)'
            : `CI is configured in ${files.length} files but none of their jobs runs tests; add a step that runs them (e.g. python -m pytest)`,
        related: relatedFiles(files, 'CI configuration without a test step'),
      });
    },
  },
});
