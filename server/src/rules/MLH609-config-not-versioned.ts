import { patternMatches } from '../engine/gitPatterns';
import { ProjectIndex } from '../engine/project';
import { defineRule } from '../engine/rule';
import { FILE_START, Range, rangeOf } from '../engine/types';
import { PRODUCTION } from '../engine/roles';

const CONFIG_FILE = /\.(ya?ml|json|toml|ini|cfg|conf)$/i;
// Files kept out of git on purpose: secrets and machine-local overrides.
const PRIVATE_CONFIG = /secret|credential|token|password|(^|[/._-])local([._-]|$)|\.env/i;

/** The .gitignore line that decides that git ignores `path` (later lines and deeper files win). */
function ignoringLine(project: ProjectIndex, path: string): { file: string; range: Range; pattern: string } | undefined {
  const files = [...project.documents.keys()].filter((p) => /(^|\/)\.gitignore$/.test(p)).sort((a, b) => a.split('/').length - b.split('/').length);
  let decision: { file: string; range: Range; pattern: string } | undefined;
  for (const file of files) {
    const folder = file.slice(0, file.lastIndexOf('/') + 1);
    if (!path.startsWith(folder)) continue;
    const local = path.slice(folder.length);
    project.documents.get(file)!.split(/\r?\n/).forEach((line, i) => {
      const text = line.trim();
      if (!text || text.startsWith('#')) return;
      const negated = text.startsWith('!');
      if (!patternMatches(negated ? text.slice(1) : text, local)) return;
      decision = negated ? undefined : { file, range: rangeOf(i, 0, i, line.length), pattern: text };
    });
  }
  return decision;
}

export default defineRule({
  code: 'MLH609',
  name: 'config-not-versioned',
  summary: 'Config files that the code reads but git ignores',
  practices: ['P7', 'P9'],
  references: ['Sculley et al. 2015: configuration debt', 'ml-ops.org, P7: versioning of configuration and hyperparameters'],
  severity: 'warning',
  roles: PRODUCTION,
  repositoryWide: true,
  docs: `## What it finds
Configuration files (YAML, JSON, TOML, INI) that the project's code reads by a path written in
the code, while a \`.gitignore\` line makes git ignore them. The finding sits on that line. Files
that are private by name (secrets, credentials, \`*.local.*\`, \`.env\`) are left out, and so is a
file git tracks although a pattern matches it.

Only config files read by pipeline, serving and library code count; .gitignore and git's index belong to the whole repository, so the rule looks at the repository once.

## Why it matters
The configuration of a training run (data paths, features, hyperparameters) is as much part of
the model as the code. If it is not committed, a result cannot be reproduced, reviews miss
changes that matter, and each machine trains a slightly different model. Sculley et al. count
configuration among the largest sources of ML technical debt (practices P7 and P9).

## How to fix
Commit the configuration: remove or narrow the ignore pattern. Keep secrets out of it (read them
from the environment) and put machine-specific overrides in a separate, ignored file.

## Example
\`\`\`text
# .gitignore, before: hides the training configuration
configs/
# after: only local overrides stay private
configs/*.local.yaml
\`\`\`

## References
- Sculley et al., *Hidden Technical Debt in Machine Learning Systems* (NeurIPS 2015), configuration debt.
- ml-ops.org, [Versioning](https://ml-ops.org/content/versioning).
`,
  check: {
    project(ctx) {
      const { project } = ctx;
      const reported = new Set<string>();
      for (const [module, facts] of project.pythonFiles()) {
        if (facts.isTest || !ctx.appliesTo(module)) continue;
        for (const path of facts.pathsRead) {
          if (reported.has(path) || !CONFIG_FILE.test(path) || PRIVATE_CONFIG.test(path) || path.startsWith('/') || path.includes('..')) continue;
          if (project.isTracked(path)) continue;
          const line = ignoringLine(project, path);
          if (!line) continue;
          reported.add(path);
          ctx.report({
            path: line.file,
            range: line.range,
            message: `${path}, read by ${module}, is ignored by git ("${line.pattern}"); commit the configuration so that runs can be reproduced`,
            related: [{ path: module, range: FILE_START, message: `reads ${path}` }],
          });
        }
      }
    },
  },
});
