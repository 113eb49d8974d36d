// `check --format github`: GitHub Actions workflow commands, shown as annotations on the pull request.
import { Finding, Severity } from '../engine/types';

const COMMAND: Record<Severity, string> = { error: 'error', warning: 'warning', information: 'notice' };

// https://docs.github.com/actions/reference/workflow-commands-for-github-actions: data escapes %, CR, LF;
// property values also escape ':' and ','.
const escapeData = (s: string) => s.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
const escapeProperty = (s: string) => escapeData(s).replace(/:/g, '%3A').replace(/,/g, '%2C');

export function formatGithub(findings: Finding[]): string {
  return findings
    .map((f) => {
      // Annotations point into the file as GitHub shows it: for notebooks, the .ipynb JSON.
      const range = f.fileRange ?? f.range;
      const props = [
        `file=${escapeProperty(f.path)}`,
        `line=${range.start.line + 1}`,
        `col=${range.start.character + 1}`,
        `endLine=${range.end.line + 1}`,
        ...(range.end.line === range.start.line ? [`endColumn=${range.end.character + 1}`] : []),
        `title=${escapeProperty(`${f.code} ${f.name}`)}`,
      ];
      const where = f.cell !== undefined ? ` (cell ${f.cell + 1}, line ${f.range.start.line + 1})` : '';
      return `::${COMMAND[f.severity]} ${props.join(',')}::${escapeData(f.message + where)}\n`;
    })
    .join('');
}
