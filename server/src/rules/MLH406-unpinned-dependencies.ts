import { declaredDependencies, dependencyEntries, publishedPackage } from '../engine/declaredDependencies';
import { ProjectIndex } from '../engine/project';
import { normalizePackage } from '../engine/projectQueries';
import { parseRequirements, Requirement, RequirementsFile } from '../engine/requirements';
import { defineRule } from '../engine/rule';
import { commentsByLine, isSuppressed, readSuppressions } from '../engine/suppressions';
import { PRODUCTION } from '../engine/roles';
import { folderOf } from '../engine/folders';
import { Fix, TextEdit } from '../engine/types';

const LOCK_FILES = /^(?:poetry\.lock|uv\.lock|Pipfile\.lock|pdm\.lock|conda-lock\.ya?ml|.+\.conda-lock\.ya?ml|pylock(?:\.[^.]+)?\.toml)$/;
/** Names the message lists before "and N more". */
const NAMES_SHOWN = 3;

function fileName(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}


function hasLockFile(project: ProjectIndex): boolean {
  return project.files.some((f) => LOCK_FILES.test(fileName(f.path)));
}

function joinPath(dir: string, relative: string): string {
  const parts = dir ? dir.split('/') : [];
  for (const part of relative.split('/')) {
    if (part === '..') parts.pop();
    else if (part && part !== '.') parts.push(part);
  }
  return parts.join('/');
}

/** Packages a requirements file pins, itself or through the files it includes (`-r`) and the
 *  constraints it applies (`-c`): `mlflow[extras]>=2.9` below `mlflow==2.14.1` installs 2.14.1. */
function pinnedPackages(project: ProjectIndex, path: string, parsed: RequirementsFile, seen = new Set([path])): Set<string> {
  const pinned = new Set(parsed.requirements.filter((r) => r.pinned).map((r) => normalizePackage(r.name)));
  for (const include of parsed.includes) {
    const target = joinPath(folderOf(path), include.path);
    const text = project.documents.get(target);
    if (text === undefined || seen.has(target)) continue;
    seen.add(target);
    for (const name of pinnedPackages(project, target, parseRequirements(text), seen)) pinned.add(name);
  }
  return pinned;
}

/** The entries of a dependency file that do not fix one version, in order (none for a file that is
 *  no dependency file). A `# noqa: MLH406` on an entry's line leaves it out. */
function unpinnedEntries(project: ProjectIndex, path: string, text: string): Requirement[] {
  let loose: Requirement[];
  if (project.file(path)?.kind === 'requirements') {
    // A pip-tools input is meant to be loose when its compiled output sits beside it.
    if (path.endsWith('.in') && project.has(path.replace(/\.in$/, '.txt'))) return [];
    const parsed = parseRequirements(text);
    const pinned = pinnedPackages(project, path, parsed);
    loose = parsed.requirements.filter((r) => isLoose(r) && !pinned.has(normalizePackage(r.name)));
  } else {
    const manifest = declaredDependencies(path, text);
    if (!manifest) return [];
    loose = manifest.dependencies.filter(isLoose);
  }
  const suppressions = readSuppressions(commentsByLine(text));
  return loose.filter((r) => !isSuppressed(suppressions, 'MLH406', r.range));
}

/** One version, as a pin writes it: `==2.2.2` (pip) or `=2.2.2` / `2.2.2` (conda). */
const EXACT_VERSION = /^={0,2}\s*(\d[\w.+!-]*)$/;

/** The versions the project's dependency files pin (a conda environment, another requirements
 *  file), by package; a package pinned to two versions is left out. */
function pinnedVersions(project: ProjectIndex): Map<string, string> {
  const versions = new Map<string, string>();
  const conflicting = new Set<string>();
  for (const [path, text] of project.documents) {
    for (const entry of dependencyEntries(project, path, text)) {
      const version = entry.pinned && !entry.url ? EXACT_VERSION.exec(entry.specifier)?.[1] : undefined;
      if (!version) continue;
      const name = normalizePackage(entry.name);
      if (versions.has(name) && versions.get(name) !== version) conflicting.add(name);
      versions.set(name, version);
    }
  }
  for (const name of conflicting) versions.delete(name);
  return versions;
}

/** Pins the loose entries of a requirements file to the versions the project pins elsewhere (its
 *  conda environment, another requirements file): `pandas` becomes `pandas==2.2.2`. */
function pinsFromProject(project: ProjectIndex, path: string, loose: Requirement[]): Fix | undefined {
  if (project.file(path)?.kind !== 'requirements') return undefined;
  const text = project.documents.get(path);
  if (text === undefined) return undefined;
  const versions = pinnedVersions(project);
  const lines = text.split(/\r?\n/);
  const edits: TextEdit[] = [];
  for (const requirement of loose) {
    const version = versions.get(normalizePackage(requirement.name));
    if (!version || requirement.url !== undefined || requirement.range.start.line !== requirement.range.end.line) continue;
    const written = lines[requirement.range.start.line].slice(requirement.range.start.character, requirement.range.end.character);
    const name = /^[A-Za-z0-9][A-Za-z0-9._-]*(\[[^\]]*\])?/.exec(written)?.[0];
    if (!name) continue;
    const marker = written.indexOf(';') < 0 ? '' : ` ${written.slice(written.indexOf(';')).trim()}`;
    edits.push({ range: requirement.range, newText: `${name}==${version}${marker}` });
  }
  if (edits.length === 0) return undefined;
  const names = edits.length === 1 ? '1 dependency' : `${edits.length} dependencies`;
  return { title: `Pin ${names} to the versions the project's other dependency files pin`, edits };
}

// Constraints that admit only the bug-fix releases of one minor version: as good as a pin for
// reproducing a model, and a common choice for projects that install on many platforms.
const PATCH_RELEASES_ONLY = [
  /^~=\s*\d+(?:\.\d+){2,}[\w.+!-]*$/, // pip's compatible release with a patch part: ~=1.26.2
  /^={1,2}\s*\d+(?:\.\d+)+\.\*$/, // a wildcard after the minor part: ==1.26.* (pip), =1.26.* (conda)
  /^~\s*\d+\.\d+[\w.+!-]*$/, // Poetry's tilde with a minor part: ~1.26
];

// Tools around the code that take no part in what it computes: editors and kernels, test runners,
// linters, documentation and packaging tools. Their versions do not change a model.
const DEVELOPMENT_TOOL =
  /^(?:jupyter|jupyterlab|notebook|ipykernel|ipython|ipywidgets|nbconvert|nbformat|pre-commit|pytest(?:-.+)?|coverage|black|ruff|flake8(?:-.+)?|isort|mypy|pylint|mkdocs(?:-.+)?|mkdocstrings(?:-.+)?|sphinx(?:-.+)?|wheel|setuptools|pip|twine|build|tox|nox)$/;

/** Whether an entry leaves the version of a package that computes results open. */
function isLoose(requirement: Requirement): boolean {
  return (
    !requirement.pinned &&
    !PATCH_RELEASES_ONLY.some((p) => p.test(requirement.specifier.trim())) &&
    !DEVELOPMENT_TOOL.test(normalizePackage(requirement.name))
  );
}

// The main dependency files first, so that the finding sits where a reader looks for the pins.
const MAIN_FILES = ['requirements.txt', 'pyproject.toml', 'Pipfile', 'environment.yml', 'environment.yaml'];

function fileOrder(a: string, b: string): number {
  const depth = (p: string) => p.split('/').length;
  const rank = (p: string) => {
    const main = MAIN_FILES.indexOf(fileName(p));
    return main < 0 ? MAIN_FILES.length : main;
  };
  return depth(a) - depth(b) || rank(a) - rank(b) || a.localeCompare(b);
}

/** What a requirement allows instead of one exact version, in a few words. */
function looseness(requirement: Requirement): string {
  if (requirement.url) return `from \`${requirement.url}\` without a commit or file`;
  if (!requirement.specifier) return 'no version';
  return `\`${requirement.specifier}\``;
}

export default defineRule({
  code: 'MLH406',
  name: 'unpinned-dependencies',
  summary: 'An application whose dependencies have no exact version while the project has no lock file',
  practices: ['P7'],
  references: ['ML Test Score, Infra 1: training is reproducible'],
  severity: 'warning',
  fixable: true,
  optIn: true,
  roles: PRODUCTION,
  docs: `## What it finds
An application whose dependencies do not fix one version, while the project has no lock file. One
finding per project lists them: the count and the first few names in the message, each entry as a
related location. It sits on the first loose entry, looking at the shallowest files first and among
them at \`requirements.txt\`, \`pyproject.toml\`, \`Pipfile\`, \`environment.yml\`, then the others.

An entry is loose when it has no version at all (\`pandas\`), a range (\`scikit-learn>=1.2\`), a
compatible release across minor versions (\`torch~=2.1\`, Poetry's \`^2.1\`), a major wildcard
(\`numpy==1.*\`, conda's \`=2.*\`, Pipenv's \`"*"\`), or a VCS / URL reference without a commit. A
constraint that admits only the bug-fix releases of one minor version (\`numpy~=1.26.2\`,
\`numpy==1.26.*\`, Poetry's \`~1.26\`) counts as pinned: patch releases do not change what a model
computes, and such constraints are chosen on purpose by projects that install on many platforms.
Development tools are left out whatever their constraint: Jupyter and IPython, test runners
(\`pytest\`, \`coverage\`, \`tox\`), linters and formatters (\`ruff\`, \`black\`, \`flake8\`, \`mypy\`,
\`pre-commit\`), documentation and packaging tools (\`mkdocs\`, \`sphinx\`, \`setuptools\`, \`wheel\`):
their versions do not change what the code computes. Read from:
- requirements files (\`requirements*.txt\`, \`requirements/*.txt\`, \`constraints*.txt\`, \`*.in\`);
  \`--hash\` lines, options and comments are fine, and so is an entry whose package is pinned
  elsewhere in the same file, in a file it includes (\`-r\`) or in its constraints (\`-c\`):
  \`mlflow[extras]>=2.9\` below \`mlflow==2.14.1\` installs 2.14.1;
- \`pyproject.toml\`: \`[project] dependencies\`, \`[project.optional-dependencies]\`,
  \`[dependency-groups]\`, \`[tool.poetry.dependencies]\`, \`[tool.poetry.dev-dependencies]\` and
  \`[tool.poetry.group.*.dependencies]\` (\`python\` and local \`path\` dependencies aside);
- \`Pipfile\`: \`[packages]\` and \`[dev-packages]\`;
- conda environment files (\`environment*.yml\`, \`conda.yaml\`): the \`dependencies\` and their
  \`pip:\` list. A conda spec with a version (\`numpy=1.26\`, \`numpy==1.26.4\`, \`numpy 1.26.4\`)
  counts as pinned, as its author meant it; \`python\` and \`pip\` themselves are left out.

Nothing is reported:
- when the project has a lock file (\`poetry.lock\`, \`uv.lock\`, \`Pipfile.lock\`, \`pdm.lock\`,
  \`conda-lock.yml\`, \`*.conda-lock.yml\`, \`pylock.toml\`);
- for a library: a package published for others declares ranges on purpose, so that it installs
  beside other packages. A project is a library when its top folder has a \`pyproject.toml\` with a
  \`[build-system]\`, a name and a version (not marked as an application by Poetry's
  \`package-mode = false\`, uv's \`package = false\` or a \`Private ::\` classifier), or else a
  \`setup.cfg\` with \`[metadata]\` or a \`setup.py\`; unless that folder also has a \`Dockerfile\`, a
  \`requirements.txt\` that installs the project itself (\`-e .\`), or \`src/__init__.py\` (the
  project's code made importable as \`src\`, which nobody publishes). A \`pyproject.toml\` with
  \`[project]\` and no \`[build-system]\` is an application;
- for a pip-tools input (\`requirements.in\`) that is compiled to a \`requirements.txt\` beside it;
- for an entry with \`# noqa: MLH406\` on its line, or in a file with
  \`# ml-hygiene: ignore-file[MLH406]\`.

Runs on the dependency files of projects with pipeline, serving or library code, one project at a time: a lock file in one project of a repository does not pin another's dependencies; dependency files in course, docs and tooling folders are left out.

**Opt-in:** not in the default set. On a judged corpus of public ML repositories, 5 of 6 of its findings were worth acting on: templates and projects keep ranges on purpose. Select it where it fits (\`extendSelect: [MLH406]\`).

## Why it matters
An unpinned requirement installs whatever is newest on the day. Retraining the same code on the
same data months later then runs different library code: defaults change (scikit-learn has changed
estimator defaults between releases), numerical results drift, pickled models stop loading. The
model cannot be reproduced, and a failure cannot be bisected to code or environment. Reproducible
training starts with a reproducible environment (practice P7, ML Test Score Infra 1).

## How to fix
Lock the environment: \`uv lock\`, \`poetry lock\`, \`pdm lock\`, or keep loose requirements in a
\`requirements.in\` and compile them with \`pip-compile\` (pip-tools) into a fully pinned
\`requirements.txt\`. At the least, pin each direct dependency to the version you tested with
(\`pip freeze\` shows it). When the project pins a package elsewhere (its conda
\`environment.yml\`, another requirements file), the quick fix writes that version into the
requirements file (\`pandas\` becomes \`pandas==2.2.2\`).

## Example
\`\`\`text
# Before: requirements.txt
pandas
scikit-learn>=1.2
xgboost

# After: requirements.txt, compiled from requirements.in by pip-compile
pandas==2.2.2
scikit-learn==1.5.1
xgboost==2.1.1
\`\`\`

## References
- Breck et al.: *The ML Test Score: A Rubric for ML Production Readiness and Technical Debt
  Reduction* (2017), test Infra 1 "Training is reproducible".
- pip documentation: [Repeatable installs](https://pip.pypa.io/en/stable/topics/repeatable-installs/).
- pip-tools: [pip-compile](https://pip-tools.readthedocs.io/).
`,
  check: {
    project(ctx) {
      const { project } = ctx;
      if (hasLockFile(project) || publishedPackage(project)) return;
      const unpinned: { path: string; requirement: Requirement }[] = [];
      const files = [...project.documents.keys()].sort(fileOrder);
      for (const path of files) {
        // Dependency files of course material or notebooks-only projects take their role.
        if (!ctx.appliesTo(path)) continue;
        for (const requirement of unpinnedEntries(project, path, project.documents.get(path)!)) unpinned.push({ path, requirement });
      }
      if (unpinned.length === 0) return;
      const byName = new Map<string, Requirement>();
      for (const { requirement } of unpinned) if (!byName.has(normalizePackage(requirement.name))) byName.set(normalizePackage(requirement.name), requirement);
      const names = [...byName.values()];
      const shown = names.slice(0, NAMES_SHOWN).map((r) => `${r.name} (${looseness(r)})`);
      const more = names.length > NAMES_SHOWN ? ` and ${names.length - NAMES_SHOWN} more` : '';
      const [first] = unpinned;
      ctx.report({
        path: first.path,
        range: first.requirement.range,
        fix: pinsFromProject(project, first.path, unpinned.filter((u) => u.path === first.path).map((u) => u.requirement)),
        message:
          `${names.length} ${names.length === 1 ? 'dependency is' : 'dependencies are'} not pinned to one version and the project has no lock file: ` +
          `${shown.join(', ')}${more}. Pin the versions you tested with (pip freeze shows them) or lock the environment (uv lock, poetry lock, pip-compile)`,
        related: unpinned.map(({ path, requirement }) => ({ path, range: requirement.range, message: `\`${requirement.name}\`: ${looseness(requirement)}` })),
      });
    },
  },
});
