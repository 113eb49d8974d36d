import { relativeUrl } from '../engine/markdown';
import { Rule } from '../engine/rule';
import { Finding, Notice, PRACTICE_TITLES, Severity, SEVERITY_RANK } from '../engine/types';
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

/** How the text format looks: `grouped` for a person (findings under their file, then a count per
 *  rule), `color` when ANSI colors may be used. */
export interface TextStyle {
  grouped: boolean;
  color: boolean;
}

/** Plain lines for tools when standard output is a pipe or file; grouped for a terminal. Colors as
 *  Node decides them: FORCE_COLOR (not 0 or false) forces them, also when piped; otherwise NO_COLOR,
 *  FORCE_COLOR=0 and TERM=dumb turn them off. */
export function textStyleFor(env: NodeJS.ProcessEnv, isTerminal: boolean): TextStyle {
  const force = env.FORCE_COLOR;
  const forced = force !== undefined && force !== '0' && force !== 'false';
  return {
    grouped: isTerminal || forced,
    color: forced || (isTerminal && force === undefined && !env.NO_COLOR && !env.NODE_DISABLE_COLORS && env.TERM !== 'dumb'),
  };
}

const PLAIN: TextStyle = { grouped: false, color: false };

const SEVERITY_COLOR: Record<Severity, number> = { error: 31, warning: 33, information: 36 };

export function formatText(findings: Finding[], summary: Summary, style: TextStyle = PLAIN): string {
  const paint = (code: number, text: string) => (style.color ? `\x1b[${code}m${text}\x1b[0m` : text);
  const position = (f: Finding) => {
    const { line, column } = location(f);
    return `${f.cell !== undefined ? `cell ${f.cell + 1}:` : ''}${line}:${column}`;
  };
  const lines: string[] = [];
  if (style.grouped) {
    // As ruff's grouped output: the file once, then each finding's position in it.
    const byFile = new Map<string, Finding[]>();
    for (const f of findings) byFile.set(f.path, [...(byFile.get(f.path) ?? []), f]);
    for (const [file, inFile] of byFile) {
      lines.push(paint(1, `${file}:`));
      const width = Math.max(...inFile.map((f) => position(f).length));
      for (const f of inFile) lines.push(`  ${paint(2, position(f).padEnd(width))} ${paint(SEVERITY_COLOR[f.severity], f.code)} ${f.message}`);
      lines.push('');
    }
    lines.push(...ruleCounts(findings, paint));
  } else {
    for (const f of findings) lines.push(`${f.path}:${position(f)}: ${f.code} ${f.message}`);
  }
  const files = `${summary.files} file${summary.files === 1 ? '' : 's'}`;
  if (summary.total === 0) lines.push(`All clear: no findings in ${files}.`);
  else {
    const parts = (['error', 'warning', 'information'] as Severity[])
      .filter((s) => summary[s] > 0)
      .map((s) => paint(SEVERITY_COLOR[s], `${summary[s]} ${s === 'information' ? 'information' : s + (summary[s] === 1 ? '' : 's')}`));
    lines.push(`Found ${summary.total} finding${summary.total === 1 ? '' : 's'} (${parts.join(', ')}) in ${files}.`);
  }
  return lines.join('\n') + '\n';
}

/** The findings per rule, most severe and most frequent first: what to look at first. */
export function findingsByRule(findings: Finding[]): Finding[][] {
  const byCode = new Map<string, Finding[]>();
  for (const f of findings) byCode.set(f.code, [...(byCode.get(f.code) ?? []), f]);
  return [...byCode.values()].sort((a, b) => SEVERITY_RANK[b[0].severity] - SEVERITY_RANK[a[0].severity] || b.length - a.length || a[0].code.localeCompare(b[0].code));
}

/** One line per rule: how many findings, its code and name. */
function ruleCounts(findings: Finding[], paint: (code: number, text: string) => string): string[] {
  const groups = findingsByRule(findings);
  if (!groups.length) return [];
  const countWidth = String(Math.max(...groups.map((g) => g.length))).length;
  const nameWidth = Math.max(...groups.map((g) => g[0].name.length));
  return [
    ...groups.map((g) => `${String(g.length).padStart(countWidth)}  ${paint(SEVERITY_COLOR[g[0].severity], g[0].code)}  ${g[0].name.padEnd(nameWidth)}  ${g[0].severity}`),
    '',
  ];
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
                      region: { startLine: (r.fileRange ?? r.range).start.line + 1, startColumn: (r.fileRange ?? r.range).start.character + 1 },
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
