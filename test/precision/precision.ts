// Precision benchmark: `npm run precision -- DIR`. DIR holds checkouts of public ML repositories,
// one folder `<owner>__<name>` each. Runs the built CLI on every checkout, matches its findings to
// the verdicts in test/precision/verdicts/*.tsv, prints precision per rule and level, the findings
// to judge next and the verdicts that match nothing any more, and exits 1 when a rule of the
// default set is below the bar. Run by hand: the checkouts come from the network, CI has none.
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { Rule } from '../../server/src/engine/rule';
import { RULES } from '../../server/src/rules';
import {
  BAR, Finding, JudgedFinding, LEVELS, MIN_JUDGED, Tally, judged, matchFindings, parseVerdicts, standing, total,
} from './verdicts';

const REPO = path.resolve(__dirname, '../..'); // bundled to out/precision/
const CLI = path.join(REPO, 'bin/ml-hygiene.js');
const VERDICTS = path.join(REPO, 'test/precision/verdicts');
const SHOWN_PER_RULE = 3;

/** Rules are in the default set unless they say otherwise (`default: false` or `optIn: true`). */
function inDefaultSet(rule: Rule): boolean {
  const flags = rule as unknown as { default?: unknown; optIn?: unknown };
  return flags.default !== false && flags.optIn !== true;
}

function readVerdicts(): JudgedFinding[] {
  if (!fs.existsSync(VERDICTS)) return [];
  return fs
    .readdirSync(VERDICTS)
    .filter((name) => name.endsWith('.tsv'))
    .sort()
    .flatMap((name) => parseVerdicts(fs.readFileSync(path.join(VERDICTS, name), 'utf8'), `test/precision/verdicts/${name}`));
}

function headCommit(dir: string): string | undefined {
  const git = spawnSync('git', ['-C', dir, 'rev-parse', 'HEAD'], { encoding: 'utf8' });
  return git.status === 0 ? git.stdout.trim() : undefined;
}

/** Every rule is selected, opt-in ones too: their precision decides whether they may join the defaults. */
function check(dir: string, repo: string): Finding[] {
  const args = [CLI, 'check', dir, '--format', 'json', '--fail-on', 'error', '--select', RULES.map((r) => r.code).join(',')];
  const run = spawnSync(process.execPath, args, { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
  if (run.status !== 0 && run.status !== 1) throw new Error(`ml-hygiene check ${dir} exited with ${run.status}: ${run.stderr}`);
  const report = JSON.parse(run.stdout) as { findings: Omit<Finding, 'repo'>[] };
  return report.findings.map((f) => ({ repo, code: f.code, severity: f.severity, message: f.message, path: f.path, line: f.line, cell: f.cell }));
}

function percent(t: Tally): string {
  return judged(t) === 0 ? '-' : `${((100 * t.true) / judged(t)).toFixed(0)}%`;
}

function row(cells: (string | number)[]): string {
  const widths = [8, 8, 12, 9, 7, 6, 6, 6, 7];
  return cells.map((c, i) => (i === 0 ? String(c).padEnd(widths[i]) : String(c).padStart(widths[i]))).join(' ');
}

function where(f: { path: string; line: number; cell?: number }): string {
  return `${f.path}:${f.line}${f.cell !== undefined ? `:${f.cell}` : ''}`;
}

/** Up to `n` items spread over the list, so that a sample is not the first file's findings. */
function spread<T>(items: T[], n: number): T[] {
  if (items.length <= n) return items;
  return Array.from({ length: n }, (_, i) => items[Math.floor((i * items.length) / n)]);
}

function groupBy<T>(items: T[], key: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) groups.set(key(item), [...(groups.get(key(item)) ?? []), item]);
  return groups;
}

function main(): number {
  const [dir, ...rest] = process.argv.slice(2);
  if (dir === undefined || rest.length > 0 || dir.startsWith('-')) {
    console.error('usage: npm run precision -- <folder of checkouts named owner__name>');
    return 2;
  }
  const root = path.resolve(dir);
  if (!fs.existsSync(root) || !fs.statSync(root).isDirectory()) {
    console.error(`not a folder: ${dir}`);
    return 2;
  }
  const checkouts = fs
    .readdirSync(root)
    // GitHub owners have no underscore, so the first double underscore separates owner and name.
    .filter((name) => name.includes('__') && fs.statSync(path.join(root, name)).isDirectory())
    .map((name) => ({ dir: path.join(root, name), repo: name.replace('__', '/') }))
    .sort((a, b) => a.repo.localeCompare(b.repo));
  const verdicts = readVerdicts();
  const verdictsByRepo = groupBy(verdicts, (v) => v.repo);

  const findings: Finding[] = [];
  for (const { dir, repo } of checkouts) {
    const commit = headCommit(dir);
    const judgedAt = [...new Set((verdictsByRepo.get(repo) ?? []).map((v) => v.commit))];
    if (judgedAt.length > 0 && (commit === undefined || judgedAt.some((c) => c !== commit))) {
      console.warn(`warning: ${repo} is checked out at ${commit ?? 'no git commit'}, its verdicts judged ${judgedAt.join(', ')}; lines may have moved`);
    }
    const found = check(dir, repo);
    console.log(`${repo}: ${found.length} findings, ${judgedAt.length > 0 ? verdictsByRepo.get(repo)!.length : 'no'} verdicts`);
    findings.push(...found);
  }
  const measured = new Set(checkouts.map((c) => c.repo));
  for (const [repo, list] of verdictsByRepo) {
    if (!measured.has(repo)) console.log(`${repo}: no checkout, its ${list.length} verdicts are not measured`);
  }

  const { tallies, unjudged, stale } = matchFindings(findings, verdicts, measured);
  const defaults = new Set(RULES.filter(inDefaultSet).map((r) => r.code));
  console.log(`\nPrecision = true / judged. Bar: ${BAR.warning * 100}% for warnings and errors, ${BAR.information * 100}% for informations; fewer than ${MIN_JUDGED} judged is too few to tell.\n`);
  console.log(row(['rule', 'set', 'level', 'findings', 'judged', 'true', 'noise', 'wrong', 'true%']) + '  standing');
  const failing: Tally[] = [];
  for (const t of tallies) {
    const set = defaults.has(t.code) ? 'default' : 'opt-in';
    const state = standing(t);
    if (state === 'below' && defaults.has(t.code)) failing.push(t);
    console.log(row([t.code, set, t.level, t.findings, judged(t), t.true, t.noise, t.wrong, percent(t)]) + `  ${state}`);
  }
  console.log('');
  for (const level of LEVELS) {
    const all = total(tallies, 'all', level);
    const inDefaults = total(tallies.filter((t) => defaults.has(t.code)), 'default', level);
    for (const t of [all, inDefaults]) console.log(row([t.code, '', level, t.findings, judged(t), t.true, t.noise, t.wrong, percent(t)]));
  }

  // The corpus mixes kinds of repositories (courses, textbooks, production code); per repository the
  // same rules can be right or pointless, which the overall figures hide.
  console.log('\nPer repository, all rules:');
  for (const repo of measured) {
    const own = matchFindings(findings.filter((f) => f.repo === repo), verdicts, new Set([repo])).tallies;
    const levels = LEVELS.map((level) => total(own, level, level)).map((t) => `${t.level} ${percent(t)} of ${judged(t)}`);
    console.log(`  ${repo.padEnd(44)} ${levels.join(', ')}`);
  }

  console.log(`\nUnjudged findings to judge next (${unjudged.length}; up to ${SHOWN_PER_RULE} per rule and repository):`);
  for (const [repo, list] of groupBy(unjudged, (f) => f.repo)) {
    console.log(`  ${repo}`);
    for (const [code, ofRule] of [...groupBy(list, (f) => f.code)].sort(([a], [b]) => a.localeCompare(b))) {
      console.log(`    ${code} ${ofRule[0].severity}: ${ofRule.length} unjudged`);
      for (const f of spread(ofRule, SHOWN_PER_RULE)) console.log(`      ${where(f)} ${f.code} ${f.message}`);
    }
  }

  if (stale.length > 0) {
    console.log(`\nVerdicts that match no finding today (${stale.length}; the rule changed, or the line moved):`);
    for (const v of stale) console.log(`  ${v.repo} ${where(v)} ${v.code} was ${v.verdict}: ${v.reason}`);
  }

  if (failing.length > 0) {
    console.log(`\nBelow the bar in the default set: ${failing.map((t) => `${t.code} (${t.level}, ${percent(t)} of ${judged(t)})`).join(', ')}`);
    return 1;
  }
  console.log('\nEvery rule of the default set with enough judged findings meets the bar.');
  return 0;
}

try {
  process.exitCode = main();
} catch (error) {
  // A malformed verdict file or a failed check run: say which, without a stack trace.
  console.error(error instanceof Error ? error.message : String(error));
  process.exitCode = 2;
}
