// The hygiene score: how far a project follows each of the ten practices, from its findings.
//
// Method (the report states it too, SCORE_METHOD in render.ts):
// - Every enabled rule is a check. A check applies when the project has something for it to judge
//   (a file of its roles and kinds, and what `Rule.applies` asks for: ML code, training code,
//   torch, serving code, DVC ...). One that cannot apply is shown as not applicable and left out:
//   a rule that is silent because there is nothing to judge has not been passed.
// - A check fails when it has a finding, or when every document it accepts as evidence is still a
//   scaffold template (`[TO FILL: ...]` left): an unwritten charter is no charter.
// - A practice scores the share of its applicable checks that pass, each weighted by its severity
//   (error 1, warning 0.6, information 0.25), times 100; 0 of N passed is 0. The overall score is
//   the mean of the practices that have an applicable check.
// Removing a finding only turns a failed check into a passed (or not applicable) one, so it never
// lowers a score.
import { Config, effectiveSeverity } from '../engine/config';
import { ciTestVerdict } from '../engine/ci';
import { ProjectIndex } from '../engine/project';
import { Rule, scopesOf } from '../engine/rule';
import { Finding, Practice, PRACTICE_SHORT_NAMES, PRACTICE_TITLES, Scope, Severity, SEVERITY_RANK } from '../engine/types';
import { PLACEHOLDER_PATTERN } from '../scaffold/template';

export const SEVERITY_WEIGHT: Record<Severity, number> = { error: 1, warning: 0.6, information: 0.25 };

export type CheckStatus = 'pass' | 'fail' | 'not-applicable';

export interface CheckResult {
  code: string;
  name: string;
  summary: string;
  /** The rule's severity as configured: the check's weight in its practices. */
  severity: Severity;
  status: CheckStatus;
  findings: number;
  /** Files with a finding. */
  files: number;
  /** The evidence documents, when the check fails because they are all still templates. */
  templates?: string[];
}

export interface PracticeScore {
  practice: Practice;
  title: string;
  shortName: string;
  /** 0-100, or undefined when no check applies to this project. */
  score?: number;
  /** Every enabled check of the practice, the ones that do not apply included. */
  checks: CheckResult[];
}

export type MlTestSection = 'Data' | 'Model' | 'Infrastructure' | 'Monitoring';

/** Breck et al.: a test done and automated scores 1, done by hand 0.5, not done 0. What a
 *  repository cannot show, or what no enabled check looks at here, is kept apart (no points). */
export type MlTestStatus = 'automated' | 'manual' | 'missing' | 'not-checked' | 'not-visible';

export const ML_TEST_POINTS: Record<MlTestStatus, number> = { automated: 1, manual: 0.5, missing: 0, 'not-checked': 0, 'not-visible': 0 };

export interface MlTestResult {
  section: MlTestSection;
  number: number;
  title: string;
  status: MlTestStatus;
  /** Rules that look for the test (enabled or not). */
  rules: string[];
}

export interface MlTestScore {
  tests: MlTestResult[];
  /** Points per section, 0-7. */
  sections: Record<MlTestSection, number>;
  /** The minimum over the sections, as Breck et al. score it; a lower bound, since tests a
   *  repository cannot show count nothing. */
  final: number;
  /** Whether the repository's CI runs its tests (what makes a passing test automated). */
  ciRunsTests: boolean;
}

/** One row of "Fix first": a rule in one project, however many lines it flags. */
export interface FixFirstItem {
  code: string;
  name: string;
  severity: Severity;
  /** The project's root folder ('' for the repository's root). */
  project: string;
  /** Files with a finding: how many files the fix helps. */
  files: number;
  findings: number;
  /** Where to start: the first finding. */
  first: Finding;
}

export interface HygieneReport {
  /** 2: checks pass, fail or do not apply; Breck et al.'s ML Test Score; fix-first rows per rule. */
  version: 2;
  overall?: number;
  practices: PracticeScore[];
  mlTestScore: MlTestScore;
  fixFirst: FixFirstItem[];
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

/** The ML Test Score tests a rule's references name, e.g. "ML Test Score, Infra 2" or
 *  "ML Test Score: Monitor 6, Monitor 7". */
export function mlTestsOf(rule: Rule): { section: MlTestSection; number: number }[] {
  const found: { section: MlTestSection; number: number }[] = [];
  for (const ref of rule.references) {
    if (!/ML Test Score/i.test(ref)) continue;
    for (const m of ref.matchAll(/\b(Data|Model|Infra(?:structure)?|Monitor(?:ing)?)\s*(\d+)/gi)) {
      const section = SECTION_OF[m[1].toLowerCase().replace(/structure|ing$/, '')];
      const number = Number(m[2]);
      if (section && number >= 1 && number <= 7) found.push({ section, number });
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

/** The projects a rule judges: each project, or the repository as one. */
function judgedProjects(rule: Rule, index: ProjectIndex): ProjectIndex[] {
  return rule.repositoryWide ? [index.repository] : index.repository.projects();
}

/** Whether a rule has anything to judge in the repository: in some project, a file of its roles
 *  (and of a kind it reads, for a file rule) and what the rule itself asks for. */
function applies(rule: Rule, index: ProjectIndex): boolean {
  const scopes = scopesOf(rule);
  const kinds = scopes.includes('project') ? undefined : new Set(scopes.flatMap((s) => FILE_KINDS_OF_SCOPE[s]));
  const appliesTo = (path: string) => rule.roles.includes(index.roleOf(path));
  return judgedProjects(rule, index).some(
    (project) => project.files.some((f) => (!kinds || kinds.has(f.kind)) && appliesTo(f.path)) && (rule.applies?.(project, appliesTo) ?? true),
  );
}

/** The rule's evidence documents, when there are some and every one still holds a placeholder. */
function unwrittenEvidence(rule: Rule, index: ProjectIndex): string[] | undefined {
  if (!rule.evidence) return undefined;
  const documents = [...new Set(judgedProjects(rule, index).flatMap((project) => rule.evidence!(project)))];
  const isTemplate = (path: string) => PLACEHOLDER_PATTERN.test(index.repository.documents.get(path) ?? '');
  return documents.length > 0 && documents.every(isTemplate) ? documents : undefined;
}

/** Scores the repository in `index` on the rules the configuration enables, from their findings. */
export function scoreProject(rules: Rule[], config: Config, index: ProjectIndex, findings: Finding[], fixFirstCount = 10): HygieneReport {
  const byCode = new Map<string, Finding[]>();
  for (const f of findings) byCode.set(f.code, [...(byCode.get(f.code) ?? []), f]);

  const checks = new Map<string, CheckResult>();
  for (const rule of rules) {
    const severity = effectiveSeverity(config, rule, rule.severity);
    if (!severity) continue;
    const own = byCode.get(rule.code) ?? [];
    const templates = own.length === 0 ? unwrittenEvidence(rule, index) : undefined;
    const status: CheckStatus = own.length > 0 || templates ? 'fail' : applies(rule, index) ? 'pass' : 'not-applicable';
    const files = new Set(own.map((f) => f.path)).size;
    checks.set(rule.code, { code: rule.code, name: rule.name, summary: rule.summary, severity, status, findings: own.length, files, ...(templates ? { templates } : {}) });
  }

  const practices = (Object.keys(PRACTICE_TITLES) as Practice[]).map((practice): PracticeScore => {
    const own = rules.filter((r) => r.practices.includes(practice) && checks.has(r.code)).map((r) => checks.get(r.code)!);
    const weight = (status: CheckStatus[]) => own.filter((c) => status.includes(c.status)).reduce((sum, c) => sum + SEVERITY_WEIGHT[c.severity], 0);
    const applicable = weight(['pass', 'fail']);
    const score = applicable > 0 ? round((100 * weight(['pass'])) / applicable) : undefined;
    return { practice, title: PRACTICE_TITLES[practice], shortName: PRACTICE_SHORT_NAMES[practice], score, checks: own };
  });
  const scored = practices.filter((p) => p.score !== undefined);
  const overall = scored.length ? round(scored.reduce((s, p) => s + p.score!, 0) / scored.length) : undefined;

  const counts: Record<Severity, number> = { error: 0, warning: 0, information: 0 };
  for (const f of findings) counts[f.severity]++;
  return { version: 2, overall, practices, mlTestScore: mlTestScore(rules, checks, index), fixFirst: fixFirst(findings, index).slice(0, fixFirstCount), counts };
}

/** Breck et al.'s rubric from what the repository shows: a test whose checks all pass is done,
 *  automated when the repository's CI runs its tests and the checks look at code, by hand
 *  otherwise (or when what shows it is a document); a failing check means it is not done. */
function mlTestScore(rules: Rule[], checks: Map<string, CheckResult>, index: ProjectIndex): MlTestScore {
  const ciRunsTests = ciTestVerdict(index.repository) === 'tests';
  const tests: MlTestResult[] = [];
  for (const section of Object.keys(ML_TESTS) as MlTestSection[]) {
    ML_TESTS[section].forEach((title, i) => {
      const looking = rules.filter((r) => mlTestsOf(r).some((t) => t.section === section && t.number === i + 1));
      const judged = looking.filter((r) => checks.get(r.code) && checks.get(r.code)!.status !== 'not-applicable');
      const byCode = judged.some((r) => !r.evidence);
      const status: MlTestStatus =
        looking.length === 0
          ? 'not-visible'
          : judged.length === 0
            ? 'not-checked'
            : judged.some((r) => checks.get(r.code)!.status === 'fail')
              ? 'missing'
              : ciRunsTests && byCode
                ? 'automated'
                : 'manual';
      tests.push({ section, number: i + 1, title, status, rules: looking.map((r) => r.code) });
    });
  }
  const sections = Object.fromEntries(
    (Object.keys(ML_TESTS) as MlTestSection[]).map((s) => [s, tests.filter((t) => t.section === s).reduce((sum, t) => sum + ML_TEST_POINTS[t.status], 0)]),
  ) as Record<MlTestSection, number>;
  return { tests, sections, final: Math.min(...Object.values(sections)), ciRunsTests };
}

/** One row per rule and project, the most severe first, then the ones whose fix helps most files. */
function fixFirst(findings: Finding[], index: ProjectIndex): FixFirstItem[] {
  const rows = new Map<string, { findings: Finding[]; project: string }>();
  for (const f of findings) {
    const project = index.projectOf(f.path).root;
    const key = `${f.code}\0${project}`;
    const row = rows.get(key) ?? { findings: [], project };
    row.findings.push(f);
    rows.set(key, row);
  }
  return [...rows.values()]
    .map(({ findings: own, project }): FixFirstItem => {
      const severity = own.reduce<Severity>((w, f) => (SEVERITY_RANK[f.severity] > SEVERITY_RANK[w] ? f.severity : w), 'information');
      return { code: own[0].code, name: own[0].name, severity, project, files: new Set(own.map((f) => f.path)).size, findings: own.length, first: own[0] };
    })
    .sort(
      (a, b) =>
        SEVERITY_RANK[b.severity] - SEVERITY_RANK[a.severity] ||
        b.files - a.files ||
        b.findings - a.findings ||
        a.code.localeCompare(b.code) ||
        a.project.localeCompare(b.project),
    );
}

function round(n: number): number {
  return Math.round(n * 10) / 10;
}
