// The hygiene report as Markdown, HTML (self-contained) and JSON.
import { markdownCode, markdownText, relativeUrl } from '../engine/markdown';
import { Finding } from '../engine/types';
import { escapeXml, radarSvg } from './radar';
import { HygieneReport, SEVERITY_WEIGHT } from './score';

export const SCORE_METHOD = `Each rule is a check. A check applies when the project has what it looks at (Python files,
notebooks, YAML, dependency files; project checks always apply). A passing check scores 1, a
failing one 1 - weight x (1 + share) / 2, where weight is the highest severity found (error ${SEVERITY_WEIGHT.error},
warning ${SEVERITY_WEIGHT.warning}, information ${SEVERITY_WEIGHT.information}) and share the share of the files it looks at that have a
finding (1 for a project check). A practice scores the mean of its applicable checks x 100; the
overall score is the mean of the scored practices. Fixing a finding never lowers a score.`;

function where(f: Finding): string {
  return `${f.path}${f.cell !== undefined ? ` cell ${f.cell + 1}` : ''}:${f.range.start.line + 1}`;
}

const score = (n: number | undefined) => (n === undefined ? 'n/a' : String(Math.round(n)));

export function reportMarkdown(report: HygieneReport, title: string, svgFile?: string): string {
  const lines = [
    `# ML Hygiene report: ${markdownText(title)}`,
    '',
    `**Overall score: ${score(report.overall)} / 100**, from ${report.counts.error} errors, ${report.counts.warning} warnings and ${report.counts.information} information findings.`,
    '',
    ...(svgFile ? [`![Practice scores](${relativeUrl(svgFile)})`, ''] : []),
    '| practice | score | checks passed |',
    '|---|---|---|',
    ...report.practices.map((p) => `| ${p.practice} ${p.title} | ${score(p.score)} | ${p.checks.filter((c) => c.passed).length} / ${p.checks.length} |`),
    '',
    '## Fix first',
    '',
    ...(report.topFindings.length
      ? report.topFindings.map((f) => `1. ${markdownCode(where(f))} **${f.code}** ${markdownText(f.name)} (${f.severity}): ${markdownText(f.message)}`)
      : ['Nothing to fix.']),
    '',
    '## ML Test Score',
    '',
    '| section | test | status | rules |',
    '|---|---|---|---|',
    ...report.mlTestScore.map((t) => `| ${t.section} | ${t.number}. ${t.title} | ${t.status === 'not-visible' ? 'not visible in a repository' : t.status} | ${t.rules.join(', ')} |`),
    '',
    '## Checks',
    '',
    ...report.practices.flatMap((p) => [
      `### ${p.practice} ${p.title}: ${score(p.score)}`,
      '',
      ...(p.checks.length
        ? p.checks.map((c) => `- ${c.passed ? 'pass' : 'FAIL'} ${c.code} ${c.name}${c.passed ? '' : `: ${c.findings} finding${c.findings === 1 ? '' : 's'} in ${c.affected} of ${c.applicable} file${c.applicable === 1 ? '' : 's'}`}`)
        : ['- no check applies to this project']),
      '',
    ]),
    '## How the score is computed',
    '',
    SCORE_METHOD,
    '',
  ];
  return lines.join('\n');
}

/** A self-contained page: no scripts, no network; findings link to `linkOf(finding)` when given. */
export function reportHtml(report: HygieneReport, title: string, linkOf?: (f: Finding) => string): string {
  const esc = escapeXml;
  const finding = (f: Finding) => {
    const label = esc(where(f));
    const link = linkOf ? `<a href="${esc(linkOf(f))}">${label}</a>` : label;
    return `<li><code>${link}</code> <strong>${f.code}</strong> ${esc(f.name)} <span class="sev ${f.severity}">${f.severity}</span>: ${esc(f.message)}</li>`;
  };
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:;">
<title>ML Hygiene report: ${esc(title)}</title>
<style>
:root { color-scheme: light dark; --mlh-fg: var(--vscode-foreground, CanvasText); --mlh-accent: var(--vscode-charts-blue, #3794ff); }
body { font-family: var(--vscode-font-family, system-ui, sans-serif); color: var(--mlh-fg); background: var(--vscode-editor-background, Canvas); max-width: 60rem; margin: 2rem auto; padding: 0 1rem; line-height: 1.5; }
table { border-collapse: collapse; } td, th { padding: .25rem .75rem; border-bottom: 1px solid color-mix(in srgb, currentColor 20%, transparent); text-align: left; }
.sev.error { color: var(--vscode-errorForeground, #e51400); } .sev.warning { color: var(--vscode-editorWarning-foreground, #bf8803); }
.fail { color: var(--vscode-errorForeground, #e51400); } .pass { color: var(--vscode-testing-iconPassed, #388a34); }
a { color: var(--vscode-textLink-foreground, LinkText); }
.overall { font-size: 2.5rem; font-weight: 600; }
</style></head><body>
<h1>ML Hygiene report: ${esc(title)}</h1>
<p><span class="overall">${score(report.overall)}</span> / 100 overall, from ${report.counts.error} errors, ${report.counts.warning} warnings and ${report.counts.information} information findings.</p>
${radarSvg(report.practices)}
<table><tr><th>practice</th><th>score</th><th>checks passed</th></tr>
${report.practices.map((p) => `<tr><td>${p.practice} ${esc(p.title)}</td><td>${score(p.score)}</td><td>${p.checks.filter((c) => c.passed).length} / ${p.checks.length}</td></tr>`).join('\n')}
</table>
<h2>Fix first</h2>
${report.topFindings.length ? `<ol>${report.topFindings.map(finding).join('\n')}</ol>` : '<p>Nothing to fix.</p>'}
<h2>ML Test Score</h2>
<table><tr><th>section</th><th>test</th><th>status</th><th>rules</th></tr>
${report.mlTestScore.map((t) => `<tr><td>${t.section}</td><td>${t.number}. ${esc(t.title)}</td><td class="${t.status}">${t.status === 'not-visible' ? 'not visible in a repository' : t.status}</td><td>${t.rules.join(', ')}</td></tr>`).join('\n')}
</table>
<h2>Checks</h2>
${report.practices
  .map(
    (p) =>
      `<h3>${p.practice} ${esc(p.title)}: ${score(p.score)}</h3><ul>${
        p.checks.length
          ? p.checks.map((c) => `<li class="${c.passed ? 'pass' : 'fail'}">${c.passed ? 'pass' : 'FAIL'} ${c.code} ${esc(c.name)}${c.passed ? '' : `: ${c.findings} in ${c.affected} of ${c.applicable}`}</li>`).join('')
          : '<li>no check applies to this project</li>'
      }</ul>`,
  )
  .join('\n')}
<h2>How the score is computed</h2>
<p>${esc(SCORE_METHOD)}</p>
</body></html>
`;
}

export function reportJson(report: HygieneReport): string {
  return (
    JSON.stringify(
      {
        ...report,
        topFindings: report.topFindings.map((f) => ({
          code: f.code,
          name: f.name,
          severity: f.severity,
          message: f.message,
          path: f.path,
          line: f.range.start.line + 1,
          column: f.range.start.character + 1,
          ...(f.cell !== undefined ? { cell: f.cell + 1 } : {}),
        })),
      },
      null,
      2,
    ) + '\n'
  );
}
