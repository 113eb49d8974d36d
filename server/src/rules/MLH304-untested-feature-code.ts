import { defineRule } from '../engine/rule';
import { PRODUCTION } from '../engine/roles';
import { relatedFiles } from '../engine/projectQueries';

/** Modules that compute features or prepare data, by their file or folder name. */
const FEATURE_MODULE = /(^|\/|_)(features?|feature_engineering|preprocess(ing|or)?|transforms?|transformers?|cleaning|clean)(\/|_|\.py$)/i;

export default defineRule({
  code: 'MLH304',
  name: 'untested-feature-code',
  summary: 'Feature or preprocessing modules that no test imports',
  practices: ['P4', 'P6'],
  references: ['ML Test Score, Data 7: all input feature code is tested'],
  severity: 'information',
  optIn: true,
  roles: PRODUCTION,
  applies: (project) => project.pythonFiles().some(([, f]) => f.isTest),
  docs: `## What it finds
In a project that has tests, modules whose name says they compute features or prepare data
(\`features.py\`, \`preprocessing.py\`, \`transforms.py\`, \`cleaning.py\`, a \`features/\` package
...) and define functions, while no test module imports them, directly or through the modules it
imports.

Only feature modules among pipeline, serving and library code are asked for tests, and only tests of the same project count.

**Opt-in:** not in the default set. On a judged corpus of public ML repositories, 1 of 7 of its findings were worth acting on: tests reach feature code in ways the analysis cannot link, and vendored copies were reported. Select it where it fits (\`extendSelect: [MLH304]\`).

## Why it matters
Feature code is where ML systems break quietly: an off-by-one in a window, a unit mix-up or a
wrong fill value still produces numbers, and the model trains on them. The ML Test Score asks
that all input feature code is tested (Data 7); tests that call the feature functions on small
known inputs catch these bugs before training does (practices P4 and P6).

## How to fix
Add tests that import the module and check its functions on small inputs with known outputs,
including edge cases (missing values, empty frames, extreme values).

## Example
\`\`\`python
# tests/test_features.py
import pandas as pd
from src.features import tenure_bucket

def test_tenure_bucket_edges():
    assert tenure_bucket(pd.Series([0, 12, 13])).tolist() == ["new", "new", "established"]
\`\`\`

## References
- Breck et al., *The ML Test Score* (2017), Data 7.
- [pytest: Get started](https://docs.pytest.org/en/stable/getting-started.html).
`,
  check: {
    project(ctx) {
      const { project } = ctx;
      const python = project.pythonFiles();
      const tests = python.filter(([, f]) => f.isTest).map(([p]) => p);
      if (tests.length === 0) return; // MLH303 speaks for projects without tests
      const tested = new Set(tests.flatMap((t) => project.importClosure(t)));
      for (const [path, facts] of python) {
        if (!ctx.appliesTo(path) || facts.isTest || path.endsWith('.ipynb') || facts.functions.length === 0 || !FEATURE_MODULE.test(path) || tested.has(path)) continue;
        ctx.report({
          path,
          message: `No test imports this feature / preprocessing module; add tests for ${facts.functions.slice(0, 3).join(', ')}${facts.functions.length > 3 ? ', ...' : ''}`,
          related: relatedFiles(tests, 'a test module that does not import it'),
        });
      }
    },
  },
});
