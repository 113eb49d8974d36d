import { defineRule } from '../engine/rule';
import { LineIndex } from '../engine/text';
import { PLACEHOLDER_PATTERN } from '../scaffold/template';
import { ALL_BUT_GENERATED } from '../engine/roles';

export default defineRule({
  code: 'MLH002',
  name: 'template-placeholder-left',
  summary: 'Placeholder text of a scaffold template left in the project documents',
  practices: ['P3'],
  references: ['Team Data Science Process: project documents (charter, data report, model report, exit report)'],
  severity: 'warning',
  roles: ALL_BUT_GENERATED,
  docs: `## What it finds
Placeholders of the TDSP scaffold and of the files ML Hygiene's quick fixes create, such as
\`[TO FILL: business metric and target]\`, still present in the project's documents (charter,
data dictionary, model card, CODEOWNERS, configuration). The finding sits on the first
placeholder of each file and counts the rest.

Placeholders are left-overs wherever they are, so every role but generated counts.

## Why it matters
A charter whose success metric reads "[TO FILL: ...]" looks like documentation and says nothing:
the project seems framed, owned and documented while the decisions it should record were never
made. The Team Data Science Process relies on these documents being written as the project goes
(practice P3).

## How to fix
Replace each placeholder with the real content, or delete the section if it does not apply.

## Example
\`\`\`markdown
<!-- Before -->
- The model metric that stands for it, and the baseline to beat: [TO FILL: model metric, baseline, target]
<!-- After -->
- The model metric that stands for it, and the baseline to beat: PR-AUC on the March hold-out; keyword rules reach 0.41, target 0.60
\`\`\`

## References
- Microsoft, [Team Data Science Process lifecycle](https://learn.microsoft.com/en-us/azure/architecture/data-science-process/lifecycle).
`,
  check: {
    project(ctx) {
      const all = new RegExp(PLACEHOLDER_PATTERN.source, 'g');
      for (const [path, text] of ctx.project.documents) {
        const matches = [...text.matchAll(all)];
        if (matches.length === 0) continue;
        const first = matches[0];
        const lines = new LineIndex(text);
        ctx.report({
          path,
          range: lines.rangeOf(first.index!, first.index! + first[0].length),
          message:
            matches.length === 1
              ? `Template placeholder left in place: ${first[0]}`
              : `${matches.length} template placeholders left in place, the first: ${first[0]}`,
        });
      }
    },
  },
});
