import { defineRule } from '../engine/rule';
import { notebookCode, NotebookCode } from '../engine/notebook';
import { tooDeepForPython } from '../engine/python/nesting';
import { parsePython } from '../engine/python/parser';
import { firstSyntaxError } from '../engine/python/syntax';

/** Errors a notebook shows on purpose when a cell demonstrates them. */
const SYNTAX_ERRORS = new Set(['SyntaxError', 'IndentationError', 'TabError']);

/** Each code cell's Python (IPython syntax already commented out), with its first line's place in
 *  the joined code. */
function cellTexts(code: NotebookCode): Map<number, { text: string; firstRow: number }> {
  const cells = new Map<number, { lines: string[]; firstRow: number }>();
  code.text.split('\n').forEach((line, row) => {
    const { cell } = code.lineMap[row];
    const entry = cells.get(cell) ?? { lines: [], firstRow: row };
    entry.lines.push(line);
    cells.set(cell, entry);
  });
  return new Map([...cells].map(([cell, { lines, firstRow }]) => [cell, { text: lines.join('\n'), firstRow }]));
}

/** Where a cell's own parse first fails, as a row within the cell and a column; undefined when it parses. */
function errorIn(text: string): { row: number; column: number; missing: boolean } | undefined {
  if (tooDeepForPython(text)) return undefined;
  const tree = parsePython(text);
  try {
    const error = firstSyntaxError(tree.rootNode);
    return error && { row: error.startPosition.row, column: error.startPosition.column, missing: error.isMissing };
  } finally {
    tree.delete();
  }
}

export default defineRule({
  code: 'MLH808',
  name: 'cell-syntax-error',
  summary: 'A code cell of a Python notebook that is not valid Python',
  practices: ['P7'],
  references: ['pynblint: invalid Python syntax in code cells', 'Pimentel et al. 2019: A large-scale study about quality and reproducibility of Jupyter notebooks'],
  severity: 'warning',
  roles: ['exploration', 'pipeline', 'serving', 'library', 'tooling'],
  applies: (project, appliesTo) => project.files.some((f) => f.path.endsWith('.ipynb') && appliesTo(f.path)),
  docs: `## What it finds
Code cells of a Python notebook that do not parse: an unclosed bracket or string, a stray
indentation, a half-written statement, a merge left in the source. IPython syntax is understood
(\`%magic\`, \`%%cell magic\`, \`!shell\`, \`files = !ls\`, \`df?\`), notebooks of other kernels (R, Julia)
are left alone, and a cell whose saved output shows the \`SyntaxError\` it demonstrates is not
reported. Each cell is parsed on its own, so an unclosed bracket in one cell does not hide the cells after
it; the finding sits on the first line where the cell's parse fails.

Course material is left out: exercise notebooks leave blanks for the student to fill in.

## Why it matters
Restart & Run All stops at this cell: nobody, including the author next month, can re-run the
notebook from the top, and its outputs below were made by some other, older code. Such a notebook
is not a record of an analysis anymore, and it cannot become a pipeline step as it is (practice P7,
reproducibility).

## How to fix
Fix the cell and re-run the notebook from the top (Restart & Run All) so its saved outputs match its
code. If the cell is a draft, move it to a Markdown cell or delete it.

## Example
\`\`\`python
# Before
model.fit(X_train, y_train
print(model.score(X_valid, y_valid))

# After
model.fit(X_train, y_train)
print(model.score(X_valid, y_valid))
\`\`\`

## References
- pynblint, the notebook linter: "invalid Python syntax in code cells".
- Pimentel et al.: *A Large-scale Study about Quality and Reproducibility of Jupyter Notebooks*
  (MSR 2019).
`,
  check: {
    python(ctx) {
      const { notebook } = ctx;
      if (!notebook || !ctx.module.root.hasError || (notebook.language !== undefined && notebook.language !== 'python')) return;
      // Each cell parsed on its own: in the joined code an unclosed bracket swallows the cells after it.
      for (const [index, { text, firstRow }] of cellTexts(notebookCode(notebook))) {
        const cell = notebook.cells[index];
        if (!cell || cell.errorNames.some((name) => SYNTAX_ERRORS.has(name))) continue;
        const error = errorIn(text);
        if (!error) continue;
        // From where the parser gave up (or the line's first character, for a token it found
        // missing at the end) to the end of the line.
        const line = text.split('\n')[error.row];
        const indent = /^\s*/.exec(line)![0].length;
        const start = error.missing || error.column >= line.length ? indent : error.column;
        const row = firstRow + error.row;
        ctx.report(
          { start: { line: row, character: start }, end: { line: row, character: line.length } },
          `Cell ${index + 1} is not valid Python (line ${error.row + 1} of the cell): the notebook cannot be run from the top`,
        );
      }
    },
  },
});
