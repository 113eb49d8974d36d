import Ajv, { ValidateFunction } from 'ajv';
import picomatch from 'picomatch';
import { parse as parseToml } from 'smol-toml';
import { parse as parseYamlValue } from 'yaml';
import schema from '../../../schemas/ml-hygiene.schema.json';
import type { Role } from './roles';
import { Severity } from './types';
import { MAX_YAML_DEPTH, mayNestTooDeep } from './yaml';

export const THRESHOLD_DEFAULTS = {
  maxFileSizeMB: 5,
  dataFileSizeMB: 1,
  maxNotebookCells: 50,
  maxCellLines: 30,
};
export type Thresholds = typeof THRESHOLD_DEFAULTS;

export interface Config {
  /** Codes or prefixes to run; undefined runs the default set (every rule that is not opt-in). */
  select?: string[];
  /** Codes or prefixes to run on top of `select` (or of the default set). */
  extendSelect: string[];
  ignore: string[];
  /** Codes or prefixes disabled in the files a glob matches. */
  perFileIgnores: Record<string, string[]>;
  severity: Record<string, Severity | 'off'>;
  exclude: string[];
  /** Project root folders or globs, replacing the detection by marker files (projects.ts). */
  roots?: string[];
  /** Role overrides: glob -> role, the first match wins (roles.ts). */
  roles: Record<string, Role>;
  thresholds: Thresholds;
  /** The file the configuration came from, relative to the root; undefined for defaults. */
  source?: string;
}

export const DEFAULT_CONFIG: Config = {
  extendSelect: [],
  ignore: [],
  perFileIgnores: {},
  severity: {},
  exclude: [],
  roles: {},
  thresholds: { ...THRESHOLD_DEFAULTS },
};

export class ConfigError extends Error {
  constructor(
    readonly file: string,
    readonly problems: string[],
  ) {
    super(`${file}: invalid ML Hygiene configuration:\n  ${problems.join('\n  ')}`);
  }
}

/** The schema of the configuration, compiled when a configuration file is first read (most projects
 *  have none; compiling costs tens of ms at every start). */
let validateConfig: ValidateFunction | undefined;

type RawConfig = Partial<Omit<Config, 'thresholds' | 'source'>> & { thresholds?: Partial<Thresholds> };

/** Builds the configuration from the texts of the config files that exist (the first one found wins).
 *  Throws ConfigError with every problem when the file is invalid. */
export function loadConfig(files: { mlHygieneYaml?: string; pyprojectToml?: string }): Config {
  let raw: unknown;
  let source: string | undefined;
  if (files.mlHygieneYaml !== undefined) {
    source = '.ml-hygiene.yaml';
    if (mayNestTooDeep(files.mlHygieneYaml)) throw new ConfigError(source, [`nested more than ${MAX_YAML_DEPTH} levels deep`]);
    try {
      raw = parseYamlValue(files.mlHygieneYaml) ?? {};
    } catch (e) {
      throw new ConfigError(source, [`YAML does not parse: ${(e as Error).message.split('\n')[0]}`]);
    }
  } else if (files.pyprojectToml !== undefined) {
    let toml: Record<string, unknown>;
    try {
      toml = parseToml(files.pyprojectToml) as Record<string, unknown>;
    } catch (e) {
      throw new ConfigError('pyproject.toml', [`TOML does not parse: ${(e as Error).message.split('\n')[0]}`]);
    }
    const tool = toml.tool as Record<string, unknown> | undefined;
    if (tool && tool['ml-hygiene'] !== undefined) {
      source = 'pyproject.toml';
      raw = tool['ml-hygiene'];
    }
  }
  if (source === undefined) return { ...DEFAULT_CONFIG, perFileIgnores: {}, roles: {}, thresholds: { ...THRESHOLD_DEFAULTS } };
  const validate = (validateConfig ??= new Ajv({ allErrors: true }).compile(schema));
  if (!validate(raw)) {
    // A bad key under `severity` gives two errors (its pattern, then propertyNames); the first names the key.
    const problems = (validate.errors ?? []).filter((e) => e.keyword !== 'propertyNames').map((e) => {
      // A JSON pointer: `/roles/homework~1**` names the setting `roles.homework/**`.
      const where = e.instancePath ? e.instancePath.slice(1).split('/').map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~')).join('.') : '(top level)';
      if (e.propertyName !== undefined) return `${where}: '${e.propertyName}' is not a rule code (MLH and three digits)`;
      const extra = e.params && 'additionalProperty' in e.params ? ` '${String(e.params.additionalProperty)}'` : '';
      const allowed = e.params && 'allowedValues' in e.params ? `: ${(e.params.allowedValues as string[]).join(', ')}` : '';
      return `${where}: ${e.message}${extra}${allowed}`;
    });
    throw new ConfigError(source, problems);
  }
  return mergeConfig(DEFAULT_CONFIG, raw as RawConfig, source);
}

export function mergeConfig(base: Config, raw: RawConfig, source?: string): Config {
  const select = raw.select ?? base.select;
  return {
    ...(select && { select }),
    extendSelect: [...base.extendSelect, ...(raw.extendSelect ?? [])],
    ignore: [...base.ignore, ...(raw.ignore ?? [])],
    perFileIgnores: { ...base.perFileIgnores, ...(raw.perFileIgnores ?? {}) },
    severity: { ...base.severity, ...(raw.severity ?? {}) },
    exclude: [...base.exclude, ...(raw.exclude ?? [])],
    ...((raw.roots ?? base.roots) && { roots: raw.roots ?? base.roots }),
    roles: { ...base.roles, ...(raw.roles ?? {}) },
    thresholds: { ...base.thresholds, ...(raw.thresholds ?? {}) },
    source: source ?? base.source,
  };
}

function matchesAny(code: string, prefixes: string[]): boolean {
  return prefixes.some((p) => code.startsWith(p));
}

/** What the configuration needs to know of a rule to decide whether it runs. */
export interface RuleSelection {
  code: string;
  /** Not in the default set: runs only when `select` or `extendSelect` names it (or a prefix of it). */
  optIn?: boolean;
}

function isSelected(config: Config, rule: RuleSelection): boolean {
  if (matchesAny(rule.code, config.extendSelect)) return true;
  // As in ruff, an explicit selection replaces the default set, and a prefix selects every rule under it.
  return config.select ? matchesAny(rule.code, config.select) : !rule.optIn;
}

/** The severity a rule's finding gets under this configuration, or undefined when the rule is off. */
export function effectiveSeverity(config: Config, rule: RuleSelection, reported: Severity): Severity | undefined {
  if (!isSelected(config, rule) || matchesAny(rule.code, config.ignore)) return undefined;
  const configured = config.severity[rule.code];
  if (configured === 'off') return undefined;
  return configured ?? reported;
}

const perFileMatchers = new WeakMap<Record<string, string[]>, { matches: (path: string) => boolean; codes: string[] }[]>();

/** Whether `perFileIgnores` disables a rule in a file (a path relative to the repository root). */
export function ignoredInFile(config: Config, code: string, path: string): boolean {
  let matchers = perFileMatchers.get(config.perFileIgnores);
  if (!matchers) {
    matchers = Object.entries(config.perFileIgnores).map(([glob, codes]) => ({ matches: picomatch(glob, { dot: true, basename: !glob.includes('/') }), codes }));
    perFileMatchers.set(config.perFileIgnores, matchers);
  }
  return matchers.some((m) => matchesAny(code, m.codes) && m.matches(path));
}

export function isRuleEnabled(config: Config, rule: RuleSelection): boolean {
  return effectiveSeverity(config, rule, 'information') !== undefined;
}
