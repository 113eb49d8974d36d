import { firstLineRange, hasCode } from '../engine/notebookCells';
import { defineRule } from '../engine/rule';
import { ALL_BUT_GENERATED } from '../engine/roles';

export default defineRule({
  code: 'MLH802',
  name: 'unexecuted-cells',
  summary: 'Code cells never executed in a notebook whose other cells were run',
  practices: ['P7'],
  references: ['Pimentel et al. 2019: reproducibility of Jupyter notebooks'],
  severity: 'information',
  optIn: true,
  roles: ALL_BUT_GENERATED,
  docs: `## What it finds
Code cells without an execution count and without output in a notebook where other cells were
executed. Notebooks saved with every count cleared (never run, or stripped with nbstripout) are not
reported, nor are cells holding only comments, shell commands (\`!pip install ...\`) or magics.
A notebook never run at all says so plainly (no output anywhere) and misleads nobody: of the 116
notebooks saved without any execution count in the judged corpus, 96 were a sample repository's
notebooks stripped on purpose, and the rest homework starters, examples left for the reader to run,
a table of contents and Colab exports (outputs kept, counts cleared).

Cells without output mislead the next reader of any notebook, so every role but generated counts.

**Opt-in:** not in the default set. On a judged corpus of public ML repositories, 9 of 31 of its findings were worth acting on: cells are left unrun on purpose (papermill result cells, optional setup cells). Select it where it fits (\`extendSelect: [MLH802]\`).

## Why it matters
The saved outputs are what readers trust: the metrics, the plots, the tables. When some cells were
never run, those outputs come from a different program than the one in the file, and running the
notebook top to bottom may fail or give other numbers. Results that cannot be reproduced from the
notebook as written are not versioned results (practice P7).

## How to fix
Restart the kernel and run all cells before saving (\`Kernel > Restart & Run All\`), or delete the
cells that are not part of the analysis. To share notebooks without outputs, clear all of them
(nbstripout) so that nothing pretends to be a result.

## Example
\`\`\`python
# Before: cell 4 was added after the run; cell 5 shows metrics computed without it
# [3] model.fit(X_train, y_train)
# [ ] X_train = X_train.drop(columns=["customer_id"])   # never executed
# [4] print(f1_score(y_test, model.predict(X_test)))

# After: Restart & Run All, so that every cell ran, in order
# [3] X_train = X_train.drop(columns=["customer_id"])
# [4] model.fit(X_train, y_train)
# [5] print(f1_score(y_test, model.predict(X_test)))
\`\`\`

## References
- Pimentel, Murta, Braganholo, Freire: *A Large-scale Study about Quality and Reproducibility of
  Jupyter Notebooks* (MSR 2019): skipped and out-of-order cells are a main cause of notebooks that
  do not reproduce.
- Jupyter documentation: [Restart & Run All](https://jupyterlab.readthedocs.io/en/stable/user/notebook.html).
`,
  check: {
    notebook(ctx) {
      const code = ctx.notebook.cells.filter((c) => c.kind === 'code');
      if (!code.some((c) => c.executionCount !== null)) return;
      for (const cell of code) {
        if (cell.executionCount !== null || cell.outputCount > 0 || !hasCode(cell)) continue;
        ctx.reportInCell(cell.index, firstLineRange(cell), 'This code cell was never executed, but other cells were: the saved outputs do not include its effect; restart and run all');
      }
    },
  },
});
