// The `ml-hygiene` command: a thin adapter from the command line to the engine.
import * as fs from 'fs';
import * as path from 'path';
import { ConfigError, mergeConfig } from '../engine/config';
import { renderRuleDoc } from '../engine/docs';
import { scopesOf } from '../engine/rule';
import { scanProject } from '../engine/scan';
import { Finding, Notice, SEVERITY_RANK, Severity } from '../engine/types';
import { readConfig } from '../engine/workspace';
import { findRule, RULES } from '../rules';
import { formatJson, formatSarif, formatText, summarize, VERSION } from './format';

const HELP = `ml-hygiene ${VERSION}: finds where an ML repository breaks the practices that keep ML systems healthy.

Usage:
  ml-hygiene check [paths...] [options]   analyse a project (default: the current folder)
  ml-hygiene rules [--format text|json]   list every rule
  ml-hygiene explain <CODE|name>          show a rule's documentation
  ml-hygiene --help | --version

Options of check:
  --format text|json|sarif        output format (default text)
  --select CODES                  only these rules: codes or prefixes, comma-separated (MLH1,MLH402)
  --ignore CODES                  skip these rules: codes or prefixes, comma-separated
  --fail-on error|warning|information
                                  exit 1 when a finding has at least this severity (default warning)
  --output FILE                   write the report to FILE instead of standard output

A folder is analysed as a project: its .gitignore and its configuration ([tool.ml-hygiene] in
pyproject.toml or .ml-hygiene.yaml) apply. Files given alone are analysed in the project of the
current folder and only their findings are shown.

Exit status: 0 when no finding reaches --fail-on, 1 when one does, 2 for a usage or configuration error.
`;

class UsageError extends Error {}

interface CheckOptions {
  paths: string[];
  format: 'text' | 'json' | 'sarif';
  select?: string[];
  ignore?: string[];
  failOn: Severity;
  output?: string;
}

const CODE_LIST = /^MLH\d{0,3}$/;

function parseCodes(flag: string, value: string | undefined): string[] {
  if (!value) throw new UsageError(`${flag} needs a comma-separated list of rule codes`);
  const codes = value.split(',').map((c) => c.trim().toUpperCase()).filter(Boolean);
  const bad = codes.filter((c) => !CODE_LIST.test(c));
  if (bad.length) throw new UsageError(`${flag}: not a rule code or prefix: ${bad.join(', ')} (codes look like MLH402 or MLH4)`);
  return codes;
}

function parseCheck(args: string[]): CheckOptions {
  const options: CheckOptions = { paths: [], format: 'text', failOn: 'warning' };
  for (let i = 0; i < args.length; i++) {
    const [flag, inline] = args[i].startsWith('--') ? args[i].split(/=(.*)/s, 2) : [args[i], undefined];
    const value = () => {
      const v = inline ?? args[++i];
      if (v === undefined) throw new UsageError(`${flag} needs a value`);
      return v;
    };
    switch (flag) {
      case '--format': {
        const v = value();
        if (v !== 'text' && v !== 'json' && v !== 'sarif') throw new UsageError(`--format must be text, json or sarif, not '${v}'`);
        options.format = v;
        break;
      }
      case '--select':
        options.select = parseCodes(flag, value());
        break;
      case '--ignore':
        options.ignore = parseCodes(flag, value());
        break;
      case '--fail-on': {
        const v = value();
        if (!(v in SEVERITY_RANK)) throw new UsageError(`--fail-on must be error, warning or information, not '${v}'`);
        options.failOn = v as Severity;
        break;
      }
      case '--output':
        options.output = value();
        break;
      default:
        if (flag.startsWith('-')) throw new UsageError(`unknown option ${flag}`);
        options.paths.push(flag);
    }
  }
  return options;
}

async function check(options: CheckOptions, out: (s: string) => void, err: (s: string) => void): Promise<number> {
  // A folder is checked whole; a file is checked within the current folder's project.
  const scopes = new Map<string, Set<string> | 'all'>();
  for (const target of options.paths.length ? options.paths : ['.']) {
    if (isDirectory(target)) scopes.set(path.resolve(target), 'all');
    else if (fs.existsSync(target)) {
      const root = path.resolve('.');
      const wanted = scopes.get(root) ?? new Set<string>();
      if (wanted !== 'all') wanted.add(toPosix(path.relative(root, path.resolve(target))));
      scopes.set(root, wanted);
    } else throw new UsageError(`no such file or folder: ${target}`);
  }
  const findings: Finding[] = [];
  const notices: Notice[] = [];
  let fileCount = 0;
  for (const [root, wanted] of scopes) {
    const base = readConfig(root);
    const config = mergeConfig(base, { select: options.select ?? base.select, ignore: options.ignore ?? [] });
    const result = await scanProject(root, { config });
    for (const notice of result.notices) {
      notices.push({ ...notice, path: displayPath(root, notice.path) });
      err(`${displayPath(root, notice.path)}: note: ${notice.message}`);
    }
    const shown = wanted === 'all' ? result.findings : result.findings.filter((f) => wanted.has(f.path));
    findings.push(...shown.map((f) => ({ ...f, path: displayPath(root, f.path) })));
    fileCount += wanted === 'all' ? result.index.files.length : wanted.size;
  }
  const summary = summarize(findings, fileCount);
  const report =
    options.format === 'json' ? formatJson(findings, summary, notices) : options.format === 'sarif' ? formatSarif(findings, RULES) : formatText(findings, summary);
  if (options.output) fs.writeFileSync(options.output, report);
  else out(report);
  return findings.some((f) => SEVERITY_RANK[f.severity] >= SEVERITY_RANK[options.failOn]) ? 1 : 0;
}

function isDirectory(p: string): boolean {
  try {
    return fs.statSync(p).isDirectory();
  } catch {
    return false;
  }
}

function toPosix(p: string): string {
  return p.split(path.sep).join('/');
}

/** Paths are shown relative to the checked root when one folder is checked, else to the current folder. */
function displayPath(root: string, rel: string): string {
  return root === path.resolve('.') ? rel : toPosix(path.relative('.', path.join(root, rel)));
}

function listRules(args: string[]): string {
  if (args.includes('--format=json') || (args[0] === '--format' && args[1] === 'json')) {
    return (
      JSON.stringify(
        RULES.map((r) => ({ code: r.code, name: r.name, severity: r.severity, practices: r.practices, scopes: scopesOf(r), summary: r.summary })),
        null,
        2,
      ) + '\n'
    );
  }
  const width = Math.max(...RULES.map((r) => r.name.length));
  return RULES.map((r) => `${r.code}  ${r.name.padEnd(width)}  ${r.severity.padEnd(11)}  ${r.practices.join(' ').padEnd(7)}  ${r.summary}`).join('\n') + '\n';
}

/** Runs the command line; returns the exit status. */
export async function main(argv: string[], out = (s: string) => void process.stdout.write(s), err = (s: string) => void process.stderr.write(s + '\n')): Promise<number> {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case undefined:
      case '--help':
      case '-h':
      case 'help':
        out(HELP);
        return command === undefined ? 2 : 0;
      case '--version':
      case '-V':
        out(VERSION + '\n');
        return 0;
      case 'check':
        if (rest.includes('--help') || rest.includes('-h')) {
          out(HELP);
          return 0;
        }
        return await check(parseCheck(rest), out, err);
      case 'rules':
        out(listRules(rest));
        return 0;
      case 'explain': {
        if (!rest[0]) throw new UsageError('explain needs a rule code or name, e.g. ml-hygiene explain MLH402');
        const rule = findRule(rest[0]);
        if (!rule) throw new UsageError(`no rule ${rest[0]}; \`ml-hygiene rules\` lists them`);
        out(renderRuleDoc(rule));
        return 0;
      }
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
