import { defineRule } from '../engine/rule';
import { normalizePackage } from '../engine/projectQueries';
import { parseRequirements, Requirement } from '../engine/requirements';

const LOCK_FILES = /^(?:poetry\.lock|uv\.lock|Pipfile\.lock|pdm\.lock|conda-lock\.ya?ml|.+\.conda-lock\.ya?ml|pylock(?:\.[^.]+)?\.toml)$/;

function fileName(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
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
  summary: 'Requirements without an exact version while the project has no lock file',
  practices: ['P7'],
  references: ['ML Test Score, Infra 1: training is reproducible'],
  severity: 'warning',
  docs: `## What it finds
Lines of a requirements file (\`requirements*.txt\`, \`requirements/*.txt\`, \`constraints*.txt\`,
\`*.in\`) that do not fix one version: no version at all (\`pandas\`), a range (\`scikit-learn>=1.2\`),
a compatible release (\`torch~=2.1\`), a wildcard (\`numpy==1.26.*\`), or a VCS / URL reference
without a commit. Lines pinned with \`==\` / \`===\`, lines with \`--hash\`, packages pinned by a
\`-c constraints.txt\` file, includes (\`-r\`), options and comments are fine.

Nothing is reported when the project has a lock file (\`poetry.lock\`, \`uv.lock\`, \`Pipfile.lock\`,
\`pdm.lock\`, \`conda-lock.yml\`, \`*.conda-lock.yml\`, \`pylock.toml\`), nor for a pip-tools input
(\`requirements.in\`) that is compiled to a \`requirements.txt\` beside it.

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
      if (project.files.some((f) => LOCK_FILES.test(fileName(f.path)))) return;
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
  },
});
