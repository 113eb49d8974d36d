// Random number generation in ML code: which calls draw from a generator nobody seeded, which calls
// set a seed. Whether the code that runs a module seeds first is answered in seeding.ts.
import { Call, enclosingFunction, Node, PythonModule, scopeOf } from './module';
import { usesOf } from './valueUses';
import { isTrueLiteral } from './values';
import { lastName } from './structure';

/** NumPy's legacy global-state API (numpy.random.<name>), as listed in the NumPy reference. */
export const NUMPY_GLOBAL_RANDOM = new Set([
  'beta', 'binomial', 'bytes', 'chisquare', 'choice', 'dirichlet', 'exponential', 'f', 'gamma', 'geometric',
  'get_state', 'gumbel', 'hypergeometric', 'laplace', 'logistic', 'lognormal', 'logseries', 'multinomial',
  'multivariate_normal', 'negative_binomial', 'noncentral_chisquare', 'noncentral_f', 'normal', 'pareto',
  'permutation', 'poisson', 'power', 'rand', 'randint', 'randn', 'random', 'random_integers', 'random_sample',
  'ranf', 'rayleigh', 'sample', 'seed', 'set_state', 'shuffle', 'standard_cauchy', 'standard_exponential',
  'standard_gamma', 'standard_normal', 'standard_t', 'triangular', 'uniform', 'vonmises', 'wald', 'weibull', 'zipf',
]);

/** The legacy NumPy function a call uses (`rand` for `np.random.rand(3)`), if it is one. */
export function numpyGlobalRandom(call: Call): string | undefined {
  if (!call.imported || !call.qualified.startsWith('numpy.random.')) return undefined;
  const name = call.qualified.slice('numpy.random.'.length);
  return NUMPY_GLOBAL_RANDOM.has(name) ? name : undefined;
}

const NUMPY_STATE = new Set(['seed', 'get_state', 'set_state']);
const STDLIB_DRAWS = new Set([
  'random', 'randint', 'randrange', 'choice', 'choices', 'sample', 'shuffle', 'uniform', 'gauss', 'normalvariate',
  'lognormvariate', 'triangular', 'betavariate', 'expovariate', 'gammavariate', 'getrandbits',
]);
const TORCH_DRAWS = new Set([
  'rand', 'randn', 'randint', 'randperm', 'rand_like', 'randn_like', 'randint_like', 'normal', 'bernoulli', 'multinomial', 'poisson',
]);
const TF_DRAWS = new Set(['normal', 'uniform', 'shuffle', 'categorical', 'truncated_normal', 'gamma', 'poisson']);
const DATA_LOADERS = new Set(['torch.utils.data.DataLoader', 'torch.utils.data.dataloader.DataLoader']);
const UNSEEDED_GENERATORS = new Set(['numpy.random.default_rng', 'numpy.random.RandomState', 'random.Random']);

export function isTorchDataLoader(call: Call): boolean {
  return call.imported && DATA_LOADERS.has(call.qualified);
}

function hasSeedArgument(call: Call): boolean {
  const seed = call.positional[0] ?? call.keywords.get('seed');
  return seed !== undefined && seed.type !== 'none';
}

export interface UnseededDraw {
  /** What the call draws with, as written (`torch.randperm`, `DataLoader(shuffle=True)`). */
  what: string;
  /** The draw decides which data is used or in which order (a shuffle, a split, a sample), rather
   *  than producing random values (noise, initial weights, example inputs). */
  samplesData: boolean;
  /** The call builds an unseeded generator (`random.Random()`): it draws only if the generator is used. */
  buildsGenerator: boolean;
}

const SAMPLING_NAMES = new Set(['shuffle', 'choice', 'choices', 'sample', 'permutation', 'randperm', 'random_split', 'RandomSampler']);

/** What a call draws from an unseeded generator, or undefined when it draws nothing or brings its own
 *  seed / generator. */
export function unseededDraw(call: Call): UnseededDraw | undefined {
  if (!call.imported || call.hasSplat) return undefined;
  const q = call.qualified;
  const dot = q.lastIndexOf('.');
  const owner = q.slice(0, dot);
  const name = q.slice(dot + 1);
  const draw = (what: string, samplesData = SAMPLING_NAMES.has(name)) => ({ what, samplesData, buildsGenerator: false });
  if (owner === 'random' && STDLIB_DRAWS.has(name)) return draw(call.callee);
  if (owner === 'numpy.random' && NUMPY_GLOBAL_RANDOM.has(name) && !NUMPY_STATE.has(name)) return draw(call.callee);
  if (UNSEEDED_GENERATORS.has(q) && !hasSeedArgument(call)) return { ...draw(`${call.callee}() without a seed`, true), buildsGenerator: true };
  if (owner === 'torch' && TORCH_DRAWS.has(name) && !call.keywords.has('generator')) return draw(call.callee);
  if ((q === 'torch.utils.data.random_split' || q === 'torch.utils.data.RandomSampler') && !call.keywords.has('generator')) return draw(call.callee);
  if (isTorchDataLoader(call) && isTrueLiteral(call.keywords.get('shuffle')) && !call.keywords.has('generator')) {
    return draw(`${call.callee}(shuffle=True)`, true);
  }
  if (owner === 'tensorflow.random' && TF_DRAWS.has(name) && !call.keywords.has('seed')) return draw(call.callee);
  return undefined;
}

const EXACT_SEEDS = new Set([
  'random.seed',
  'numpy.random.seed',
  'torch.manual_seed',
  'torch.random.manual_seed',
  'torch.cuda.manual_seed',
  'torch.cuda.manual_seed_all',
  'tensorflow.random.set_seed',
  'tensorflow.set_random_seed',
  'tensorflow.compat.v1.set_random_seed',
]);
/** Seeding helpers of Lightning, transformers, accelerate, Keras, MMEngine, fastai and the usual
 *  project-made ones, recognised by name when they cannot be resolved. */
const SEED_FUNCTION_NAMES = new Set([
  'seed_everything', 'set_seed', 'set_seeds', 'set_random_seed', 'set_global_seed', 'set_global_seeds', 'seed_all',
  'set_all_seeds', 'fix_seed', 'fix_seeds', 'fix_random_seed', 'setup_seed', 'setup_seeds', 'init_seeds', 'seed_torch',
  'manual_seed', 'manual_seed_all', 'set_determinism',
]);

/** Whether a call sets a random seed (or builds a seeded generator, which the code then uses). */
export function isSeedCall(call: Call): boolean {
  const q = call.qualified;
  const name = lastName(q);
  if (EXACT_SEEDS.has(q)) return call.positional.length > 0 || call.keywords.size > 0;
  if (SEED_FUNCTION_NAMES.has(name)) return true;
  return UNSEEDED_GENERATORS.has(q) && call.imported && hasSeedArgument(call);
}


/** Lightning's \`seed_everything(seed, workers=True)\`: it seeds torch, NumPy and \`random\`, and has
 *  the Trainer give every DataLoader it runs a worker_init_fn derived from the seed. */
export function seedsLoaderWorkers(call: Call): boolean {
  const fromLightning = /^(lightning|pytorch_lightning|lightning_fabric)(\.|$)/.test(call.qualified) || !call.imported;
  return fromLightning && lastName(call.qualified) === 'seed_everything' && isTrueLiteral(call.keywords.get('workers'));
}

/** Seeds of torch's global (CPU) generator, the one a shuffling DataLoader draws its order from:
 *  `torch.manual_seed`, and the helpers that seed every library (`seed_everything`, `set_seed` ...).
 *  Not `torch.cuda.manual_seed*` (GPU generators only) nor `g.manual_seed` of a generator object. */
function seedsTorchGlobally(call: Call): boolean {
  if (call.qualified === 'torch.manual_seed' || call.qualified === 'torch.random.manual_seed') return call.positional.length > 0 || call.keywords.size > 0;
  const name = lastName(call.qualified);
  return SEED_FUNCTION_NAMES.has(name) && !name.startsWith('manual_seed') && !call.qualified.startsWith('torch.cuda.');
}

/** Whether torch's global generator is seeded before `node` runs: by a seed earlier in the same
 *  function or earlier in the module's top-level code (a notebook's earlier cells included); for code
 *  in a function, by a seed anywhere in the top-level code (which runs at import, or in the main
 *  guard, before the function is called). */
export function torchSeededBefore(module: PythonModule, node: Node, at = node.startIndex): boolean {
  const fn = enclosingFunction(node);
  return module.calls().some((call) => {
    if (!seedsTorchGlobally(call)) return false;
    const scope = enclosingFunction(call.node);
    if (scope === undefined && fn !== undefined) return true;
    return call.node.startIndex < at && scope?.id === fn?.id;
  });
}

/** Where in its scope's flow a call draws (an offset): a DataLoader shuffles when it is iterated,
 *  so at its first use in the same scope (a loop over it, `iter(loader)`, handing it to a trainer),
 *  or at the end of the scope when it is only used elsewhere; any other draw where it is called. */
export function drawOffset(module: PythonModule, call: Call): number {
  if (!isTorchDataLoader(call)) return call.node.startIndex;
  const scope = scopeOf(call.node);
  const sameScope = usesOf(module, call.node).filter((use) => scopeOf(use).id === scope.id && use.startIndex >= call.node.endIndex);
  return sameScope.length > 0 ? Math.min(...sameScope.map((use) => use.startIndex)) : scope.endIndex;
}

/** Whether a draw picks the seed itself (\`opt.seed = random.randint(1, 10000)\`, then
 *  \`random.seed(opt.seed)\`): the value a seed call is given, directly or through the name it is
 *  assigned to. Such a draw is the one random choice a run makes, and scripts print it to replay it. */
export function drawsSeed(module: PythonModule, draw: Node): boolean {
  const seeds = seedArgumentsOf(module);
  if (seeds.nodes.has(draw.id)) return true;
  const assignment = draw.parent?.type === 'assignment' && draw.parent.childForFieldName('right')?.id === draw.id ? draw.parent : undefined;
  const target = assignment?.childForFieldName('left')?.text;
  return target !== undefined && (seeds.lastByText.get(target) ?? -1) > draw.startIndex;
}

interface SeedArguments {
  /** The values given to seed calls. */
  nodes: Set<number>;
  /** Per text of such a value (`opt.seed`), where the last one starts. */
  lastByText: Map<string, number>;
}

const seedArgumentsByModule = new WeakMap<PythonModule, SeedArguments>();

/** The values a module's seed calls are given, gathered once: every draw asks. */
function seedArgumentsOf(module: PythonModule): SeedArguments {
  let found = seedArgumentsByModule.get(module);
  if (found) return found;
  found = { nodes: new Set(), lastByText: new Map() };
  for (const call of module.calls()) {
    const seed = isSeedCall(call) ? (call.positional[0] ?? call.keywords.get('seed')) : undefined;
    if (!seed) continue;
    found.nodes.add(seed.id);
    found.lastByText.set(seed.text, Math.max(seed.startIndex, found.lastByText.get(seed.text) ?? -1));
  }
  seedArgumentsByModule.set(module, found);
  return found;
}
