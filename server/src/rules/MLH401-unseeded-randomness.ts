import { trainsModel } from '../engine/python/facts';
import { defineRule } from '../engine/rule';
import { drawOffset, drawsSeed, unseededDraw } from '../engine/python/randomness';
import { isSeededBefore } from '../engine/python/seeding';
import { isUsed } from '../engine/python/valueUses';

export default defineRule({
  code: 'MLH401',
  name: 'unseeded-randomness',
  summary: 'Training or sampling code draws random numbers with no seed set in the module or the entry point that runs it',
  practices: ['P7'],
  references: ['ML Test Score, Infra 1: training is reproducible', 'Zhang et al. 2022, C14: randomness uncontrolled'],
  severity: 'warning',
  optIn: true,
  roles: ['exploration', 'pipeline', 'serving', 'library'],
  docs: `## What it finds
ML code that draws random numbers from a generator nobody seeded: \`random.shuffle\` /
\`choice\` / \`sample\`, NumPy's global \`np.random.*\` functions, \`np.random.default_rng()\`
without a seed, \`torch.rand\` / \`randn\` / \`randperm\`, \`random_split\` and
\`DataLoader(shuffle=True)\` without a generator, \`tf.random.*\` without an op seed. Draws that
pick or order data (shuffles, splits, samples, permutations) count wherever they are; draws of
random values (noise, example inputs) count where a model is trained, in the file or in a
training script that imports it, so that an export script's example input is not reported. It stays
quiet when a seed is set in the module, in a module it imports at import time, or in any file
that imports it (the script, notebook or entry point that runs it), including through a
project function such as \`utils.set_seed(cfg.seed)\`. The seed has to come first: a draw in
top-level code (a script's body, a notebook's cells) counts as seeded only by a seed set above it
(in an earlier line or cell, directly or by calling a function that seeds), never by one set
later; a shuffling DataLoader draws when it is first iterated or handed on, so a seed set between
building it and using it counts. A generator built without a seed (\`random.Random()\`, \`np.random.default_rng()\`) that
nothing draws from is not reported, nor is a draw that picks the seed itself
(\`opt.seed = random.randint(1, 10000)\` followed by \`random.seed(opt.seed)\`). Seeds are \`random.seed\`,
\`np.random.seed\`, \`torch.manual_seed\`, \`torch.cuda.manual_seed_all\`, \`tf.random.set_seed\`,
\`tf.keras.utils.set_random_seed\`, Lightning's \`seed_everything\`, \`transformers.set_seed\`,
\`accelerate.utils.set_seed\` and seeded generators (\`np.random.default_rng(seed)\`). Test
modules are not checked. One finding per module, at its first random draw.

Runs on exploration, pipeline, serving and library code, whose results someone compares across runs (a serving app may train too); course material and tooling are left out.

dslinter reports any NumPy, torch or TensorFlow draw in a module that imports an ML library and
sets no seed, such as \`np.random.rand(4)\` beside \`import torch\` with nothing trained. Those
cases are judged wrong for this rule: a random value drawn where no model is trained (an example
input, noise for a plot) changes no result that anyone compares across runs. Counting value
draws in every module that imports an ML library was tried on the judged corpus: it added 10
findings, draws inside model and data-loading library code (diffusion noise, quantile samples, an
augmentation's coin flip) whose seed belongs in the training entry point or framework that runs
them. Draws that pick or order data are reported wherever
they are, and value draws wherever a model is trained.

**Opt-in:** not in the default set. On a judged corpus of public ML repositories, 8 of 13 of its findings were worth acting on: seeds set at run time from configuration, and draws that do not affect results, were reported too. Select it where it fits (\`extendSelect: [MLH401]\`).

## Why it matters
Without a seed every run shuffles, splits, initialises and samples differently. A change in a
metric can then come from the code, the data or the dice, and nobody can tell which; a result
cannot be reproduced for a review, a bug report or an audit (practice P7, ML Test Score Infra 1).

## How to fix
Seed every generator the code uses once, at the start of the entry point, from the
configuration: \`random.seed\`, \`np.random.seed\` (or pass a \`default_rng(seed)\` Generator
around), \`torch.manual_seed\` / \`torch.cuda.manual_seed_all\`, \`tf.random.set_seed\`, or
one call that does all of them (\`lightning.seed_everything\`, \`transformers.set_seed\`).
Record the seed with the experiment.

## Example
\`\`\`python
# Before: train.py
train_ds, val_ds = random_split(dataset, [0.8, 0.2])
loader = DataLoader(train_ds, batch_size=cfg.batch_size, shuffle=True)

# After
from lightning import seed_everything

seed_everything(cfg.seed, workers=True)
train_ds, val_ds = random_split(dataset, [0.8, 0.2])
loader = DataLoader(train_ds, batch_size=cfg.batch_size, shuffle=True)
\`\`\`

## References
- Breck et al., *The ML Test Score* (2017), Infra 1: "Training is reproducible".
- Zhang, Cruz, van Deursen: *Code Smells for Machine Learning Applications* (2022), smell C14
  "Randomness Uncontrolled".
- PyTorch documentation, [Reproducibility](https://pytorch.org/docs/stable/notes/randomness.html).
- ML Hygiene practice P7 (versioning and reproducibility).
`,
  check: {
    python(ctx) {
      const { facts, module } = ctx;
      if (facts.isTest) return;
      // A module without ML or data libraries uses randomness for something else (retry jitter, ids, games).
      if (!facts.isML && !module.importsPackage('numpy') && !module.importsPackage('pandas')) return;
      const all = module.calls().flatMap((call) => {
        const draw = unseededDraw(call);
        // An unseeded generator that nothing draws from is no draw; drawing the seed itself is the point.
        if (!draw || (draw.buildsGenerator && !isUsed(module, call.node)) || drawsSeed(module, call.node)) return [];
        return [{ call, ...draw }];
      });
      if (all.length === 0) return;
      // Random values (noise, example inputs) matter for reproducibility where a model is trained:
      // in this file or in a training script that imports it (directly: a package's __init__ that
      // re-exports everything would make every module "training code"). Shuffles, splits and
      // samples matter wherever they are.
      const training = trainsModel(facts) || ctx.project.importersOf(ctx.path).some((p) => trainsModel(ctx.project.python(p)!));
      const draws = (training ? all : all.filter((d) => d.samplesData)).filter((d) => !isSeededBefore(ctx.project, ctx.path, module, d.call.node, drawOffset(module, d.call)));
      if (draws.length === 0) return;
      const [first] = draws;
      const more = draws.length > 1 ? ` (${draws.length - 1} more random draw${draws.length > 2 ? 's' : ''} in this file)` : '';
      ctx.report(
        first.call.node,
        `${first.what} draws random numbers but no seed is set here or in an entry point that imports this module${more}; seed it (random.seed, np.random.seed, torch.manual_seed, seed_everything ...) so that runs can be reproduced`,
      );
    },
  },
});
