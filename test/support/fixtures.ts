// Fixture expectations: a comment line of carets under the flagged span, followed by the code.
//
//     if df["age"] == np.nan:
//     #  ^^^^^^^^^^^^^^^^^^^ MLH106
//
// The carets give the line (the code line above them) and the columns. In notebooks the lines are
// cell-relative and the expectation sits in the same cell. Project findings are listed in the
// fixture folder's `expected.txt`, one `path:line CODE` a line.
import * as fs from 'fs';
import * as path from 'path';
import { Analyzer, kindOf } from '../../server/src/engine/analyze';
import { Config, DEFAULT_CONFIG } from '../../server/src/engine/config';
import { parseNotebook } from '../../server/src/engine/notebook';
import { ProjectIndex } from '../../server/src/engine/project';
import { initPython } from '../../server/src/engine/python/parser';
import { scanProject } from '../../server/src/engine/scan';
import { Finding } from '../../server/src/engine/types';
import { findRule } from '../../server/src/rules';
import { EVERY_RULE } from './config';

export const FIXTURES = path.resolve(__dirname, '../../../test/fixtures');

const CARETS = /^\s*#(\s*)(\^+)\s+(MLH\d{3})\b/;

/** `path[:cell]:line:startCol-endCol CODE`, a form that reads well in assertion diffs. */
export function describe(f: Pick<Finding, 'path' | 'cell' | 'range' | 'code'>, withEnd = true): string {
  const cell = f.cell !== undefined ? `cell ${f.cell + 1}:` : '';
  const end = withEnd && f.range.end.line === f.range.start.line ? `-${f.range.end.character}` : '';
  return `${f.path}:${cell}${f.range.start.line + 1}:${f.range.start.character}${end} ${f.code}`;
}

function expectationsInText(text: string, relPath: string, cell?: number): string[] {
  const out: string[] = [];
  const lines = text.split(/\r?\n/);
  let target = -1;
  lines.forEach((line, i) => {
    const m = CARETS.exec(line);
    if (!m) {
      target = i;
      return;
    }
    const start = line.indexOf('^');
    out.push(
      describe({ path: relPath, cell, code: m[3], range: { start: { line: target, character: start }, end: { line: target, character: start + m[2].length } } }),
    );
  });
  return out;
}

/** Every expectation written in the fixture (a file, or a folder holding a small project). */
export function expectationsOf(fixture: string): string[] {
  const root = fs.statSync(fixture).isDirectory() ? fixture : path.dirname(fixture);
  const files = fs.statSync(fixture).isDirectory() ? walk(fixture) : [fixture];
  const out: string[] = [];
  for (const file of files) {
    const rel = path.relative(root, file).split(path.sep).join('/');
    const text = fs.readFileSync(file, 'utf8');
    if (rel === 'expected.txt') {
      out.push(...text.split('\n').map((l) => l.trim()).filter((l) => l && !l.startsWith('#')));
    } else if (file.endsWith('.ipynb')) {
      for (const cell of parseNotebook(text).cells) out.push(...expectationsInText(cell.source, rel, cell.index));
    } else if (kindOf(rel) !== 'other' || rel.endsWith('.txt')) {
      out.push(...expectationsInText(text, rel));
    }
  }
  return out.sort();
}

function walk(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = path.join(dir, e.name);
    return e.isDirectory() ? walk(full) : [full];
  });
}

/** Runs the engine on a fixture as the CLI would, with only the given rules selected (so a rule
 *  gets only the requested facts it names, rule.ts), and returns their findings, described. */
export async function findingsOf(fixture: string, codes: string[]): Promise<string[]> {
  return (await fixtureFindings(fixture, codes)).map(describeFound).sort();
}

/** The findings of the given codes on a fixture (a file alone, or a folder as a project), with only
 *  those rules selected. */
export async function fixtureFindings(fixture: string, codes: string[]): Promise<Finding[]> {
  await initPython();
  const config: Config = { ...DEFAULT_CONFIG, select: codes };
  const findings = fs.statSync(fixture).isDirectory()
    ? (await scanProject(fixture, { config, workers: 0 })).findings
    : analyzeAlone(path.basename(fixture), fs.readFileSync(fixture, 'utf8'), config);
  return findings.filter((f) => codes.includes(f.code));
}

/** Findings of one file analysed as a project of its own (call initPython() first). */
export function analyzeAlone(rel: string, text: string, config: Config = EVERY_RULE): Finding[] {
  const analyzer = new Analyzer();
  const facts = analyzer.facts(rel, text, config);
  const index = new ProjectIndex([{ path: rel, kind: kindOf(rel), size: text.length }], new Map([[rel, facts]]));
  return analyzer.analyzeFile(rel, text, index, config);
}

// Project findings are listed in expected.txt as `path:line CODE`, without columns.
function describeFound(f: Finding): string {
  return findRule(f.code)?.check.project ? `${f.path}:${f.range.start.line + 1} ${f.code}` : describe(f);
}
