import { defineRule } from '../engine/rule';
import { isTabularRead, readsWithSchema } from '../engine/python/dataio';
import { PRODUCTION } from '../engine/roles';

export default defineRule({
  code: 'MLH101',
  name: 'data-not-validated',
  summary: 'A table is read in a module that validates no data and imports no project module that does',
  practices: ['P4'],
  references: ['ML Test Score Data 1, Monitor 2', 'Sculley et al. 2015: data testing debt'],
  severity: 'warning',
  roles: PRODUCTION,
  docs: `## What it finds
Tabular reads (\`pd.read_csv\` and the other pandas \`read_*\`, polars \`read_*\`/\`scan_*\`,
dask, Spark \`spark.read...\`) in a module where no data is validated:
- the module does not use a validation library (pandera, Great Expectations, TensorFlow Data
  Validation, pydantic, deepchecks) and does not check a data frame itself (\`assert\` on the frame,
  or \`if ...: raise\` on something computed from it);
- no project module it imports (directly or further down) validates data;
- no project module that imports it validates data (the loader reads, the pipeline validates).

Spark reads with \`.schema(...)\` and polars reads with \`schema=\` enforce a schema and are not
reported; nor are test modules.

Runs on pipeline, serving and library code only: exploration notebooks, course material and tooling read data to look at it, not to feed a model in production.

## Why it matters
The ML Test Score asks that the schema of the data be captured and checked (Data 1), and that
training and serving data be checked against it (Monitor 2). Data without checks is where models
break silently: a renamed column, a unit change, a new category, a flood of missing values all
produce a model, only a worse one. Sculley et al. call this data testing debt (practice P4).

## How to fix
Declare what the data must look like and check it where it enters the code: a pandera
\`DataFrameSchema\` (or a Great Expectations suite, a TFDV schema), or at least asserts on the
columns, types and ranges. Put the checks in one module (\`data/validation.py\`) that the loading
code imports.

## Example
\`\`\`python
# Before
train = pd.read_csv("data/processed/train.csv")

# After
import pandera as pa

schema = pa.DataFrameSchema({
    "age": pa.Column(int, pa.Check.in_range(0, 120)),
    "income": pa.Column(float, nullable=True),
    "churned": pa.Column(int, pa.Check.isin([0, 1])),
})
train = schema.validate(pd.read_csv("data/processed/train.csv"))
\`\`\`

## References
- Breck et al.: *The ML Test Score* (2017), tests Data 1 "Feature expectations are captured in a
  schema" and Monitor 2 "Data invariants hold for inputs".
- Sculley et al.: *Hidden Technical Debt in Machine Learning Systems* (2015), data testing debt.
- [pandera](https://pandera.readthedocs.io/), [Great Expectations](https://docs.greatexpectations.io/),
  [TensorFlow Data Validation](https://www.tensorflow.org/tfx/guide/tfdv).
`,
  check: {
    python(ctx) {
      const { module, project, facts } = ctx;
      if (facts.isTest || facts.validatesData) return;
      const reads = module.calls().filter((c) => isTabularRead(module, c) && !readsWithSchema(c));
      if (reads.length === 0) return;
      const validates = (path: string) => project.python(path)?.validatesData === true;
      if (project.importClosure(ctx.path).some(validates) || project.importersOf(ctx.path).some(validates)) return;
      for (const read of reads) {
        ctx.report(read.node.childForFieldName('function')!, `Data read without validation: neither this module nor the project modules it imports check the data's schema (pandera, Great Expectations, asserts ...)`);
      }
    },
  },
});
