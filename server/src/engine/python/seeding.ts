// Whether a seed is set before a module's random draws run: in the module itself, in what it imports,
// or in the entry point that imports it. Answered from the project index (facts.callsByScope).
import { ProjectIndex } from '../project';
import { MODULE_SCOPE, PythonFacts } from './facts';

interface SeedState {
  scopes: Map<string, boolean>;
}
const STATES = new WeakMap<ProjectIndex, SeedState>();

function stateOf(project: ProjectIndex): SeedState {
  let state = STATES.get(project);
  if (!state) {
    state = { scopes: new Map() };
    STATES.set(project, state);
  }
  return state;
}

/** The project function a call reaches: [file, scope], when it is one of ours. */
function callTarget(project: ProjectIndex, path: string, facts: PythonFacts, scope: string, called: string): [string, string] | undefined {
  const own = (name: string): [string, string] | undefined =>
    facts.callsByScope[name] ? [path, name] : facts.callsByScope[`${name}.__init__`] ? [path, `${name}.__init__`] : undefined;
  if (called.startsWith('self.') && scope.includes('.')) return own(`${scope.split('.')[0]}.${called.slice(5)}`);
  const local = own(called);
  if (local) return local;
  // `.utils.set_seed` keeps its dots: the index resolves it from this file's package.
  const dots = /^\.*/.exec(called)![0];
  const parts = called.slice(dots.length).split('.');
  for (let i = parts.length - 1; i >= 1; i--) {
    const prefix = dots + parts.slice(0, i).join('.');
    const file = project.resolveModule(path, prefix);
    const target = file ? project.python(file) : undefined;
    if (!file || !target) continue;
    const rest = parts.slice(i).join('.');
    if (target.callsByScope[rest]) return [file, rest];
    if (target.callsByScope[`${rest}.__init__`]) return [file, `${rest}.__init__`];
    return undefined;
  }
  return undefined;
}

/** Whether running a scope sets a seed, itself or through the project functions it calls. */
function scopeSeeds(project: ProjectIndex, path: string, scope: string, state: SeedState, visiting = new Set<string>()): boolean {
  const key = `${path}\0${scope}`;
  const known = state.scopes.get(key);
  if (known !== undefined) return known;
  if (visiting.has(key)) return false;
  visiting.add(key);
  const facts = project.python(path);
  let seeds = false;
  if (facts) {
    seeds =
      facts.seedingScopes.includes(scope) ||
      (facts.callsByScope[scope] ?? []).some((called) => {
        const target = callTarget(project, path, facts, scope, called);
        return target !== undefined && scopeSeeds(project, target[0], target[1], state, visiting);
      });
  }
  visiting.delete(key);
  state.scopes.set(key, seeds);
  return seeds;
}

/** Whether running a file (as a script, a notebook or the caller of its functions) sets a seed: any of
 *  its scopes seeds, or a module it imports seeds at import time. */
function runSeeds(project: ProjectIndex, path: string, state: SeedState): boolean {
  const facts = project.python(path);
  if (!facts) return false;
  if (Object.keys(facts.callsByScope).some((scope) => scopeSeeds(project, path, scope, state))) return true;
  return project.importClosure(path).some((p) => p !== path && scopeSeeds(project, p, MODULE_SCOPE, state));
}

/** Every file that imports this one, directly or through other modules: the code that runs it. */
function transitiveImporters(project: ProjectIndex, path: string): string[] {
  const seen = new Set([path]);
  const queue = [path];
  while (queue.length) {
    for (const importer of project.importersOf(queue.shift()!)) {
      if (seen.has(importer)) continue;
      seen.add(importer);
      queue.push(importer);
    }
  }
  seen.delete(path);
  return [...seen];
}

/** Whether a seed is set in the module, in what it imports at import time, or in a file that imports
 *  it (directly or not): the entry point that runs its code. */
export function isSeeded(project: ProjectIndex, path: string): boolean {
  const state = stateOf(project);
  return runSeeds(project, path, state) || transitiveImporters(project, path).some((importer) => runSeeds(project, importer, state));
}

const LIGHTNING = /^(lightning|pytorch_lightning)(\.|$)/;

/** Whether the DataLoaders of a Lightning module are seeded by the project's
 *  \`seed_everything(seed, workers=True)\`: the Trainer that runs them (often built from a config,
 *  so no import leads there) seeds their order and their workers. */
export function lightningSeedsLoaders(project: ProjectIndex, path: string): boolean {
  if (!project.python(path)?.imports.some((m) => LIGHTNING.test(m))) return false;
  return project.pythonFiles().some(([, f]) => f.seedsLoaderWorkers);
}
