import { defineRule } from '../engine/rule';
import { ProjectIndex } from '../engine/project';
import { projectAnchor, relatedFiles } from '../engine/projectQueries';
import { trainsModel } from '../engine/python/facts';
import { isInPackage } from '../engine/python/module';

const TORCH_PACKAGES = ['torch', 'pytorch_lightning', 'lightning'];
/** Config keys that switch deterministic algorithms on or off (Lightning's \`trainer.deterministic\`
 *  in a Hydra config, \`cudnn_deterministic\`, transformers' \`full_determinism\`). */
const DETERMINISM_KEY = /^(deterministic|cudnn_deterministic|use_deterministic_algorithms|full_determinism)$/;

/** A YAML config that has the determinism switch: the runs choose it there, whatever its default. */
function configuresDeterminism(project: ProjectIndex): boolean {
  return [...project.facts.values()].some((f) => f.yamlKeys?.some((k) => DETERMINISM_KEY.test(k[k.length - 1] ?? '')));
}

/** Modules and notebooks that train with torch, modules first. */
function torchTraining(project: ProjectIndex, appliesTo: (path: string) => boolean): string[] {
  return project
    .pythonFiles()
    .filter(([p, f]) => appliesTo(p) && trainsModel(f) && f.imports.some((m) => TORCH_PACKAGES.some((p) => isInPackage(m, p))))
    .map(([p]) => p)
    .sort((a, b) => Number(a.endsWith('.ipynb')) - Number(b.endsWith('.ipynb')) || a.localeCompare(b));
}

export default defineRule({
  code: 'MLH405',
  name: 'nondeterministic-torch',
  summary: 'PyTorch training with no deterministic-algorithms setting anywhere in the project',
  practices: ['P7'],
  references: ['Zhang et al. 2022, C13: deterministic algorithm option not used'],
  severity: 'information',
  optIn: true,
  roles: ['exploration', 'pipeline', 'library'],
  facts: ['torchDeterministic'],
  applies: (project, appliesTo) => torchTraining(project, appliesTo).length > 0,
  docs: `## What it finds
A project that trains PyTorch models (a backward pass, \`fit\` or \`train\` in a module importing
torch or Lightning) where no module turns on deterministic algorithms: no
\`torch.use_deterministic_algorithms(True)\`, no \`torch.backends.cudnn.deterministic = True\`, no
Lightning \`Trainer(deterministic=True)\`, no transformers \`enable_full_determinism\`, and no YAML
config with the switch (a Hydra trainer config's \`deterministic\` key, whatever its default: runs
choose it there, as in \`python train.py trainer.deterministic=true\`).

The finding sits on the first Python module that trains; in a project that trains only in
notebooks, on its README (or pyproject.toml).

PyTorch training in exploration notebooks, pipelines and library code counts (research results are compared across reruns); course material and tooling do not promise bit-identical reruns.

**Opt-in:** not in the default set. On a judged corpus of public ML repositories, 4 of 8 of its findings were worth acting on: projects control determinism in configuration or do not need bitwise reproducibility. Select it where it fits (\`extendSelect: [MLH405]\`).

dslinter reports a module that calls \`torch.randn(10).index_copy(...)\` and never sets
\`torch.use_deterministic_algorithms(True)\`, with no model trained. That case is judged wrong
for this rule: nondeterministic kernels matter where a model is trained and its results compared,
so the rule looks at projects that train with PyTorch.

## Why it matters
Seeds alone do not make GPU training repeatable: several CUDA and cuDNN kernels (convolutions,
scatter/index operations, some reductions) pick algorithms or accumulate in a nondeterministic
order, so two runs with the same seed and data give different weights. Then a change in results
cannot be told apart from noise, and bugs cannot be reproduced (practice P7).

## How to fix
Turn on deterministic algorithms where training starts (it may cost speed; do it at least for
debugging and for the runs whose results you report), and set \`CUBLAS_WORKSPACE_CONFIG\` as
PyTorch's reproducibility notes describe.

## Example
\`\`\`python
import os
import torch

os.environ["CUBLAS_WORKSPACE_CONFIG"] = ":4096:8"
torch.manual_seed(42)
torch.use_deterministic_algorithms(True)
torch.backends.cudnn.benchmark = False
\`\`\`

## References
- Zhang, Cruz, van Deursen: *Code Smells for Machine Learning Applications* (2022), smell C13.
- PyTorch: [Reproducibility](https://pytorch.org/docs/stable/notes/randomness.html).
`,
  check: {
    project(ctx) {
      const { project } = ctx;
      const python = project.pythonFiles();
      if (python.some(([, f]) => f.torchDeterministic) || configuresDeterminism(project)) return;
      const training = torchTraining(project, ctx.appliesTo);
      if (training.length === 0) return;
      // A notebook's JSON has no line to point at: a project of notebooks gets the finding on its README.
      const anchor = training[0].endsWith('.ipynb') ? projectAnchor(project, training) : { path: training[0] };
      ctx.report({
        ...anchor,
        message: 'PyTorch training without deterministic algorithms anywhere in the project: runs with the same seed can still differ (torch.use_deterministic_algorithms(True))',
        related: relatedFiles(training, 'trains a PyTorch model'),
      });
    },
  },
});
