import { defineRule } from '../engine/rule';
import { mlModules, relatedFiles, wholeProject } from '../engine/projectQueries';
import { CODEOWNERS } from '../scaffold/templates';
import { PRODUCTION } from '../engine/roles';

// Where GitHub, GitLab and Bitbucket look for code owners, and Prow-style OWNERS files.
const OWNER_FILES = ['CODEOWNERS', '.github/CODEOWNERS', 'docs/CODEOWNERS', '.gitlab/CODEOWNERS', '.bitbucket/CODEOWNERS', 'OWNERS'];

/** Whether an owners file assigns anyone: a line that is neither blank nor a comment. */
function namesOwners(text: string): boolean {
  return text.split(/\r?\n/).some((line) => line.trim() && !line.trim().startsWith('#'));
}

export default defineRule({
  code: 'MLH004',
  name: 'missing-code-owners',
  summary: 'ML code without a CODEOWNERS or OWNERS file that names who owns it',
  practices: ['P2'],
  references: ['Zinkevich, Rule #11: give feature columns owners and documentation'],
  severity: 'information',
  fixable: true,
  optIn: true,
  roles: PRODUCTION,
  repositoryWide: true,
  applies: (project, appliesTo) => mlModules(project, appliesTo).length > 0,
  evidence: (project) => OWNER_FILES.filter((p) => project.has(p)),
  docs: `## What it finds
A project with ML code (modules importing an ML library) and no code-owners file: no
\`CODEOWNERS\` at the root, in \`.github/\`, \`docs/\` or \`.gitlab/\`, and no \`OWNERS\`; or one that
only holds comments.

Only pipeline, serving and library code asks for owners, and owners are named once for the repository, whose CODEOWNERS covers every project in it.

**Opt-in:** not in the default set. On a judged corpus of public ML repositories, 0 of 11 of its findings were worth acting on: most repositories have a single maintainer. Select it where it fits (\`extendSelect: [MLH004]\`).

## Why it matters
Models, features and data pipelines outlive the people who wrote them. When nobody is named as
owner, a feature nobody understands stays in the model forever, and changes to training code are
merged without review by someone who knows its pitfalls. A team with clear roles is one of the
foundations of ML engineering (practice P2); Zinkevich asks for an owner for every feature.

## How to fix
Add a \`CODEOWNERS\` file that maps paths to the people or teams who review them. The quick fix
creates one with a placeholder owner to replace.

## Example
\`\`\`text
# CODEOWNERS
*                  @acme/ml-platform
/src/features/     @acme/feature-team
/models/           @jane-doe
\`\`\`

## References
- Zinkevich, *Rules of Machine Learning*, Rule #11.
- [GitHub: About code owners](https://docs.github.com/en/repositories/managing-your-repositorys-settings-and-features/customizing-your-repository/about-code-owners).
- [GitLab: Code Owners](https://docs.gitlab.com/ee/user/project/codeowners/).
`,
  check: {
    project(ctx) {
      const { project } = ctx;
      const ml = mlModules(project, ctx.appliesTo);
      if (ml.length === 0) return;
      const existing = OWNER_FILES.filter((p) => project.has(p));
      // A file too big to be kept as a document surely names someone.
      if (existing.some((p) => !project.documents.has(p) || namesOwners(project.documents.get(p)!))) return;
      if (existing.length) {
        ctx.report({ path: existing[0], message: `${existing[0]} names no owner (only comments); add a line such as "* @team"` });
        return;
      }
      ctx.report({
        ...wholeProject(project, ml),
        message: 'ML code and no CODEOWNERS file: name who owns the models, features and data',
        related: relatedFiles(ml, 'ML code without an owner'),
        fix: { title: 'Create a CODEOWNERS file', create: [CODEOWNERS] },
      });
    },
  },
});
