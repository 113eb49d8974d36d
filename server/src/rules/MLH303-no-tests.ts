import { defineRule } from '../engine/rule';
import { mlModules, relatedFiles, wholeProject } from '../engine/projectQueries';
import { PRODUCTION } from '../engine/roles';
import { PythonFacts } from '../engine/python/facts';

const TEST_FRAMEWORK = /^(unittest|pytest)(\.|$)/;

/** A test module that cannot test the project's code: it imports nothing but a test framework
 *  (a generated \`tests.py\` placeholder, an empty \`tests/__init__.py\`). */
function testsNothing(facts: PythonFacts): boolean {
  return facts.imports.every((m) => TEST_FRAMEWORK.test(m));
}

export default defineRule({
  code: 'MLH303',
  name: 'no-tests',
  summary: 'The project has ML code and no test files, or only test files that import none of it',
  practices: ['P6'],
  references: ['Zinkevich, Rule #5: test the infrastructure independently from the machine learning', 'ML Test Score, Infra 2: model specification code is unit tested'],
  severity: 'warning',
  optIn: true,
  roles: PRODUCTION,
  applies: (project, appliesTo) => mlModules(project, appliesTo).length > 0,
  docs: `## What it finds
A project whose modules or notebooks import an ML library while it has no test file: no
\`test_*.py\`, \`*_test.py\` or \`conftest.py\`, nothing under a \`tests/\` or \`test/\` folder, and no
\`tests.py\`, \`test.py\` or \`*_tests.py\` that defines test functions or a unittest \`TestCase\`.
Test files that import nothing but a test framework (\`unittest\`, \`pytest\`) cannot test the
project's code: when they are all there is, the finding names them.

Only pipeline, serving and library code counts as ML code that needs tests: exploration notebooks, course material and tooling are not tested like code that ships.

**Opt-in:** not in the default set. On a judged corpus of public ML repositories, 5 of 9 of its findings were worth acting on: paper code, examples and templates are often without tests by design. Select it where it fits (\`extendSelect: [MLH303]\`).

## Why it matters
Without tests, a change to feature code, a library upgrade or a refactoring of the training
script breaks the model silently: it still trains, only worse. Tests are what lets a team change
an ML system quickly and safely, and they are the first step of the flywheel of continuous
integration, delivery and training (practice P6).

## How to fix
Add a \`tests/\` folder with pytest tests. Start with the code that is easiest to get wrong:
feature and preprocessing functions (known input, expected output), data loading (schema,
ranges), and a smoke test that trains on a few rows and checks that the loss goes down.

## Example
\`\`\`python
# tests/test_features.py
from src.features import add_ratio

def test_add_ratio_handles_zero_denominator():
    df = add_ratio(pd.DataFrame({"a": [1.0], "b": [0.0]}))
    assert df["ratio"].isna().all()
\`\`\`

## References
- Zinkevich, *Rules of Machine Learning*, Rule #5.
- Breck et al., *The ML Test Score* (2017), Infra 2.
- [pytest: Get started](https://docs.pytest.org/en/stable/getting-started.html).
`,
  check: {
    project(ctx) {
      const { project } = ctx;
      const ml = mlModules(project, ctx.appliesTo);
      const tests = project.pythonFiles().filter(([, f]) => f.isTest);
      if (ml.length === 0 || tests.some(([, f]) => !testsNothing(f))) return;
      const modules = `${ml.length} module${ml.length === 1 ? '' : 's'} import${ml.length === 1 ? 's' : ''} an ML library`;
      const placeholders = tests.map(([p]) => p);
      ctx.report({
        ...wholeProject(project, ml),
        message:
          placeholders.length === 0
            ? `${modules} and the project has no test files; add tests (pytest) under tests/`
            : placeholders.length === 1
              ? `${modules} and the project's only test file (${placeholders[0]}) imports nothing but a test framework, so it tests none of its code; add tests (pytest) that call it`
              : `${modules} and the project's test files (${placeholders[0]} and ${placeholders.length - 1} more) import nothing but a test framework, so they test none of its code; add tests (pytest) that call it`,
        related: [...relatedFiles(ml, 'ML code without tests'), ...relatedFiles(placeholders, 'a test file that imports none of the code')],
      });
    },
  },
});
