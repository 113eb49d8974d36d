import { notebookCode } from '../engine/notebook';
import { defineRule } from '../engine/rule';
import { PRODUCTION } from '../engine/roles';

const IMPORTS = new Set(['import_statement', 'import_from_statement']);

export default defineRule({
  code: 'MLH803',
  name: 'imports-not-first',
  summary: 'Imports spread over the notebook instead of gathered in its first code cell',
  practices: ['P8'],
  references: ['PEP 8: imports at the top of the file', 'Pimentel et al. 2019: notebook best practices'],
  severity: 'information',
  roles: [...PRODUCTION, 'tooling'],
  docs: `## What it finds
Top-level \`import\` / \`from ... import\` statements in a notebook's code cells after the first
one; the first such import of each cell is reported. The first code cell is the first one holding a
statement: a leading cell with only magics (\`%load_ext autoreload\`, \`!pip install ...\`) does not
count. Imports inside functions are left alone.

Runs on notebooks that are pipelines (in a pipeline folder such as pipelines/ or train/), documentation notebooks and notebooks given another role by configuration: in exploration and teaching notebooks, importing where a library is first used is the norm.

## Why it matters
A notebook whose imports are scattered hides its dependencies: a reader cannot see at a glance
what it needs, running a later cell alone fails, and turning the notebook into a module (the step
towards a pipeline, practice P8) starts with collecting them. Imports in the middle also invite
duplicate or conflicting aliases.

## How to fix
Move every import into the first code cell, grouped as in a module (standard library, third-party,
project).

## Example
\`\`\`python
# Before
# cell 1
import pandas as pd
# cell 7
import seaborn as sns
sns.histplot(df["age"])

# After
# cell 1
import pandas as pd
import seaborn as sns
# cell 7
sns.histplot(df["age"])
\`\`\`

## References
- [PEP 8](https://peps.python.org/pep-0008/#imports): "Imports are always put at the top of the file".
- Pimentel, Murta, Braganholo, Freire: *A Large-scale Study about Quality and Reproducibility of
  Jupyter Notebooks* (MSR 2019), best practices for notebooks.
`,
  check: {
    python(ctx) {
      if (!ctx.notebook) return;
      const { lineMap } = notebookCode(ctx.notebook);
      const statements = ctx.module.root.namedChildren.filter((s) => s && s.type !== 'comment');
      const firstCell = statements[0] ? lineMap[statements[0].startPosition.row]?.cell : undefined;
      const reported = new Set<number>();
      for (const statement of statements) {
        if (!statement || !IMPORTS.has(statement.type)) continue;
        const cell = lineMap[statement.startPosition.row]?.cell;
        if (cell === undefined || cell === firstCell || reported.has(cell)) continue;
        reported.add(cell);
        const imported = statement.type === 'import_statement' ? statement.childrenForFieldName('name')[0] : statement.childForFieldName('module_name');
        const name = imported?.type === 'aliased_import' ? imported.childForFieldName('name') : imported;
        ctx.report(name ?? statement, `Import in a later cell: gather the notebook's imports in its first code cell`);
      }
    },
  },
});
