// Markdown as a reader's renderer sees it, for tests of what we write in Markdown: raw HTML read as
// GitHub reads it, and every link the text makes, not only those markdown-it would render.
import MarkdownIt from 'markdown-it';
import type Token from 'markdown-it/lib/token.mjs';

const md = new MarkdownIt({ html: true });
md.validateLink = () => true;

/** Every token of a Markdown text, inline ones after the block that holds them. */
export function markdownTokens(text: string): Token[] {
  const all = (tokens: Token[]): Token[] => tokens.flatMap((t) => [t, ...all(t.children ?? [])]);
  return all(md.parse(text, {}));
}

export type { Token };
