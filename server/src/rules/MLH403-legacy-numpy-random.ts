import { defineRule } from '../engine/rule';
import { Call, enclosingFunction, Node, PythonModule } from '../engine/python/module';
import { lastImportBefore } from '../engine/python/structure';
import { Fix, TextEdit } from '../engine/types';
import { numpyGlobalRandom } from '../engine/python/randomness';
import { PRODUCTION } from '../engine/roles';

/** Legacy functions whose Generator method has the same name and arguments. */
const SAME_ON_GENERATOR = new Set([
  'beta', 'binomial', 'bytes', 'chisquare', 'choice', 'dirichlet', 'exponential', 'f', 'gamma', 'geometric', 'gumbel',
  'hypergeometric', 'laplace', 'logistic', 'lognormal', 'logseries', 'multinomial', 'multivariate_normal',
  'negative_binomial', 'noncentral_chisquare', 'noncentral_f', 'normal', 'pareto', 'permutation', 'poisson', 'power',
  'rayleigh', 'shuffle', 'standard_cauchy', 'standard_exponential', 'standard_gamma', 'standard_normal', 'standard_t',
  'triangular', 'uniform', 'vonmises', 'wald', 'weibull', 'zipf',
]);
/** Renamed on the Generator with the same arguments (`randint`'s high stays exclusive in `integers`). */
const RENAMED_ON_GENERATOR: Record<string, string> = { randint: 'integers', random_sample: 'random', random: 'random', ranf: 'random', sample: 'random' };
/** Take the shape as separate numbers; the Generator method takes it as one tuple. */
const SHAPE_AS_TUPLE: Record<string, string> = { rand: 'random', randn: 'standard_normal' };
const GENERATOR = 'rng';
const DEFAULT_SEED = 42;

/** A statement of the module's top level, or of its `if __name__ == "__main__":` block. */
function runsOnceAtTopLevel(statement: Node): boolean {
  if (statement.parent?.type === 'module') return true;
  const guard = statement.parent?.type === 'block' ? statement.parent.parent : undefined;
  return guard?.type === 'if_statement' && guard.parent?.type === 'module' && /^__name__\s*==\s*["']__main__["']$/.test(guard.childForFieldName('condition')?.text ?? '');
}

/** One fix for the whole module, since the draws share the state the seed sets: the seed call (or,
 *  without one, the end of the imports) defines `rng = np.random.default_rng(seed)` and every draw
 *  becomes a call on it. Offered only where that is sure to keep the order of things: one seed call,
 *  a statement of the module's top level (or its main guard), before every draw at the top level; every call written as
 *  `<numpy>.random.<name>(...)` with a Generator counterpart; `rng` not yet a name in the module. */
function generatorFix(module: PythonModule, legacy: { call: Call; name: string }[]): Fix | undefined {
  const seeds = legacy.filter((l) => l.name === 'seed');
  const prefix = legacy[0].call.callee.slice(0, -legacy[0].name.length - 1);
  if (seeds.length > 1 || !prefix.endsWith('.random') || legacy.some((l) => l.call.callee !== `${prefix}.${l.name}` || l.call.hasSplat)) return undefined;
  if (module.nodes('identifier').some((n) => n.text === GENERATOR)) return undefined;
  const edits: TextEdit[] = [];
  let definedAt: number;
  const seed = seeds[0]?.call;
  if (seed) {
    const statement = seed.node.parent;
    if (statement?.type !== 'expression_statement' || !runsOnceAtTopLevel(statement) || seed.positional.length !== 1 || seed.keywords.size) return undefined;
    edits.push({ range: module.range(seed.node), newText: `${GENERATOR} = ${prefix}.default_rng(${seed.positional[0].text})` });
    definedAt = statement.endIndex;
  } else {
    const lastImport = lastImportBefore(module, legacy[0].call.node.startIndex);
    if (!lastImport) return undefined;
    const at = module.range(lastImport).end;
    edits.push({ range: { start: at, end: at }, newText: `\n\n${GENERATOR} = ${prefix}.default_rng(${DEFAULT_SEED})` });
    definedAt = lastImport.endIndex;
  }
  for (const { call, name } of legacy) {
    if (name === 'seed') continue;
    if (!enclosingFunction(call.node) && call.node.startIndex < definedAt) return undefined;
    const callee = call.node.childForFieldName('function');
    const args = call.node.childForFieldName('arguments');
    if (!callee || !args) return undefined;
    const method = SAME_ON_GENERATOR.has(name) ? name : (RENAMED_ON_GENERATOR[name] ?? SHAPE_AS_TUPLE[name]);
    if (method === undefined) return undefined;
    edits.push({ range: module.range(callee), newText: `${GENERATOR}.${method}` });
    if (name in SHAPE_AS_TUPLE && call.positional.length > 1) {
      if (call.keywords.size) return undefined;
      const shape = call.positional.map((p) => p.text).join(', ');
      edits.push({ range: module.range(args), newText: `((${shape}))` });
    }
  }
  return { title: `Use one seeded Generator: ${GENERATOR} = ${prefix}.default_rng(${seed ? seed.positional[0].text : DEFAULT_SEED})`, edits };
}

export default defineRule({
  code: 'MLH403',
  name: 'legacy-numpy-random',
  summary: "NumPy's legacy global random state (np.random.rand, np.random.seed ...) instead of a Generator",
  practices: ['P7'],
  references: ['ML Hygiene practice P7 (versioning and reproducibility)', 'NEP 19: Random number generator policy'],
  severity: 'information',
  optIn: true,
  fixable: true,
  roles: PRODUCTION,
  docs: `## What it finds
Calls to NumPy's legacy global-state functions: \`np.random.rand\`, \`randn\`, \`randint\`,
\`random\`, \`choice\`, \`shuffle\`, \`permutation\`, \`normal\`, \`uniform\`, \`seed\` and the rest of
the \`numpy.random\` module-level API. \`np.random.seed\` is reported only in a module that also
draws from the global state: a seed-everything helper has to seed it for the libraries that use
it. Generators (\`np.random.default_rng(seed)\`,
\`np.random.Generator\`, \`SeedSequence\`) and their methods are not reported.

Runs on pipeline, serving and library code only: in exploration and teaching, the global random state is the shortest way to show an idea.

**Opt-in:** not in the default set. On a judged corpus of public ML repositories, 7 of 17 of its findings were worth acting on: global NumPy state is often seeded on purpose elsewhere. Select it where it fits (\`extendSelect: [MLH403]\`).

## Why it matters
The legacy functions share one hidden, process-wide state. Any library, test or thread that draws
from it shifts every later draw, so a seed set at the top of a script no longer pins what a
function deep inside the pipeline gets: experiments stop being reproducible (practice P7) in ways
that are hard to trace. NumPy itself recommends Generators for new code (NEP 19).

## How to fix
Create one Generator from a seed, usually from the configuration, and pass it to the code that
needs randomness: \`rng = np.random.default_rng(seed)\`, then \`rng.normal(...)\`,
\`rng.permutation(...)\`, \`rng.choice(...)\`. Libraries that accept a \`random_state\` take the
Generator or an integer derived from it.

The quick fix does this for the whole module at once, since its draws share the state the seed
sets: the module's \`np.random.seed(s)\` becomes \`rng = np.random.default_rng(s)\` (without one,
\`rng = np.random.default_rng(42)\` follows the imports) and each draw a call on \`rng\`
(\`np.random.rand(3, 2)\` becomes \`rng.random((3, 2))\`, \`randint\` becomes \`integers\`). It is
offered where that keeps the order of things: one seed call at the module's top level (or in its
\`if __name__ == "__main__":\` block), before
the draws at the top level, every draw with a Generator counterpart, and no \`rng\` in the module yet.

## Example
\`\`\`python
# Before
np.random.seed(42)
idx = np.random.permutation(len(df))
noise = np.random.normal(0, 0.1, size=len(df))

# After
rng = np.random.default_rng(cfg.seed)
idx = rng.permutation(len(df))
noise = rng.normal(0, 0.1, size=len(df))
\`\`\`

## References
- [NEP 19 — Random number generator policy](https://numpy.org/neps/nep-0019-rng-policy.html).
- NumPy documentation, [Random Generator](https://numpy.org/doc/stable/reference/random/generator.html) and
  [Legacy random generation](https://numpy.org/doc/stable/reference/random/legacy.html).
- ML Hygiene practice P7 (versioning and reproducibility).
`,
  check: {
    python(ctx) {
      const legacy = ctx.module.calls().flatMap((call) => {
        const name = numpyGlobalRandom(call);
        return name ? [{ call, name }] : [];
      });
      // Seeding the global state is what a seed-everything helper must do for libraries that draw
      // from it; it is reported only where this module also draws from that state itself.
      const draws = legacy.some(({ name }) => name !== 'seed');
      if (!draws) return;
      const fix = generatorFix(ctx.module, legacy);
      for (const { call, name } of legacy) {
        const replacement = name === 'seed' ? 'rng = np.random.default_rng(seed)' : `a Generator: rng = np.random.default_rng(seed), then rng.${name}(...)`;
        ctx.report(call.node.childForFieldName('function') ?? call.node, `${call.callee} uses NumPy's legacy global random state; use ${replacement}`, { fix });
      }
    },
  },
});
