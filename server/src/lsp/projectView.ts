// The project as a client's project view shows it (the `mlHygiene/projectChecks` request): the ten
// practices, each with its checks (pass / fail) and their findings, each finding with its place and
// the fix as an edit the client can apply. The engine computes; this only arranges.
import * as path from 'path';
import { Range, WorkspaceEdit } from 'vscode-languageserver';
import { Finding, Practice, Severity } from '../engine/types';
import { projectReport } from './commands';
import { Project } from './project';
import { pathToUri } from './uri';

export const PROJECT_CHECKS_REQUEST = 'mlHygiene/projectChecks';

export interface ViewFinding {
  code: string;
  severity: Severity;
  message: string;
  /** Relative to the project's root, forward slashes. */
  path: string;
  /** In the file, or in the code cell's source for notebook findings. */
  range: Range;
  /** Zero-based cell index of a notebook finding in a cell. */
  cell?: number;
  /** About the project as a whole: listed here, on no file. */
  wholeProject: boolean;
  /** The fix as an edit of the files as they are now; absent when it needs the open notebook. */
  fix?: { title: string; edit: WorkspaceEdit };
}

export interface ViewCheck {
  code: string;
  name: string;
  summary: string;
  passed: boolean;
  findings: ViewFinding[];
}

export interface ViewPractice {
  practice: Practice;
  title: string;
  /** 0-100; undefined when no check applies. */
  score?: number;
  checks: ViewCheck[];
}

export interface ProjectChecks {
  /** The project's folder (a file URI). */
  root: string;
  overall?: number;
  practices: ViewPractice[];
}

/** Edits a fix makes, when they can be made on the file as the editor has it. */
export type FixEdit = (finding: Finding) => { title: string; edit: WorkspaceEdit } | undefined;

export function projectChecks(project: Project, fixEdit: FixEdit): ProjectChecks {
  const { root, report } = projectReport(project);
  const byCode = new Map<string, Finding[]>();
  for (const finding of [...project.findingsByPath().values()].flat()) byCode.set(finding.code, [...(byCode.get(finding.code) ?? []), finding]);
  const viewFinding = (finding: Finding): ViewFinding => {
    const out: ViewFinding = { code: finding.code, severity: finding.severity, message: finding.message, path: finding.path, range: finding.range, wholeProject: finding.wholeProject === true };
    if (finding.cell !== undefined) out.cell = finding.cell;
    const fix = fixEdit(finding);
    if (fix) out.fix = fix;
    return out;
  };
  return {
    root,
    overall: report.overall,
    practices: report.practices.map((p) => ({
      practice: p.practice,
      title: p.title,
      score: p.score,
      checks: p.checks.map((c) => ({ code: c.code, name: c.name, summary: c.summary, passed: c.passed, findings: (byCode.get(c.code) ?? []).map(viewFinding) })),
    })),
  };
}

/** The URI of a file of the project. */
export function fileUriOf(project: Project, filePath: string): string {
  return pathToUri(path.join(project.root, filePath));
}
