import { publishedPackage, runtimeDependencies } from '../engine/declaredDependencies';
import { ProjectIndex } from '../engine/project';
import { normalizePackage } from '../engine/projectQueries';
import { parseRequirements, Requirement } from '../engine/requirements';
import { defineRule } from '../engine/rule';
import { PRODUCTION } from '../engine/roles';

/** Tools that test, lint, type-check, format, document or release code, and take no part in running it. */
const DEVELOPMENT_TOOL =
  /^(?:pytest(?:-.+)?|coverage|tox|nox|black|ruff|flake8(?:-.+)?|pyflakes|pycodestyle|pydocstyle|pylint|mypy|isort|bandit|pre-commit|sphinx(?:-.+)?|mkdocs(?:-.+)?|twine)$/;
/** Notebook servers and kernels: what a package's users do not need to import it. */
const NOTEBOOK_TOOL = /^(?:jupyter|jupyterlab|notebook|ipykernel)$/;

/** A requirements file for development only: requirements-dev.txt, dev-requirements.txt, requirements/test.txt ... */
const DEVELOPMENT_REQUIREMENTS = /(^|\/)(requirements[-_.](dev|devel|develop|development|test|tests|testing|lint|ci|docs)[\w.-]*|(dev|test|tests|testing|lint|docs)[-_.]requirements[\w.-]*|requirements\/(dev|devel|development|test|tests|testing|lint|ci|docs)[\w.-]*)\.(txt|in)$/;
/** The requirements file of the running code, when the project keeps development requirements apart. */
const RUNTIME_REQUIREMENTS = /(^|\/)(requirements|requirements\/(base|main|prod|production|runtime|requirements))\.txt$/;

/** The project's files that say what running the code needs, each with its entries: pyproject.toml
 *  and Pipfile (their main tables), and the main requirements file when another one holds the
 *  development tools. */
function runtimeManifests(project: ProjectIndex): [string, Requirement[]][] {
  const separateDevelopment = project.files.some((f) => DEVELOPMENT_REQUIREMENTS.test(f.path));
  const out: [string, Requirement[]][] = [];
  for (const [path, text] of [...project.documents].sort(([a], [b]) => a.localeCompare(b))) {
    const entries = RUNTIME_REQUIREMENTS.test(path) ? (separateDevelopment ? parseRequirements(text).requirements : undefined) : runtimeDependencies(path, text);
    if (entries?.length) out.push([path, entries]);
  }
  return out;
}

/** Top-level modules the project's code (not its tests) imports. */
function importedByCode(project: ProjectIndex): Set<string> {
  const names = new Set<string>();
  for (const [, facts] of project.pythonFiles()) if (!facts.isTest) for (const name of facts.imports) names.add(name.split('.')[0]);
  return names;
}

export default defineRule({
  code: 'MLH415',
  name: 'development-tools-in-runtime-dependencies',
  summary: 'Test runners, linters or docs tools among the dependencies the code needs to run',
  practices: ['P7'],
  references: ['mllint: dependency-management/use-dev', 'Sculley et al. 2015: dependency debt'],
  severity: 'information',
  optIn: true,
  roles: PRODUCTION,
  applies: (project, appliesTo) => runtimeManifests(project).some(([path]) => appliesTo(path)),
  docs: `## What it finds
Development tools (pytest and its plugins, coverage, tox, nox, black, ruff, flake8, pylint, mypy,
isort, bandit, pre-commit, sphinx, mkdocs, twine) among the dependencies a project declares for
running its code, where its files keep development dependencies apart:

- \`[project.dependencies]\` or \`[tool.poetry.dependencies]\` in \`pyproject.toml\`, rather than an
  extra, a \`[dependency-groups]\` group or a Poetry group;
- \`[packages]\` in a \`Pipfile\`, rather than \`[dev-packages]\`;
- the main \`requirements.txt\` when the project also has a development one
  (\`requirements-dev.txt\`, \`requirements/test.txt\` ...).

In a package published for others, Jupyter itself (\`jupyter\`, \`jupyterlab\`, \`notebook\`,
\`ipykernel\`) counts too. A tool the project's own code imports (a pytest plugin imports pytest)
is a real dependency and is left alone. A project with one requirements file and nothing else
installs one environment for everything; that is a choice, not reported.

Dependency files of production code: course and notebook-only projects are left out.

**Opt-in:** no project of the judged corpus had one; not enough evidence for the default set.

## Why it matters
The runtime dependencies are what every user of the package, every serving image and every
training job installs. Test runners and linters there make images bigger and slower to build, pin
the users of a library to the maintainers' tool versions, and widen what can conflict or break on
an upgrade: dependency debt (Sculley et al.) that buys nothing at run time. Keeping the two apart
also documents what the code needs to run, which is what reproducing a model needs (practice P7).

## How to fix
Move the tools to the development side: \`poetry add --group dev pytest\`, \`uv add --dev pytest\`,
a \`[project.optional-dependencies]\` \`dev\` extra or a \`[dependency-groups]\` \`dev\` group,
\`pipenv install --dev pytest\`, or the project's \`requirements-dev.txt\`. Then lock again.

## Example
\`\`\`toml
# Before
[tool.poetry.dependencies]
python = "^3.11"
scikit-learn = "^1.5"
pytest = "^8.2"

# After
[tool.poetry.dependencies]
python = "^3.11"
scikit-learn = "^1.5"

[tool.poetry.group.dev.dependencies]
pytest = "^8.2"
\`\`\`

## References
- mllint, the ML project linter: "Project places its development dependencies in dev-dependencies".
- Sculley et al.: *Hidden Technical Debt in Machine Learning Systems* (NeurIPS 2015), dependency debt.
- [PEP 735, dependency groups](https://peps.python.org/pep-0735/); Poetry's
  [dependency groups](https://python-poetry.org/docs/managing-dependencies/).
`,
  check: {
    project(ctx) {
      const { project } = ctx;
      const imported = importedByCode(project);
      const published = publishedPackage(project);
      for (const [path, entries] of runtimeManifests(project)) {
        if (!ctx.appliesTo(path)) continue;
        const tools = entries.filter((r) => {
          const name = normalizePackage(r.name);
          const tool = DEVELOPMENT_TOOL.test(name) || (published === path && NOTEBOOK_TOOL.test(name));
          return tool && !imported.has(name.replace(/-/g, '_'));
        });
        if (tools.length === 0) continue;
        const names = tools.map((r) => r.name);
        const listed = names.length === 1 ? names[0] : `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]}`;
        ctx.report({
          path,
          range: tools[0].range,
          message: `${listed} ${names.length === 1 ? 'is a development tool' : 'are development tools'} among the dependencies the code needs to run: every install gets ${names.length === 1 ? 'it' : 'them'}; move ${names.length === 1 ? 'it' : 'them'} to the development dependencies`,
          related: tools.slice(1).map((r) => ({ path, range: r.range, message: `${r.name}: a development tool` })),
        });
      }
    },
  },
});
