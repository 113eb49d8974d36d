import { enclosing, Node, PythonModule, stringValue } from './module';
import { fingerprint, FunctionFingerprint } from './fingerprint';
import { isSeedCall, seedsLoaderWorkers } from './randomness';
import { schemaClassesOf } from './schemas';
import { validatesData } from './validation';
import { makesTorchDeterministic } from './determinism';
import { filePaths } from './paths';
import { ConfigEscape, configReads } from './configReads';
import { isModelSaveCall, isTrainingCall } from './models';
import { ArtifactWrite, artifactWrites } from './artifacts';
import { testScoreFunctions } from './modelSelection';

/** Libraries whose import makes a module "ML code" (RULES.md). */
export const ML_LIBRARIES = [
  'sklearn',
  'torch',
  'tensorflow',
  'keras',
  'jax',
  'flax',
  'xgboost',
  'lightgbm',
  'catboost',
  'transformers',
  'statsmodels',
  'pytorch_lightning',
  'lightning',
  'sentence_transformers',
  'datasets',
  'timm',
  'optuna',
];

/** What one Python module (or notebook) tells the project index. Plain data: it crosses worker threads. */
export interface PythonFacts {
  /** Dotted module name from the path (`src/features/build.py` -> `src.features.build`). */
  module: string;
  /** Imported modules as written; relative ones keep their leading dots (the project index resolves
   *  them, see ProjectIndex.resolveModule). */
  imports: string[];
  /** Qualified names of the functions and methods it calls (`numpy.random.seed`, `mlflow.log_metric`, `set_seed`). */
  calls: string[];
  /** Functions defined at module level (and methods as `Class.method`). */
  functions: string[];
  /** Imports an ML library. */
  isML: boolean;
  /** Is a test module (test_*.py, *_test.py, under tests/). */
  isTest: boolean;
  /** String keys read through subscripts or `.get("key")`. */
  stringKeysRead: string[];
  /** Qualified calls made in each scope (see scopeKeyOf): who calls what, for questions that follow calls across files. */
  callsByScope: Record<string, string[]>;
  /** Scopes that set a random seed themselves (random.seed, torch.manual_seed, seed_everything ...). */
  seedingScopes: string[];
  /** Calls Lightning's seed_everything(..., workers=True), which seeds the workers of the Trainer's DataLoaders. */
  seedsLoaderWorkers: boolean;
  /** Module-level functions with a fingerprint of their body (the same function copied into two modules). */
  functionFingerprints: FunctionFingerprint[];
  /** Validates data: imports a validation library or checks a data frame with assert / raise.
   *  Gathered only for the rules that ask for it (RequestedFact). */
  validatesData?: boolean;
  /** Asks PyTorch for deterministic algorithms (use_deterministic_algorithms, cudnn.deterministic,
   *  ...). Gathered only for the rules that ask for it (RequestedFact). */
  torchDeterministic?: boolean;
  /** Files the code reads and writes, by the paths written in it (`data/train.csv`). */
  pathsRead: string[];
  pathsWritten: string[];
  /** Classes that are validation schemas (pydantic, marshmallow, pandera models). */
  schemaClasses: string[];
  /** Key names read by attribute, getattr / hasattr or `"key" in cfg` (see configReads). */
  configNamesRead: string[];
  /** Where a loaded config, or a part of it, leaves for code not followed here (`**cfg`, `Model(cfg.model)`). */
  configEscapes: ConfigEscape[];
  /** Trains a model (models.isTrainingCall): fit, a trainer's train, a backward pass. */
  trainsModel: boolean;
  /** Saves, logs or publishes a trained model (models.isModelSaveCall). */
  savesModel: boolean;
  /** Files it serializes (pickle, joblib, dill, torch.save, to_pickle), by path or by the constant or config key of the path. */
  artifactsWritten: ArtifactWrite[];
  /** Module-level functions that return several models' scores on a test set, with their (0-based)
   *  line. Gathered only for the rules that ask for it (RequestedFact). */
  testScoreFunctions?: { name: string; line: number }[];
}

/** The costly facts that only the rules naming them in their `facts` (rule.ts) read: a module's
 *  facts hold them only when one of those rules is selected (each costs a tenth or more of what the
 *  other facts cost together, for rules that are off unless asked for). */
export type RequestedFact = 'validatesData' | 'torchDeterministic' | 'testScoreFunctions';

/** Every requested fact: what a module's facts hold when no configuration says which rules run. */
export const EVERY_REQUESTED_FACT: ReadonlySet<RequestedFact> = new Set<RequestedFact>(['validatesData', 'torchDeterministic', 'testScoreFunctions']);

/** Module-level code (import-time code and the main guard) is the scope `<module>`. */
export const MODULE_SCOPE = '<module>';

/** The scope a node of the module runs in: `<module>`, a top-level function `name`, or a method
 *  `Class.name`. Nested functions count as part of the function that defines them. The outermost
 *  functions are found once and looked up by position, not by walking up from every node. */
const FUNCTION_DEFINITION = new Set(['function_definition']);

export function scopeKeyOf(module: PythonModule): (node: Node) => string {
  const outermost = module.nodes('function_definition').filter((def) => !enclosing(def, FUNCTION_DEFINITION));
  const keys = outermost.map(functionScopeKey);
  const ends = outermost.map((def) => def.endIndex);
  return (node) => {
    // The last outermost function starting at or before the node: the only one that can hold it.
    let low = 0;
    let high = outermost.length;
    while (low < high) {
      const mid = (low + high) >> 1;
      if (outermost[mid].startIndex <= node.startIndex) low = mid + 1;
      else high = mid;
    }
    const i = low - 1;
    return i >= 0 && node.endIndex <= ends[i] && node.id !== outermost[i].id ? keys[i] : MODULE_SCOPE;
  };
}

function functionScopeKey(def: Node): string {
  const name = def.childForFieldName('name')?.text ?? '';
  const holder = def.parent?.type === 'decorated_definition' ? def.parent : def;
  const owner = holder.parent?.type === 'block' ? holder.parent.parent : undefined;
  return owner?.type === 'class_definition' ? `${owner.childForFieldName('name')?.text}.${name}` : name;
}

export function moduleNameOf(path: string): string {
  return path
    .replace(/\.(py|ipynb)$/, '')
    .replace(/\/__init__$/, '')
    .split('/')
    .join('.');
}

/** Makes `.features` or `..utils.io` absolute, seen from `module` (a module, not a package). */
export function absoluteModule(imported: string, module: string, isPackage = false): string {
  const dots = /^\.*/.exec(imported)![0].length;
  if (dots === 0) return imported;
  const parts = module.split('.');
  const base = parts.slice(0, Math.max(0, parts.length - dots + (isPackage ? 1 : 0)));
  const rest = imported.slice(dots);
  return [...base, ...(rest ? [rest] : [])].join('.');
}

export function isTestPath(path: string): boolean {
  const file = path.split('/').pop() ?? '';
  return /^test_.*\.py$|_test\.py$|^conftest\.py$/.test(file) || /(^|\/)tests?\//.test(path);
}

/** Modules that may hold tests without pytest's naming: \`tests.py\`, \`test.py\`, \`model_tests.py\`. */
const MAYBE_TEST_FILE = /^tests?\.py$|_tests\.py$/;

/** Whether a module defines tests: \`test_*\` functions or a unittest \`TestCase\` class. */
function definesTests(module: PythonModule): boolean {
  const testFunction = module.nodes('function_definition').some((def) => def.childForFieldName('name')?.text.startsWith('test'));
  const testCase = module.nodes('class_definition').some((c) => /TestCase\b/.test(c.childForFieldName('superclasses')?.text ?? ''));
  return testFunction || testCase;
}

/** A test module: by pytest's naming and folders, or a \`tests.py\`-like file that defines tests. */
function isTestModule(module: PythonModule, path: string): boolean {
  return isTestPath(path) || (MAYBE_TEST_FILE.test(path.split('/').pop() ?? '') && definesTests(module));
}

/** Whether a module (not a test) trains a model: an estimator's fit, a trainer's train, a backward pass. */
export function trainsModel(facts: Pick<PythonFacts, 'isML' | 'isTest' | 'trainsModel'>): boolean {
  return facts.isML && !facts.isTest && facts.trainsModel;
}

/** Whether a module (not a test) saves or exports a trained model. */
export function savesModel(facts: Pick<PythonFacts, 'isML' | 'isTest' | 'savesModel'>): boolean {
  return facts.isML && !facts.isTest && facts.savesModel;
}

/** The facts a keystroke in an open document seldom needs: they cost the most to gather, and project
 *  rules and the rules of other files read them (see deferredPythonFacts). Each entry gathers its
 *  fields in one pass. */
const COSTLY_FACTS: CostlyFacts[] = [
  costly(['stringKeysRead'], (module) => ({ stringKeysRead: stringKeysRead(module) })),
  costly(['callsByScope', 'seedingScopes'], callsByScope),
  costly(['seedsLoaderWorkers'], (module) => ({ seedsLoaderWorkers: module.calls().some(seedsLoaderWorkers) })),
  costly(['functionFingerprints'], (module, quick) => ({ functionFingerprints: topLevelFunctions(module).map((def) => fingerprint(def, trainsModel(quick))) })),
  costly(['validatesData'], (module) => ({ validatesData: validatesData(module) })),
  costly(['torchDeterministic'], (module) => ({ torchDeterministic: makesTorchDeterministic(module) })),
  costly(['pathsRead', 'pathsWritten'], filePaths),
  costly(['schemaClasses'], (module) => ({ schemaClasses: schemaClassesOf(module) })),
  costly(['configNamesRead', 'configEscapes'], configReads),
  costly(['artifactsWritten'], (module) => ({ artifactsWritten: artifactWrites(module) })),
  costly(['testScoreFunctions'], (module) => ({ testScoreFunctions: testScoreFunctions(module) })),
];

interface CostlyFacts {
  fields: (keyof PythonFacts)[];
  gather: (module: PythonModule, quick: QuickFacts) => Partial<PythonFacts>;
}

/** An entry of COSTLY_FACTS, whose `gather` gives exactly its `fields`. */
function costly<K extends keyof PythonFacts>(fields: K[], gather: (module: PythonModule, quick: QuickFacts) => Pick<PythonFacts, K>): CostlyFacts {
  return { fields, gather };
}

function isRequestedFact(field: keyof PythonFacts): field is RequestedFact {
  return EVERY_REQUESTED_FACT.has(field as RequestedFact);
}

/** The entries of COSTLY_FACTS to gather: all but those of requested facts not `requested`. */
function costlyFacts(requested: ReadonlySet<RequestedFact>): CostlyFacts[] {
  return COSTLY_FACTS.filter(({ fields }) => fields.every((field) => !isRequestedFact(field) || requested.has(field)));
}

/** Every fact of a module (of the requested facts, those `requested`), gathered at once: what a
 *  scan, the command line and the cache keep. */
export function pythonFacts(module: PythonModule, path: string, requested: ReadonlySet<RequestedFact>): PythonFacts {
  const quick = quickFacts(module, path);
  // The costly facts are added to the quick ones' object, not to a copy by spread: V8 gives every
  // object a spread makes, and what is added to it, maps of its own, and rules would read them slowly.
  const facts: Partial<PythonFacts> = quick;
  for (const { gather } of costlyFacts(requested)) Object.assign(facts, gather(module, quick));
  return facts as PythonFacts;
}

/** The facts of an open document's module: the quick ones at once, each costly one (COSTLY_FACTS)
 *  on its first read, which must come while `current()` says the module is the document's parse (a
 *  later edit changes its tree): a read after that throws. */
export function deferredPythonFacts(module: PythonModule, path: string, requested: ReadonlySet<RequestedFact>, current: () => boolean): PythonFacts {
  const quick = quickFacts(module, path);
  const facts: Partial<PythonFacts> = { ...quick };
  for (const { fields, gather } of costlyFacts(requested)) {
    const read = (field: keyof PythonFacts) => {
      if (!current()) throw new Error(`the facts of ${path} were read after its text changed`);
      const gathered = gather(module, quick);
      for (const f of fields) Object.defineProperty(facts, f, { value: gathered[f], enumerable: true, writable: true, configurable: true });
      return gathered[field];
    };
    for (const field of fields) Object.defineProperty(facts, field, { get: () => read(field), enumerable: true, configurable: true });
  }
  return facts as PythonFacts;
}

/** Whether some costly fact of deferredPythonFacts is still to be gathered. */
export function hasDeferredFacts(facts: PythonFacts): boolean {
  return COSTLY_FACTS.some(({ fields }) => Object.getOwnPropertyDescriptor(facts, fields[0])?.get !== undefined);
}

/** Gathers the costly facts of deferredPythonFacts not read so far. */
export function gatherDeferredFacts(facts: PythonFacts): void {
  for (const { fields } of COSTLY_FACTS) void facts[fields[0]];
}

type QuickFacts = ReturnType<typeof quickFacts>;

/** The facts every keystroke's analysis reads: a file's role and the context of its statement-local
 *  rules come from these. */
function quickFacts(module: PythonModule, path: string) {
  const calls = new Set<string>();
  for (const call of module.calls()) if (call.qualified) calls.add(call.qualified);
  const functions: string[] = [];
  for (const def of module.nodes('function_definition')) {
    const fn = def.childForFieldName('name')?.text;
    if (!fn) continue;
    const owner = def.parent?.parent;
    if (isTopLevel(def)) functions.push(fn);
    else if (owner?.type === 'class_definition') functions.push(`${owner.childForFieldName('name')?.text}.${fn}`);
  }
  return {
    module: moduleNameOf(path),
    imports: [...module.importedModules],
    calls: [...calls],
    functions,
    isML: ML_LIBRARIES.some((lib) => module.importsPackage(lib)),
    isTest: isTestModule(module, path),
    trainsModel: module.calls().some(isTrainingCall),
    savesModel: module.calls().some(isModelSaveCall),
  };
}

function isTopLevel(def: Node): boolean {
  return def.parent?.type === 'module' || (def.parent?.type === 'decorated_definition' && def.parent.parent?.type === 'module');
}

function topLevelFunctions(module: PythonModule): Node[] {
  return module.nodes('function_definition').filter((def) => isTopLevel(def) && def.childForFieldName('name')?.text);
}

function callsByScope(module: PythonModule): Pick<PythonFacts, 'callsByScope' | 'seedingScopes'> {
  const scopeCalls = new Map<string, Set<string>>();
  const seedingScopes = new Set<string>();
  const scopeKey = scopeKeyOf(module);
  for (const def of module.nodes('function_definition')) {
    const scope = scopeKey(def.childForFieldName('body') ?? def);
    if (!scopeCalls.has(scope)) scopeCalls.set(scope, new Set());
  }
  scopeCalls.set(MODULE_SCOPE, scopeCalls.get(MODULE_SCOPE) ?? new Set());
  for (const call of module.calls()) {
    const scope = scopeKey(call.node);
    if (call.qualified) scopeCalls.get(scope)?.add(call.qualified);
    if (isSeedCall(call)) seedingScopes.add(scope);
  }
  return { callsByScope: Object.fromEntries([...scopeCalls].map(([scope, called]) => [scope, [...called]])), seedingScopes: [...seedingScopes] };
}

function stringKeysRead(module: PythonModule): string[] {
  const keys = new Set<string>();
  for (const sub of module.nodes('subscript')) {
    const key = stringValue(sub.childForFieldName('subscript'));
    if (key !== undefined) keys.add(key);
  }
  for (const call of module.calls()) {
    if (call.method === 'get' && call.receiver) {
      const key = stringValue(call.positional[0]);
      if (key !== undefined) keys.add(key);
    }
  }
  return [...keys];
}
