import { ciFiles } from '../engine/ci';
import { defineRule } from '../engine/rule';
import { relatedFiles, wholeProject } from '../engine/projectQueries';
import { ProjectIndex } from '../engine/project';
import { PRODUCTION } from '../engine/roles';

/** Linters, formatters and type checkers of Python code. */
const TOOLS = 'ruff|flake8|pylint|black|mypy|pyright|isort|pyflakes|pycodestyle|yapf|autopep8|pytype';
/** Their own configuration files. */
const TOOL_CONFIG_FILE = /(^|\/)(\.flake8|\.pylintrc|pylintrc|ruff\.toml|\.ruff\.toml|mypy\.ini|\.mypy\.ini|\.isort\.cfg|pyrightconfig\.json|\.style\.yapf)$/;
/** Files that configure, install or run them: tool tables and sections, pre-commit hooks, CI jobs,
 *  make and tox targets, dependency lists. */
const MENTIONS_TOOLS = /(^|\/)(pyproject\.toml|setup\.cfg|tox\.ini|Makefile|\.pre-commit-config\.ya?ml|Pipfile|requirements[^/]*\.(txt|in)|requirements\/[^/]+\.(txt|in)|environment[\w.-]*\.ya?ml)$/;
const TOOL_NAME = new RegExp(`(^|[^\\w-])(${TOOLS})([^\\w-]|$)`, 'm');
/** A project of this many modules is past the size where reading every change by eye keeps it clean. */
const MIN_MODULES = 10;

/** Production modules (not tests, not notebooks) of the project. */
function modules(project: ProjectIndex, appliesTo: (path: string) => boolean): string[] {
  return project
    .pythonFiles()
    .filter(([path, facts]) => path.endsWith('.py') && !facts.isTest && appliesTo(path))
    .map(([path]) => path);
}

/** Whether the project, or the repository around it, sets up a linter, formatter or type checker. */
function hasCodeQualityTool(project: ProjectIndex): boolean {
  const repository = project.repository;
  const inReach = (path: string) => project.has(path) || !path.includes('/');
  if (repository.files.some((f) => TOOL_CONFIG_FILE.test(f.path) && inReach(f.path))) return true;
  for (const [path, text] of repository.documents) if (MENTIONS_TOOLS.test(path) && inReach(path) && TOOL_NAME.test(text)) return true;
  return ciFiles(repository).some((path) => TOOL_NAME.test(repository.documents.get(path) ?? ''));
}

export default defineRule({
  code: 'MLH311',
  name: 'no-code-quality-tools',
  summary: 'A project of ten or more modules with no linter, formatter or type checker set up',
  practices: ['P6'],
  references: ['mllint: code-quality/use-linters', 'Sculley et al. 2015: hidden technical debt'],
  severity: 'information',
  optIn: true,
  roles: PRODUCTION,
  applies: (project, appliesTo) => modules(project, appliesTo).length >= MIN_MODULES,
  docs: `## What it finds
Projects with ten or more Python modules of pipeline, serving or library code where no linter,
formatter or type checker is set up anywhere: ruff, flake8, pylint, black, isort, mypy, pyright
(and the like) appear in no configuration (\`[tool.ruff]\` and other tool tables, \`setup.cfg\` or
\`tox.ini\` sections, \`.flake8\`, \`ruff.toml\`, \`mypy.ini\` ...), no pre-commit hook, no CI job, no
Makefile target and no dependency list of the project or the repository's root. The finding is about
the project as a whole and lists its modules.

Notebooks, tests, course material and tooling are not counted: the rule is about code that ships.

**Opt-in:** a matter of how a team works rather than of what a model computes. On the judged corpus
1 of 3 findings was worth acting on (a project template that presents itself as production code);
a minimal single-author reference implementation and a collection of sample scripts go without
on purpose. Select it for team projects (\`extendSelect: [MLH311]\`).

## Why it matters
Linters catch the bugs that cost ML projects days: a variable that is undefined on one branch, an
unused result, a shadowed name in a training loop, a wrong type passed to a feature function. A
formatter ends style debates in review, and a type checker keeps the interfaces between data,
features and model honest as the code grows. Run in CI, they are part of the flywheel that lets a
team change the system quickly and safely (practice P6), and they keep the glue code that Sculley
et al. describe as hidden technical debt in check.

## How to fix
Add ruff (lint and format) and, for typed code, mypy or pyright: a \`[tool.ruff]\` table in
\`pyproject.toml\`, a pre-commit hook, and a CI step that runs \`ruff check .\` and
\`ruff format --check .\`.

## Example
\`\`\`toml
# pyproject.toml
[tool.ruff]
line-length = 100

[tool.ruff.lint]
select = ["E", "F", "B", "I"]
\`\`\`

## References
- mllint, the ML project linter: "Project should use code quality linters".
- Sculley et al.: *Hidden Technical Debt in Machine Learning Systems* (NeurIPS 2015).
- [Ruff](https://docs.astral.sh/ruff/), [mypy](https://mypy.readthedocs.io/), [pre-commit](https://pre-commit.com/).
`,
  check: {
    project(ctx) {
      const found = modules(ctx.project, ctx.appliesTo);
      if (found.length < MIN_MODULES || hasCodeQualityTool(ctx.project)) return;
      ctx.report({
        ...wholeProject(ctx.project, found),
        message:
          `${found.length} modules and no linter, formatter or type checker set up (no ruff, flake8, pylint, black or mypy in a configuration, ` +
          'pre-commit hook, CI job or dependency list): add ruff to pyproject.toml and run it in CI',
        related: relatedFiles(found, 'not linted'),
      });
    },
  },
});
