// Which keys of the project's ML config files the project reads (MLH605): by name in the code
// (subscripts, .get, attributes, getattr), through dvc.yaml `params:`, through `${...}`
// interpolations, and which parts are used whole, so that their keys cannot be judged one by one.
import { isCiFile } from './ci';
import { ProjectIndex } from './project';
import { PythonFacts } from './python/facts';
import { samePath } from './python/paths';
import { folderPrefix } from './folders';
import { yamlValue } from './yaml';

const CONFIG_FOLDER = /(^|\/)(conf|configs|config)\//;

/** An ML config file by its path: params.yaml, config*.yaml, or YAML under conf/ configs/ config/. */
export function isMlConfigFile(path: string): boolean {
  const name = path.slice(path.lastIndexOf('/') + 1);
  if (!/\.ya?ml$/i.test(name) || isCiFile(path) || /^dvc\.ya?ml$|^\.ml-hygiene\.ya?ml$/.test(name)) return false;
  return /^params\.ya?ml$/.test(name) || /^config[\w.-]*\.ya?ml$/i.test(name) || CONFIG_FOLDER.test(path);
}

/** For a file in a Hydra config folder, the config group its keys sit under (`conf/model/xgb.yaml`
 *  is read as `cfg.model.*`). */
export function configGroupOf(path: string): string[] {
  const m = /(?:^|\/)(?:conf|configs|config)\/(.+)\/[^/]+$/.exec(path);
  return m ? m[1].split('/') : [];
}

export interface ConfigUsage {
  /** Key names read somewhere. */
  read: Set<string>;
  /** Key names whose whole value is used (splatted, passed to a library, iterated ...). */
  whole: Set<string>;
  /** Config files used whole (a dvc.yaml params entry without keys). */
  wholeFiles: Set<string>;
  /** Modules through which the code loads `path`, and whether a loaded config escapes whole
   *  from a module that may have loaded it. */
  loaders(path: string): { modules: string[]; escapesWhole: boolean };
}


/** Names a `${train.lr}` interpolation or a dvc.yaml params entry (`train.lr`) reads. */
function addKeyPath(usage: ConfigUsage, keyPath: string): void {
  const parts = keyPath.split(/[.:[\]\s]+/).filter(Boolean);
  for (const part of parts) usage.read.add(part);
  if (parts.length) usage.whole.add(parts[parts.length - 1]);
}

function dvcParams(usage: ConfigUsage, dvcPath: string, text: string): void {
  const data = yamlValue(text);
  if (data === undefined) return;
  const folder = folderPrefix(dvcPath);
  const entries = (list: unknown) => {
    if (!Array.isArray(list)) return;
    for (const item of list) {
      if (typeof item === 'string') addKeyPath(usage, item);
      else if (item && typeof item === 'object') {
        for (const [file, keys] of Object.entries(item as Record<string, unknown>)) {
          if (Array.isArray(keys) && keys.length) for (const k of keys) addKeyPath(usage, String(k));
          else usage.wholeFiles.add(folder + file);
        }
      }
    }
  };
  const root = data as { stages?: Record<string, unknown>; params?: unknown } | undefined;
  for (const file of Array.isArray(root?.params) ? root!.params : []) if (typeof file === 'string') usage.wholeFiles.add(folder + file);
  for (const stage of Object.values(root?.stages ?? {})) {
    const s = stage as { params?: unknown; do?: { params?: unknown } } | undefined;
    entries(s?.params);
    entries(s?.do?.params);
  }
}

const HYDRA_ENTRY = /^hydra\.(main|compose|initialize\w*)$/;

/** Each index's usage, made once (as other answers about a whole project are): MLH605 asks for it
 *  at each config file, and made anew each time, it went over every module's facts once per config
 *  file. (A pre-index answers only once every file's facts are there.) */
const usageByIndex = new WeakMap<ProjectIndex, ConfigUsage>();

/** The keys a project's code reads of its config files. */
export function configUsage(project: ProjectIndex): ConfigUsage {
  let usage = usageByIndex.get(project);
  if (!usage) usageByIndex.set(project, (usage = usageIn(project)));
  return usage;
}

function usageIn(project: ProjectIndex): ConfigUsage {
  const modules = project.pythonFiles();
  const projectFunctions = new Set(modules.flatMap(([, f]) => f.functions.map((fn) => fn.slice(fn.lastIndexOf('.') + 1))));
  // A value passed to a function of the project is followed there (its parameter's reads count).
  const leaves = (callee: string | undefined) => callee === undefined || !projectFunctions.has(callee.slice(callee.lastIndexOf('.') + 1));
  const usage: ConfigUsage = {
    read: new Set(),
    whole: new Set(),
    wholeFiles: new Set(),
    loaders: (path) => loadersOf(modules, path, leaves),
  };
  for (const [, facts] of modules) {
    for (const key of [...facts.stringKeysRead, ...facts.configNamesRead]) usage.read.add(key);
    for (const e of facts.configEscapes) if (e.key !== undefined && leaves(e.callee)) usage.whole.add(e.key);
  }
  for (const [path, text] of project.documents) {
    if (!/\.ya?ml$/i.test(path)) continue;
    for (const m of text.matchAll(/\$\{([^}]+)\}/g)) addKeyPath(usage, m[1]);
    if (/(^|\/)dvc\.ya?ml$/.test(path)) dvcParams(usage, path, text);
  }
  return usage;
}

function loadersOf(modules: [string, PythonFacts][], path: string, leaves: (callee?: string) => boolean) {
  const isHydraConfig = CONFIG_FOLDER.test(path);
  const byPath = modules.filter(([, f]) => f.pathsRead.some((p) => samePath(p, path)));
  const hydra = isHydraConfig ? modules.filter(([, f]) => f.calls.some((c) => HYDRA_ENTRY.test(c))) : [];
  const paramsShow = /(^|\/)params\.ya?ml$/.test(path) ? modules.filter(([, f]) => f.calls.includes('dvc.api.params_show')) : [];
  const loading = [...new Set([...byPath, ...hydra, ...paramsShow].map(([p]) => p))];
  // A whole config escaping from a module counts unless that module demonstrably loads other config files only.
  const escapesWhole = modules.some(
    ([, f]) =>
      f.configEscapes.some((e) => e.key === undefined && leaves(e.callee)) &&
      (f.pathsRead.some((p) => samePath(p, path)) || !f.pathsRead.some((p) => isMlConfigFile(p))),
  );
  return { modules: loading, escapesWhole };
}
