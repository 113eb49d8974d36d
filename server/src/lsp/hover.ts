// Hover on a flagged range: the finding's message, the practice it belongs to, the rule's page.
import { Hover, MarkupKind } from 'vscode-languageserver';
import { practiceLine, renderRuleDoc } from '../engine/docs';
import { markdownText } from '../engine/markdown';
import { ROLE_DESCRIPTIONS } from '../engine/roles';
import { comparePositions, Position } from '../engine/types';
import { findRule } from '../rules';
import { PlacedFinding } from './diagnostics';

function covers(placed: PlacedFinding, position: Position): boolean {
  const { start, end } = placed.range;
  return comparePositions(start, position) <= 0 && comparePositions(position, end) <= 0;
}

export function hoverAt(placed: PlacedFinding[], position: Position): Hover | null {
  const here = placed.filter((p) => covers(p, position));
  if (here.length === 0) return null;
  const sections = here.flatMap(({ finding }) => {
    const rule = findRule(finding.code);
    if (!rule) return [];
    const role = finding.role ? `\n\n*File role:* ${finding.role} (${ROLE_DESCRIPTIONS[finding.role]})` : '';
    return [`**${markdownText(finding.message)}** (${finding.code} ${finding.name})\n\n*Practice:* ${practiceLine(rule)}${role}\n\n---\n\n${renderRuleDoc(rule)}`];
  });
  if (sections.length === 0) return null;
  return { contents: { kind: MarkupKind.Markdown, value: sections.join('\n\n---\n\n') }, range: here[0].range };
}
