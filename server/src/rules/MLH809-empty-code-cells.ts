import { defineRule } from '../engine/rule';
import { rangeOf } from '../engine/types';

export default defineRule({
  code: 'MLH809',
  name: 'empty-code-cells',
  summary: 'Empty code cells between the cells of a notebook',
  practices: ['P3'],
  references: ['pynblint: empty-cells', 'Pimentel et al. 2019: notebook best practices'],
  severity: 'information',
  optIn: true,
  roles: ['exploration', 'pipeline', 'serving', 'library', 'tooling', 'test'],
  docs: `## What it finds
Code cells with nothing in them (blank lines at most) between the notebook's written cells. One
finding per notebook, on the first empty cell; the message counts them and the others are related
locations. Empty cells at the end, which running the last cell leaves behind, are not reported.

Course material is left out: an exercise's empty cell is where the student writes the answer.

**Opt-in:** a matter of tidiness, not of results: an empty cell changes nothing a notebook computes.
On the judged corpus 2 of 10 findings were worth acting on (published tutorials); the others sat in
archived competition notebooks and maintainers' utility notebooks, where tidying is pointless.
Select it where notebooks are published or reviewed (\`extendSelect: [MLH809]\`).

## Why it matters
A notebook is read as a document before it is run (practice P3: the project is managed through its
artifacts). Empty cells break its flow, look like a step that was deleted or never written, and make
the reviewer wonder whether something is missing. They are the leftovers of an editing session, not
part of the analysis.

## How to fix
Delete the empty cells (\`dd\` in Jupyter's command mode), or write in them what was meant to be
there. Tools such as \`nbQA\` or a pre-commit hook can keep them out.

## Example
\`\`\`text
# Before
[1] df = pd.read_parquet("data/claims.parquet")
[ ]
[2] df.describe()

# After
[1] df = pd.read_parquet("data/claims.parquet")
[2] df.describe()
\`\`\`

## References
- pynblint, the notebook linter: "empty-cells".
- Pimentel, Murta, Braganholo, Freire: *A Large-scale Study about Quality and Reproducibility of
  Jupyter Notebooks* (MSR 2019).
`,
  check: {
    notebook(ctx) {
      const cells = ctx.notebook.cells;
      const isEmpty = (c: (typeof cells)[number]) => c.source.trim() === '';
      // Empty cells after the last written one are what running the last cell leaves behind.
      const lastWritten = cells.map(isEmpty).lastIndexOf(false);
      const empty = cells.slice(0, Math.max(lastWritten, 0)).filter((c) => c.kind === 'code' && isEmpty(c));
      if (empty.length === 0) return;
      const [first, ...others] = empty;
      const count = empty.length === 1 ? 'This code cell is empty' : `${empty.length} code cells are empty (cells ${empty.map((c) => c.index + 1).join(', ')})`;
      ctx.reportInCell(first.index, rangeOf(0, 0, 0, 0), `${count}: delete ${empty.length === 1 ? 'it' : 'them'}, or write what was meant to be there`, {
        related: others.map((c) => ({ path: ctx.path, range: c.range, message: `cell ${c.index + 1} is empty` })),
      });
    },
  },
});
