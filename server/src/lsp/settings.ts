// The user's settings (section `mlHygiene`), on top of the project's configuration. Values come from
// the editor and are checked like any other input.
import { Config, mergeConfig } from '../engine/config';
import { Severity } from '../engine/types';

/** When open documents are analysed: as they change, or when opened and saved. */
export type RunMode = 'onType' | 'onSave';
/** What the server writes to the client's log, from least to most. */
export const LOG_LEVELS = ['error', 'warning', 'info', 'debug'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export interface UserSettings {
  enable: boolean;
  run: RunMode;
  logLevel: LogLevel;
  /** Rules to run on top of the project's selection (opt-in rules). */
  extendSelect: string[];
  ignore: string[];
  severity: Record<string, Severity | 'off'>;
  /** Whether the workspace scan keeps each file's results in the folder's cache, as the command
   *  line does, and reuses those of unchanged files. */
  cache: boolean;
}

export const DEFAULT_SETTINGS: UserSettings = { enable: true, run: 'onType', logLevel: 'info', extendSelect: [], ignore: [], severity: {}, cache: true };

const CODE_OR_PREFIX = /^MLH\d{0,3}$/;
const RULE_CODE = /^MLH\d{3}$/;
const LEVELS = new Set(['error', 'warning', 'information', 'off']);

/** Reads the `mlHygiene` section as the editor sent it; anything malformed is left out. */
export function parseSettings(raw: unknown): UserSettings {
  if (!raw || typeof raw !== 'object') return DEFAULT_SETTINGS;
  const section = raw as Record<string, unknown>;
  const codes = (value: unknown) =>
    Array.isArray(value) ? value.filter((c): c is string => typeof c === 'string').map((c) => c.trim().toUpperCase()).filter((c) => CODE_OR_PREFIX.test(c)) : [];
  const severity: UserSettings['severity'] = {};
  if (section.severity && typeof section.severity === 'object' && !Array.isArray(section.severity)) {
    for (const [code, level] of Object.entries(section.severity as Record<string, unknown>)) {
      const upper = code.trim().toUpperCase();
      if (RULE_CODE.test(upper) && typeof level === 'string' && LEVELS.has(level)) severity[upper] = level as Severity | 'off';
    }
  }
  return {
    enable: section.enable !== false,
    run: section.run === 'onSave' ? 'onSave' : 'onType',
    logLevel: LOG_LEVELS.find((level) => level === section.logLevel) ?? DEFAULT_SETTINGS.logLevel,
    extendSelect: codes(section.extendSelect),
    ignore: codes(section.ignore),
    severity,
    cache: section.cache !== false,
  };
}

/** The configuration the analysis uses: the project's, with the user's choices on top. */
export function effectiveConfig(project: Config, settings: UserSettings): Config {
  return mergeConfig(project, { extendSelect: settings.extendSelect, ignore: settings.ignore, severity: settings.severity });
}
