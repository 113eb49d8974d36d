import { firstLineRange } from '../engine/notebookCells';
import { defineRule, NotebookContext } from '../engine/rule';
import { FILE_START, Fix } from '../engine/types';
import { ALL_BUT_GENERATED } from '../engine/roles';

/** Names editors give new or duplicated notebooks: Untitled.ipynb, Untitled1.ipynb, Untitled-1.ipynb,
 *  eda-Copy1.ipynb, "eda Copy.ipynb", "eda Copy 2.ipynb", "Copy of eda.ipynb". */
const DEFAULT_NAME = /^untitled([-_ ]?\d+)?\.ipynb$|-copy\d*\.ipynb$| copy( \d+)?\.ipynb$|^copy of /i;

/** Renames the notebook after its title (its first Markdown heading): `# Churn exploration` gives
 *  `churn-exploration.ipynb` beside it. None without a title, or when that file exists. */
function renameAfterTitle(ctx: NotebookContext): Fix | undefined {
  const title = ctx.notebook.cells
    .filter((c) => c.kind === 'markdown')
    .map((c) => /^\s{0,3}#{1,6}\s+(.+?)\s*#*\s*$/m.exec(c.source)?.[1])
    .find((t) => t !== undefined);
  const stem = title
    ?.normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 60)
    .replace(/-+$/, '');
  if (!stem) return undefined;
  const folder = ctx.path.includes('/') ? ctx.path.slice(0, ctx.path.lastIndexOf('/') + 1) : '';
  const target = `${folder}${stem}.ipynb`;
  if (ctx.project.has(target)) return undefined;
  return { title: `Rename to ${stem}.ipynb (after its title)`, rename: target };
}

export default defineRule({
  code: 'MLH805',
  name: 'untitled-notebook',
  summary: 'A notebook still named Untitled*.ipynb or saved as a copy (-Copy1, " Copy")',
  practices: ['P3'],
  references: ['Microsoft TDSP: project structure and naming', 'Pimentel et al. 2019: notebook best practices'],
  severity: 'information',
  fixable: true,
  roles: ALL_BUT_GENERATED,
  docs: `## What it finds
Notebooks whose file name is the one the editor gave them: \`Untitled.ipynb\`, \`Untitled1.ipynb\`,
\`Untitled-1.ipynb\`, and copies such as \`eda-Copy1.ipynb\`, \`eda Copy.ipynb\` or
\`Copy of eda.ipynb\`. The finding is shown on the first cell.

A default name says nothing wherever the notebook is, so every role but generated counts.

## Why it matters
A project is managed through its artifacts (practice P3): a notebook called \`Untitled3\` tells
nobody what question it answers, whether it is current, or which of its copies holds the result.
Copies made to "try something" become forks of the analysis that drift apart; versions belong in
git, not in file names.

## How to fix
Rename the notebook after what it does, with an order prefix when notebooks form a sequence
(\`01-data-exploration.ipynb\`, \`02-baseline-model.ipynb\`). Delete copies, or merge what they add,
and let git keep the history. The quick fix renames the notebook after its title (its first Markdown
heading: \`# Churn exploration\` gives \`churn-exploration.ipynb\`), never over an existing file.

## Example
\`\`\`text
# Before
notebooks/Untitled2.ipynb
notebooks/churn-model-Copy1.ipynb

# After
notebooks/01-churn-data-exploration.ipynb
notebooks/02-churn-baseline.ipynb
\`\`\`

## References
- Microsoft: [Team Data Science Process, project structure](https://learn.microsoft.com/azure/architecture/data-science-process/overview).
- Pimentel, Murta, Braganholo, Freire: *A Large-scale Study about Quality and Reproducibility of
  Jupyter Notebooks* (MSR 2019), on untitled notebooks.
`,
  check: {
    notebook(ctx) {
      const name = ctx.path.split('/').pop() ?? ctx.path;
      if (!DEFAULT_NAME.test(name)) return;
      const first = ctx.notebook.cells[0];
      const message = `"${name}" is a default or copy name: name the notebook after the question it answers`;
      const fix = renameAfterTitle(ctx);
      if (first) ctx.reportInCell(first.index, firstLineRange(first), message, { fix });
      else ctx.report(FILE_START, message, { fix });
    },
  },
});
