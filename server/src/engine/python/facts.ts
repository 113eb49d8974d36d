import { PythonModule, stringValue } from './module';

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
  /** Imported modules, relative imports made absolute. */
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

export function pythonFacts(module: PythonModule, path: string): PythonFacts {
  const name = moduleNameOf(path);
  const isPackage = /__init__\.py$/.test(path);
  const imports = [...module.importedModules].map((m) => absoluteModule(m, name, isPackage));
  const calls = new Set<string>();
  for (const call of module.calls()) if (call.qualified) calls.add(call.qualified);
  const functions: string[] = [];
  for (const def of module.nodes('function_definition')) {
    const fn = def.childForFieldName('name')?.text;
    if (!fn) continue;
    const owner = def.parent?.parent;
    if (def.parent?.type === 'module' || (def.parent?.type === 'decorated_definition' && def.parent.parent?.type === 'module')) {
      functions.push(fn);
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
    isTest: isTestPath(path),
    hasMainGuard,
    stringKeysRead: [...keys],
  };
}
