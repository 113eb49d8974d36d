import { defineRule } from '../engine/rule';
import { ALL_BUT_GENERATED } from '../engine/roles';

export default defineRule({
  code: 'MLH807',
  name: 'invalid-notebook',
  summary: 'A notebook file whose JSON does not parse or that is not an nbformat 4 notebook',
  practices: ['P7'],
  references: ['Jupyter nbformat specification (format 4)'],
  severity: 'error',
  roles: ALL_BUT_GENERATED,
  docs: `## What it finds
\`.ipynb\` files that Jupyter cannot open: JSON that does not parse (most often left-over merge
conflict markers \`<<<<<<<\` / \`>>>>>>>\`, or a file truncated while saving), a top level that is
not a JSON object, a notebook in an old format (nbformat 3 or earlier), or one without a \`cells\`
array. The problem is reported where the parser stopped. Such a notebook is not analysed further.

A broken notebook is broken wherever it is, so every role but generated counts.

## Why it matters
A notebook that does not load is lost work for everyone who clones the repository, and every tool
that reads notebooks (Jupyter, VS Code, nbconvert, papermill, CI) fails on it. Notebooks are JSON
that git merges line by line, so a conflicting merge easily leaves a file that looks fine in a diff
but no longer parses. Versioned work must stay usable (practice P7).

## How to fix
Resolve merge conflicts in notebooks with a notebook-aware tool (\`nbdime\`: \`nbdime mergetool\`),
or take one side and re-run it. Restore a truncated file from version control. Convert old
notebooks with \`jupyter nbconvert --to notebook --nbformat 4\`. Configure
\`nbdime config-git --enable\` so that git diffs and merges notebooks cell by cell.

## Example
\`\`\`text
Before: a merge left conflict markers inside the JSON
   "source": [
<<<<<<< HEAD
    "df = pd.read_csv(\\"data/customers.csv\\")"
=======
    "df = pd.read_parquet(\\"data/customers.parquet\\")"
>>>>>>> feature/parquet
   ]

After: one side kept (with nbdime mergetool), the notebook opens again
   "source": [
    "df = pd.read_parquet(\\"data/customers.parquet\\")"
   ]
\`\`\`

## References
- Jupyter: [The notebook file format (nbformat 4)](https://nbformat.readthedocs.io/en/latest/format_description.html).
- [nbdime](https://nbdime.readthedocs.io/): diffing and merging of Jupyter notebooks.
`,
  check: {
    notebook(ctx) {
      const { problem } = ctx.notebook;
      if (!problem) return;
      const advice = /^<<<<<<< /m.test(ctx.text)
        ? 'the file holds git merge conflict markers; resolve the merge with a notebook-aware tool (nbdime mergetool)'
        : ctx.notebook.nbformat !== undefined && ctx.notebook.nbformat < 4
          ? 'notebook tools read nbformat 4; convert it with `jupyter nbconvert --to notebook --nbformat 4`'
          : 'Jupyter cannot open this notebook; restore it from version control';
      ctx.report(problem.range, `${problem.message}: ${advice}`);
    },
  },
});
