// The judged corpus and its arithmetic: verdict files, the matching of today's findings to them, and
// precision per rule and level. Pure, so that the benchmark's numbers can be checked by a test.
import { Severity } from '../../server/src/engine/types';

export type Verdict = 'true' | 'noise' | 'wrong';
/** Warnings and errors are measured together; informations have their own, lower bar. */
export type Level = 'warning' | 'information';
export const LEVELS: Level[] = ['warning', 'information'];

export const VERDICT_HEADER = ['repo', 'commit', 'path', 'line', 'cell', 'code', 'verdict', 'reason'];
export const BAR: Record<Level, number> = { warning: 0.9, information: 0.75 };
/** Below this many judged findings at a level a rule's precision says too little to fail it. */
export const MIN_JUDGED = 5;

export interface JudgedFinding {
  repo: string;
  commit: string;
  path: string;
  line: number;
  cell?: number;
  code: string;
  verdict: Verdict;
  reason: string;
  /** Where the verdict was read, for messages: file:line. */
  source: string;
}

/** A finding as `ml-hygiene check --format json` prints it, with the repository it was found in. */
export interface Finding {
  repo: string;
  code: string;
  severity: Severity;
  message: string;
  path: string;
  line: number;
  cell?: number;
}

/** What a finding and its verdict are matched on. */
export function findingKey(f: { repo: string; path: string; line: number; cell?: number; code: string }): string {
  return [f.repo, f.path, f.line, f.cell ?? '', f.code].join('\t');
}

export function levelOf(severity: Severity): Level {
  return severity === 'information' ? 'information' : 'warning';
}

/** Reads one verdict file; a malformed line is an error naming file and line, not a silent skip. */
export function parseVerdicts(text: string, file: string): JudgedFinding[] {
  const lines = text.split(/\r?\n/);
  if (lines[0] !== VERDICT_HEADER.join('\t')) throw new Error(`${file}:1: the header must be: ${VERDICT_HEADER.join(' <tab> ')}`);
  const verdicts: JudgedFinding[] = [];
  lines.slice(1).forEach((text, i) => {
    if (text.trim() === '') return;
    const source = `${file}:${i + 2}`;
    const [repo, commit, path, line, cell, code, verdict, reason, ...extra] = text.split('\t');
    const problem =
      extra.length > 0 || reason === undefined ? `${VERDICT_HEADER.length} tab-separated columns expected`
      : !/^[^/\s]+\/[^/\s]+$/.test(repo) ? `repo must be owner/name, not "${repo}"`
      : !/^[0-9a-f]{40}$/.test(commit) ? 'commit must be 40 hex digits'
      : !/^[1-9]\d*$/.test(line) ? 'line must be a positive whole number'
      : cell !== '' && !/^[1-9]\d*$/.test(cell) ? 'cell must be empty or a positive whole number'
      : !/^MLH\d{3}$/.test(code) ? `code must look like MLH123, not "${code}"`
      : !['true', 'noise', 'wrong'].includes(verdict) ? `verdict must be true, noise or wrong, not "${verdict}"`
      : reason.trim() === '' ? 'a reason is required'
      : undefined;
    if (problem) throw new Error(`${source}: ${problem}`);
    verdicts.push({ repo, commit, path, line: Number(line), cell: cell === '' ? undefined : Number(cell), code, verdict: verdict as Verdict, reason, source });
  });
  return verdicts;
}

export interface Tally {
  code: string;
  level: Level;
  findings: number;
  true: number;
  noise: number;
  wrong: number;
}

export function judged(t: Tally): number {
  return t.true + t.noise + t.wrong;
}

export type Standing = 'ok' | 'below' | 'too few judged';

export function standing(t: Tally): Standing {
  if (judged(t) < MIN_JUDGED) return 'too few judged';
  return t.true / judged(t) >= BAR[t.level] ? 'ok' : 'below';
}

export interface Matching {
  /** One per rule and level that has findings or verdicts today, in code order. */
  tallies: Tally[];
  /** Findings without a verdict, in the order given. */
  unjudged: Finding[];
  /** Verdicts of the measured repositories that no finding matches any more. */
  stale: JudgedFinding[];
}

/**
 * Matches today's findings of the measured repositories to the verdicts. Findings that share a key
 * (the same rule twice on one line) count once: a verdict judges a place, not a message. A finding
 * is counted at today's severity, so a rule that moved to information is measured against that bar.
 */
export function matchFindings(findings: Finding[], verdicts: JudgedFinding[], measured: Set<string>): Matching {
  const byKey = new Map(verdicts.filter((v) => measured.has(v.repo)).map((v) => [findingKey(v), v]));
  const tallies = new Map<string, Tally>();
  const seen = new Set<string>();
  const unjudged: Finding[] = [];
  for (const f of findings) {
    const key = findingKey(f);
    if (seen.has(key)) continue;
    seen.add(key);
    const level = levelOf(f.severity);
    const id = `${f.code} ${level}`;
    const tally = tallies.get(id) ?? { code: f.code, level, findings: 0, true: 0, noise: 0, wrong: 0 };
    tallies.set(id, tally);
    tally.findings++;
    const verdict = byKey.get(key);
    if (verdict) tally[verdict.verdict]++;
    else unjudged.push(f);
  }
  const stale = [...byKey.entries()].filter(([key]) => !seen.has(key)).map(([, v]) => v);
  const ordered = [...tallies.values()].sort((a, b) => a.code.localeCompare(b.code) || LEVELS.indexOf(a.level) - LEVELS.indexOf(b.level));
  return { tallies: ordered, unjudged, stale };
}

/** Sums tallies, e.g. every rule at one level. */
export function total(tallies: Tally[], code: string, level: Level): Tally {
  const sum: Tally = { code, level, findings: 0, true: 0, noise: 0, wrong: 0 };
  for (const t of tallies.filter((t) => t.level === level)) {
    sum.findings += t.findings;
    sum.true += t.true;
    sum.noise += t.noise;
    sum.wrong += t.wrong;
  }
  return sum;
}
