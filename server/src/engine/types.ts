// Shared vocabulary of the engine. Nothing here knows about VS Code or LSP.
import type { Role } from './roles';

export type Severity = 'error' | 'warning' | 'information';
export const SEVERITY_RANK: Record<Severity, number> = { information: 1, warning: 2, error: 3 };

/** Where a rule looks: one Python module (or notebook code), a notebook file, a YAML file, or the
 *  project as a whole. */
export type Scope = 'python' | 'notebook' | 'yaml' | 'project';

/** The ten foundational practices of ML engineering. */
export type Practice = 'P1' | 'P2' | 'P3' | 'P4' | 'P5' | 'P6' | 'P7' | 'P8' | 'P9' | 'P10';

export const PRACTICE_TITLES: Record<Practice, string> = {
  P1: 'Avoid ML-solutionism',
  P2: 'The right team',
  P3: 'ML project management',
  P4: 'No AI without IA (information architecture)',
  P5: 'Common-sense ML over en-vogue ML',
  P6: 'The flywheel: CI/CD/CT and monitoring',
  P7: 'Versioning and reproducibility',
  P8: 'Design for ML',
  P9: 'The hidden costs of ML',
  P10: 'Responsible AI',
};

/** A few words per practice, where the full title does not fit (the report's radar chart). */
export const PRACTICE_SHORT_NAMES: Record<Practice, string> = {
  P1: 'Problem first',
  P2: 'Team',
  P3: 'Project management',
  P4: 'Data architecture',
  P5: 'Common-sense ML',
  P6: 'CI/CD and monitoring',
  P7: 'Versioning',
  P8: 'Design for ML',
  P9: 'Hidden costs',
  P10: 'Responsible AI',
};

/** Zero-based line and UTF-16 character, as LSP and tree-sitter (in UTF-16 mode) count them. */
export interface Position {
  line: number;
  character: number;
}

export interface Range {
  start: Position;
  end: Position;
}

export interface TextEdit {
  range: Range;
  newText: string;
}

export interface Fix {
  title: string;
  /** Edits to the file the finding is in (cell-relative for notebook code). */
  edits?: TextEdit[];
  /** Files to create when they do not exist yet; never overwrites. */
  create?: { path: string; content: string }[];
  /** The new path of the file the finding is in (relative to the root, like `Finding.path`); never
   *  over an existing file. */
  rename?: string;
}

export interface RelatedLocation {
  path: string;
  /** For a place in a notebook's code: relative to the cell's source, like Finding.range. */
  range: Range;
  message: string;
  /** Zero-based cell index, for a place in a notebook's code (the finding's own notebook). */
  cell?: number;
  /** For a place in a notebook cell: the range in the notebook's JSON text. */
  fileRange?: Range;
}

export interface Finding {
  code: string;
  name: string;
  severity: Severity;
  message: string;
  /** Relative to the project root, forward slashes. */
  path: string;
  /** Range in the file; for notebook code, relative to the cell's source. */
  range: Range;
  /** Zero-based code-cell index into the notebook's cells, for notebook findings located in a cell. */
  cell?: number;
  /** For notebook findings: the range in the notebook's JSON text (what an editor showing the raw
   *  file, or the Problems panel of an unopened notebook, needs). */
  fileRange?: Range;
  related?: RelatedLocation[];
  fix?: Fix;
  /** The finding marks code that is never used (editors fade it). */
  unnecessary?: boolean;
  /** What the file the finding is in is for (roles.ts). */
  role?: Role;
  /** About the project as a whole, with no file where its fix belongs yet (the fix creates one):
   *  `path` is where the command line names it (the project's README or manifest); editors list it
   *  with the project rather than on line 1 of that file. */
  wholeProject?: boolean;
}

/** Something the engine could not analyse, said plainly (skipped huge or binary file, broken encoding). */
export interface Notice {
  path: string;
  message: string;
}

export type FileKind = 'python' | 'notebook' | 'yaml' | 'requirements' | 'toml' | 'other';

export function rangeOf(startLine: number, startChar: number, endLine: number, endChar: number): Range {
  return { start: { line: startLine, character: startChar }, end: { line: endLine, character: endChar } };
}

export const FILE_START: Range = rangeOf(0, 0, 0, 0);

export function comparePositions(a: Position, b: Position): number {
  return a.line - b.line || a.character - b.character;
}

/** Whether a value read from outside (JSON, a client's message) is an object: not null, not an array. */
export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
