// Rule documentation as people read it: on hover, in the rule-doc viewer, from `ml-hygiene explain`.
// The rule file's docs are the single source; this only adds the header every page shares.
import { Rule, scopesOf } from './rule';
import { ROLES } from './roles';
import { PRACTICE_TEXTS } from './practices';
import { Practice, PRACTICE_TITLES } from './types';

/** URI scheme under which the editor shows rule documentation (read-only, offline). */
export const DOCS_SCHEME = 'ml-hygiene-docs';

export function ruleDocUri(code: string): string {
  return `${DOCS_SCHEME}:/rules/${code}.md`;
}

export function practiceDocUri(practice: Practice): string {
  return `${DOCS_SCHEME}:/practices/${practice}.md`;
}

/** A practice's page: what it asks, then the checks that serve it, each linked to its rule page. */
export function renderPracticeDoc(practice: Practice, rules: Rule[]): string {
  const own = rules.filter((r) => r.practices.includes(practice));
  return [
    `# ${practice} ${PRACTICE_TITLES[practice]}`,
    '',
    PRACTICE_TEXTS[practice],
    '',
    '## Checks',
    '',
    ...own.map((r) => `- [${r.code} ${r.name}](${ruleDocUri(r.code)}): ${r.summary}${r.optIn ? ' (opt-in)' : ''}`),
    '',
  ].join('\n');
}

const SEVERITY_WORDS = { error: 'Error', warning: 'Warning', information: 'Information' };

export function practiceLine(rule: Rule): string {
  return rule.practices.map((p) => `${p} ${PRACTICE_TITLES[p]}`).join('; ');
}

/** The roles a rule applies to, short: `all but generated`, or the list. */
export function rolesLine(rule: Rule): string {
  if (ROLES.every((r) => r === 'generated' || rule.roles.includes(r)) && !rule.roles.includes('generated')) return 'all but generated';
  return ROLES.filter((r) => rule.roles.includes(r)).join(', ');
}

/** The full page: title, what practice it serves, severity and scope, then the rule's own sections. */
export function renderRuleDoc(rule: Rule): string {
  return [
    `# ${rule.code} ${rule.name}`,
    '',
    `${rule.summary}.`,
    '',
    `- **Practice:** ${practiceLine(rule)}`,
    `- **Default severity:** ${SEVERITY_WORDS[rule.severity]}`,
    rule.optIn ? `- **Opt-in:** not in the default set; \`select\` or \`extendSelect\` it by code` : '- **In the default set**',
    `- **Looks at:** ${scopesOf(rule).join(', ')}${rule.repositoryWide ? ' (the repository as a whole)' : ''}`,
    `- **Applies to files that are:** ${rolesLine(rule)}`,
    `- **Based on:** ${rule.references.join('; ')}`,
    ...(rule.fixable ? ['- **Quick fix:** available'] : []),
    '',
    rule.docs.trim(),
    '',
  ].join('\n');
}

/** The text under one of the rule's `## ` headings (DOC_HEADINGS), without the heading. */
export function docSection(rule: Rule, heading: string): string {
  const lines = rule.docs.split('\n');
  const start = lines.findIndex((line) => line.trim() === `## ${heading}`);
  if (start < 0) return '';
  const end = lines.findIndex((line, i) => i > start && line.startsWith('## '));
  return lines.slice(start + 1, end < 0 ? undefined : end).join('\n').trim();
}

/** Abbreviations whose period does not end a sentence. */
const ABBREVIATIONS = /(?:\be\.g|\bi\.e|\betc|\bvs|\bcf|\bal|\bSect|\bFig|\bNo)\.$/i;

/**
 * The first sentence of a Markdown paragraph, on one line: up to the first period, question or
 * exclamation mark that is followed by a space or the end, outside code spans and abbreviations.
 */
export function firstSentence(markdown: string): string {
  const paragraph = markdown.split(/\n\s*\n/)[0].replace(/\s*\n\s*/g, ' ').trim();
  let inCode = false;
  for (let i = 0; i < paragraph.length; i++) {
    const ch = paragraph[i];
    if (ch === '`') inCode = !inCode;
    if (inCode || !'.?!'.includes(ch)) continue;
    const next = paragraph[i + 1];
    if (next !== undefined && next !== ' ') continue;
    if (ch === '.' && ABBREVIATIONS.test(paragraph.slice(0, i + 1))) continue;
    return paragraph.slice(0, i + 1);
  }
  return paragraph;
}

/** A rule in two lines, for the hover: why it matters and how to fix it, one sentence each. */
export function ruleDigest(rule: Rule): { why: string; fix: string } {
  return { why: firstSentence(docSection(rule, 'Why it matters')), fix: firstSentence(docSection(rule, 'How to fix')) };
}
