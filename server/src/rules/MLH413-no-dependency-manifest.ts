import { defineRule } from '../engine/rule';
import { mlModules, readmePath, relatedFiles, trainingFiles } from '../engine/projectQueries';

/** Files that declare or pin a Python environment: requirement files (also in a requirements/ or
 *  binder/ folder), pyproject.toml, setup.py / setup.cfg, Pipfile, conda environments and recipes,
 *  lock files, and a Dockerfile (the image installs what the code needs). */
/** A README that lists what to install (an install command or a Dependencies / Requirements section). */
const README_LISTS_PACKAGES = /\b(pip3?|conda|mamba) install\b|^#+\s*(dependencies|requirements|installation)\b/im;

const MANIFEST =
  /(^|\/)(requirements[\w.-]*\.(txt|in)|requirements\/[\w.-]+\.(txt|in)|pyproject\.toml|setup\.py|setup\.cfg|Pipfile(\.lock)?|(environment|conda)[\w.-]*\.ya?ml|meta\.yaml|(poetry|uv|pdm)\.lock|conda-lock\.ya?ml|Dockerfile[\w.-]*)$/;

export default defineRule({
  code: 'MLH413',
  name: 'no-dependency-manifest',
  summary: 'ML code in a project that declares its dependencies nowhere',
  practices: ['P7'],
  references: ['mllint: dependency management', 'Breck et al. 2017, Infra 1: reproducible training'],
  severity: 'warning',
  optIn: true,
  roles: ['exploration', 'pipeline', 'serving', 'library'],
  docs: `## What it finds
Projects whose modules or notebooks import ML libraries while no file in the project, nor at the
repository's root, says what to install: no \`requirements*.txt\` (or \`requirements/*.txt\`, \`.in\`),
\`pyproject.toml\`, \`setup.py\` / \`setup.cfg\`, \`Pipfile\`, conda \`environment.yml\`, lock file
(\`poetry.lock\`, \`uv.lock\`, \`pdm.lock\`, \`conda-lock.yml\`) or Dockerfile. The finding sits on the
first of those ML files and lists the others; when the README lists packages to install, the
message says so.

**Opt-in:** on the judged corpus it found two projects, both with their packages listed in the
README without versions: one a 2018 training repository whose code needs the old versions it never
wrote down (worth acting on), the other a deliberately minimal teaching repository whose README
install line is its manifest (noise). Too few to put it in the default set.

Course material is left out: a lecture's notebooks run in the course's own environment.

## Why it matters
Nobody can recreate the environment the code ran in: which pandas, which scikit-learn, which torch.
The next person to run it (or the same person on a new machine) guesses versions until it works,
and results differ silently where defaults changed between versions. Declaring the dependencies is
the first step of a reproducible run (practice P7; ML Test Score Infra 1).

## How to fix
Write down what the code imports, with the versions you ran it with: \`pip freeze > requirements.txt\`
in the environment that works (then trim it to the packages you use), or a \`pyproject.toml\` with
a lock file (\`uv lock\`, \`poetry lock\`), or a conda \`environment.yml\`. \`ml-hygiene scaffold\` writes
a starting point.

## Example
\`\`\`text
# Before: churn/ holds train.py and eda.ipynb, importing pandas, scikit-learn and xgboost

# After: churn/requirements.txt
pandas==2.2.2
scikit-learn==1.5.1
xgboost==2.1.0
\`\`\`

## References
- mllint, the ML project linter: dependency management.
- Breck et al.: *The ML Test Score* (2017), Infra 1, "Training is reproducible".
`,
  check: {
    project(ctx) {
      const { project } = ctx;
      // Training code first (a train script before the rest): the run most worth reproducing.
      const training = new Set(trainingFiles(project, ctx.appliesTo));
      const named = (path: string) => /(^|\/)train[\w-]*\.py$/.test(path);
      const rank = (path: string) => Number(!training.has(path)) * 4 + Number(!named(path)) * 2 + Number(path.endsWith('.ipynb'));
      const mlFiles = mlModules(project, ctx.appliesTo).sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
      if (mlFiles.length === 0) return;
      if (project.files.some((f) => MANIFEST.test(f.path))) return;
      if (project.repository.files.some((f) => !f.path.includes('/') && MANIFEST.test(f.path))) return;
      const readme = readmePath(project) ?? readmePath(project.repository);
      const where = readme && README_LISTS_PACKAGES.test(project.repository.documents.get(readme) ?? '') ? 'only in its README, with no file a tool can install from' : 'nowhere';
      ctx.report({
        path: mlFiles[0],
        message:
          `${mlFiles.length === 1 ? 'This file imports' : `${mlFiles.length} files import`} ML libraries and the project declares its dependencies ${where} ` +
          '(no requirements.txt, pyproject.toml, setup.py, Pipfile, environment.yml or lock file): write down the packages and the versions it runs with',
        related: relatedFiles(mlFiles.slice(1), 'imports ML libraries'),
      });
    },
  },
});
