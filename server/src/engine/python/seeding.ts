// Whether a seed is set before a module's random draws run: in the module itself, in what it imports,
// or in the entry point that imports it. Answered from the project index (facts.callsByScope).
import { ProjectIndex } from '../project';
import { MODULE_SCOPE, PythonFacts } from './facts';
import { enclosingFunction, Node, PythonModule } from './module';
import { callTarget } from './projectCalls';
import { isSeedCall } from './randomness';

interface SeedState {
  scopes: Map<string, boolean>;
  /** Per file, runSeeds and seededAround: every draw of a file asks, and each answer walks the
   *  file's imports and importers. */
  runs: Map<string, boolean>;
  around: Map<string, boolean>;
  /** Per file, the project modules it imports directly, resolved once. */
  imports: Map<string, string[]>;
  /** Per module, where its first top-level seed is set (see firstTopLevelSeed). */
  firstSeeds: WeakMap<PythonModule, number>;
}
const STATES = new WeakMap<ProjectIndex, SeedState>();

function stateOf(project: ProjectIndex): SeedState {
  let state = STATES.get(project);
  if (!state) {
    state = { scopes: new Map(), runs: new Map(), around: new Map(), imports: new Map(), firstSeeds: new WeakMap() };
    STATES.set(project, state);
  }
  return state;
}

/** The file and every project module it imports, transitively, in the order the project index
 *  lists them (breadth first: a set visits what is added to it while it is walked). */
function importClosure(project: ProjectIndex, path: string, state: SeedState): string[] {
  const seen = new Set([path]);
  for (const file of seen) for (const next of importsOf(project, file, state)) seen.add(next);
  return [...seen];
}

function importsOf(project: ProjectIndex, path: string, state: SeedState): string[] {
  let imports = state.imports.get(path);
  if (!imports) state.imports.set(path, (imports = project.importsOf(path)));
  return imports;
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
  let seeds = state.runs.get(path);
  if (seeds === undefined) {
    const facts = project.python(path);
    seeds =
      !!facts &&
      (Object.keys(facts.callsByScope).some((scope) => scopeSeeds(project, path, scope, state)) ||
        importClosure(project, path, state).some((p) => p !== path && scopeSeeds(project, p, MODULE_SCOPE, state)));
    state.runs.set(path, seeds);
  }
  return seeds;
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

/** Whether a module imported by this one seeds at import time, or a file that imports it (directly
 *  or not) seeds: the entry point that runs its code. */
function seededAround(project: ProjectIndex, path: string, state: SeedState): boolean {
  let seeded = state.around.get(path);
  if (seeded === undefined) {
    seeded =
      importClosure(project, path, state).some((p) => p !== path && scopeSeeds(project, p, MODULE_SCOPE, state)) ||
      transitiveImporters(project, path).some((importer) => runSeeds(project, importer, state));
    state.around.set(path, seeded);
  }
  return seeded;
}

/** Whether a seed is set before a random draw runs. A draw in a function runs when the function is
 *  called, in an order that is not followed here: any seed in the module counts. A draw in top-level
 *  code (a script's body, a notebook's cells) runs in the order written: only top-level code before
 *  it (before `at`, where it draws: randomness.drawOffset) counts (a seed call, or a call of a function that seeds), so a seed set in a later cell does
 *  not cover an earlier draw. Seeds at import time of imported modules, and in the entry points that
 *  import this module, count for both. */
export function isSeededBefore(project: ProjectIndex, path: string, module: PythonModule, draw: Node, at = draw.startIndex): boolean {
  const state = stateOf(project);
  const facts = project.python(path);
  if (!facts) return false;
  if (enclosingFunction(draw)) return runSeeds(project, path, state) || seededAround(project, path, state);
  return firstTopLevelSeed(project, path, facts, module, state) < at || seededAround(project, path, state);
}

/** The offset of the first top-level call that seeds (a seed call, or a call of a function that
 *  seeds); Infinity when none does. Found once per module: every draw asks. */
function firstTopLevelSeed(project: ProjectIndex, path: string, facts: PythonFacts, module: PythonModule, state: SeedState): number {
  let first = state.firstSeeds.get(module);
  if (first !== undefined) return first;
  const seeding = module.calls().find((call) => {
    if (enclosingFunction(call.node)) return false;
    if (isSeedCall(call)) return true;
    const target = callTarget(project, path, facts, MODULE_SCOPE, call.qualified);
    return target !== undefined && scopeSeeds(project, target[0], target[1], state);
  });
  first = seeding?.node.startIndex ?? Infinity;
  state.firstSeeds.set(module, first);
  return first;
}

const LIGHTNING = /^(lightning|pytorch_lightning)(\.|$)/;

/** Whether the DataLoaders of a Lightning module are seeded by the project's
 *  \`seed_everything(seed, workers=True)\`: the Trainer that runs them (often built from a config,
 *  so no import leads there) seeds their order and their workers. */
export function lightningSeedsLoaders(project: ProjectIndex, path: string): boolean {
  if (!project.python(path)?.imports.some((m) => LIGHTNING.test(m))) return false;
  return project.pythonFiles().some(([, f]) => f.seedsLoaderWorkers);
}
