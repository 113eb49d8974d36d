import { defineRule } from '../engine/rule';
import { filesNamed, headingsOf, mlModules, projectAnchor, readmePath, relatedFiles } from '../engine/projectQueries';
import { CHARTER } from '../scaffold/templates';
import { PRODUCTION } from '../engine/roles';

/** Documents that frame the project: a TDSP charter or a file named like one. */
const CHARTER_FILE = /(charter|project[_ -]?(brief|proposal|definition|scope)|problem[_ -]?statement)[^/]*\.(md|markdown|rst|txt|adoc|docx?|pdf|html?)$/i;
const PROBLEM_HEADING = /problem|objective|goal|motivation|business|background|purpose|use[ -]case|why\b/;
const METRIC_HEADING = /metric|success|evaluat|kpi|criteri|measur/;

export default defineRule({
  code: 'MLH001',
  name: 'missing-project-charter',
  summary: 'ML code but no charter stating the problem and how success is measured',
  practices: ['P1', 'P3'],
  references: ['Zinkevich, Rule #2: first, design and implement metrics'],
  severity: 'information',
  fixable: true,
  optIn: true,
  roles: PRODUCTION,
  applies: (project, appliesTo) => mlModules(project, appliesTo).length > 0,
  evidence: (project) => filesNamed(project, CHARTER_FILE),
  docs: `## What it finds
A project with ML code and nothing that frames it: no charter (\`Docs/Project/Charter.md\` as in
Microsoft's Team Data Science Process, or another file named like a charter, project brief or
problem statement), and no README section on the problem together with one on the success
metric.

Only pipeline, serving and library code counts as ML code here: exploration notebooks, course material and tooling frame no product that needs a charter.

**Opt-in:** not in the default set. On a judged corpus of public ML repositories, 0 of 16 of its findings were worth acting on: libraries, textbooks, templates and research code have no charter to write. Select it where it fits (\`extendSelect: [MLH001]\`).

## Why it matters
ML projects fail most often not on modeling but on framing: a model that solves the wrong
problem, or one whose success nobody can measure. Writing down the business problem, why ML is
the right tool for it, and the metric that decides success avoids ML-solutionism (practice P1)
and gives the project the shared plan that TDSP and CRISP-ML(Q) start from (P3). Zinkevich's
Rule #2 asks for metrics before the first model.

## How to fix
Write a short charter: business background, scope, people, the metric and its target, plan,
architecture, communication. The quick fix creates \`Docs/Project/Charter.md\` from the TDSP
template. A README with a "Problem" and a "Success metric" section also satisfies the rule.

## Example
\`\`\`markdown
### Problem
Agents spend two hours a day triaging tickets by hand.

### Success metric
Top-1 routing accuracy of 85 % on last quarter's tickets (baseline: keyword rules, 61 %).
\`\`\`

## References
- Zinkevich, *Rules of Machine Learning*, Rule #2.
- [Team Data Science Process: project charter](https://learn.microsoft.com/en-us/azure/architecture/data-science-process/lifecycle-business-understanding).
- ml-ops.org, [Crisp-ML(Q)](https://ml-ops.org/content/crisp-ml).
`,
  check: {
    project(ctx) {
      const { project } = ctx;
      const ml = mlModules(project, ctx.appliesTo);
      if (ml.length === 0) return;
      if (filesNamed(project, CHARTER_FILE).length) return;
      const readme = readmePath(project);
      const headings = readme ? headingsOf(project.documents.get(readme) ?? '') : [];
      if (headings.some((h) => PROBLEM_HEADING.test(h)) && headings.some((h) => METRIC_HEADING.test(h))) return;
      ctx.report({
        ...projectAnchor(project, ml),
        message: readme
          ? `No project charter, and ${readme} has no section on the problem and one on the success metric`
          : 'No project charter and no README stating the problem and the success metric',
        related: relatedFiles(ml, 'ML code without a stated problem and metric'),
        fix: { title: `Create ${CHARTER.path}`, create: [CHARTER] },
      });
    },
  },
});
