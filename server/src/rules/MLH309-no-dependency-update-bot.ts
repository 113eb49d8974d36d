import { ProjectIndex } from '../engine/project';
import { defineRule } from '../engine/rule';
import { manifestAnchor, mlModules, relatedFiles } from '../engine/projectQueries';
import { dependabotConfig, RENOVATE, Template, UpdateEcosystem } from '../scaffold/templates';
import { PRODUCTION } from '../engine/roles';

const BOT_CONFIGS = [
  /^\.github\/dependabot\.ya?ml$/,
  /^(\.github\/|\.gitlab\/)?renovate\.json5?$/,
  /^\.renovaterc(\.json5?)?$/,
  /^\.pyup\.ya?ml$/,
];

const MANIFEST = /^(requirements[^/]*\.(txt|in)|pyproject\.toml|Pipfile|setup\.py|setup\.cfg|environment\.ya?ml)$/;

/** Dependabot where the project lives on GitHub (or nothing says otherwise), Renovate elsewhere. */
function configToCreate(project: ProjectIndex): Template {
  const paths = project.files.map((f) => f.path);
  const onGitHub = paths.some((p) => p.startsWith('.github/'));
  const elsewhere = paths.some((p) => /^(\.gitlab-ci\.ya?ml|azure-pipelines\.ya?ml|bitbucket-pipelines\.ya?ml|\.gitlab\/)/.test(p));
  if (elsewhere && !onGitHub) return RENOVATE;
  const ecosystems: UpdateEcosystem[] = ['pip'];
  if (paths.some((p) => p.startsWith('.github/workflows/'))) ecosystems.push('github-actions');
  if (project.has('Dockerfile')) ecosystems.push('docker');
  return dependabotConfig(ecosystems);
}

export default defineRule({
  code: 'MLH309',
  name: 'no-dependency-update-bot',
  summary: 'No Dependabot or Renovate configuration keeps the dependencies up to date',
  practices: ['P6'],
  references: ['ML Test Score, Monitor 1: dependency changes result in notification'],
  severity: 'information',
  fixable: true,
  optIn: true,
  roles: PRODUCTION,
  repositoryWide: true,
  applies: (project, appliesTo) => mlModules(project, appliesTo).length > 0,
  docs: `## What it finds
A project with ML code and dependency files (requirements*.txt, pyproject.toml, Pipfile,
environment.yml, setup.py) but no configuration of a dependency update bot: no
\`.github/dependabot.yml\`, no Renovate configuration (\`renovate.json\`, \`.renovaterc\`, ...) and
no \`.pyup.yml\`.

Only pipeline, serving and library code asks for dependency updates, and the bot is configured once for the repository.

**Opt-in:** not in the default set. On a judged corpus of public ML repositories, 0 of 8 of its findings were worth acting on: dependency updates are often managed otherwise. Select it where it fits (\`extendSelect: [MLH309]\`).

## Why it matters
Pinned dependencies make training reproducible, but pins age: security fixes and bug fixes in
NumPy, PyTorch or scikit-learn never arrive, and when an upgrade is finally forced it comes all
at once. The ML Test Score asks that dependency changes result in a notification, so that each
upgrade arrives as a small pull request that CI tests (practice P6).

## How to fix
Configure Dependabot (on GitHub) or Renovate (anywhere) to propose updates on a schedule. The
quick fix creates \`.github/dependabot.yml\` for pip (and GitHub Actions and Docker when the project
uses them), or \`renovate.json\` when the project is hosted elsewhere.

## Example
\`\`\`yaml
# .github/dependabot.yml
version: 2
updates:
  - package-ecosystem: "pip"
    directory: "/"
    schedule:
      interval: "weekly"
\`\`\`

## References
- Breck et al., *The ML Test Score* (2017), Monitor 1.
- [Dependabot version updates](https://docs.github.com/en/code-security/dependabot/dependabot-version-updates/configuration-options-for-the-dependabot.yml-file).
- [Renovate documentation](https://docs.renovatebot.com/).
`,
  check: {
    project(ctx) {
      const { project } = ctx;
      const ml = mlModules(project, ctx.appliesTo);
      const manifests = project.files.map((f) => f.path).filter((p) => MANIFEST.test(p.slice(p.lastIndexOf('/') + 1)));
      if (ml.length === 0 || manifests.length === 0) return;
      if (project.files.some((f) => BOT_CONFIGS.some((re) => re.test(f.path)))) return;
      if (/"renovate"\s*:/.test(project.documents.get('package.json') ?? '')) return;
      const template = configToCreate(project);
      ctx.report({
        ...manifestAnchor(project, manifests),
        message: 'No Dependabot or Renovate configuration: dependency updates (security and bug fixes) arrive only by hand',
        related: relatedFiles(manifests, 'dependencies no bot keeps up to date'),
        fix: { title: `Create ${template.path}`, create: [template] },
      });
    },
  },
});
