import { torchFiles } from '../engine/projectQueries';
import { defineRule } from '../engine/rule';
import { drawOffset, isTorchDataLoader, torchSeededBefore } from '../engine/python/randomness';
import { lightningSeedsLoaders } from '../engine/python/seeding';
import { Node } from '../engine/python/module';
import { isTrueLiteral, numberValue } from '../engine/python/values';

/** A name, an attribute or a call: a worker count that comes from configuration or the machine. */
function isSetElsewhere(value: Node): boolean {
  return value.type === 'identifier' || value.type === 'attribute' || value.type === 'call' || value.type === 'subscript';
}

export default defineRule({
  code: 'MLH404',
  name: 'dataloader-unseeded',
  summary: 'A torch DataLoader shuffles or uses worker processes without a generator or worker_init_fn',
  practices: ['P7'],
  references: ['Zhang et al. 2022, C14: randomness uncontrolled', 'ML Hygiene practice P7 (versioning and reproducibility)'],
  severity: 'information',
  optIn: true,
  roles: ['exploration', 'pipeline', 'serving', 'library'],
  applies: (project) => torchFiles(project).length > 0,
  docs: `## What it finds
\`torch.utils.data.DataLoader(...)\` calls with \`shuffle=True\` or \`num_workers\` above zero
(a literal, or a count set elsewhere: \`num_workers=args.workers\`, \`num_workers=os.cpu_count()\`)
that pass neither \`generator=\` nor \`worker_init_fn=\`. A loader with workers that says
\`shuffle=False\` is an evaluation loader, whose workers rarely draw random numbers (augmentation
belongs to training): it is not reported. Test modules are
not checked, nor the loaders of a Lightning module in a project that calls Lightning's
\`seed_everything(seed, workers=True)\`, which seeds them through the Trainer.

A loader built after torch's global generator is seeded is not reported: \`torch.manual_seed(...)\`
or a helper that seeds everything (\`seed_everything\`, \`set_seed\`, ...) earlier in the same
function or earlier in the module's top-level code (a notebook's earlier cells); for a loader
built in a function, anywhere in the top-level code (which runs at import time, or in the
\`if __name__ == "__main__":\` block, before the function is called). A loader draws its order
when it is iterated, so the seed has to come before the loader's first use (a loop over it,
\`next(iter(loader))\`, handing it to a trainer); a seed set after that, or in a later cell, does
not count. The batch order then comes
from the seeded generator, and PyTorch (1.9 and later) seeds \`random\`, torch and NumPy in each
worker from it.
Runs on exploration, pipeline, serving and library code, whose results someone compares across runs (a serving app may train too); course material and tooling are left out.

**Opt-in:** not in the default set. On a judged corpus of public ML repositories, 1 of its 3 findings was worth acting on (a research library's training loader); the other two are how-to samples of a cloud service, where seeding the loader is beside the point, and earlier versions of the rule were wrong 4 times where the seed was set in ways it now follows. Select it where batch order must repeat across runs (\`extendSelect: [MLH404]\`).

## Why it matters
A shuffling DataLoader draws its order from PyTorch's global generator, so anything else that
draws from it (model initialisation, dropout, an augmentation) changes the batch order of the
next run. Worker processes each get a torch seed, but NumPy and \`random\` inside the workers are
not reseeded, so random augmentations written with them repeat or differ between runs. Batch
order and augmentations then vary from run to run and results cannot be reproduced exactly
(practice P7, smell C14).

## How to fix
Give the loader its own seeded generator and seed the workers' other libraries from it, as the
PyTorch reproducibility notes show.

## Example
\`\`\`python
# Before
loader = DataLoader(train_ds, batch_size=64, shuffle=True, num_workers=4)

# After
def seed_worker(worker_id):
    worker_seed = torch.initial_seed() % 2**32
    np.random.seed(worker_seed)
    random.seed(worker_seed)

g = torch.Generator()
g.manual_seed(cfg.seed)
loader = DataLoader(train_ds, batch_size=64, shuffle=True, num_workers=4,
                    worker_init_fn=seed_worker, generator=g)
\`\`\`

## References
- PyTorch documentation, [Reproducibility: DataLoader](https://pytorch.org/docs/stable/notes/randomness.html#dataloader).
- Zhang, Cruz, van Deursen: *Code Smells for Machine Learning Applications* (2022), smell C14
  "Randomness Uncontrolled".
- ML Hygiene practice P7 (versioning and reproducibility).
`,
  check: {
    python(ctx) {
      if (ctx.facts.isTest) return;
      let seededByLightning: boolean | undefined;
      for (const call of ctx.module.calls()) {
        if (!isTorchDataLoader(call) || call.hasSplat) continue;
        if (call.keywords.has('generator') || call.keywords.has('worker_init_fn')) continue;
        const shuffles = isTrueLiteral(call.keywords.get('shuffle'));
        const workersArgument = call.keywords.get('num_workers');
        const workers = numberValue(workersArgument);
        // A count set elsewhere (`num_workers=args.workers`) means worker processes wherever it is above zero.
        const workerCount = workers !== undefined ? `${workers} workers` : workersArgument && isSetElsewhere(workersArgument) ? `num_workers=${workersArgument.text}` : undefined;
        const usesWorkers = workers === undefined ? workerCount !== undefined : workers > 0;
        if (!shuffles && !usesWorkers) continue;
        // A loader that says shuffle=False is an evaluation loader: its workers rarely draw anything.
        if (!shuffles && call.keywords.get('shuffle')?.type === 'false') continue;
        // The order and the workers' seeds (PyTorch seeds random, torch and NumPy in each worker
        // from it) then come from a seeded generator.
        if (torchSeededBefore(ctx.module, call.node, drawOffset(ctx.module, call))) continue;
        // Asked once there is a loader to report: the answer reads the other files' seeds.
        seededByLightning ??= lightningSeedsLoaders(ctx.project, ctx.path);
        if (seededByLightning) return;
        const what = shuffles && usesWorkers ? `shuffles with ${workerCount}` : shuffles ? 'shuffles' : `uses ${workerCount}`;
        ctx.report(call.node.childForFieldName('function') ?? call.node, `This DataLoader ${what} without generator= or worker_init_fn=, so batch order and worker randomness change between runs`);
      }
    },
  },
});
