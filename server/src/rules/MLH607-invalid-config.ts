import { knownConfigOf, schemaViolations } from '../engine/configSchemas';
import { defineRule } from '../engine/rule';
import { ALL_BUT_GENERATED } from '../engine/roles';

// Templates (Helm charts, Jinja-rendered configs) become YAML only once rendered.
const TEMPLATE = /\{%|\{\{-|-\}\}|^\s*\{\{/m;

export default defineRule({
  code: 'MLH607',
  name: 'invalid-config',
  summary: 'A YAML file that does not parse, or a known config file that breaks its schema',
  practices: ['P9'],
  references: ['Sculley et al. 2015: configuration debt'],
  severity: 'error',
  roles: ALL_BUT_GENERATED,
  docs: `## What it finds
- YAML files that do not parse: bad indentation, an unclosed bracket or quote, a tab used for
  indentation, a stray \`key: value: value\`. Each syntax error is reported where the parser
  stopped. Template files (Helm, Jinja: \`{% ... %}\`, lines that start with \`{{\`) are skipped,
  since they are only YAML once rendered.
- Known configuration files that parse but break their schema: unknown keys (at the key), wrong
  types and missing required fields (at the value, or the key it sits under), checked against the
  JSON schemas shipped in \`schemas/\`:
  - \`.ml-hygiene.yaml\` at the project root: this tool's own configuration;
  - \`dvc.yaml\`: top-level keys (\`stages\`, \`vars\`, \`plots\`, \`metrics\`, \`params\`,
    \`artifacts\`, \`datasets\`) and the keys of each stage (\`cmd\` required; \`deps\`, \`outs\`,
    \`params\`, \`metrics\`, \`plots\`, \`wdir\`, \`frozen\`, \`always_changed\`, \`desc\`, \`meta\`,
    \`vars\`, \`matrix\`; or \`foreach\` with \`do\`), which DVC itself rejects when misspelt. The
    flags of single outputs and plots are left open, since DVC adds new ones;
  - \`MLproject\`: \`name\`, one of \`python_env\` / \`conda_env\` / \`docker_env\` (with its
    \`image\`), and \`entry_points\` whose entries need a \`command\` and declare \`parameters\` as
    a type name or a mapping of \`type\` and \`default\`. Type names are not restricted to
    MLflow's four (\`string\`, \`float\`, \`path\`, \`uri\`): MLflow passes other values through.

A broken YAML file breaks whatever reads it, so every role but generated counts.

## Why it matters
A config file that does not load stops a training run, a pipeline stage or a deployment, often far
from the edit that broke it, and often only in CI or production. A file that loads but has a
misspelt key (\`epoch:\` for \`epochs:\`) is worse: the setting is silently ignored. Configuration is
code and deserves the same checks (practice P9).

## How to fix
Fix the syntax at the reported position: YAML indents with spaces only, closes every \`[\`, \`{\` and
quote, and quotes values that contain \`: \` or start with a special character. For schema
problems, use the key names and value types the tool documents; the editor's YAML support
completes them from the same schemas.

## Example
\`\`\`yaml
# Before: the flow sequence is never closed
sweep:
  max_depth: [4, 8, 16
  n_estimators: [100, 300]

# After
sweep:
  max_depth: [4, 8, 16]
  n_estimators: [100, 300]
\`\`\`

\`\`\`yaml
# Before, dvc.yaml: \`dep\` is not a stage key, so DVC refuses the pipeline
stages:
  train:
    cmd: python train.py
    dep: [data/train.csv]

# After
stages:
  train:
    cmd: python train.py
    deps: [data/train.csv]
\`\`\`

## References
- Sculley et al.: *Hidden Technical Debt in Machine Learning Systems* (NeurIPS 2015), section
  "Configuration Debt".
- [YAML 1.2 specification](https://yaml.org/spec/1.2.2/).
- [JSON Schema](https://json-schema.org/) (the format of the schemas in \`schemas/\`).
- DVC: [dvc.yaml files](https://dvc.org/doc/user-guide/project-structure/dvcyaml-files).
- MLflow: [MLproject file](https://mlflow.org/docs/latest/projects.html#mlproject-file).
`,
  check: {
    yaml(ctx) {
      if (TEMPLATE.test(ctx.text)) return;
      for (const error of ctx.yaml.errors) {
        ctx.report(error.range, `YAML does not parse: ${error.message.replace(/\s+at line \d+, column \d+:?$/, '')}. No tool can load this file until it is fixed`);
      }
      const known = knownConfigOf(ctx.path);
      if (!known) return;
      for (const violation of schemaViolations(ctx.yaml, known)) ctx.report(violation.range, violation.message);
    },
  },
});
