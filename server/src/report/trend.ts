// The change since a baseline: an earlier report's JSON output (`report --format json`), read as
// untrusted input, compared practice by practice with the report of today.
import { Practice, PRACTICE_TITLES } from '../engine/types';
import { HygieneReport } from './score';

/** The scores of an earlier report; undefined where nothing applied then. */
export interface BaselineScores {
  overall?: number;
  practices: Partial<Record<Practice, number>>;
}

export interface ScoreChange {
  before?: number;
  now?: number;
  /** now - before, when both exist. */
  change?: number;
}

export interface Trend {
  overall: ScoreChange;
  practices: (ScoreChange & { practice: Practice })[];
}

const isScore = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v) && v >= 0 && v <= 100;

/** The scores of a parsed report JSON; throws a readable message when it is not one this version can
 *  compare with (the scores of version 1 were computed another way). */
export function baselineScores(data: unknown): BaselineScores {
  const report = data as { version?: unknown; overall?: unknown; practices?: unknown } | null;
  if (typeof report !== 'object' || report === null || !Array.isArray(report.practices)) {
    throw new Error("not the JSON output of 'ml-hygiene report --format json'");
  }
  if (report.version !== 2) {
    throw new Error(`a report of format version ${String(report.version)}, whose scores are computed another way; write a new baseline with 'ml-hygiene report --format json'`);
  }
  const practices: Partial<Record<Practice, number>> = {};
  for (const entry of report.practices as { practice?: unknown; score?: unknown }[]) {
    const practice = entry?.practice;
    // A practice without a score (nothing applied) has none in JSON: no key, or null when edited by hand.
    const score = entry?.score ?? undefined;
    if (typeof practice !== 'string' || !Object.prototype.hasOwnProperty.call(PRACTICE_TITLES, practice) || (score !== undefined && !isScore(score))) {
      throw new Error("not the JSON output of 'ml-hygiene report --format json' (a practice without a valid score)");
    }
    if (score !== undefined) practices[practice as Practice] = score;
  }
  const overall = report.overall ?? undefined;
  if (overall !== undefined && !isScore(overall)) throw new Error("not the JSON output of 'ml-hygiene report --format json' (overall score)");
  return { overall, practices };
}

function change(before: number | undefined, now: number | undefined): ScoreChange {
  return { before, now, ...(before !== undefined && now !== undefined ? { change: Math.round((now - before) * 10) / 10 } : {}) };
}

export function trendSince(report: HygieneReport, baseline: BaselineScores): Trend {
  return {
    overall: change(baseline.overall, report.overall),
    practices: report.practices.map((p) => ({ practice: p.practice, ...change(baseline.practices[p.practice], p.score) })),
  };
}
