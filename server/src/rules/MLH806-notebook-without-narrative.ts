import { contentLines, firstLineRange } from '../engine/notebookCells';
import { NotebookCell } from '../engine/notebook';
import { defineRule } from '../engine/rule';
import { PRODUCTION } from '../engine/roles';

/** Code cells a notebook may have per Markdown cell. */
const CODE_CELLS_PER_MARKDOWN = 5;

/** A Markdown cell that opens with a heading: `# Title`, `<h1>`, a Setext title underlined with `===`,
 *  or a line that is bold as a whole (`**Chapter 2: Training**`), which many notebooks use as their title. */
function isTitle(cell: NotebookCell): boolean {
  if (cell.kind !== 'markdown') return false;
  const [first = '', second = ''] = contentLines(cell);
  return (
    /^\s*#{1,6}\s+\S/.test(first) ||
    /^\s*<h[1-6][\s>]/i.test(first) ||
    /^\s*(=+|-+)\s*$/.test(second) ||
    /^\s*(\*\*|__)[^*_].*(\*\*|__)\s*$/.test(first)
  );
}

export default defineRule({
  code: 'MLH806',
  name: 'notebook-without-narrative',
  summary: 'A notebook without a Markdown title cell, or with too little Markdown between its code',
  practices: ['P3'],
  references: ['Rule, Tabard, Hollan 2018: exploration and explanation in computational notebooks', 'Pimentel et al. 2019: notebook best practices'],
  severity: 'information',
  roles: [...PRODUCTION, 'tooling'],
  docs: `## What it finds
Notebooks whose first non-empty cell is not a Markdown cell opening with a title (a heading, or a
line in bold),
or that have fewer than one Markdown cell per ${CODE_CELLS_PER_MARKDOWN} code cells (rounded down: 10
code cells ask for 2 Markdown cells). Notebooks without code cells are not looked at.

Runs on notebooks that are pipelines (in a pipeline folder such as pipelines/ or train/), documentation notebooks and notebooks given another role by configuration: exploration and teaching notebooks are read by their authors and their teachers, who know what they show.

## Why it matters
A notebook is a document: its value for the project (practice P3) is the question it asks, the
choices made along the way and the conclusion. Without a title and prose between the steps, the
reader has only code and outputs, and the reasoning behind a model or a data decision is lost as
soon as its author moves on. Studies of public notebooks find that most of them explain little.

## How to fix
Start with a Markdown cell holding a title and one or two sentences: the question, the data, the
outcome. Before each step, a short Markdown cell saying what it does and why; after a result, what
it means.

## Example
\`\`\`markdown
<!-- Before: the first cell is code -->
import pandas as pd

<!-- After: a title cell first, then prose between the steps -->
# Churn: does tenure explain cancellations?
Data: customers.csv (2024-01 extract). Conclusion: tenure matters below 12 months.
\`\`\`

## References
- Rule, Tabard, Hollan: *Exploration and Explanation in Computational Notebooks* (CHI 2018).
- Pimentel, Murta, Braganholo, Freire: *A Large-scale Study about Quality and Reproducibility of
  Jupyter Notebooks* (MSR 2019): use Markdown to document the notebook.
`,
  check: {
    notebook(ctx) {
      const cells = ctx.notebook.cells.filter((c) => contentLines(c).length > 0);
      const code = cells.filter((c) => c.kind === 'code').length;
      if (code === 0) return;
      const markdown = cells.filter((c) => c.kind === 'markdown').length;
      const needed = Math.floor(code / CODE_CELLS_PER_MARKDOWN);
      const problems: string[] = [];
      if (!isTitle(cells[0])) problems.push('it does not start with a Markdown title cell');
      if (markdown < needed) problems.push(`it has ${markdown} Markdown cell${markdown === 1 ? '' : 's'} for ${code} code cells (at least ${needed} expected)`);
      if (problems.length === 0) return;
      ctx.reportInCell(cells[0].index, firstLineRange(cells[0]), `The notebook explains too little: ${problems.join(', and ')}`);
    },
  },
});
