import { ProjectIndex } from '../engine/project';
import { defineRule } from '../engine/rule';
import { isTabularRead, readSource, readsWithSchema } from '../engine/python/dataio';
import { literalPath, samePath } from '../engine/python/paths';
import { PRODUCTION } from '../engine/roles';

/** A Great Expectations project (checkpoints and suites run outside the code) or Soda checks. */
const DATA_CHECKS_CONFIG = /(^|\/)(great_expectations|gx)\/great_expectations\.ya?ml$|(^|\/)soda\/[^/]*checks[^/]*\.ya?ml$/;

function hasDataChecksConfig(project: ProjectIndex): boolean {
  return project.files.some((f) => DATA_CHECKS_CONFIG.test(f.path));
}

export default defineRule({
  code: 'MLH101',
  name: 'data-not-validated',
  summary: 'A table is read in a module that validates no data and imports no project module that does',
  practices: ['P4'],
  references: ['ML Test Score Data 1, Monitor 2', 'Sculley et al. 2015: data testing debt'],
  severity: 'warning',
  optIn: true,
  roles: PRODUCTION,
  facts: ['validatesData'],
  docs: `## What it finds
Tabular reads (\`pd.read_csv\` and the other pandas \`read_*\`, polars \`read_*\`/\`scan_*\`,
dask, Spark \`spark.read...\`) in a module where no data is validated:
- the module does not use a validation library (listed below) and does not check a data frame
  itself (\`assert\` on the frame,
  or \`if ...: raise\` on something computed from it);
- no project module it imports (directly or further down) validates data;
- no project module that imports it validates data (the loader reads, the pipeline validates);
- no validating module of the project (a validation step, a data test) reads the same file;
- the project has no Great Expectations project (\`great_expectations.yml\`, whose checkpoints run
  the suites) and no Soda checks file (\`soda/checks.yml\`).

Validation libraries are pandera, Great Expectations, TensorFlow Data Validation, pydantic,
deepchecks, Evidently (test suites and data-quality or drift reports), whylogs (constraints), Soda
and pandas_schema; Great Expectations calls (\`expect_column_...\`, \`run_checkpoint\`) count also
on a dataset or context that a project helper made.

Spark reads with \`.schema(...)\` and polars reads with \`schema=\` enforce a schema and are not
reported; nor are test modules.

Runs on pipeline, serving and library code only: exploration notebooks, course material and tooling read data to look at it, not to feed a model in production.

**Opt-in:** not in the default set. On a judged corpus of public ML repositories, 2 of 26 of its findings were worth acting on: most reads were of fixed public datasets or of files the project itself had written a step earlier. Select it where it fits (\`extendSelect: [MLH101]\`).

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
      if (hasDataChecksConfig(project)) return;
      // A file that a validating module (a validation step, a data test) also reads is checked there.
      const validatingReaders = project.pythonFiles().filter(([path, f]) => path !== ctx.path && f.validatesData);
      const checkedElsewhere = (file: string) => validatingReaders.some(([, f]) => f.pathsRead.some((p) => samePath(p, file)));
      for (const read of reads) {
        const file = literalPath(module, readSource(read));
        if (file !== undefined && checkedElsewhere(file)) continue;
        ctx.report(read.node.childForFieldName('function')!, `Data read without validation: neither this module nor the project modules it imports check the data's schema (pandera, Great Expectations, asserts ...)`);
      }
    },
  },
});
