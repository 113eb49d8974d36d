// `check --baseline FILE`: only findings that are new since an earlier `check --format json` count,
// so a team can adopt the tool on an old repository and still stop new problems.
import * as fs from 'fs';
import { Finding } from '../engine/types';

/** Findings match on rule, file and message, not on line: edits above a finding do not make it new. */
function keyOf(f: { code: string; path: string; message: string }): string {
  return `${f.code}\u0000${f.path}\u0000${f.message}`;
}

/** The parsed JSON of a `--baseline` file; throws a readable message when there is none. */
export function readBaselineJson(file: string): unknown {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (e) {
    throw new Error(`--baseline ${file}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : 'not valid JSON'}`);
  }
}

/** Reads a baseline written by `check --format json`; throws a readable message when it is not one. */
export function readBaseline(file: string): Map<string, number> {
  const data = readBaselineJson(file);
  const findings = (data as { findings?: unknown })?.findings;
  if (!Array.isArray(findings) || findings.some((f) => typeof f?.code !== 'string' || typeof f?.path !== 'string' || typeof f?.message !== 'string')) {
    throw new Error(`--baseline ${file}: not the JSON output of 'ml-hygiene check --format json'`);
  }
  const counts = new Map<string, number>();
  for (const f of findings) counts.set(keyOf(f), (counts.get(keyOf(f)) ?? 0) + 1);
  return counts;
}

/** The items beyond those the baseline already had (each baseline entry absorbs one finding);
 *  `asInBaseline` gives an item's finding with its path as the baseline writes it. */
export function newSinceBaseline<T>(items: T[], baseline: Map<string, number>, asInBaseline: (item: T) => Finding): T[] {
  const left = new Map(baseline);
  return items.filter((item) => {
    const key = keyOf(asInBaseline(item));
    const n = left.get(key) ?? 0;
    if (n === 0) return true;
    left.set(key, n - 1);
    return false;
  });
}
