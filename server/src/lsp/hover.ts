// Hover on a flagged range: per finding a compact section (the rule, links to its full page and to
// the quick fixes, the message, the practice with why it matters, the fix), so that several
// findings on one spot stay readable. The full page stays in the rule-doc viewer.
import { Hover, MarkupKind } from 'vscode-languageserver';
import { practiceLine, ruleDigest } from '../engine/docs';
import { comparePositions, Position } from '../engine/types';
import { findRule } from '../rules';
import { SHOW_DOCUMENTATION_COMMAND } from './codeActions';
import { PlacedFinding } from './diagnostics';

/** The client's command that opens the quick fixes of a place: `[uri, position]`. */
export const QUICK_FIX_COMMAND = 'mlHygiene.quickFixAt';

/** What the client said about itself in `initializationOptions`. */
export interface HoverOptions {
  /** The client runs ML Hygiene's commands from `command:` links (the VS Code extension does). */
  commandLinks: boolean;
  /** The client shows the diagnostic's message in the same hover (VS Code does): not repeated. */
  diagnosticsInHover: boolean;
}

export function hoverOptionsOf(initializationOptions: unknown): HoverOptions {
  const options = (initializationOptions && typeof initializationOptions === 'object' ? initializationOptions : {}) as Record<string, unknown>;
  return { commandLinks: options.commandLinks === true, diagnosticsInHover: options.diagnosticsInHover === true };
}

function covers(placed: PlacedFinding, position: Position): boolean {
  const { start, end } = placed.range;
  return comparePositions(start, position) <= 0 && comparePositions(position, end) <= 0;
}

function commandLink(title: string, command: string, args: unknown[]): string {
  return `[${title}](command:${command}?${encodeURIComponent(JSON.stringify(args))})`;
}

/** Markdown text that must not be read as Markdown (messages quote code). */
function plain(text: string): string {
  return text.replace(/[\\`*_[\]<>#|]/g, (ch) => `\\${ch}`);
}

export function hoverAt(placed: PlacedFinding[], position: Position, uri: string, options: HoverOptions): Hover | null {
  const here = placed.filter((p) => covers(p, position));
  const sections = here.flatMap(({ finding, range }) => {
    const rule = findRule(finding.code);
    if (!rule) return [];
    const links = options.commandLinks
      ? ` · ${commandLink('Full documentation', SHOW_DOCUMENTATION_COMMAND, [rule.code])} · ${commandLink('Quick fix', QUICK_FIX_COMMAND, [uri, range.start])}`
      : ` · \`ml-hygiene explain ${rule.code}\``;
    const { why, fix } = ruleDigest(rule);
    return [
      [
        `**${rule.code}** ${rule.name}${links}`,
        ...(options.diagnosticsInHover ? [] : [plain(finding.message)]),
        `*${practiceLine(rule)}:* ${why}`,
        `**Fix:** ${fix}`,
      ].join('\n\n'),
    ];
  });
  if (sections.length === 0) return null;
  return { contents: { kind: MarkupKind.Markdown, value: sections.join('\n\n---\n\n') }, range: here[0].range };
}
