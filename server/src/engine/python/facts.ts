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
  /** Has `if __name__ == "__main__":`. */
  hasMainGuard: boolean;
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
  /** Validates data: imports a validation library or checks a data frame with assert / raise. */
  validatesData: boolean;
  /** Asks PyTorch for deterministic algorithms (use_deterministic_algorithms, cudnn.deterministic, ...). */
  torchDeterministic: boolean;
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
  /** Module-level functions that return several models' scores on a test set, with their (0-based) line. */
  testScoreFunctions: { name: string; line: number }[];
}

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

export function pythonFacts(module: PythonModule, path: string): PythonFacts {
  const name = moduleNameOf(path);
  const imports = [...module.importedModules];
  const calls = new Set<string>();
  for (const call of module.calls()) if (call.qualified) calls.add(call.qualified);
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
  const functions: string[] = [];
  const functionFingerprints: FunctionFingerprint[] = [];
  for (const def of module.nodes('function_definition')) {
    const fn = def.childForFieldName('name')?.text;
    if (!fn) continue;
    const owner = def.parent?.parent;
    if (def.parent?.type === 'module' || (def.parent?.type === 'decorated_definition' && def.parent.parent?.type === 'module')) {
      functions.push(fn);
      functionFingerprints.push(fingerprint(def));
    } else if (owner?.type === 'class_definition') {
      functions.push(`${owner.childForFieldName('name')?.text}.${fn}`);
    }
  }
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
  const hasMainGuard = module
    .nodes('if_statement')
    .some((s) => /^__name__\s*==\s*['"]__main__['"]$/.test(s.childForFieldName('condition')?.text ?? ''));
  return {
    module: name,
    imports,
    calls: [...calls],
    functions,
    isML: ML_LIBRARIES.some((lib) => module.importsPackage(lib)),
    isTest: isTestModule(module, path),
    hasMainGuard,
    stringKeysRead: [...keys],
    callsByScope: Object.fromEntries([...scopeCalls].map(([scope, called]) => [scope, [...called]])),
    seedingScopes: [...seedingScopes],
    seedsLoaderWorkers: module.calls().some(seedsLoaderWorkers),
    functionFingerprints,
    validatesData: validatesData(module),
    torchDeterministic: makesTorchDeterministic(module),
    ...filePaths(module),
    schemaClasses: schemaClassesOf(module),
    ...configReads(module),
    trainsModel: module.calls().some(isTrainingCall),
    savesModel: module.calls().some(isModelSaveCall),
    artifactsWritten: artifactWrites(module),
    testScoreFunctions: testScoreFunctions(module),
  };
}
