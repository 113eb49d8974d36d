import { createHash } from 'crypto';
import { RULES } from '../rules';
import { Budget, BudgetExceeded, checkpoint, DEFAULT_BUDGET, pastDeadline, withDeadline } from './budget';
import { Config, effectiveSeverity, ignoredInFile, isRuleEnabled } from './config';
import { jsonDeeperThan, mapToCell, MAX_NOTEBOOK_DEPTH, Notebook, NotebookCode, notebookCode, parseNotebook } from './notebook';
import { FileFacts, NotYetKnown, ProjectIndex } from './project';
import { deferredPythonFacts, EVERY_REQUESTED_FACT, gatherDeferredFacts, PythonFacts, pythonFacts, RequestedFact } from './python/facts';
import { Node, PythonModule } from './python/module';
import { Nesting, nestingOf } from './python/nesting';
import { surroundingsOf } from './python/surroundings';
import { Edit, parsePython, syntaxNodeCount } from './python/parser';
import { restrictedTo, topLevelStatements } from './python/statements';
import { personalDataInOutputs } from './personalData';
import { parseRequirements, RequirementsFile } from './requirements';
import { NotebookContext, ProjectFinding, PythonContext, ReportOptions, Rule, YamlContext } from './rule';
import { Role } from './roles';
import { Kept, movedFindings, StatementFindings } from './statementFindings';
import { commentsByLine, isSuppressed, readSuppressions, Suppressions } from './suppressions';
import { LineIndex } from './text';
import { FILE_START, FileKind, Finding, Notice, Range, RelatedLocation, Severity, TextEdit } from './types';
import { parseYaml, YamlFile, yamlEntries } from './yaml';

/** What kind of file a path is, by name alone. */
export function kindOf(path: string): FileKind {
  const name = path.split('/').pop()!.toLowerCase();
  if (/\.(py|pyw)$/.test(name)) return 'python';
  if (name.endsWith('.ipynb')) return 'notebook';
  // MLflow's project file is YAML without the extension.
  if (/\.ya?ml$/.test(name) || name === 'mlproject') return 'yaml';
  if (/^(requirements|constraints).*\.(txt|in)$/.test(name) || /(^|\/)requirements\/[^/]+\.(txt|in)$/.test(path)) {
    return 'requirements';
  }
  if (name.endsWith('.toml')) return 'toml';
  return 'other';
}

interface ParsedBase {
  path: string;
  text: string;
  lines: LineIndex;
  suppressions: Suppressions;
  /** Why the file's content is not analysed (too large, nested too deep): it reads as empty. */
  skipped?: string;
}

export type ParsedFile =
  | (ParsedBase & { kind: 'python'; module: PythonModule; nesting: Nesting })
  | (ParsedBase & { kind: 'notebook'; notebook: Notebook; code: NotebookCode; module: PythonModule })
  | (ParsedBase & { kind: 'yaml'; yaml: YamlFile })
  | (ParsedBase & { kind: 'requirements'; requirements: RequirementsFile })
  | (ParsedBase & { kind: 'toml' | 'other' });

/** The fields every kind of rule context has of its file and project. */
type SharedContextField = 'path' | 'text' | 'lines' | 'project' | 'role' | 'config';

function hashOf(text: string): string {
  return createHash('sha1').update(text).digest('base64');
}

function pythonSuppressions(module: PythonModule): Suppressions {
  return readSuppressions(module.nodes('comment').map((c) => ({ line: c.startPosition.row, text: c.text })));
}

/** The engine's entry point: parses files (cached by content), gives their facts, runs the rules,
 *  each file's steps under a budget (see budget.ts). */
export class Analyzer {
  // One parsed version per path; the oldest entries go first (their trees are freed).
  private readonly cache = new Map<string, ParsedFile>();
  // Per path, the notices of its latest analysis (a step stopped by the budget or failing), and the
  // hash of a text whose parse and facts ran out of budget: its rules are not run either.
  private readonly notices = new Map<string, Notice[]>();
  private readonly exhausted = new Map<string, string>();
  // Paths whose latest facts() or analyzeFile() ran out of time: a result that depends on the clock.
  private readonly outOfTime = new Set<string>();
  // Per path, the rules of its latest analyzeFile() that asked a pre-index what it did not know yet.
  private readonly deferred = new Map<string, string[]>();
  // Python paths whose text came with edits (documents being edited), and for each the findings of
  // the statement-local rules of its latest analysis, by top-level statement. Files analysed once
  // (a scan) keep nothing.
  private readonly edited = new Set<string>();
  private readonly statementFindings = new Map<string, StatementFindings>();
  /** The facts the rules a configuration enables read (a configuration is never changed: a new
   *  one is made). */
  private readonly requestedBy = new WeakMap<Config, ReadonlySet<RequestedFact>>();
  // The facts liveFacts() gave of a parse, and the requested facts they hold: the same object while
  // the text and the selected rules stay.
  private readonly liveFactsOf = new WeakMap<ParsedFile, { facts: FileFacts; requested: ReadonlySet<RequestedFact> }>();

  constructor(
    readonly rules: Rule[] = RULES,
    private readonly cacheSize = 512,
    readonly budget: Budget = DEFAULT_BUDGET,
  ) {}

  /** Whether the latest facts() or analyzeFile() of a path (or analyzeProject(), for PROJECT)
   *  stopped at the budget's deadline. */
  ranOutOfTime(path: string): boolean {
    return this.outOfTime.has(path);
  }

  /** What stopped or failed in the latest facts() or analyzeFile() of a path. */
  noticesOf(path: string): Notice[] {
    return this.notices.get(path) ?? [];
  }

  /** The codes of the rules the latest analyzeFile() of a path left for the whole index (a
   *  pre-index's NotYetKnown): they reported nothing. */
  deferredOf(path: string): string[] {
    return this.deferred.get(path) ?? [];
  }

  private notify(path: string, message: string): void {
    const list = this.notices.get(path);
    if (list) list.push({ path, message });
    else this.notices.set(path, [{ path, message }]);
  }

  private get seconds(): string {
    return `${this.budget.timeMs / 1000} s`;
  }

  /** Parses a file, reusing the cached result when the text is unchanged. With `edits` (the changes
   *  that turned the cached text into `text`), Python is re-parsed incrementally. */
  parse(path: string, text: string, edits?: Edit[]): ParsedFile {
    const cached = this.cache.get(path);
    // (Texts compare faster than they hash.)
    if (cached && cached.text === text) {
      this.cache.delete(path);
      this.cache.set(path, cached);
      return cached;
    }
    const edited = cached?.kind === 'python' && !!edits?.length;
    if (edited) this.edited.add(path);
    let parsed: ParsedFile;
    try {
      parsed = this.parseFresh(path, text, cached, edited);
    } finally {
      // Spent even when the parse stopped (out of time): a re-parse moves the node objects of the
      // tree before into the new one.
      this.dropParse(path);
    }
    this.cache.set(path, parsed);
    while (this.cache.size > this.cacheSize) this.evict(this.cache.keys().next().value!);
    return parsed;
  }

  /** Whether the parse kept of a path is of `text`. */
  holdsParseOf(path: string, text: string): boolean {
    return this.cache.get(path)?.text === text;
  }

  /** Drops the oldest parse for room; the costly facts of its live facts are gathered first, from the
   *  tree about to be freed, since its document may still be open. */
  private evict(path: string): void {
    const cached = this.cache.get(path);
    const python = cached && this.liveFactsOf.get(cached)?.facts.python;
    if (python) gatherDeferredFacts(python);
    this.forget(path);
  }

  /** Drops what is kept of a path: its parse (its syntax tree is freed) and its findings by statement. */
  forget(path: string): void {
    this.edited.delete(path);
    this.statementFindings.delete(path);
    this.dropParse(path);
  }

  private dropParse(path: string): void {
    const cached = this.cache.get(path);
    if (!cached) return;
    this.cache.delete(path);
    if (cached.kind === 'python' || cached.kind === 'notebook') cached.module.tree.delete();
  }

  /** A file's parse; with `previous`, the parse of the file's text before (`edited`: an edit changed
   *  it into this one), what can be taken over of it is. */
  private parseFresh(path: string, text: string, previous?: ParsedFile, edited = false): ParsedFile {
    const lines = new LineIndex(text, previous?.lines);
    const kind = kindOf(path);
    // (Each parse is written out, not spread from the fields they share: V8 gives every object made
    // by a spread, and what is added to it, maps of its own, which the analyses then read slowly.)
    switch (kind) {
      case 'python': {
        const before = previous?.kind === 'python' ? previous : undefined;
        const { module, skipped, nesting } = this.pythonModule(text, before?.nesting, edited ? before?.module.tree : undefined);
        return { path, text, lines, kind, module, skipped, nesting, suppressions: pythonSuppressions(module) };
      }
      case 'notebook': {
        if (jsonDeeperThan(text, MAX_NOTEBOOK_DEPTH)) {
          const skipped = `not analysed: the notebook's JSON nests more than ${MAX_NOTEBOOK_DEPTH} levels deep`;
          const notebook: Notebook = { cells: [] };
          const code = notebookCode(notebook);
          return { path, text, lines, kind, notebook, code, module: this.pythonModule('').module, skipped, suppressions: readSuppressions([]) };
        }
        const notebook = parseNotebook(text);
        const code = notebookCode(notebook);
        const { module, skipped } = this.pythonModule(code.text);
        return { path, text, lines, kind, notebook, code, module, skipped, suppressions: pythonSuppressions(module) };
      }
      case 'yaml': {
        const yaml = parseYaml(text);
        return { path, text, lines, kind, yaml, skipped: yaml.skipped, suppressions: readSuppressions(commentsByLine(text)) };
      }
      case 'requirements':
        return { path, text, lines, kind, requirements: parseRequirements(text), suppressions: readSuppressions(commentsByLine(text)) };
      default:
        return { path, text, lines, kind, suppressions: readSuppressions([]) };
    }
  }

  /** The syntax tree of Python code; an empty module, with the reason, when the code nests deeper
   *  than Python allows or the tree is above the budget's size (the analyses index every node). */
  private pythonModule(text: string, nestingBefore?: Nesting, previousTree?: PythonModule['tree']): { module: PythonModule; skipped?: string; nesting: Nesting } {
    const nesting = nestingOf(text, nestingBefore);
    if (nesting.tooDeep) return { module: new PythonModule(parsePython(''), ''), skipped: `not analysed: ${nesting.tooDeep}, more than Python accepts`, nesting };
    const tree = parsePython(text, previousTree);
    const size = syntaxNodeCount(tree);
    if (size <= this.budget.maxSyntaxNodes) {
      try {
        return { module: new PythonModule(tree, text, previousTree !== undefined), nesting };
      } catch (e) {
        tree.delete();
        throw e;
      }
    }
    tree.delete();
    return {
      nesting,
      module: new PythonModule(parsePython(''), ''),
      skipped: `not analysed: ${size} syntax nodes are above the limit of ${this.budget.maxSyntaxNodes} per file`,
    };
  }

  /** The facts a file gives the project index. When its parse and facts exceed the budget, only
   *  its path and kind, with a notice. */
  facts(path: string, text: string, config?: Config): FileFacts {
    const requested = this.requestedFacts(config);
    return this.withinFactsBudget(path, text, () => this.factsOf(this.parse(path, text), (module) => pythonFacts(module, path, requested)));
  }

  /** The facts of an open document's text, as facts() gives them but for the costly Python facts,
   *  which are gathered on first read (deferredPythonFacts): a keystroke's own rules read few of
   *  them. They may be read until the path is parsed anew (then a read throws); asked again for the
   *  same text and rules, they are the same object, with what was gathered so far. */
  liveFacts(path: string, text: string, config?: Config): FileFacts {
    return this.withinFactsBudget(path, text, () => {
      const parsed = this.parse(path, text);
      const requested = this.requestedFacts(config);
      let live = this.liveFactsOf.get(parsed);
      if (live && live.requested.size === requested.size && [...requested].every((fact) => live!.requested.has(fact))) {
        if (parsed.skipped) this.notify(path, parsed.skipped);
      } else {
        live = { facts: this.factsOf(parsed, (module) => deferredPythonFacts(module, path, requested, () => this.cache.get(path) === parsed)), requested };
        this.liveFactsOf.set(parsed, live);
      }
      return live.facts;
    });
  }

  /** The requested facts (facts.ts) that the rules `config` selects read; without a configuration,
   *  every one. */
  private requestedFacts(config?: Config): ReadonlySet<RequestedFact> {
    if (!config) return EVERY_REQUESTED_FACT;
    let requested = this.requestedBy.get(config);
    if (!requested) this.requestedBy.set(config, (requested = new Set(this.rules.flatMap((rule) => (isRuleEnabled(config, rule) ? rule.facts ?? [] : [])))));
    return requested;
  }

  private withinFactsBudget(path: string, text: string, facts: () => FileFacts): FileFacts {
    this.notices.delete(path);
    this.exhausted.delete(path);
    this.outOfTime.delete(path);
    try {
      return withDeadline(this.budget.timeMs, facts);
    } catch (e) {
      if (!(e instanceof BudgetExceeded)) throw e;
      this.exhausted.set(path, hashOf(text));
      this.outOfTime.add(path);
      this.notify(path, `analysis stopped: parsing and reading the file took longer than the ${this.seconds} budget per file; no rule was run on it`);
      return { path, kind: kindOf(path) };
    }
  }

  private factsOf(parsed: ParsedFile, python: (module: PythonModule) => PythonFacts): FileFacts {
    const { path } = parsed;
    if (parsed.skipped) this.notify(path, parsed.skipped);
    const facts: FileFacts = { path, kind: parsed.kind };
    if (parsed.kind === 'python' || parsed.kind === 'notebook') facts.python = python(parsed.module);
    if (parsed.kind === 'notebook') facts.personalData = personalDataInOutputs(parsed.notebook.cells);
    if (parsed.kind === 'yaml') facts.yamlKeys = yamlEntries(parsed.yaml).map((e) => e.path);
    if (parsed.kind === 'requirements') facts.requirements = parsed.requirements.requirements.map((r) => r.name);
    return facts;
  }

  /** Findings of every file-scoped rule for one file, within its project and for its role. The
   *  rules run under the budget: past it, the findings so far are kept and the rules not yet run are
   *  skipped, with a notice naming the step that was running; a rule that fails gives a notice and
   *  the others still run. `only` limits the rules to these codes. */
  analyzeFile(path: string, text: string, index: ProjectIndex, config: Config, edits?: Edit[], only?: ReadonlySet<string>): Finding[] {
    const exhausted = this.exhausted.get(path);
    if (exhausted !== undefined && exhausted === hashOf(text)) return [];
    this.notices.delete(path);
    this.exhausted.delete(path);
    this.outOfTime.delete(path);
    this.deferred.delete(path);
    const findings: Finding[] = [];
    const project = index.projectOf(path);
    const role = index.roleOf(path);
    let step = 'parsing';
    withDeadline(this.budget.timeMs, () => {
      try {
        const parsed = this.parse(path, text, edits);
        if (parsed.skipped) {
          this.notify(path, parsed.skipped);
          return;
        }
        step = 'the facts';
        const facts = project.python(path) ?? (parsed.kind === 'python' || parsed.kind === 'notebook' ? pythonFacts(parsed.module, path, this.requestedFacts(config)) : undefined);
        const local = parsed.kind === 'python' && this.edited.has(path) ? this.statementLocal(parsed, facts!, role, config) : undefined;
        for (const rule of this.rules) {
          if (!isRuleEnabled(config, rule) || !rule.roles.includes(role) || ignoredInFile(config, rule.code, path) || (only && !only.has(rule.code))) continue;
          step = `${rule.code} (${rule.name})`;
          if (pastDeadline()) throw new BudgetExceeded();
          const before = findings.length;
          try {
            if (local && rule.statementLocal && parsed.kind === 'python') this.runStatementLocal(rule, local, parsed, facts!, project, role, config, findings);
            else this.runRule(rule, parsed, facts, project, role, config, findings);
          } catch (e) {
            // A rule stopped halfway reports nothing rather than part of what it would find.
            findings.length = before;
            if (e instanceof BudgetExceeded) throw e;
            if (e instanceof NotYetKnown) {
              this.deferred.set(path, [...this.deferredOf(path), rule.code]);
              continue;
            }
            const reason = (e as Error).message.split('\n')[0].slice(0, 200);
            this.notify(path, `${step} failed on this file and was skipped: ${reason}`);
          }
        }
      } catch (e) {
        if (!(e instanceof BudgetExceeded)) throw e;
        this.outOfTime.add(path);
        this.statementFindings.delete(path);
        this.notify(path, `analysis stopped at ${step}, past the file's ${this.seconds} budget: it and the rules after it were not run`);
      }
    });
    return findings.sort(byPosition);
  }

  /** For the statement-local rules of a Python module: the statements the latest analysis of the
   *  path left findings for (when it had the same context), and the ones to run the rules on. */
  private statementLocal(parsed: ParsedFile & { kind: 'python' }, facts: PythonFacts, role: Role, config: Config): LocalRun {
    const { module } = parsed;
    const context = JSON.stringify([role, facts.isTest, facts.isML, importedNames(module), [...module.importedModules], config]);
    const previous = this.statementFindings.get(parsed.path);
    const kept = previous?.context === context ? previous : undefined;
    const statements = topLevelStatements(module);
    const next = new StatementFindings(context, statements, previous);
    const matches = kept?.matchesFor(next) ?? [];
    this.statementFindings.set(parsed.path, next);
    return { previous, kept, matches, next, statements, module, alone: toRun(module, statements, kept && matches) };
  }

  /** For the rules that also read what a statement reaches by name: the statements of the latest
   *  analysis whose findings still hold are those whose surroundings, kept with their findings, are
   *  still theirs in this version of the module (surroundings.ts: the same object while they hold,
   *  and one object per node, so the same node: the same text, in the same order among the nodes a
   *  re-parse kept). Surroundings are kept for the statements the latest analysis had too (on the
   *  first, for all): a statement being typed is a new node at every keystroke, and finding what
   *  it reaches would cost more than running the rules on it. */
  private reachingByName(local: LocalRun): StatementsToRun {
    const { previous, next, statements, module } = local;
    const surroundings = surroundingsOf(module);
    const matches = statements.map((statement, i) => {
      if (previous && !previous.keptOf(statement)) return undefined;
      const match = local.matches[i];
      const reached = (next.keptOf(statement)!.surroundings = surroundings.of(statement));
      return match?.surroundings === reached ? match : undefined;
    });
    return toRun(module, statements, local.kept && matches);
  }

  /** Runs a statement-local rule on the statements an edit changed, and takes its findings in the
   *  others from the previous analysis (on a first analysis, or when the rule was not kept, it runs
   *  on the whole module). Suppressions apply to the findings as they are now. */
  private runStatementLocal(
    rule: Rule,
    local: LocalRun,
    parsed: ParsedFile & { kind: 'python' },
    facts: PythonFacts,
    project: ProjectIndex,
    role: Role,
    config: Config,
    findings: Finding[],
  ): void {
    const { kept, next } = local;
    const { repeated, changed, module } = rule.statementLocal === 'reachingByName' ? (local.byName ??= this.reachingByName(local)) : local.alone;
    let found: Finding[] = [];
    if (kept?.keeps(rule.code)) {
      this.runRule(rule, { ...parsed, module }, facts, project, role, config, found, true);
      const inChanged = new StatementFindings('', changed);
      inChanged.keep(rule.code, found);
      if (inChanged.keeps(rule.code)) {
        // (In no particular order of statements: the findings are sorted by place in the end.)
        for (const before of kept.holdingFindings(rule.code)) {
          const statement = repeated.get(before);
          if (statement) found.push(...movedFindings(before, rule.code, statement));
        }
      } else {
        // A finding outside the statements it ran on: this time, the rule runs on the whole module.
        found = [];
        this.runRule(rule, parsed, facts, project, role, config, found, true);
      }
    } else {
      this.runRule(rule, parsed, facts, project, role, config, found, true);
    }
    next.keep(rule.code, found);
    for (const finding of found) if (!isSuppressed(parsed.suppressions, rule.code, finding.range)) findings.push(finding);
  }

  private runRule(
    rule: Rule,
    parsed: ParsedFile,
    facts: PythonFacts | undefined,
    project: ProjectIndex,
    role: Role,
    config: Config,
    findings: Finding[],
    /** Suppressed findings are kept too (the caller filters them). */
    unsuppressed = false,
  ): void {
    const { path } = parsed;
    const emit = (range: Range, message: string, options: ReportOptions = {}) => {
      if (!unsuppressed && isSuppressed(parsed.suppressions, rule.code, range)) return;
      const severity = effectiveSeverity(config, rule, options.severity ?? rule.severity);
      if (!severity) return;
      findings.push(makeFinding(rule, severity, path, range, message, options, role));
    };
    const { check } = rule;
    // Each context is a new object of the fields they share, with its own assigned: not one made by
    // spreading a shared object, which V8 gives (with each field added to it) maps of its own, which
    // rules would read slowly.
    const context = <C extends PythonContext | NotebookContext | YamlContext>(own: Omit<C, SharedContextField> & Partial<Pick<C, 'text' | 'lines'>>): C =>
      Object.assign({ path, text: parsed.text, lines: parsed.lines, project, role, config }, own) as C;
    if (parsed.kind === 'python' && check.python) {
      check.python(
        context<PythonContext>({
          module: parsed.module,
          facts: facts!,
          report: (at, message, options) => emit('type' in at ? parsed.module.range(at) : at, message, options),
        }),
      );
    } else if (parsed.kind === 'notebook') {
      if (check.notebook) {
        check.notebook(
          context<NotebookContext>({
            notebook: parsed.notebook,
            report: emit,
            reportInCell: (cell, range, message, options) => {
              const severity = effectiveSeverity(config, rule, options?.severity ?? rule.severity);
              if (!severity) return;
              findings.push(cellFinding(rule, severity, path, parsed.notebook, cell, range, message, options ?? {}, role));
            },
          }),
        );
      }
      if (check.python && !parsed.notebook.problem) {
        check.python(
          context<PythonContext>({
            text: parsed.code.text,
            lines: parsed.module.lines,
            module: parsed.module,
            facts: facts!,
            notebook: parsed.notebook,
            report: (at, message, options = {}) => {
              const range = 'type' in at ? parsed.module.range(at) : at;
              if (isSuppressed(parsed.suppressions, rule.code, range)) return;
              const severity = effectiveSeverity(config, rule, options.severity ?? rule.severity);
              const mapped = mapToCell(parsed.code, range);
              if (!severity || !mapped) return;
              const fix = options.fix && mapFixToCell(parsed.code, mapped.cell, options.fix.edits ?? [], options.fix.title);
              const related = options.related?.map((r) => (r.path === path ? relatedInCell(parsed.code, parsed.notebook, r) : r));
              findings.push(cellFinding(rule, severity, path, parsed.notebook, mapped.cell, mapped.range, message, { ...options, fix, related }, role));
            },
          }),
        );
      }
    } else if (parsed.kind === 'yaml' && check.yaml) {
      check.yaml(context<YamlContext>({ yaml: parsed.yaml, report: emit }));
    }
  }

  /** Findings of the project-scoped rules: once per project of the repository, or once for the
   *  repository for the rules that are `repositoryWide`. Each runs under the budget; one that fails
   *  or runs out of time gives a notice (on the repository's root, `.`) and the others still run. */
  analyzeProject(index: ProjectIndex, config: Config): Finding[] {
    this.notices.delete(PROJECT);
    this.outOfTime.delete(PROJECT);
    const findings: Finding[] = [];
    const repository = index.repository;
    for (const rule of this.rules) {
      const check = rule.check.project;
      if (!check) continue;
      const severity = effectiveSeverity(config, rule, rule.severity);
      if (!severity) continue;
      const before = findings.length;
      try {
        withDeadline(this.budget.timeMs, () => {
          for (const project of rule.repositoryWide ? [repository] : repository.projects()) {
            check({
              project,
              config,
              appliesTo: (path) => rule.roles.includes(repository.roleOf(path)),
              report: (f: ProjectFinding) => {
                checkpoint();
                const own = effectiveSeverity(config, rule, f.severity ?? rule.severity);
                if (!own || ignoredInFile(config, rule.code, f.path)) return;
                const finding = makeFinding(rule, own, f.path, f.range ?? FILE_START, f.message, f, repository.roleOf(f.path));
                if (f.wholeProject) finding.wholeProject = true;
                findings.push(finding);
              },
            });
          }
        });
      } catch (e) {
        findings.length = before;
        if (e instanceof BudgetExceeded) this.outOfTime.add(PROJECT);
        const reason = e instanceof BudgetExceeded ? `took longer than the ${this.seconds} budget` : `failed: ${(e as Error).message.split('\n')[0].slice(0, 200)}`;
        this.notify(PROJECT, `${rule.code} (${rule.name}) ${reason}; it was skipped`);
      }
    }
    return findings.sort(byPosition);
  }
}

/** What a module's imports bind, as the rules read it: each name and what it stands for, in the
 *  order the names first appear, and the binding that holds for each. An import that appears once
 *  more (a copy that a syntax error swallows and gives back while a line is typed) changes neither. */
function importedNames(module: PythonModule): string[][][] {
  const first = new Map<string, string[]>();
  const holds = new Map<string, string>();
  for (const { local, target } of module.imports) {
    const key = `${local}\u0000${target}`;
    if (!first.has(key)) first.set(key, [local, target]);
    holds.set(local, target);
  }
  return [[...first.values()], [...holds]];
}

/** The statement-local rules' run on a Python module (Analyzer.statementLocal). */
interface LocalRun {
  /** The latest analysis of the path, and the same when it had the same context. */
  previous?: StatementFindings;
  kept?: StatementFindings;
  /** Per statement, the statement of `kept` with its type and text, if any. */
  matches: (Kept | undefined)[];
  next: StatementFindings;
  statements: Node[];
  module: PythonModule;
  /** For the rules whose findings in a statement depend on it alone. */
  alone: StatementsToRun;
  /** For the rules that also read what it reaches by name: found when the first of them runs. */
  byName?: StatementsToRun;
}

/** The statements a statement-local rule runs on, and those that take the findings of before. */
interface StatementsToRun {
  /** The statements of the previous analysis whose findings hold, each with the one that repeats it. */
  repeated: Map<Kept, Node>;
  changed: Node[];
  /** The module, cut down to the changed statements when the others have kept findings. */
  module: PythonModule;
}

/** With `matches` (per statement, the one of an analysis before whose findings it takes), the module
 *  cut down to the statements that have none; else all of them. */
function toRun(module: PythonModule, statements: Node[], matches: (Kept | undefined)[] | undefined): StatementsToRun {
  const repeated = new Map<Kept, Node>();
  if (!matches) return { repeated, changed: statements, module };
  const changed: Node[] = [];
  statements.forEach((statement, i) => (matches[i] ? repeated.set(matches[i]!, statement) : changed.push(statement)));
  return { repeated, changed, module: restrictedTo(module, changed) };
}

/** The path that notices about the project as a whole name. */
export const PROJECT = '.';

function makeFinding(rule: Rule, severity: Severity, path: string, range: Range, message: string, options: ReportOptions, role: Role): Finding {
  const finding: Finding = { code: rule.code, name: rule.name, severity, message, path, range, role };
  if (options.fix) finding.fix = options.fix;
  if (options.related?.length) finding.related = options.related;
  if (options.unnecessary) finding.unnecessary = true;
  return finding;
}

function cellFinding(
  rule: Rule,
  severity: Severity,
  path: string,
  notebook: Notebook,
  cell: number,
  range: Range,
  message: string,
  options: ReportOptions,
  role: Role,
): Finding {
  const finding = makeFinding(rule, severity, path, range, message, options, role);
  const cellInfo = notebook.cells[cell];
  finding.cell = cell;
  finding.fileRange = cellInfo?.sourceLineRanges[range.start.line] ?? cellInfo?.range ?? FILE_START;
  return finding;
}

/** A place in the notebook's joined code, given as its cell, the range in the cell and in the JSON. */
function relatedInCell(code: NotebookCode, notebook: Notebook, related: RelatedLocation): RelatedLocation {
  const mapped = mapToCell(code, related.range);
  if (!mapped) return related;
  const cell = notebook.cells[mapped.cell];
  return { ...related, range: mapped.range, cell: mapped.cell, fileRange: cell?.sourceLineRanges[mapped.range.start.line] ?? cell?.range ?? FILE_START };
}

function mapFixToCell(code: NotebookCode, cell: number, edits: TextEdit[], title: string) {
  const mapped: TextEdit[] = [];
  for (const edit of edits) {
    const target = mapToCell(code, edit.range);
    if (!target || target.cell !== cell) return undefined; // a fix that crosses cells is not offered
    mapped.push({ range: target.range, newText: edit.newText });
  }
  return { title, edits: mapped };
}

/** Report order: by path, cell, position, then code. */
export function byPosition(a: Finding, b: Finding): number {
  return (
    a.path.localeCompare(b.path) ||
    (a.cell ?? -1) - (b.cell ?? -1) ||
    a.range.start.line - b.range.start.line ||
    a.range.start.character - b.range.start.character ||
    a.code.localeCompare(b.code)
  );
}
