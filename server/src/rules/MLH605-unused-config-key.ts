import { isMap, isPair, isScalar, Scalar } from 'yaml';
import { configGroupOf, configUsage, isMlConfigFile } from '../engine/configUsage';
import { relatedFiles } from '../engine/projectQueries';
import { defineRule } from '../engine/rule';
import { nodeRange } from '../engine/yaml';
import { PRODUCTION } from '../engine/roles';

// Keys read by the config system itself: Hydra's defaults list and settings, instantiate's fields.
const SYSTEM_KEY = /^(defaults|hydra|_\w+_)$/;

export default defineRule({
  code: 'MLH605',
  name: 'unused-config-key',
  summary: 'A key of an ML config file that no code of the project reads',
  practices: ['P9'],
  references: ['Sculley et al. 2015: configuration debt', 'Zinkevich rule 22: clean up features you are no longer using'],
  severity: 'information',
  roles: PRODUCTION,
  docs: `## What it finds
Leaf keys of the project's ML config files (\`params.yaml\`, \`config*.yaml\`, YAML under \`conf/\`,
\`configs/\` or \`config/\`, Hydra config groups included) that nothing reads, in a file that the
code does load (by its path, through Hydra, or through \`dvc.api.params_show()\`). A key counts as
read when its name is read anywhere in the project's code or notebooks: a string subscript
(\`cfg["lr"]\`), \`.get("lr")\`, an attribute (\`cfg.train.lr\`, OmegaConf / Hydra), \`getattr\`,
\`"lr" in cfg\`; or when a dvc.yaml stage lists it under \`params:\`, or another config
interpolates it (\`\${train.lr}\`). Hydra's \`defaults\` and \`hydra\` sections and
\`_target_\`-style keys are left alone.

The rule stays quiet wherever it cannot know: for every key under a section whose value is used
whole (\`Model(**cfg["model"])\`, \`instantiate(cfg.model)\`, \`for k, v in cfg.items()\`, a
computed key \`cfg[name]\`, \`return cfg.train\`), and for the whole file when the loaded config
itself is passed to library code (\`wandb.init(config=cfg)\`, \`Settings(**cfg)\`) or a dvc.yaml
stage tracks the file without naming keys. Config files no code loads (a W&B sweep definition, a
CI file) are not judged. Matching is by key name, so a key whose name is read for another reason
also counts as read: the rule misses some dead keys rather than report live ones.

Runs on the config files of pipeline, serving and library code, and counts the code of the same project only.

## Why it matters
A config key that nothing reads looks like it controls the model but does not: someone tunes
\`dropout: 0.3\` and nothing changes. Dead settings pile up as experiments come and go and make
the configuration, which Sculley et al. name one of the largest sources of ML technical debt,
harder to read and easy to get wrong (practice P9).

## How to fix
Delete the key, or wire it into the code that should use it. If it is read in a way the rule
cannot see (by a tool outside the project), keep it and suppress the finding on that line.

## Example
\`\`\`yaml
# params.yaml, read by train.py as params["train"]["n_estimators"] and params["train"]["max_depth"]
train:
  n_estimators: 300
  max_depth: 8
  dropout: 0.3        # reported: nothing reads it (a leftover of the neural-net experiment)
\`\`\`

## References
- Sculley et al.: *Hidden Technical Debt in Machine Learning Systems* (NeurIPS 2015), section
  "Configuration Debt".
- Zinkevich: *Rules of Machine Learning*, rule 22 (clean up features you are no longer using).
- [Hydra: config groups](https://hydra.cc/docs/tutorials/basic/your_first_app/config_groups/);
  [DVC: params](https://dvc.org/doc/command-reference/params).
`,
  check: {
    yaml(ctx) {
      const { path, project } = ctx;
      if (!isMlConfigFile(path) || ctx.yaml.errors.length || /@package\b/.test(ctx.text)) return;
      const usage = configUsage(project);
      const { modules, escapesWhole } = usage.loaders(path);
      if (modules.length === 0 || escapesWhole || usage.wholeFiles.has(path)) return;
      if (configGroupOf(path).some((g) => usage.whole.has(g))) return;
      const related = relatedFiles(modules, `loads ${path}`);
      const visit = (node: unknown, keyPath: string[]) => {
        if (!isMap(node)) return;
        for (const pair of node.items) {
          if (!isPair(pair) || !isScalar(pair.key)) continue;
          const key = String((pair.key as Scalar).value);
          if (SYSTEM_KEY.test(key) || usage.whole.has(key)) continue;
          if (isMap(pair.value)) {
            visit(pair.value, [...keyPath, key]);
            continue;
          }
          if (usage.read.has(key)) continue;
          ctx.report(nodeRange(ctx.yaml, pair.key as Scalar), `\`${[...keyPath, key].join('.')}\` is not read by any code of the project: delete it, or use it where it belongs`, {
            unnecessary: true,
            related,
          });
        }
      };
      for (const doc of ctx.yaml.documents) visit(doc.contents, []);
    },
  },
});
