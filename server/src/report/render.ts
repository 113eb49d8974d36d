// The hygiene report as Markdown, HTML (self-contained) and JSON.
import { Finding } from '../engine/types';
import { escapeXml, radarSvg } from './radar';
import { CheckResult, FixFirstItem, HygieneReport, ML_TEST_POINTS, MlTestStatus, PracticeScore, SEVERITY_WEIGHT } from './score';
import { ScoreChange, Trend } from './trend';

/** How the numbers are made, in the report itself: paragraphs of plain text. */
export const SCORE_METHOD = [
  `Every rule the configuration enables is a check. A check applies when the project has something for it to judge: files of the roles and kinds it reads, and what it is about (ML code, training code, torch, serving code, DVC). A check that cannot apply is shown as not applicable and left out; it never counts as passed.`,
  `A check passes when it has no finding. It fails when it has one, and also when every document it accepts as evidence (a charter, data dictionary, model card or CODEOWNERS) still holds a scaffold placeholder ([TO FILL: ...]).`,
  `A practice scores the share of its applicable checks that pass, each weighted by its severity (error ${SEVERITY_WEIGHT.error}, warning ${SEVERITY_WEIGHT.warning}, information ${SEVERITY_WEIGHT.information}), times 100: 0 of N passed is 0. The overall score is the mean of the practices with an applicable check. Removing a finding never lowers a score.`,
  `ML Test Score (Breck et al. 2017): each of its 28 tests scores 1 when done and automated, 0.5 when done by hand, 0 when not done; a section scores the sum of its tests, and the final score is the lowest section. Here a test is done when the checks that look for it pass: automated when the repository's CI runs its tests and the checks look at code, by hand when CI does not or the evidence is a document; not done when one of them fails. Tests a repository cannot show ("not visible in a repository") and tests whose checks are off or do not apply ("not checked") score nothing, so the final score is a lower bound.`,
];

const STATUS_WORDS: Record<MlTestStatus, string> = {
  automated: 'automated',
  manual: 'by hand',
  missing: 'not done',
  'not-checked': 'not checked',
  'not-visible': 'not visible in a repository',
};

/** Breck et al.'s reading of the final score. */
function mlTestReading(final: number): string {
  if (final === 0) return 'more of a research project than a productionized system';
  if (final <= 1) return 'not totally untested, but there may be serious holes in reliability';
  if (final <= 2) return 'a first pass at basic productionization; more investment may be needed';
  if (final <= 3) return 'reasonably tested; more of the tests may be automated';
  if (final <= 5) return 'strong automated testing and monitoring, fit for mission-critical systems';
  return 'exceptional automated testing and monitoring';
}

function where(f: Finding): string {
  return `${f.path}${f.cell !== undefined ? ` cell ${f.cell + 1}` : ''}:${f.range.start.line + 1}`;
}

const score = (n: number | undefined) => (n === undefined ? 'n/a' : String(Math.round(n)));
const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
const points = (n: number) => String(n);

/** A score's change since the baseline: +12, -3, ±0; what had no score then or has none now says so. */
function changeOf(c: ScoreChange): string {
  if (c.change !== undefined) return c.change > 0 ? `+${Math.round(c.change)}` : c.change < 0 ? `${Math.round(c.change)}` : '±0';
  if (c.before === undefined && c.now === undefined) return 'n/a';
  return c.before === undefined ? 'new' : 'no longer scored';
}

function passedOf(p: PracticeScore): string {
  const applicable = p.checks.filter((c) => c.status !== 'not-applicable');
  const notApplicable = p.checks.length - applicable.length;
  return `${applicable.filter((c) => c.status === 'pass').length} / ${applicable.length}${notApplicable ? ` (${notApplicable} not applicable)` : ''}`;
}

/** What a check's line says after its code and name. */
function checkDetail(c: CheckResult): string {
  if (c.templates) return `${c.templates.join(', ')} ${c.templates.length === 1 ? 'is' : 'are'} still the template`;
  if (c.status === 'fail') return `${plural(c.findings, 'finding')} in ${plural(c.files, 'file')}`;
  return '';
}

const CHECK_WORDS = { pass: 'pass', fail: 'FAIL', 'not-applicable': 'not applicable' };

function fixFirstLine(item: FixFirstItem): string {
  const project = item.project ? ` in ${item.project}/` : '';
  return `${plural(item.findings, 'finding')} in ${plural(item.files, 'file')}${project}; first at ${where(item.first)}: ${item.first.message}`;
}

/** `trend`: the change since a baseline report, when one was given. */
export function reportMarkdown(report: HygieneReport, title: string, svgFile?: string, trend?: Trend): string {
  const ml = report.mlTestScore;
  const since = (practice: string) => changeOf(trend!.practices.find((t) => t.practice === practice)!);
  const md = (text: string) => text.replace(/[\\`*_[\]<>|]/g, (c) => `\\${c}`);
  const lines = [
    `# ML Hygiene report: ${md(title)}`,
    '',
    `**Overall score: ${score(report.overall)} / 100**${trend ? ` (${changeOf(trend.overall)} since the baseline)` : ''}, from ${report.counts.error} errors, ${report.counts.warning} warnings and ${report.counts.information} information findings.`,
    '',
    ...(svgFile ? [`![Practice scores](${svgFile})`, ''] : []),
    `| practice | score |${trend ? ' since baseline |' : ''} checks passed |`,
    `|---|---|${trend ? '---|' : ''}---|`,
    ...report.practices.map((p) => `| ${p.practice} ${p.title} | ${score(p.score)} |${trend ? ` ${since(p.practice)} |` : ''} ${passedOf(p)} |`),
    '',
    '## Fix first',
    '',
    ...(report.fixFirst.length
      ? report.fixFirst.map((item) => `1. **${item.code}** ${item.name} (${item.severity}): ${md(fixFirstLine(item))}`)
      : ['Nothing to fix.']),
    '',
    '## ML Test Score',
    '',
    `**${points(ml.final)}** (the lowest of data ${points(ml.sections.Data)}, model ${points(ml.sections.Model)}, infrastructure ${points(ml.sections.Infrastructure)} and monitoring ${points(ml.sections.Monitoring)}, of 7 each): ${mlTestReading(ml.final)}. ${ml.ciRunsTests ? 'CI runs the tests, so what passes is automated.' : 'No CI that runs the tests was found, so what passes counts as done by hand.'}`,
    '',
    '| section | test | status | points | rules |',
    '|---|---|---|---|---|',
    ...ml.tests.map((t) => `| ${t.section} | ${t.number}. ${t.title} | ${STATUS_WORDS[t.status]} | ${points(ML_TEST_POINTS[t.status])} | ${t.rules.join(', ')} |`),
    '',
    '## Checks',
    '',
    ...report.practices.flatMap((p) => [
      `### ${p.practice} ${p.title}: ${score(p.score)}`,
      '',
      ...(p.checks.length ? p.checks.map((c) => `- ${CHECK_WORDS[c.status]} ${c.code} ${c.name}${checkDetail(c) ? `: ${md(checkDetail(c))}` : ''}`) : ['- no check of this practice is enabled']),
      '',
    ]),
    '## How the score is computed',
    '',
    ...SCORE_METHOD.flatMap((paragraph) => [md(paragraph), '']),
  ];
  return lines.join('\n');
}

/** A self-contained page: no scripts, no network; findings link to `linkOf(finding)` when given. */
export function reportHtml(report: HygieneReport, title: string, linkOf?: (f: Finding) => string, trend?: Trend): string {
  const esc = escapeXml;
  const ml = report.mlTestScore;
  const since = (practice: string) => changeOf(trend!.practices.find((t) => t.practice === practice)!);
  const fixFirstRow = (item: FixFirstItem) => {
    const label = esc(where(item.first));
    const link = linkOf ? `<a href="${esc(linkOf(item.first))}">${label}</a>` : label;
    const project = item.project ? ` in <code>${esc(item.project)}/</code>` : '';
    return `<li><strong>${esc(item.code)}</strong> ${esc(item.name)} <span class="sev ${item.severity}">${item.severity}</span>: ${plural(item.findings, 'finding')} in ${plural(item.files, 'file')}${project}; first at <code>${link}</code>: ${esc(item.first.message)}</li>`;
  };
  const checkClass = { pass: 'pass', fail: 'fail', 'not-applicable': 'na' };
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:;">
<title>ML Hygiene report: ${esc(title)}</title>
<style>
:root { color-scheme: light dark; --mlh-fg: var(--vscode-foreground, CanvasText); --mlh-accent: var(--vscode-charts-blue, #3794ff); }
body { font-family: var(--vscode-font-family, system-ui, sans-serif); color: var(--mlh-fg); background: var(--vscode-editor-background, Canvas); max-width: 60rem; margin: 2rem auto; padding: 0 1rem; line-height: 1.5; }
table { border-collapse: collapse; } td, th { padding: .25rem .75rem; border-bottom: 1px solid color-mix(in srgb, currentColor 20%, transparent); text-align: left; }
td.num { text-align: right; }
.sev.error { color: var(--vscode-errorForeground, #e51400); } .sev.warning { color: var(--vscode-editorWarning-foreground, #bf8803); }
.fail, .missing { color: var(--vscode-errorForeground, #e51400); } .pass, .automated { color: var(--vscode-testing-iconPassed, #388a34); }
.na, .not-checked, .not-visible { opacity: .65; }
a { color: var(--vscode-textLink-foreground, LinkText); }
.overall { font-size: 2.5rem; font-weight: 600; }
</style></head><body>
<h1>ML Hygiene report: ${esc(title)}</h1>
<p><span class="overall">${score(report.overall)}</span> / 100 overall${trend ? ` (${changeOf(trend.overall)} since the baseline)` : ''}, from ${report.counts.error} errors, ${report.counts.warning} warnings and ${report.counts.information} information findings.</p>
${radarSvg(report.practices)}
<table><tr><th>practice</th><th>score</th>${trend ? '<th>since baseline</th>' : ''}<th>checks passed</th></tr>
${report.practices.map((p) => `<tr><td>${p.practice} ${esc(p.title)}</td><td class="num">${score(p.score)}</td>${trend ? `<td class="num">${since(p.practice)}</td>` : ''}<td>${passedOf(p)}</td></tr>`).join('\n')}
</table>
<h2>Fix first</h2>
${report.fixFirst.length ? `<ol>${report.fixFirst.map(fixFirstRow).join('\n')}</ol>` : '<p>Nothing to fix.</p>'}
<h2>ML Test Score</h2>
<p><strong>${points(ml.final)}</strong> (the lowest of data ${points(ml.sections.Data)}, model ${points(ml.sections.Model)}, infrastructure ${points(ml.sections.Infrastructure)} and monitoring ${points(ml.sections.Monitoring)}, of 7 each): ${mlTestReading(ml.final)}. ${ml.ciRunsTests ? 'CI runs the tests, so what passes is automated.' : 'No CI that runs the tests was found, so what passes counts as done by hand.'}</p>
<table><tr><th>section</th><th>test</th><th>status</th><th>points</th><th>rules</th></tr>
${ml.tests.map((t) => `<tr><td>${t.section}</td><td>${t.number}. ${esc(t.title)}</td><td class="${t.status}">${STATUS_WORDS[t.status]}</td><td class="num">${points(ML_TEST_POINTS[t.status])}</td><td>${t.rules.map(esc).join(', ')}</td></tr>`).join('\n')}
</table>
<h2>Checks</h2>
${report.practices
  .map(
    (p) =>
      `<h3>${p.practice} ${esc(p.title)}: ${score(p.score)}</h3><ul>${
        p.checks.length
          ? p.checks.map((c) => `<li class="${checkClass[c.status]}">${CHECK_WORDS[c.status]} ${esc(c.code)} ${esc(c.name)}${checkDetail(c) ? `: ${esc(checkDetail(c))}` : ''}</li>`).join('')
          : '<li>no check of this practice is enabled</li>'
      }</ul>`,
  )
  .join('\n')}
<h2>How the score is computed</h2>
${SCORE_METHOD.map((paragraph) => `<p>${esc(paragraph)}</p>`).join('\n')}
</body></html>
`;
}

export function reportJson(report: HygieneReport, trend?: Trend): string {
  return (
    JSON.stringify(
      {
        ...report,
        ...(trend ? { trend } : {}),
        fixFirst: report.fixFirst.map(({ first, ...item }) => ({
          ...item,
          first: {
            path: first.path,
            line: first.range.start.line + 1,
            column: first.range.start.character + 1,
            ...(first.cell !== undefined ? { cell: first.cell + 1 } : {}),
            message: first.message,
          },
        })),
      },
      null,
      2,
    ) + '\n'
  );
}
