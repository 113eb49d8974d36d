import { NotebookCell } from '../engine/notebook';
import { firstLineRange } from '../engine/notebookCells';
import { defineRule } from '../engine/rule';
import { ALL_BUT_GENERATED } from '../engine/roles';

export default defineRule({
  code: 'MLH801',
  name: 'out-of-order-execution',
  summary: 'Notebook cells whose execution counts do not increase from top to bottom',
  practices: ['P7'],
  references: ['Pimentel et al. 2019: a large-scale study about quality and reproducibility of Jupyter notebooks'],
  severity: 'warning',
  optIn: true,
  roles: ALL_BUT_GENERATED,
  docs: `## What it finds
A saved notebook whose code cells were not run from top to bottom: a cell whose execution count is
lower than the one of an executed cell above it (\`[7]\` above \`[3]\`). The first such cell is
reported, once per notebook, with the cell above that ran after it (the highest count above) as the
related location. Cells that were never run are ignored, and so are equal counts: a cell split in
two, or copied, keeps its count in both halves, which says nothing about the order they ran in.

A notebook run out of order misleads its next reader in exploration and teaching as much as elsewhere, so every role but generated counts.

**Opt-in:** not in the default set. On a judged corpus of public ML repositories, 28 of 63 of its findings were worth acting on: the inversion is often a harmless re-run of an import or display cell. Select it where it fits (\`extendSelect: [MLH801]\`).

## Why it matters
The outputs and the kernel state came from an order nobody can see in the file: a cell further down
ran first, a cell was edited and re-run, a variable was defined by a cell that has since been
changed or deleted. Running the notebook top to bottom then gives other results, or fails. Most
published notebooks cannot be reproduced for exactly this reason, and results that cannot be
reproduced cannot be versioned or trusted (practice P7).

## How to fix
Restart the kernel and run all cells (\`Restart & Run All\`) before saving or committing, and fix
whatever breaks. Better, move the logic that matters into modules and keep the notebook for
exploration; tools such as \`nbstripout\` or a pre-commit hook can clear counts and outputs.

## Example
\`\`\`text
Before: execution counts [1] [2] [7] [3] [4]: the third cell ran after the fifth
After (Restart & Run All): [1] [2] [3] [4] [5]
\`\`\`

## References
- Pimentel, Murta, Braganholo, Freire: *A Large-scale Study about Quality and Reproducibility of
  Jupyter Notebooks* (MSR 2019).
- Jupyter documentation: [Running code](https://jupyter-notebook.readthedocs.io/en/stable/examples/Notebook/Running%20Code.html).
`,
  check: {
    notebook(ctx) {
      // The executed cell above with the highest count: the one that ran last so far.
      let latest: NotebookCell | undefined;
      for (const cell of ctx.notebook.cells) {
        if (cell.kind !== 'code' || cell.executionCount === null) continue;
        if (latest && cell.executionCount < latest.executionCount!) {
          ctx.reportInCell(
            cell.index,
            firstLineRange(cell),
            `Cell ${cell.index + 1} has execution count [${cell.executionCount}] but cell ${latest.index + 1} above it has ` +
              `[${latest.executionCount}]: cell ${latest.index + 1} ran after it, so the cells ran out of order. ` +
              'Restart the kernel and run all cells before saving',
            {
              related: [
                {
                  path: ctx.path,
                  range: latest.executionCountRange ?? latest.range,
                  message: `cell ${latest.index + 1}, run later with execution count [${latest.executionCount}]`,
                },
              ],
            },
          );
          return;
        }
        if (!latest || cell.executionCount > latest.executionCount!) latest = cell;
      }
    },
  },
});
