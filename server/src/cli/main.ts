// The `ml-hygiene` command: a thin adapter from the command line to the engine.
import * as fs from 'fs';
import * as path from 'path';
import { Config, ConfigError, mergeConfig } from '../engine/config';
import { renderRuleDoc, rolesLine } from '../engine/docs';
import { scopesOf } from '../engine/rule';
import { scanProject, ScanResult } from '../engine/scan';
import { Finding, Notice, SEVERITY_RANK, Severity } from '../engine/types';
import { HygieneReport, scoreProject } from '../report/score';
import { isInsideFolder, readConfig } from '../engine/workspace';
import { findRule, RULES } from '../rules';
import { oneOf, parseArgs, UsageError } from './args';
import { newSinceBaseline, readBaseline } from './baseline';
import { assertStaysInside, writeOutput } from './files';
import { formatJson, formatSarif, formatText, summarize, textStyleFor, VERSION } from './format';
import { formatGithub, jobSummary } from './github';
import { setCommandLineFlags } from './v8Flags';
import { reportCommand, REPORT_HELP } from './report';
import { scaffoldCommand, SCAFFOLD_HELP } from './scaffold';

const HELP = `ml-hygiene ${VERSION}: finds where an ML repository breaks the practices that keep ML systems healthy.

Usage:
  ml-hygiene check [paths...] [options]   analyse a project (default: the current folder)
  ml-hygiene rules [--format text|json]   list every rule: opt-in or default, and the roles it applies to
  ml-hygiene explain <CODE|name>...       show a rule's documentation
  ml-hygiene report [dir] [--format md|html|json] [--output FILE] [--baseline FILE]
                                          score the project on the ten practices
  ml-hygiene scaffold tdsp <dir> [--name NAME] [--without PART] [--dry-run]
                                          create the TDSP layout; never overwrites
  ml-hygiene --help | --version           (also: ml-hygiene report --help, scaffold --help)

Options of check:
  --format text|json|sarif|github output format (default text); github prints GitHub Actions
                                  annotations and, when $GITHUB_STEP_SUMMARY is set, appends a job
                                  summary to it: the practice scores, the project findings by
                                  practice and a count of findings per rule
  --select CODES                  only these rules: codes or prefixes, comma-separated (MLH1,MLH402);
                                  replaces the default set and the configuration's selection; MLH
                                  selects every rule, opt-in ones included
  --extend-select CODES           these rules too, on top of the selection (e.g. opt-in rules)
  --ignore CODES                  skip these rules: codes or prefixes, comma-separated
  --fail-on error|warning|information
                                  exit 1 when a finding has at least this severity (default warning)
  --output FILE                   write the report to FILE instead of standard output
  --baseline FILE                 report only findings that are not in FILE, the output of an
                                  earlier 'check --format json' (matched on rule, file, message)
  --no-cache                      analyse every file afresh, and neither read nor write the cache

A folder is analysed as a project: its .gitignore and its configuration ([tool.ml-hygiene] in
pyproject.toml or .ml-hygiene.yaml) apply. A file is analysed within the project of the current
folder (or, when it lies outside it, of its own folder); its findings are shown with the project
findings of the project it belongs to and of the repository as a whole (as a pre-commit hook
passes the changed files).

Each file's results are cached by the hash of its content in .ml-hygiene-cache/ in the checked
folder (git ignores it, safe to delete), for this version, configuration and rule selection: a
second run on an unchanged tree reuses them.

Text output is one line per finding and a count, for tools; on a terminal it is grouped by file,
with a count per rule, in color (NO_COLOR turns the colors off, FORCE_COLOR turns them on, also in a
pipe). Paths in text and SARIF reports are relative to the current folder; in JSON, to the checked folder
(to the current folder when several are checked). Notes about files that could not be analysed go to
standard error. Nothing outside the checked folder is read: symbolic links that lead out of it are
skipped with a note. A path, --baseline or --output in the current folder that leads out of it
through a symbolic link is a usage error, and --output never writes through a link.

Exit status: 0 when no finding reaches --fail-on, 1 when one does, 2 for a usage or configuration error.
`;

type Format = 'text' | 'json' | 'sarif' | 'github';

interface CheckOptions {
  paths: string[];
  format: Format;
  select?: string[];
  extendSelect?: string[];
  ignore?: string[];
  failOn: Severity;
  output?: string;
  baseline?: string;
  cache: boolean;
}

const CODE_OR_PREFIX = /^MLH\d{0,3}$/;

function parseCodes(flag: string, value: string): string[] {
  const codes = value
    .split(',')
    .map((c) => c.trim().toUpperCase())
    .filter(Boolean);
  if (!codes.length) throw new UsageError(`${flag} needs a comma-separated list of rule codes`);
  const bad = codes.filter((c) => !CODE_OR_PREFIX.test(c));
  if (bad.length) throw new UsageError(`${flag}: not a rule code or prefix: ${bad.join(', ')} (codes look like MLH402 or MLH4)`);
  return codes;
}

function parseCheck(args: string[]): CheckOptions {
  const options: CheckOptions = { paths: [], format: 'text', failOn: 'warning', cache: true };
  parseArgs(
    args,
    (flag, value) => {
      if (flag === '--format') options.format = oneOf(flag, value(), ['text', 'json', 'sarif', 'github'] as const);
      else if (flag === '--select') options.select = parseCodes(flag, value());
      else if (flag === '--extend-select') options.extendSelect = parseCodes(flag, value());
      else if (flag === '--ignore') options.ignore = parseCodes(flag, value());
      else if (flag === '--fail-on') options.failOn = oneOf(flag, value(), ['error', 'warning', 'information'] as const);
      else if (flag === '--output') options.output = value();
      else if (flag === '--baseline') options.baseline = value();
      else if (flag === '--no-cache') options.cache = false;
      else return false;
      return true;
    },
    (arg) => options.paths.push(arg),
  );
  return options;
}

function toPosix(p: string): string {
  return p.split(path.sep).join('/');
}

/** A path of a project, relative to `base` (forward slashes). */
function relativeTo(base: string, root: string, rel: string): string {
  return toPosix(path.relative(base, path.join(root, rel))) || '.';
}

/** The projects to scan: each folder whole, or the files asked for in it. */
function projectsOf(paths: string[]): Map<string, Set<string> | 'all'> {
  const cwd = process.cwd();
  const projects = new Map<string, Set<string> | 'all'>();
  for (const target of paths.length ? paths : ['.']) {
    const absolute = path.resolve(target);
    assertStaysInside('the path', target);
    let stat: fs.Stats;
    try {
      stat = fs.statSync(absolute);
    } catch {
      throw new UsageError(`no such file or folder: ${target}`);
    }
    if (stat.isDirectory()) {
      projects.set(absolute, 'all');
      continue;
    }
    const root = isInsideFolder(absolute, cwd) ? cwd : path.dirname(absolute);
    const wanted = projects.get(root) ?? new Set<string>();
    if (wanted !== 'all') wanted.add(toPosix(path.relative(root, absolute)));
    projects.set(root, wanted);
  }
  return projects;
}

/** The project's configuration with the command line's rule selection on top; as in ruff, --select
 *  replaces the configured selection, --extend-select and --ignore add to it. */
function configFor(root: string, options: CheckOptions): Config {
  let base: Config;
  try {
    base = readConfig(root);
  } catch (e) {
    if (e instanceof ConfigError) throw new ConfigError(relativeTo(process.cwd(), root, e.file), e.problems);
    throw e;
  }
  const selected = options.select ? { ...base, select: options.select, extendSelect: [], ignore: [] } : base;
  return mergeConfig(selected, { extendSelect: options.extendSelect ?? [], ignore: options.ignore ?? [] });
}

interface Located<T> {
  root: string;
  item: T;
}

async function check(options: CheckOptions, out: (s: string) => void, err: (s: string) => void): Promise<number> {
  const cwd = process.cwd();
  const projects = projectsOf(options.paths);
  const baseline = options.baseline ? readBaselineOrExplain(options.baseline) : undefined;
  if (options.output) assertStaysInside('--output', options.output); // before the scan, not after
  const findings: Located<Finding>[] = [];
  const notices: Located<Notice>[] = [];
  let fileCount = 0;
  // For the job summary: each folder's scores and which of its findings are project findings.
  const jobSummaryFile = options.format === 'github' ? process.env.GITHUB_STEP_SUMMARY : undefined;
  const scored: { root: string; report: HygieneReport; projectFindings: Set<Finding>; files: number }[] = [];
  for (const [root, wanted] of projects) {
    const result = await scanProject(root, { config: configFor(root, options), cache: options.cache });
    const asked = wanted === 'all' ? undefined : wanted;
    const files = asked ? asked.size : result.index.files.length;
    if (jobSummaryFile) scored.push({ root, report: scoreProject(RULES, result.config, result.index, result.findings), projectFindings: new Set(result.projectFindings), files });
    notices.push(...result.notices.filter((n) => !asked || asked.has(n.path)).map((item) => ({ root, item })));
    for (const file of asked ?? []) {
      if (!result.index.has(file) && !result.notices.some((n) => n.path === file)) {
        notices.push({ root, item: { path: file, message: 'not analysed: excluded by .gitignore, the exclude setting or a skipped folder' } });
      }
    }
    findings.push(...(asked ? findingsOfFiles(result, asked) : result.findings).map((item) => ({ root, item })));
    fileCount += files;
  }
  for (const { root, item } of notices) err(`${relativeTo(cwd, root, item.path)}: note: ${item.message}`);

  // JSON paths are relative to the checked folder (the public shape says so), text and SARIF paths
  // to the current folder, where people click them and code scanning resolves them.
  const checkedFolder = projects.size === 1 ? [...projects.keys()][0] : cwd;
  const base = options.format === 'json' ? checkedFolder : cwd;
  // A baseline is the JSON output of an earlier check, so it is compared in JSON's paths.
  const counted = baseline
    ? newSinceBaseline(findings, baseline, ({ root, item }) => ({ ...item, path: relativeTo(checkedFolder, root, item.path) }))
    : findings;
  const shown = counted.map(({ root, item }) => relocate(item, base, root));
  const summary = summarize(shown, fileCount);
  const report =
    options.format === 'json'
      ? formatJson(
          shown,
          summary,
          notices.map(({ root, item }) => ({ ...item, path: relativeTo(base, root, item.path) })),
        )
      : options.format === 'sarif'
        ? formatSarif(shown, RULES)
        : options.format === 'github'
          ? formatGithub(shown)
          : formatText(shown, summary, options.output ? undefined : textStyleFor(process.env, process.stdout.isTTY === true));
  if (options.output) writeOutput('--output', options.output, report);
  else out(report);
  if (jobSummaryFile) {
    const sections = scored.map(({ root, report, projectFindings, files }) => ({
      title: path.basename(root),
      report,
      findings: counted.flatMap((located, i) => (located.root === root ? [{ finding: shown[i], project: projectFindings.has(located.item) }] : [])),
      files,
    }));
    fs.appendFileSync(jobSummaryFile, jobSummary(sections, options.failOn));
  }
  return shown.some((f) => SEVERITY_RANK[f.severity] >= SEVERITY_RANK[options.failOn]) ? 1 : 0;
}

/** The findings shown for files named on the command line (as pre-commit passes the changed ones):
 *  their own, and the project findings of the projects they belong to and of the repository, since
 *  a change to a file can be what a project finding is about (a new dependency, a removed test). */
function findingsOfFiles(result: ScanResult, files: Set<string>): Finding[] {
  const projectOf = (file: string) => result.index.projectOf(file).root;
  const projects = new Set([...files].map(projectOf));
  const projectFindings = new Set(result.projectFindings);
  return result.findings.filter(
    (f) => files.has(f.path) || (projectFindings.has(f) && (findRule(f.code)?.repositoryWide || projects.has(projectOf(f.path)))),
  );
}

function readBaselineOrExplain(file: string): Map<string, number> {
  assertStaysInside('--baseline', file);
  try {
    return readBaseline(file);
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
}

function relocate(finding: Finding, base: string, root: string): Finding {
  const moved: Finding = { ...finding, path: relativeTo(base, root, finding.path) };
  if (finding.related) moved.related = finding.related.map((r) => ({ ...r, path: relativeTo(base, root, r.path) }));
  return moved;
}

function listRules(args: string[]): string {
  const options: { format: 'text' | 'json' } = { format: 'text' };
  parseArgs(
    args,
    (flag, value) => {
      if (flag !== '--format') return false;
      options.format = oneOf(flag, value(), ['text', 'json'] as const);
      return true;
    },
    (arg) => {
      throw new UsageError(`rules takes no arguments, got '${arg}'`);
    },
  );
  if (options.format === 'json') {
    const list = RULES.map((r) => ({
      code: r.code,
      name: r.name,
      severity: r.severity,
      default: !r.optIn,
      practices: r.practices,
      scopes: scopesOf(r),
      roles: r.roles,
      summary: r.summary,
    }));
    return JSON.stringify(list, null, 2) + '\n';
  }
  const width = Math.max(...RULES.map((r) => r.name.length));
  const rows = RULES.map(
    (r) => `${r.code}  ${r.name.padEnd(width)}  ${r.severity.padEnd(11)}  ${(r.optIn ? 'opt-in' : 'default').padEnd(7)}  ${r.practices.join(' ').padEnd(7)}  ${r.summary} [${rolesLine(r)}]`,
  );
  const optIn = RULES.filter((r) => r.optIn).length;
  return `${rows.join('\n')}\n\n${RULES.length - optIn} rules in the default set; ${optIn} opt-in (enable with select or extendSelect).\n`;
}

function explain(args: string[]): string {
  const names: string[] = [];
  parseArgs(args, () => false, (arg) => names.push(arg));
  if (!names.length) throw new UsageError('explain needs a rule code or name, e.g. ml-hygiene explain MLH402');
  return names
    .map((name) => {
      const rule = findRule(name);
      if (!rule) throw new UsageError(`no rule ${name}; \`ml-hygiene rules\` lists them`);
      return renderRuleDoc(rule);
    })
    .join('\n');
}

const COMMANDS = ['check', 'rules', 'explain'];
const COMMAND_HELP: Record<string, string> = { report: REPORT_HELP, scaffold: SCAFFOLD_HELP };

/** Runs the command line; returns the exit status. */
export async function main(argv: string[], out = (s: string) => void process.stdout.write(s), err = (s: string) => void process.stderr.write(s + '\n')): Promise<number> {
  const [command, ...rest] = argv;
  if (COMMANDS.includes(command) && (rest.includes('--help') || rest.includes('-h'))) {
    out(HELP);
    return 0;
  }
  if (command in COMMAND_HELP && (rest.includes('--help') || rest.includes('-h'))) {
    out(COMMAND_HELP[command]);
    return 0;
  }
  try {
    switch (command) {
      case undefined:
        err(HELP.trimEnd());
        return 2;
      case '--help':
      case '-h':
      case 'help':
        out(HELP);
        return 0;
      case '--version':
      case '-V':
        out(VERSION + '\n');
        return 0;
      case 'check':
        return await check(parseCheck(rest), out, err);
      case 'rules':
        out(listRules(rest));
        return 0;
      case 'explain':
        out(explain(rest));
        return 0;
      case 'report':
        return await reportCommand(rest, out);
      case 'scaffold':
        return scaffoldCommand(rest, out);
      default:
        throw new UsageError(`unknown command '${command}'`);
    }
  } catch (e) {
    if (e instanceof UsageError) {
      err(`ml-hygiene: ${e.message}\nRun 'ml-hygiene --help' for usage.`);
      return 2;
    }
    if (e instanceof ConfigError) {
      err(`ml-hygiene: ${e.message}`);
      return 2;
    }
    throw e;
  }
}

/** Runs the command with this process's arguments and sets its exit status. */
export function run(): void {
  setCommandLineFlags();
  // A reader that stops early (`| head`) closes the pipe: not an error, just the end of the output.
  process.stdout.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code !== 'EPIPE') throw e;
    process.exit();
  });
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (e) => {
      process.stderr.write(`ml-hygiene: internal error: ${(e as Error).stack ?? e}\n`);
      process.exitCode = 2;
    },
  );
}

if (require.main === module) run();
