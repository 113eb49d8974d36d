import { relativeUrl } from '../engine/markdown';
import { Rule } from '../engine/rule';
import { Finding, Notice, PRACTICE_TITLES, Severity } from '../engine/types';
import { version } from '../../../package.json';

export const VERSION: string = version;

export interface Summary {
  total: number;
  error: number;
  warning: number;
  information: number;
  files: number;
  byCode: Record<string, number>;
}

export function summarize(findings: Finding[], files: number): Summary {
  const summary: Summary = { total: findings.length, error: 0, warning: 0, information: 0, files, byCode: {} };
  for (const f of findings) {
    summary[f.severity]++;
    summary.byCode[f.code] = (summary.byCode[f.code] ?? 0) + 1;
  }
  return summary;
}

/** 1-based line and column as people and CI tools count them; notebooks cell-relative. */
function location(f: Finding) {
  return {
    line: f.range.start.line + 1,
    column: f.range.start.character + 1,
    endLine: f.range.end.line + 1,
    endColumn: f.range.end.character + 1,
  };
}

export function formatText(findings: Finding[], summary: Summary): string {
  const lines = findings.map((f) => {
    const { line, column } = location(f);
    const cell = f.cell !== undefined ? `cell ${f.cell + 1}:` : '';
    return `${f.path}:${cell}${line}:${column}: ${f.code} ${f.message}`;
  });
  const files = `${summary.files} file${summary.files === 1 ? '' : 's'}`;
  if (summary.total === 0) lines.push(`All clear: no findings in ${files}.`);
  else {
    const parts = (['error', 'warning', 'information'] as Severity[])
      .filter((s) => summary[s] > 0)
      .map((s) => `${summary[s]} ${s === 'information' ? 'information' : s + (summary[s] === 1 ? '' : 's')}`);
    lines.push(`Found ${summary.total} finding${summary.total === 1 ? '' : 's'} (${parts.join(', ')}) in ${files}.`);
  }
  return lines.join('\n') + '\n';
}

export function formatJson(findings: Finding[], summary: Summary, notices: Notice[]): string {
  return (
    JSON.stringify(
      {
        version: 1,
        findings: findings.map((f) => ({
          code: f.code,
          name: f.name,
          severity: f.severity,
          message: f.message,
          path: f.path,
          ...location(f),
          ...(f.cell !== undefined ? { cell: f.cell + 1 } : {}),
          ...(f.role ? { role: f.role } : {}),
        })),
        summary,
        notices,
      },
      null,
      2,
    ) + '\n'
  );
}

const SARIF_LEVEL: Record<Severity, string> = { error: 'error', warning: 'warning', information: 'note' };

export function formatSarif(findings: Finding[], rules: Rule[]): string {
  const ruleIndex = new Map(rules.map((r, i) => [r.code, i]));
  const sarif = {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'ml-hygiene',
            version: VERSION,
            semanticVersion: VERSION,
            rules: rules.map((r) => ({
              id: r.code,
              name: r.name,
              shortDescription: { text: r.summary },
              fullDescription: { text: `${r.summary}. Practice ${r.practices.map((p) => `${p} (${PRACTICE_TITLES[p]})`).join(', ')}.` },
              help: { text: r.docs.replace(/^## /gm, ''), markdown: r.docs },
              defaultConfiguration: { level: SARIF_LEVEL[r.severity] },
              properties: { tags: ['ml-hygiene', ...r.practices], references: r.references },
            })),
          },
        },
        columnKind: 'utf16CodeUnits',
        results: findings.map((f) => {
          // Notebook findings point into the .ipynb file itself, which is what code scanning shows.
          const range = f.fileRange ?? f.range;
          return {
            ruleId: f.code,
            ruleIndex: ruleIndex.get(f.code),
            level: SARIF_LEVEL[f.severity],
            message: { text: f.cell !== undefined ? `${f.message} (cell ${f.cell + 1}, line ${f.range.start.line + 1})` : f.message },
            locations: [
              {
                physicalLocation: {
                  artifactLocation: { uri: relativeUrl(f.path), uriBaseId: '%SRCROOT%' },
                  region: {
                    startLine: range.start.line + 1,
                    startColumn: range.start.character + 1,
                    endLine: range.end.line + 1,
                    endColumn: range.end.character + 1,
                  },
                },
              },
            ],
            ...(f.related?.length
              ? {
                  relatedLocations: f.related.map((r, id) => ({
                    id,
                    message: { text: r.message },
                    physicalLocation: {
                      artifactLocation: { uri: relativeUrl(r.path), uriBaseId: '%SRCROOT%' },
                      region: { startLine: r.range.start.line + 1, startColumn: r.range.start.character + 1 },
                    },
                  })),
                }
              : {}),
          };
        }),
      },
    ],
  };
  return JSON.stringify(sarif, null, 2) + '\n';
}
