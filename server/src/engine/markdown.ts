// Names and messages written into Markdown (the report, the scaffold's documents, hover text) are
// text the repository or the user chose: a file called `<img src=x onerror=...>` or `a|b` must read
// as what it is called, never as HTML, a link, emphasis or a cell boundary of its own.

/** Control characters as their pictures (U+2400 block): a line break in a file name must not end a
 *  heading, list item or table row. */
function visible(text: string): string {
  return text.replace(/[\u0000-\u001f\u007f]/g, (c) => (c === '\u007f' ? '\u2421' : String.fromCharCode(0x2400 + c.charCodeAt(0))));
}

/** Text inside a heading, paragraph, list item or table cell (not at the start of a block): each
 *  character that CommonMark or GitHub reads as markup is escaped with a backslash (escapes, code,
 *  emphasis, links and images, HTML and autolinks, entities, cells, strikethrough, a heading's
 *  closing #s, math). */
export function markdownText(text: string): string {
  return visible(text).replace(/[\\`*_[\]<>|~&#$]/g, '\\$&');
}

/** A code span: fenced with one backtick more than the longest run inside, so that no backtick in
 *  the text closes it. Not for table cells, where a `|` inside code still splits the row. */
export function markdownCode(text: string): string {
  const shown = visible(text);
  if (!shown) return '';
  let longest = 0;
  for (const run of shown.match(/`+/g) ?? []) longest = Math.max(longest, run.length);
  const fence = '`'.repeat(longest + 1);
  // A code span drops one space on each side when it has both; a backtick at an end needs a space
  // to stay apart from the fence.
  const pad = /^[ `]|[ `]$/.test(shown) ? ' ' : '';
  return `${fence}${pad}${shown}${pad}${fence}`;
}

/** A relative path as a link target: every segment percent-encoded, so that no segment reads as a
 *  scheme (`javascript:`), a query, a fragment or the end of the link. */
export function relativeUrl(relPath: string): string {
  return relPath
    .split('/')
    .map((segment) => encodeURIComponent(segment).replace(/[()!'*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`))
    .join('/');
}
