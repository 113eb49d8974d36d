import { contentLines, firstLineRange } from '../engine/notebookCells';
import { NotebookCell } from '../engine/notebook';
import { defineRule } from '../engine/rule';
import { PRODUCTION } from '../engine/roles';

/** Code cells a notebook may have per Markdown cell. */
const CODE_CELLS_PER_MARKDOWN = 5;

const TITLE_LINE_MAX = 500;
const HEADING = /^\s*#{1,6}\s+\S/;
/** `<h1>`, also inside opening tags: `<center><h1>`, `<div align="center"><h2 id="top">`. */
const HTML_HEADING = /^\s*(?:<[^<>]*>\s*)*<h[1-6][\s>]/i;
const SETEXT_UNDERLINE = /^\s*(=+|-+)\s*$/;
const BOLD_LINE = /^\s*(\*\*|__)[^*_].*(\*\*|__)\s*$/;
const NOTICE = /^(?:copyright\b|\(c\)|©|licen[sc]ed under\b|spdx-license-identifier\b)/i;

/** A line before the title that says nothing about the notebook: tags alone (`<center>`, an anchor,
 *  a logo), an image or a badge, a horizontal rule, a copyright or licence notice. */
function isPreamble(line: string): boolean {
  const text = line
    // Linear by construction: each part stops at the next bracket of its kind, so a line of
    // thousands of unclosed `![` is not searched to its end from each of them.
    .replace(/<[^<>]*>/g, '')
    .replace(/!\[[^[\]]*\]\([^()]*\)/g, '')
    .replace(/\[\s*\]\([^()]*\)/g, '')
    .replace(/^[\s*_-]+/, '');
  return /^[\s*_-]*$/.test(text) || NOTICE.test(text);
}

/** Whether the notebook opens with a title: the first Markdown line after any preamble (in the
 *  same cell or in Markdown cells before it) is a heading (`# Title`, `<h1>`, a Setext title
 *  underlined with `===`) or a line that is bold as a whole (`**Chapter 2: Training**`). */
function opensWithTitle(cells: NotebookCell[]): boolean {
  for (const cell of cells) {
    if (cell.kind !== 'markdown') return false;
    const lines = cell.source.split(/\r?\n/);
    for (let i = 0; i < lines.length; i++) {
      // A title is short; the cut keeps the patterns below linear on a huge line.
      const line = lines[i].slice(0, TITLE_LINE_MAX);
      if (HEADING.test(line) || HTML_HEADING.test(line)) return true;
      if (line.trim() === '' || isPreamble(line)) continue;
      return SETEXT_UNDERLINE.test(lines[i + 1] ?? '') || BOLD_LINE.test(line);
    }
  }
  return false;
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
Notebooks that do not open with a Markdown title, or that have fewer than one Markdown cell per ${CODE_CELLS_PER_MARKDOWN} code cells (rounded down: 10
code cells ask for 2 Markdown cells). Notebooks without code cells are not looked at.

A title is the first line of the first Markdown cells, before any code cell, when it is a heading:
\`# Title\`, an HTML heading (\`<h1>\`, also inside \`<center>\` or \`<div align="center">\`), a Setext
title underlined with \`===\` or \`---\`, or a line that is bold as a whole
(\`**Chapter 2: Training**\`). What comes before it in those cells is passed over: tags alone, a
logo or a badge, a horizontal rule, a copyright or licence notice (\`<i>Copyright (c) ...</i>\`), so
a notebook that opens with its licence and then its title has a title.
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
      if (!opensWithTitle(cells)) problems.push('it does not start with a Markdown title cell');
      if (markdown < needed) problems.push(`it has ${markdown} Markdown cell${markdown === 1 ? '' : 's'} for ${code} code cells (at least ${needed} expected)`);
      if (problems.length === 0) return;
      ctx.reportInCell(cells[0].index, firstLineRange(cells[0]), `The notebook explains too little: ${problems.join(', and ')}`);
    },
  },
});
