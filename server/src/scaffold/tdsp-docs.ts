// The documents of the Team Data Science Process layout. Sections follow TDSP's project template;
// the words are ours. `[TO FILL: ...]` marks what the team writes.
import { markdownText } from '../engine/markdown';
import { placeholder as fill, TemplateVars } from './template';

export const projectReadme = (v: TemplateVars) => `# ${markdownText(v.name)}

${fill('one paragraph: what this project predicts, for whom, and what they do with the prediction')}

## Problem and success metric
- **Problem:** ${fill('the decision this model supports and how it is made today')}
- **Success metric:** ${fill('the metric and the threshold that mean "good enough", e.g. ROC AUC >= 0.80 on last month')}
- **Baseline:** a prior-probability \`DummyClassifier\`; the model must beat it (see Docs/Model/Baseline_Report.md).

## Layout (Team Data Science Process)
\`\`\`text
Code/
  Data_Acquisition_and_Understanding/   notes and notebooks on the data
  Modeling/                             notes on experiments
  Deployment/                           how the model is served and monitored
  ${v.package}/                          the package: data contract, features, training, serving
Docs/
  Project/            Charter.md, Exit_Report.md
  Data_Dictionaries/  one dictionary per table
  Data_Report/        data summary, data definition, data pipeline
  Model/              baseline report, one report per model, final report, model card
Sample_Data/          small samples only: Raw, Processed, For_Modeling
tests/                unit tests of the feature code
params.yaml           every hyperparameter and path
dvc.yaml              the pipeline
\`\`\`

## Start working
\`\`\`bash
pip install -r requirements.txt
pytest                                  # feature tests
PYTHONPATH=Code python -m ${v.package}.train   # trains on the sample, logs to MLflow
MODEL_URI=runs:/<run id>/model PYTHONPATH=Code uvicorn ${v.package}.serve:app
\`\`\`
Start with \`Docs/Project/Charter.md\`.
`;

export const exitReport = (v: TemplateVars) => `# Exit report: ${markdownText(v.name)}

## Overview
${fill('the business problem, the solution delivered and its outcome in a few sentences')}

## Business domain and problem
${fill('domain, problem, and the success metric agreed in the charter')}

## Solution architecture
${fill('data flow, training, serving and monitoring as built')}

## Results
${fill('model performance against the baseline and the target, and the business outcome')}

## What we learned
${fill('what worked, what did not, and what the next team should know')}

## Next steps
${fill('open work, risks, and owners')}
`;

export const dataDictionary = () => `# Data dictionary: modeling table

One row per column of \`Sample_Data/For_Modeling/sample.csv\`; keep it in step with the schema in
the package's \`data.py\`.

| name | type | values | description | joining keys |
|---|---|---|---|---|
| record_id | string | unique | ${fill('what one row is')} | ${fill('tables it joins with')} |
| feature_a | float | >= 0 | ${fill('meaning and unit')} | |
| feature_b | float | >= 0 | ${fill('meaning and unit')} | |
| segment | string | basic, standard, premium | ${fill('meaning')} | |
| label | int | 0, 1 | ${fill('the target: what 1 means and how it is observed')} | |
`;

export const dataSummaryReport = () => `# Data summary report

## Data sources
${fill('each source: owner, location, refresh frequency, access')}

## Quality
${fill('missing values, outliers, duplicates, label noise: what was found and what was done')}

## Target
${fill('class balance, how the label is defined, leakage risks')}

## Feature exploration
${fill('the relationships that matter, with plots from the exploration notebooks')}
`;

export const dataDefinition = () => `# Data definition

${fill('the raw tables and fields used, their meaning and source, and how the modeling table is derived from them')}
`;

export const dataPipeline = () => `# Data pipeline

${fill('how raw data becomes the modeling table: the stages in dvc.yaml, their inputs and outputs, and the schedule')}
`;

export const baselineReport = () => `# Baseline report

## Baseline
A \`DummyClassifier(strategy="prior")\` and ${fill('a simple heuristic or the current process')}.

## Results
| model | metric | score |
|---|---|---|
| prior baseline | ROC AUC | ${fill('score')} |
| heuristic | ROC AUC | ${fill('score')} |

## What a model must beat
${fill('the bar for the first model, and why')}
`;

export const modelReport = () => `# Model report: ${fill('model name and version')}

## Model
${fill('algorithm, features, hyperparameters (params.yaml revision), MLflow run id')}

## Evaluation
${fill('threshold-independent metrics (ROC AUC, PR AUC) against the baseline, on which data')}

## Errors and fairness
${fill('where the model is wrong, and how it behaves across groups')}

## Decision
${fill('ship, iterate or stop, and why')}

Copy this file once per model.
`;

export const finalModelReport = () => `# Final model report

## Model chosen
${fill('which model, which run, and why it was chosen over the others')}

## Performance
${fill('final metrics against the baseline and the charter target')}

## Operation
${fill('how it is served, monitored and retrained')}
`;

export const sampleDataReadme = () => `# Sample data

Only **small samples** belong here (a few hundred rows at most, no personal data): enough to run
the code and the tests. Full data sets are versioned with DVC and stored outside git.

- \`Raw/\`: samples of the raw sources, never modified by code
- \`Processed/\`: samples after cleaning
- \`For_Modeling/\`: samples of the modeling table (\`sample.csv\`, used by the starter code)
`;

export const codeFolderReadme = (title: string, body: string) => () => `# ${title}\n\n${body}\n`;
