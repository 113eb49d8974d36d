import { Config } from './config';
import { Notebook } from './notebook';
import { ProjectIndex } from './project';
import { PythonFacts, RequestedFact } from './python/facts';
import { Node, PythonModule } from './python/module';
import { Role } from './roles';
import { LineIndex } from './text';
import { Fix, Practice, Range, RelatedLocation, Scope, Severity } from './types';
import { YamlFile } from './yaml';

/** Extra details a rule may attach to a finding. */
export interface ReportOptions {
  fix?: Fix;
  related?: RelatedLocation[];
  unnecessary?: boolean;
  /** For rules whose severity depends on the case (MLH108: E for one form, W for the other). */
  severity?: Severity;
}

interface FileContext {
  /** Relative path of the file, forward slashes. */
  path: string;
  text: string;
  lines: LineIndex;
  /** The project the file belongs to: cross-file questions are answered inside it. */
  project: ProjectIndex;
  /** What the file is for (roles.ts); the rule only runs on files of the roles it declares. */
  role: Role;
  config: Config;
  report(range: Range, message: string, options?: ReportOptions): void;
}

export interface PythonContext extends Omit<FileContext, 'report'> {
  module: PythonModule;
  facts: PythonFacts;
  /** Set when the code is a notebook's code cells joined together. */
  notebook?: Notebook;
  report(at: Node | Range, message: string, options?: ReportOptions): void;
}

export interface NotebookContext extends FileContext {
  notebook: Notebook;
  /** Reports inside a cell: `range` is relative to the cell's source. */
  reportInCell(cell: number, range: Range, message: string, options?: ReportOptions): void;
}

export interface YamlContext extends FileContext {
  yaml: YamlFile;
}

export interface ProjectFinding extends ReportOptions {
  /** The file where the fix belongs; README.md or pyproject.toml when there is none. */
  path: string;
  range?: Range;
  message: string;
  /** No file holds the fix yet (projectQueries.wholeProject). */
  wholeProject?: boolean;
}

export interface ProjectContext {
  /** One project of the repository, or the whole repository for a rule that is `repositoryWide`. */
  project: ProjectIndex;
  config: Config;
  /** Whether the rule applies to a file, by the file's role: the code a project rule judges (its
   *  "ML code", its training files) is the code of the roles it declares. */
  appliesTo(path: string): boolean;
  report(finding: ProjectFinding): void;
}

export interface RuleChecks {
  python?(ctx: PythonContext): void;
  notebook?(ctx: NotebookContext): void;
  yaml?(ctx: YamlContext): void;
  project?(ctx: ProjectContext): void;
}

export interface Rule {
  /** Stable code, e.g. `MLH106`. */
  code: string;
  /** Stable kebab-case name, e.g. `nan-equality`. */
  name: string;
  /** One line: what the rule finds. */
  summary: string;
  practices: Practice[];
  /** Zinkevich rules, Sculley et al. smells, ML Test Score tests, Zhang et al. smells. */
  references: string[];
  severity: Severity;
  /** Left out of the default set (its findings were too often not worth acting on in the judged
   *  corpus); runs when the configuration selects it. Its docs say why. */
  optIn?: boolean;
  /** Some findings come with a quick fix. */
  fixable?: boolean;
  /** The roles of the files the rule applies to (roles.ts); the docs say why, under "What it finds". */
  roles: Role[];
  /** What the Python check finds in a top-level statement depends only on that statement, the
   *  module's imports, and the file's path, role, configuration and whether it is test or ML code:
   *  never on other statements, the rest of the facts or other files. While a document is edited,
   *  such a rule runs again only on the statements the edit changed (analyze.ts); the findings of
   *  the others move with their statements. test/unit/incremental-analysis.test.ts checks each rule
   *  that says so against an analysis from scratch. `'reachingByName'`: what it finds in a statement
   *  may also depend on what the statement reaches of its module by name (python/surroundings.ts:
   *  the values last given to the names it reads, followed, and the module's functions it calls);
   *  while a document is edited, it runs again on the statements the edit changed and on those
   *  whose surroundings an edit changed. */
  statementLocal?: boolean | 'reachingByName';
  /** The requested facts (facts.ts) it reads, of its own file or of others: a module's facts hold
   *  them only while a rule naming them is selected. test/unit/rules.test.ts runs each rule's
   *  fixtures with that rule alone selected, so a rule that reads one without naming it fails there. */
  facts?: RequestedFact[];
  /** The project check looks at the repository as a whole, once, instead of at each project in it:
   *  CI, CODEOWNERS, update bots, .gitignore and git's index live at the repository's root. */
  repositoryWide?: boolean;
  /** Whether the check has anything to judge in a project (the repository, for a `repositoryWide`
   *  rule), for the report: where it has not, the check is "not applicable" instead of a silent
   *  pass. Without it, a check applies where the project has a file of its roles (and, for a file
   *  rule, of a kind it reads). */
  applies?(project: ProjectIndex, appliesTo: (path: string) => boolean): boolean;
  /** The documents the check accepts as evidence (a charter, a model card ...). One still holding
   *  the scaffold's placeholders (MLH002) is not written yet: the report does not count the check
   *  as passed on it. */
  evidence?(project: ProjectIndex): string[];
  /** Markdown with the headings What it finds / Why it matters / How to fix / Example / References. */
  docs: string;
  check: RuleChecks;
}

export function scopesOf(rule: Rule): Scope[] {
  return (Object.keys(rule.check) as Scope[]).filter((k) => typeof rule.check[k] === 'function');
}

/** Declares a rule; the identity function gives rule files one typed shape. */
export function defineRule(rule: Rule): Rule {
  return rule;
}

export const DOC_HEADINGS = ['What it finds', 'Why it matters', 'How to fix', 'Example', 'References'];
