import { firstLineRange } from '../engine/notebookCells';
import { defineRule, NotebookContext } from '../engine/rule';
import { ALL_BUT_GENERATED } from '../engine/roles';
import { FILE_START, Fix } from '../engine/types';

/** The portable file name character set of POSIX: letters, digits, dot, underscore, hyphen. */
const PORTABLE = /^[A-Za-z0-9._-]+$/;

/** What makes a name non-portable, in a few words, the worst first. */
function whatIsWrong(name: string): string {
  const kinds: string[] = [];
  if (/[<>:"\\|?*\u0000-\u001f]/.test(name)) kinds.push('characters Windows does not allow in file names');
  if (/\s/.test(name)) kinds.push('blanks');
  if (/[^\u0000-\u007f]/.test(name)) kinds.push('non-ASCII characters');
  if (/[!#$%&'()+,;=@[\]^`{}~]/.test(name)) kinds.push('characters shells and URLs treat specially');
  return kinds.length > 1 ? `${kinds.slice(0, -1).join(', ')} and ${kinds[kinds.length - 1]}` : kinds[0];
}

/** Renames the notebook to its name in portable characters: accents dropped, every run of other
 *  characters one hyphen (`2. Model training.ipynb` -> `2-Model-training.ipynb`). None when nothing
 *  would be left, or that file exists. */
function portableRename(ctx: NotebookContext, name: string): Fix | undefined {
  const stem = name
    .replace(/\.ipynb$/i, '')
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[^A-Za-z0-9_]+/g, '-')
    .replace(/^-+|-+$/g, '');
  if (!stem) return undefined;
  const target = `${ctx.path.slice(0, ctx.path.length - name.length)}${stem}.ipynb`;
  if (ctx.project.has(target)) return undefined;
  return { title: `Rename to ${stem}.ipynb`, rename: target };
}

export default defineRule({
  code: 'MLH810',
  name: 'notebook-name-not-portable',
  summary: 'A notebook whose file name has blanks or characters outside A-Z a-z 0-9 . _ -',
  practices: ['P3'],
  references: ['pynblint: non-portable-chars-in-nb-name', 'POSIX portable filename character set'],
  severity: 'information',
  optIn: true,
  fixable: true,
  roles: ALL_BUT_GENERATED,
  docs: `## What it finds
Notebooks whose file name has characters outside the portable set \`A-Z a-z 0-9 . _ -\`: blanks
(\`2. Model training.ipynb\`), non-ASCII letters, characters Windows does not allow (\`:\`, \`?\`,
\`*\`, \`"\` ...) or ones shells and URLs treat specially (\`&\`, \`(\`, \`#\`, \`'\`). The message
says which; the finding is shown on the first cell.

A name has to work on every machine that checks the repository out, so every role but generated
counts.

**Opt-in:** on the judged corpus 1 of 8 findings was worth acting on (a name with a stray dot and a
blank before the extension): blanks in the name of a notebook that people open by hand break
nothing. Select it where notebooks are run by scripts, papermill or CI (\`extendSelect: [MLH810]\`).

## Why it matters
Notebooks are run by commands as well as opened by hand: \`jupyter nbconvert --execute\`,
\`papermill\`, a Makefile or a CI step. A blank splits the name into two arguments unless every
script quotes it, a \`:\` or \`?\` makes the checkout fail on Windows, non-ASCII names change form
between macOS and Linux (git then sees a renamed file), and links to the notebook get \`%20\`s.
Managing a project through its artifacts (practice P3) starts with names every tool can handle.

## How to fix
Rename the notebook with letters, digits, \`-\` and \`_\` only, and keep the long description for
its title (the first Markdown heading): \`2. Model training.ipynb\` becomes
\`02-model-training.ipynb\`. Update the scripts and links that name it. The quick fix renames it
with every run of other characters made one hyphen and accents dropped (\`2-Model-training.ipynb\`,
\`Kundigungen-Q3.ipynb\`), never over an existing file.

## Example
\`\`\`text
# Before
notebook/1 . EDA STUDENT PERFORMANCE .ipynb
notebook/2. MODEL TRAINING.ipynb

# After
notebook/01-eda-student-performance.ipynb
notebook/02-model-training.ipynb
\`\`\`

## References
- pynblint, the notebook linter: "non-portable-chars-in-nb-name".
- POSIX: [portable filename character set](https://pubs.opengroup.org/onlinepubs/9699919799/basedefs/V1_chap03.html#tag_03_282).
- Microsoft: [naming files, paths and namespaces](https://learn.microsoft.com/windows/win32/fileio/naming-a-file).
`,
  check: {
    notebook(ctx) {
      const name = ctx.path.slice(ctx.path.lastIndexOf('/') + 1);
      if (PORTABLE.test(name)) return;
      const message = `"${name}" has ${whatIsWrong(name)}: commands that run the notebook must quote it and some systems cannot check it out; rename it with letters, digits, - and _ only`;
      const fix = portableRename(ctx, name);
      const first = ctx.notebook.cells[0];
      if (first) ctx.reportInCell(first.index, firstLineRange(first), message, { fix });
      else ctx.report(FILE_START, message, { fix });
    },
  },
});
