import { defineRule } from '../engine/rule';
import { numpyGlobalRandom } from '../engine/python/randomness';
import { PRODUCTION } from '../engine/roles';

export default defineRule({
  code: 'MLH403',
  name: 'legacy-numpy-random',
  summary: "NumPy's legacy global random state (np.random.rand, np.random.seed ...) instead of a Generator",
  practices: ['P7'],
  references: ['ML Hygiene practice P7 (versioning and reproducibility)', 'NEP 19: Random number generator policy'],
  severity: 'information',
  optIn: true,
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
      for (const { call, name } of legacy) {
        if (name === 'seed' && !draws) continue;
        const replacement = name === 'seed' ? 'rng = np.random.default_rng(seed)' : `a Generator: rng = np.random.default_rng(seed), then rng.${name}(...)`;
        ctx.report(call.node.childForFieldName('function') ?? call.node, `${call.callee} uses NumPy's legacy global random state; use ${replacement}`);
      }
    },
  },
});
