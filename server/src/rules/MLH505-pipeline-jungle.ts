import { ProjectIndex } from '../engine/project';
import { defineRule } from '../engine/rule';
import { PRODUCTION } from '../engine/roles';
import { filesImporting, wholeProject } from '../engine/projectQueries';
import { FILE_START, RelatedLocation } from '../engine/types';

/** Files that define a pipeline: DVC, Make, Snakemake, Nextflow, MLflow projects, Kedro, ZenML ... */
const PIPELINE_FILE = /(^|\/)(dvc\.ya?ml|Makefile|GNUmakefile|Snakefile|justfile|Justfile|MLproject|main\.nf|kedro[^/]*\.ya?ml|pipeline\.ya?ml|argo[^/]*\.ya?ml|Taskfile\.ya?ml)$/;
/** Orchestrators and pipeline libraries whose import means the project defines its pipeline in code. */
const ORCHESTRATORS = ['airflow', 'prefect', 'dagster', 'kedro', 'zenml', 'metaflow', 'luigi', 'flytekit', 'kfp', 'snakemake', 'sematic', 'hamilton', 'ploomber', 'mlflow.projects', 'sagemaker.workflow', 'azure.ai.ml.dsl', 'invoke'];
/** Chains shorter than this (a prepare step feeding a train step) are fine without a pipeline tool. */
const MIN_SCRIPTS = 3;

interface Handoff {
  from: string;
  to: string;
  file: string;
}

/** Hand-offs between modules and notebooks: a file one writes and another reads. */
function handoffs(project: ProjectIndex, appliesTo: (path: string) => boolean): Handoff[] {
  const writers = new Map<string, string[]>();
  const code = project.pythonFiles().filter(([p, f]) => !f.isTest && appliesTo(p));
  for (const [path, facts] of code) for (const file of facts.pathsWritten) writers.set(file, [...(writers.get(file) ?? []), path]);
  const out: Handoff[] = [];
  for (const [path, facts] of code) {
    for (const file of facts.pathsRead) for (const writer of writers.get(file) ?? []) if (writer !== path) out.push({ from: writer, to: path, file });
  }
  return out;
}

/** The largest group of modules connected by hand-offs. */
function largestChain(edges: Handoff[]): { scripts: string[]; edges: Handoff[] } {
  const parent = new Map<string, string>();
  const find = (x: string): string => {
    const p = parent.get(x) ?? x;
    if (p === x) return x;
    const root = find(p);
    parent.set(x, root);
    return root;
  };
  for (const e of edges) parent.set(find(e.from), find(e.to));
  const groups = new Map<string, Set<string>>();
  for (const e of edges) for (const node of [e.from, e.to]) groups.set(find(node), (groups.get(find(node)) ?? new Set()).add(node));
  let best: Set<string> = new Set();
  for (const group of groups.values()) if (group.size > best.size) best = group;
  return { scripts: [...best].sort(), edges: edges.filter((e) => best.has(e.from)) };
}

export default defineRule({
  code: 'MLH505',
  name: 'pipeline-jungle',
  summary: 'Several scripts chained through intermediate files with no pipeline definition',
  practices: ['P8'],
  references: ['Sculley et al. 2015: pipeline jungles'],
  severity: 'information',
  roles: PRODUCTION,
  docs: `## What it finds
Three or more modules or notebooks that hand data to each other through files (one writes
\`data/interim/clean.parquet\`, the next reads it, and so on) while the project has no pipeline
definition: no \`dvc.yaml\`, Makefile, Snakefile, justfile, MLproject, Kedro or Argo
configuration, and no Airflow, Prefect, Dagster, Kedro, ZenML, Metaflow, Luigi, Flyte or Kubeflow
code. Paths are compared as written in the code; paths computed at run time are not followed.

Only pipeline, serving and library code counts as the steps of a pipeline: an exploration notebook that reads a pipeline's output is not one of its steps.

## Why it matters
When the order of the steps lives only in people's heads (or a README), a step gets skipped or run
on stale inputs, nobody knows which outputs are up to date, and adding a step means untangling
the whole chain. Sculley et al. call this a pipeline jungle. Declaring the steps with their inputs
and outputs makes the pipeline reproducible and lets tools rerun only what changed (practice P8).

## How to fix
Declare the steps, their dependencies and outputs in a pipeline tool: \`dvc.yaml\` stages,
Makefile targets, or an orchestrator for production pipelines.

## Example
\`\`\`yaml
# dvc.yaml
stages:
  clean:
    cmd: python src/clean.py
    deps: [src/clean.py, data/raw/events.csv]
    outs: [data/interim/clean.parquet]
  features:
    cmd: python src/features.py
    deps: [src/features.py, data/interim/clean.parquet]
    outs: [data/processed/features.parquet]
\`\`\`

## References
- Sculley et al., *Hidden Technical Debt in Machine Learning Systems* (NeurIPS 2015), pipeline jungles.
- [DVC: data pipelines](https://dvc.org/doc/start/data-pipelines/data-pipelines).
`,
  check: {
    project(ctx) {
      const { project } = ctx;
      if (project.files.some((f) => PIPELINE_FILE.test(f.path)) || filesImporting(project, ORCHESTRATORS).length) return;
      const chain = largestChain(handoffs(project, ctx.appliesTo));
      if (chain.scripts.length < MIN_SCRIPTS) return;
      const related: RelatedLocation[] = chain.edges
        .slice(0, 10)
        .map((e) => ({ path: e.to, range: FILE_START, message: `reads ${e.file}, written by ${e.from}` }));
      ctx.report({
        // The fix is a pipeline definition that does not exist yet: the editor shows it with the project.
        ...wholeProject(project, chain.scripts),
        message: `${chain.scripts.length} scripts (${chain.scripts.slice(0, 5).join(', ')}${chain.scripts.length > 5 ? ', ...' : ''}) hand data to each other through files with no pipeline definition (dvc.yaml, Makefile, an orchestrator)`,
        related,
      });
    },
  },
});
