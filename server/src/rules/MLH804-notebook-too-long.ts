import { contentLines, firstLineRange } from '../engine/notebookCells';
import { defineRule } from '../engine/rule';

export default defineRule({
  code: 'MLH804',
  name: 'notebook-too-long',
  summary: 'A notebook with too many code cells, or a code cell with too many lines',
  practices: ['P8'],
  references: ['Sculley et al. 2015: prototype smell', 'Pimentel et al. 2019: notebook best practices'],
  severity: 'information',
  optIn: true,
  roles: ['exploration', 'pipeline', 'serving', 'library'],
  docs: `## What it finds
Notebooks with more than 50 code cells (reported at the first cell past the limit), and code cells
with more than 30 lines (blank lines not counted). Both limits are configurable:
\`thresholds.maxNotebookCells\` and \`thresholds.maxCellLines\` in \`[tool.ml-hygiene]\` or
\`.ml-hygiene.yaml\`. Markdown cells are not counted: narrative is welcome.

Runs on exploration notebooks too, which is where they grow; course material is long on purpose.

**Opt-in:** not in the default set. On a judged corpus of public ML repositories, 0 of 33 of its findings were worth acting on: tutorials and configuration cells are long by design. Select it where it fits (\`extendSelect: [MLH804]\`).

## Why it matters
A notebook that long has become a program without the structure of one: no functions to test, no
modules to reuse, state shared through hidden globals, and results that depend on the order cells
were run in. Sculley et al. call code that stays in prototype form the prototype smell; designing
for ML means moving stable code into modules the notebook imports (practice P8).

## How to fix
Move finished steps (loading, cleaning, features, training) into functions in a package
(\`src/\`), import them, and keep the notebook for exploration and the story around the results.
Split a notebook that does several analyses into one per question.

## Example
\`\`\`python
# Before: a 60-line cell that loads, cleans and engineers features
raw = pd.read_csv("data/raw/orders.csv")
raw = raw.dropna(subset=["price"])
# ... 55 more lines ...

# After: the cell calls tested project code
from src.features import build_order_features
orders = build_order_features(pd.read_csv("data/raw/orders.csv"))
\`\`\`

## References
- Sculley et al.: *Hidden Technical Debt in Machine Learning Systems* (2015), "Prototype smell".
- Pimentel, Murta, Braganholo, Freire: *A Large-scale Study about Quality and Reproducibility of
  Jupyter Notebooks* (MSR 2019): modularise notebooks, keep them short.
`,
  check: {
    notebook(ctx) {
      const { maxNotebookCells, maxCellLines } = ctx.config.thresholds;
      const code = ctx.notebook.cells.filter((c) => c.kind === 'code');
      if (code.length > maxNotebookCells) {
        const first = code[maxNotebookCells];
        ctx.reportInCell(first.index, firstLineRange(first), `The notebook has ${code.length} code cells (more than ${maxNotebookCells}): move finished steps into modules`);
      }
      for (const cell of code) {
        const lines = contentLines(cell).length;
        if (lines > maxCellLines) {
          ctx.reportInCell(cell.index, firstLineRange(cell), `This cell has ${lines} lines (more than ${maxCellLines}): split it or move the code into a function in a module`);
        }
      }
    },
  },
});
