import { YAMLMap } from 'yaml';
import { defineRule } from '../engine/rule';
import { nodeRange, YamlEntry, yamlEntries } from '../engine/yaml';
import { ALL_BUT_GENERATED } from '../engine/roles';

export default defineRule({
  code: 'MLH604',
  name: 'duplicate-config-key',
  summary: 'A YAML key defined twice in one mapping: the first value is silently lost',
  practices: ['P9'],
  references: ['Sculley et al. 2015: configuration debt'],
  severity: 'error',
  roles: ALL_BUT_GENERATED,
  docs: `## What it finds
A key that appears twice in the same YAML mapping, such as two \`learning_rate:\` entries under
\`train:\` in params.yaml. The second occurrence is reported, with a link to the first.

A lost key is a bug in any YAML file, so every role but generated counts.

## Why it matters
YAML loaders do not complain: most keep the last value and drop the first without a word (PyYAML,
OmegaConf, DVC), some refuse the file. Someone tunes the first \`learning_rate\`, nothing changes,
and the experiment log records a value the model never saw. In a long config, such a shadowed
key is configuration debt that costs hours to find (practice P9).

## How to fix
Keep one definition: delete the stale one, or merge the two if each held part of the settings. If
both values are needed, they are two settings and need two names.

## Example
\`\`\`yaml
# Before: training runs with lr 0.01, whatever the first line says
train:
  lr: 0.001
  epochs: 20
  lr: 0.01

# After
train:
  lr: 0.001
  epochs: 20
\`\`\`

## References
- Sculley et al.: *Hidden Technical Debt in Machine Learning Systems* (NeurIPS 2015), section
  "Configuration Debt".
- YAML 1.2 specification, [section 3.2.1.1](https://yaml.org/spec/1.2.2/#3211-nodes): the keys of a
  mapping are unique.
`,
  check: {
    yaml(ctx) {
      const seen = new Map<YAMLMap, Map<unknown, YamlEntry>>();
      for (const entry of yamlEntries(ctx.yaml)) {
        const name = entry.key.value;
        if (name === '<<') continue; // merge keys may repeat
        const keys = seen.get(entry.map) ?? new Map<unknown, YamlEntry>();
        seen.set(entry.map, keys);
        const first = keys.get(name);
        if (!first) {
          keys.set(name, entry);
          continue;
        }
        const firstRange = nodeRange(ctx.yaml, first.key);
        const key = entry.path.join('.');
        ctx.report(
          nodeRange(ctx.yaml, entry.key),
          `Key \`${key}\` is already defined on line ${firstRange.start.line + 1} of this mapping; ` +
            'loaders keep only one of the two values and drop the other without a warning. Keep a single definition',
          { related: [{ path: ctx.path, range: firstRange, message: `first definition of \`${key}\`` }] },
        );
      }
    },
  },
});
