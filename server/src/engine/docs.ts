// Rule documentation as people read it: on hover, in the rule-doc viewer, from `ml-hygiene explain`.
// The rule file's docs are the single source; this only adds the header every page shares.
import { Rule, scopesOf } from './rule';
import { PRACTICE_TITLES } from './types';

/** URI scheme under which the editor shows rule documentation (read-only, offline). */
export const DOCS_SCHEME = 'ml-hygiene-docs';

export function ruleDocUri(code: string): string {
  return `${DOCS_SCHEME}:/rules/${code}.md`;
}

const SEVERITY_WORDS = { error: 'Error', warning: 'Warning', information: 'Information' };

export function practiceLine(rule: Rule): string {
  return rule.practices.map((p) => `${p} ${PRACTICE_TITLES[p]}`).join('; ');
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
    `- **Looks at:** ${scopesOf(rule).join(', ')}`,
    `- **Based on:** ${rule.references.join('; ')}`,
    ...(rule.fixable ? ['- **Quick fix:** available'] : []),
    '',
    rule.docs.trim(),
    '',
  ].join('\n');
}
