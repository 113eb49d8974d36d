// `check --format github`: GitHub Actions workflow commands, shown as annotations on the pull request,
// and the job summary.
import { Finding, Practice, PRACTICE_TITLES, Severity, SEVERITY_RANK } from '../engine/types';
import { HygieneReport } from '../report/score';
import { findRule } from '../rules';
import { findingsByRule } from './format';

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

/** One checked folder in the job summary. */
export interface SummarySection {
  /** The folder's name. */
  title: string;
  /** The scores of the whole project, whatever the baseline or the files named left out. */
  report: HygieneReport;
  /** The findings shown, paths as annotated; `project` for those of project rules. */
  findings: { finding: Finding; project: boolean }[];
  files: number;
}

/** Any ASCII punctuation may be backslash-escaped in Markdown (CommonMark): file names, folder names
 *  and messages come from the repository, and must not open links, HTML, tables or mentions. */
export function escapeMarkdown(text: string): string {
  return text.replace(/\s+/g, ' ').replace(/[!-/:-@[-`{-~]/g, '\\$&');
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 || word === 'information' ? '' : 's'}`;
const scoreText = (n: number | undefined) => (n === undefined ? 'n/a' : String(Math.round(n)));

/** The GitHub Actions job summary (`$GITHUB_STEP_SUMMARY` Markdown): per checked folder, the
 *  practice scores, the project findings grouped by practice (annotations show them on the first line
 *  of a file, where they are easy to miss) and the file findings counted per rule. */
export function jobSummary(sections: SummarySection[], failOn: Severity): string {
  return sections.map((section) => summarySection(section, failOn)).join('\n');
}

function summarySection({ title, report, findings, files }: SummarySection, failOn: Severity): string {
  const counts = (['error', 'warning', 'information'] as Severity[]).map((s) => [s, findings.filter(({ finding }) => finding.severity === s).length] as const);
  const failing = findings.some(({ finding }) => SEVERITY_RANK[finding.severity] >= SEVERITY_RANK[failOn]);
  const lines = [
    `## ML Hygiene: ${escapeMarkdown(title)}`,
    '',
    findings.length
      ? `**${plural(findings.length, 'finding')}** (${counts.filter(([, n]) => n).map(([s, n]) => plural(n, s)).join(', ')}) in ${plural(files, 'file')}; ${failing ? 'the check fails' : 'the check passes'} (it fails on ${failOn}${failOn === 'error' ? '' : ' or above'}).`
      : `No findings in ${plural(files, 'file')}.`,
    '',
    '| Practice | Score |',
    '|---|--:|',
    ...report.practices.map((p) => `| ${p.practice} ${escapeMarkdown(p.title)} | ${scoreText(p.score)} |`),
    `| **Overall** | **${scoreText(report.overall)}** |`,
    '',
  ];
  const projectFindings = findings.filter((f) => f.project).map((f) => f.finding);
  if (projectFindings.length) {
    lines.push('### Project findings', '');
    const practices = [...new Set(projectFindings.map(practiceOf))].sort((a, b) => Number(a.slice(1)) - Number(b.slice(1)));
    for (const practice of practices) {
      lines.push(`**${practice} ${escapeMarkdown(PRACTICE_TITLES[practice])}**`, '');
      for (const f of projectFindings.filter((f) => practiceOf(f) === practice)) {
        lines.push(`- ${f.severity} ${f.code} ${escapeMarkdown(f.name)}: ${escapeMarkdown(f.message)} (${escapeMarkdown(f.path)})`);
      }
      lines.push('');
    }
  }
  const fileFindings = findings.filter((f) => !f.project).map((f) => f.finding);
  if (fileFindings.length) {
    lines.push('### Findings in files', '', '| Rule | Severity | Findings | Files |', '|---|---|--:|--:|');
    for (const group of findingsByRule(fileFindings)) {
      lines.push(`| ${group[0].code} ${escapeMarkdown(group[0].name)} | ${group[0].severity} | ${group.length} | ${new Set(group.map((f) => f.path)).size} |`);
    }
    lines.push('');
  }
  return lines.join('\n');
}

function practiceOf(f: Finding): Practice {
  return findRule(f.code)!.practices[0];
}
