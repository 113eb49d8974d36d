// The hygiene score: how far a project follows each of the ten practices, from its findings.
//
// Method (stable; documented in the report itself):
// - Every rule is a check. A check applies when the project has what it looks at (Python code for
//   Python rules, notebooks for notebook rules, ...; project rules always apply).
// - A check that passes scores 1. One that fails scores 1 - weight x (1 + share) / 2: `weight` is the
//   highest severity found (error 1, warning 0.6, information 0.25) and `share` the share of the files
//   it looks at that have a finding (1 for a project rule). A failing check costs at least half its
//   weight, the rest in proportion to how widespread the problem is, so the project's size alone
//   changes nothing.
// - A practice's score is the mean of its applicable checks, times 100; the overall score is the
//   mean of the practices that have an applicable check.
// Fixing a finding can only lower a share or a weight, so it never lowers a score.
import { ProjectIndex } from '../engine/project';
import { Rule, scopesOf } from '../engine/rule';
import { Finding, Practice, PRACTICE_TITLES, Scope, Severity, SEVERITY_RANK } from '../engine/types';

export const SEVERITY_WEIGHT: Record<Severity, number> = { error: 1, warning: 0.6, information: 0.25 };

export interface CheckResult {
  code: string;
  name: string;
  summary: string;
  passed: boolean;
  /** Findings of this rule. */
  findings: number;
  /** Files with a finding / files the rule looks at. */
  affected: number;
  applicable: number;
  score: number;
}

export interface PracticeScore {
  practice: Practice;
  title: string;
  /** 0-100, or undefined when no check applies to this project. */
  score?: number;
  checks: CheckResult[];
}

export type MlTestSection = 'Data' | 'Model' | 'Infrastructure' | 'Monitoring';

export interface MlTestResult {
  section: MlTestSection;
  number: number;
  title: string;
  /** pass / fail from the rules that look for it; 'not-visible' when a repository cannot show it. */
  status: 'pass' | 'fail' | 'not-visible';
  rules: string[];
}

export interface HygieneReport {
  version: 1;
  overall?: number;
  practices: PracticeScore[];
  mlTestScore: MlTestResult[];
  topFindings: Finding[];
  counts: Record<Severity, number>;
}

const ML_TESTS: Record<MlTestSection, string[]> = {
  Data: [
    'Feature expectations are captured in a schema',
    'All features are beneficial',
    "No feature's cost is too much",
    'Features adhere to meta-level requirements',
    'The data pipeline has appropriate privacy controls',
    'New features can be added quickly',
    'All input feature code is tested',
  ],
  Model: [
    'Model specs are reviewed and submitted',
    'Offline and online metrics correlate',
    'All hyperparameters have been tuned',
    'The impact of model staleness is known',
    'A simpler model is not better',
    'Model quality is sufficient on important data slices',
    'The model is tested for considerations of inclusion',
  ],
  Infrastructure: [
    'Training is reproducible',
    'Model specs are unit tested',
    'The ML pipeline is integration tested',
    'Model quality is validated before serving',
    'The model is debuggable',
    'Models are canaried before serving',
    'Serving models can be rolled back',
  ],
  Monitoring: [
    'Dependency changes result in notification',
    'Data invariants hold for inputs',
    'Training and serving are not skewed',
    'Models are not too stale',
    'Models are numerically stable',
    'Computing performance has not regressed',
    'Prediction quality has not regressed',
  ],
};

const SECTION_OF: Record<string, MlTestSection> = { data: 'Data', model: 'Model', infra: 'Infrastructure', monitor: 'Monitoring' };

/** The ML Test Score tests a rule's references name, e.g. "ML Test Score, Infra 2" or "Monitor*". */
export function mlTestsOf(rule: Rule): { section: MlTestSection; number: number }[] {
  const found: { section: MlTestSection; number: number }[] = [];
  for (const ref of rule.references) {
    if (!/ML Test Score/i.test(ref)) continue;
    for (const m of ref.matchAll(/\b(Data|Model|Infra(?:structure)?|Monitor(?:ing)?)\s*(\d+|\*)/gi)) {
      const section = SECTION_OF[m[1].toLowerCase().replace(/structure|ing$/, '')];
      if (!section) continue;
      const numbers = m[2] === '*' ? ML_TESTS[section].map((_, i) => i + 1) : [Number(m[2])];
      for (const number of numbers) if (number >= 1 && number <= 7) found.push({ section, number });
    }
  }
  return found;
}

const FILE_KINDS_OF_SCOPE: Record<Scope, string[]> = {
  python: ['python', 'notebook'],
  notebook: ['notebook'],
  yaml: ['yaml'],
  project: [],
};

/** How many files a rule looks at in this project (1 for project rules). */
function filesLookedAt(rule: Rule, project: ProjectIndex): number {
  const scopes = scopesOf(rule);
  if (scopes.includes('project')) return 1;
  const kinds = new Set(scopes.flatMap((s) => FILE_KINDS_OF_SCOPE[s]));
  return project.files.filter((f) => kinds.has(f.kind)).length;
}

export function scoreProject(rules: Rule[], project: ProjectIndex, findings: Finding[], topCount = 10): HygieneReport {
  const byCode = new Map<string, Finding[]>();
  for (const f of findings) byCode.set(f.code, [...(byCode.get(f.code) ?? []), f]);

  const checks = new Map<string, CheckResult>();
  for (const rule of rules) {
    const applicable = filesLookedAt(rule, project);
    if (applicable === 0) continue;
    const own = byCode.get(rule.code) ?? [];
    const affected = scopesOf(rule).includes('project') ? Math.min(own.length, 1) : new Set(own.map((f) => f.path)).size;
    const worst = own.reduce<Severity | undefined>((w, f) => (!w || SEVERITY_RANK[f.severity] > SEVERITY_RANK[w] ? f.severity : w), undefined);
    const score = worst ? 1 - (SEVERITY_WEIGHT[worst] * (1 + Math.min(1, affected / applicable))) / 2 : 1;
    checks.set(rule.code, { code: rule.code, name: rule.name, summary: rule.summary, passed: own.length === 0, findings: own.length, affected, applicable, score });
  }

  const practices = (Object.keys(PRACTICE_TITLES) as Practice[]).map((practice): PracticeScore => {
    const own = rules.filter((r) => r.practices.includes(practice) && checks.has(r.code)).map((r) => checks.get(r.code)!);
    const score = own.length ? round((100 * own.reduce((s, c) => s + c.score, 0)) / own.length) : undefined;
    return { practice, title: PRACTICE_TITLES[practice], score, checks: own };
  });
  const scored = practices.filter((p) => p.score !== undefined);
  const overall = scored.length ? round(scored.reduce((s, p) => s + p.score!, 0) / scored.length) : undefined;

  const mlTestScore: MlTestResult[] = [];
  for (const section of Object.keys(ML_TESTS) as MlTestSection[]) {
    ML_TESTS[section].forEach((title, i) => {
      const ruleCodes = rules.filter((r) => mlTestsOf(r).some((t) => t.section === section && t.number === i + 1)).map((r) => r.code);
      const applicable = ruleCodes.filter((c) => checks.has(c));
      const status = applicable.length === 0 ? 'not-visible' : applicable.every((c) => checks.get(c)!.passed) ? 'pass' : 'fail';
      mlTestScore.push({ section, number: i + 1, title, status, rules: ruleCodes });
    });
  }

  const counts: Record<Severity, number> = { error: 0, warning: 0, information: 0 };
  for (const f of findings) counts[f.severity]++;
  const topFindings = [...findings]
    .sort((a, b) => SEVERITY_RANK[b.severity] - SEVERITY_RANK[a.severity] || a.code.localeCompare(b.code) || a.path.localeCompare(b.path))
    .slice(0, topCount);
  return { version: 1, overall, practices, mlTestScore, topFindings, counts };
}

function round(n: number): number {
  return Math.round(n * 10) / 10;
}
