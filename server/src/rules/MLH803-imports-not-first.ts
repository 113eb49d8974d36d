import { notebookCode } from '../engine/notebook';
import { defineRule } from '../engine/rule';
import { PRODUCTION } from '../engine/roles';
import { variableRoot } from '../engine/python/flow';
import { Node } from '../engine/python/module';

const IMPORTS = new Set(['import_statement', 'import_from_statement']);
/** Standard modules a notebook's setup cell imports to prepare the session, not to do its work. */
const SETUP_MODULES = new Set(['sys', 'os', 'warnings', 'logging', 'site']);

/** A statement that prepares the session: importing sys, os, warnings or logging, and calls or
 *  assignments on them (\`sys.path.append(...)\`, \`warnings.filterwarnings(...)\`,
 *  \`os.environ["X"] = ...\`). Magics and \`!pip install\` lines reach the code as comments. */
function isSetup(statement: Node): boolean {
  if (statement.type === 'import_statement') {
    return statement.childrenForFieldName('name').every((n) => n !== null && SETUP_MODULES.has(n.text.split('.')[0]));
  }
  if (statement.type !== 'expression_statement') return false;
  const expression = statement.namedChildren[0];
  const target = expression?.type === 'assignment' ? expression.childForFieldName('left') : expression?.type === 'call' ? expression : undefined;
  const root = variableRoot(target);
  return root !== undefined && SETUP_MODULES.has(root) && target?.type !== 'identifier';
}

/** The cells that count as the notebook's first code cell: leading cells that only set the session
 *  up, and the first code cell after them. */
function importCells(statements: Node[], cellOf: (statement: Node) => number | undefined): Set<number> {
  const byCell = new Map<number, Node[]>();
  for (const statement of statements) {
    const cell = cellOf(statement);
    if (cell === undefined) continue;
    const inCell = byCell.get(cell);
    if (inCell) inCell.push(statement);
    else byCell.set(cell, [statement]);
  }
  const cells = new Set<number>();
  for (const [cell, inCell] of byCell) {
    cells.add(cell);
    if (!inCell.every(isSetup)) break;
  }
  return cells;
}

export default defineRule({
  code: 'MLH803',
  name: 'imports-not-first',
  summary: 'Imports spread over the notebook instead of gathered in its first code cell',
  practices: ['P8'],
  references: ['PEP 8: imports at the top of the file', 'Pimentel et al. 2019: notebook best practices'],
  severity: 'information',
  optIn: true,
  roles: [...PRODUCTION, 'tooling'],
  docs: `## What it finds
Top-level \`import\` / \`from ... import\` statements in a notebook's code cells after the first
one; the first such import of each cell is reported. Leading cells that only set the session up
do not count as the first: magics (\`%load_ext autoreload\`, \`!pip install ...\`), imports of
\`sys\`, \`os\`, \`warnings\` or \`logging\` and calls on them (\`sys.path.append(...)\`,
\`warnings.filterwarnings("ignore")\`, \`os.environ["X"] = ...\`); the first code cell after
them is. Imports inside functions are left alone.

Runs on notebooks that are pipelines (in a pipeline folder such as pipelines/ or train/), documentation notebooks and notebooks given another role by configuration: in exploration and teaching notebooks, importing where a library is first used is the norm.

**Opt-in:** not in the default set. On a judged corpus of public ML repositories, 0 of 6 of its findings were worth acting on: numbered how-to tutorials under a \`training/\` folder count as pipeline notebooks, and they import each class in the step that introduces it. Select it where notebooks are pipeline steps (\`extendSelect: [MLH803]\`).

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
      const statements = ctx.module.root.namedChildren.filter((s): s is Node => s !== null && s.type !== 'comment');
      const cellOf = (statement: Node) => lineMap[statement.startPosition.row]?.cell;
      const firstCells = importCells(statements, cellOf);
      const reported = new Set<number>();
      for (const statement of statements) {
        if (!IMPORTS.has(statement.type)) continue;
        const cell = cellOf(statement);
        if (cell === undefined || firstCells.has(cell) || reported.has(cell)) continue;
        reported.add(cell);
        const imported = statement.type === 'import_statement' ? statement.childrenForFieldName('name')[0] : statement.childForFieldName('module_name');
        const name = imported?.type === 'aliased_import' ? imported.childForFieldName('name') : imported;
        ctx.report(name ?? statement, `Import in a later cell: gather the notebook's imports in its first code cell`);
      }
    },
  },
});
