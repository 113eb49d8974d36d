import { declaredDependencies } from '../engine/declaredDependencies';
import { ProjectIndex } from '../engine/project';
import { defineRule } from '../engine/rule';
import { normalizePackage } from '../engine/projectQueries';
import { parseRequirements, Requirement } from '../engine/requirements';
import { PRODUCTION } from '../engine/roles';

const LOCK_FILES = /^(?:poetry\.lock|uv\.lock|Pipfile\.lock|pdm\.lock|conda-lock\.ya?ml|.+\.conda-lock\.ya?ml|pylock(?:\.[^.]+)?\.toml)$/;

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

/** What a requirement allows instead of one exact version, for the message. */
function looseness(requirement: Requirement): string {
  if (requirement.url) return `comes from \`${requirement.url}\` without a commit or file to fix it`;
  if (!requirement.specifier) return 'has no version constraint at all';
  return `is constrained by \`${requirement.specifier}\`, which admits many versions`;
}

export default defineRule({
  code: 'MLH406',
  name: 'unpinned-dependencies',
  summary: 'Dependencies without an exact version while the project has no lock file',
  practices: ['P7'],
  references: ['ML Test Score, Infra 1: training is reproducible'],
  severity: 'warning',
  roles: PRODUCTION,
  docs: `## What it finds
Dependencies that do not fix one version: no version at all (\`pandas\`), a range
(\`scikit-learn>=1.2\`), a compatible release (\`torch~=2.1\`, Poetry's \`^2.1\`), a wildcard
(\`numpy==1.26.*\`, Pipenv's \`"*"\`), or a VCS / URL reference without a commit. The finding
sits on the line of the entry. Read from:
- requirements files (\`requirements*.txt\`, \`requirements/*.txt\`, \`constraints*.txt\`, \`*.in\`);
  \`--hash\` lines, packages pinned by a \`-c constraints.txt\` file, includes (\`-r\`), options and
  comments are fine;
- \`pyproject.toml\`: \`[project] dependencies\`, \`[project.optional-dependencies]\`,
  \`[dependency-groups]\`, \`[tool.poetry.dependencies]\`, \`[tool.poetry.dev-dependencies]\` and
  \`[tool.poetry.group.*.dependencies]\` (\`python\` and local \`path\` dependencies aside). A
  pyproject.toml with a \`[build-system]\` builds a package that others install, and a package
  declares ranges on purpose, so that it can be installed beside other packages: there the
  findings are information only, a reminder to lock the environment the models are trained in.
  Without \`[build-system]\`, or with Poetry's \`package-mode = false\`, the project is an
  application and its ranges are warnings like any other;
- \`Pipfile\`: \`[packages]\` and \`[dev-packages]\`;
- conda environment files (\`environment*.yml\`, \`conda.yaml\`): the \`dependencies\` and their
  \`pip:\` list. A conda spec with a version (\`numpy=1.26\`, \`numpy==1.26.4\`, \`numpy 1.26.4\`)
  counts as pinned, as its author meant it; \`python\` and \`pip\` themselves are left out.

Nothing is reported when the project has a lock file (\`poetry.lock\`, \`uv.lock\`, \`Pipfile.lock\`,
\`pdm.lock\`, \`conda-lock.yml\`, \`*.conda-lock.yml\`, \`pylock.toml\`), nor for a pip-tools input
(\`requirements.in\`) that is compiled to a \`requirements.txt\` beside it.

Runs on the dependency files of projects with pipeline, serving or library code, one project at a time: a lock file in one project of a repository does not pin another's dependencies; dependency files in course, docs and tooling folders are left out.

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
(\`pip freeze\` shows it).

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
    requirements(ctx) {
      const { project } = ctx;
      if (hasLockFile(project)) return;
      // A pip-tools input is meant to be loose when its compiled output sits beside it.
      if (ctx.path.endsWith('.in') && project.has(ctx.path.replace(/\.in$/, '.txt'))) return;
      const dir = ctx.path.includes('/') ? ctx.path.slice(0, ctx.path.lastIndexOf('/')) : '';
      const pinnedByConstraints = new Set<string>();
      for (const include of ctx.requirements.includes) {
        const text = include.constraint ? project.documents.get(joinPath(dir, include.path)) : undefined;
        if (text === undefined) continue;
        for (const r of parseRequirements(text).requirements) if (r.pinned) pinnedByConstraints.add(normalizePackage(r.name));
      }
      for (const requirement of ctx.requirements.requirements) {
        if (requirement.pinned || pinnedByConstraints.has(normalizePackage(requirement.name))) continue;
        ctx.report(
          requirement.range,
          `\`${requirement.name}\` ${looseness(requirement)}, and the project has no lock file: ` +
            `${requirement.url ? 'pin a commit (@<sha>)' : `pin the version you tested with (${requirement.name}==X.Y.Z)`} or lock the environment (uv lock, poetry lock, pip-compile)`,
        );
      }
    },
    project(ctx) {
      const { project } = ctx;
      if (hasLockFile(project)) return;
      for (const [path, text] of project.documents) {
        const manifest = ctx.appliesTo(path) ? declaredDependencies(path, text) : undefined;
        if (!manifest) continue;
        for (const dependency of manifest.dependencies) {
          if (dependency.pinned) continue;
          const advice = manifest.packaged
            ? 'a package may declare ranges for its users, but lock the environment the models are trained in (uv lock, poetry lock, pdm lock)'
            : `${dependency.url ? 'pin a commit' : 'pin the version you tested with'} or lock the environment (uv lock, poetry lock, pipenv lock, conda-lock)`;
          ctx.report({
            path,
            range: dependency.range,
            message: `\`${dependency.name}\` ${looseness(dependency)}, and the project has no lock file: ${advice}`,
            severity: manifest.packaged ? 'information' : undefined,
          });
        }
      }
    },
  },
});
