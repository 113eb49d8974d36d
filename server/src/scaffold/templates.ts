// File templates as data, for the quick fixes that create what a project lacks (and for the TDSP
// scaffolding to share). Text the user still has to write carries the scaffold's placeholder marker,
// which MLH002 finds when it is left in place.
import { version } from '../../../package.json';
import { placeholder as fill } from './template';

export interface Template {
  /** Where the file goes, relative to the project root. */
  path: string;
  content: string;
}

/** The project charter, with the sections of the Team Data Science Process charter. `architecture`
 *  replaces the generic architecture bullets when the layout is known (the TDSP scaffold). */
export function charter(projectName?: string, architecture?: string[]): string {
  const architectureLines = architecture ?? [
    `- Data sources and where the data lives: ${fill('data sources')}`,
    `- How the model is trained, versioned, served and monitored: ${fill('training and serving')}`,
  ];
  return `# Project charter${projectName ? `: ${projectName}` : ''}

Write this first, with the people who will use the model, and revisit it at each milestone.

## Business background
- Who the project is for and which business domain they work in: ${fill('client and domain')}
- The business problem, in the words of the people who have it: ${fill('problem')}
- Why machine learning, and what is done today without it: ${fill('current approach, and why a simple rule is not enough')}

## Scope
- What the project delivers (a model, a report, a service) and how it will be used: ${fill('deliverables')}
- What is out of scope: ${fill('exclusions')}

## Personnel
- Project lead, data scientists, data and platform engineers, domain experts: ${fill('names and roles')}
- Who decides, who is consulted, who owns the model in production: ${fill('ownership')}

## Metrics
- The business metric the project should move, and by how much: ${fill('business metric and target')}
- The model metric that stands for it, and the baseline to beat: ${fill('model metric, baseline, target')}
- How the metrics are measured, and on which data: ${fill('measurement')}

## Plan
- Phases (business understanding, data acquisition and understanding, modeling, deployment,
  customer acceptance) and their milestones: ${fill('milestones and dates')}

## Architecture
${architectureLines.join('\n')}

## Communication
- How often the team and stakeholders meet, and where decisions are written down: ${fill('cadence and channels')}
`;
}

export const CHARTER: Template = { path: 'Docs/Project/Charter.md', content: charter() };

/** Code owners: who reviews changes to which paths (read by GitHub and GitLab). */
export const CODEOWNERS: Template = {
  path: 'CODEOWNERS',
  content: `# Owners are asked to review every change to the paths they own; the last matching line wins.
# Name the people or team answerable for the models, the data and the pipeline.
* ${fill('@organisation/team or @username')}
`,
};

export type UpdateEcosystem = 'pip' | 'github-actions' | 'docker';

/** A Dependabot configuration that checks the given ecosystems weekly. */
export function dependabotConfig(ecosystems: UpdateEcosystem[]): Template {
  const updates = ecosystems
    .map((e) => `  - package-ecosystem: "${e}"\n    directory: "/"\n    schedule:\n      interval: "weekly"\n    open-pull-requests-limit: 5\n`)
    .join('');
  return { path: '.github/dependabot.yml', content: `version: 2\nupdates:\n${updates}` };
}

/** A Renovate configuration, for hosts where Dependabot does not run (GitLab, Bitbucket, Azure). */
export const RENOVATE: Template = {
  path: 'renovate.json',
  content: `{
  "$schema": "https://docs.renovatebot.com/renovate-schema.json",
  "extends": ["config:recommended"],
  "schedule": ["before 6am on monday"],
  "prConcurrentLimit": 5
}
`,
};

/** A model card, after Mitchell et al., "Model Cards for Model Reporting" (2019). */
export function modelCard(modelName?: string): string {
  return `# Model card${modelName ? `: ${modelName}` : ''}

## Model details
- Name, version and date: ${fill('name, version, date')}
- Model type and training algorithm: ${fill('model type')}
- Owners and contact: ${fill('owners')}

## Intended use
- Primary uses and users: ${fill('intended uses')}
- Uses it is not suited for: ${fill('out-of-scope uses')}

## Training data
- Source, time range, size and preprocessing: ${fill('training data')}

## Evaluation data
- Source, how it was held out, and why it represents production: ${fill('evaluation data')}

## Metrics
- The metrics reported and why, with the decision threshold if there is one: ${fill('metrics')}
- Results against the baseline: ${fill('results and baseline')}

## Factors and fairness
- Groups, environments or instruments for which performance was measured separately: ${fill('factors')}

## Ethical considerations, caveats and recommendations
${fill('risks, known limitations, recommendations')}
`;
}

export const MODEL_CARD: Template = { path: 'MODEL_CARD.md', content: modelCard() };

/** A GitHub Actions workflow that installs the project, lints it and runs its tests; with a
 *  `retrainCommand`, also a weekly scheduled job that retrains (continuous training). */
/** The GitHub Action of this version of ML Hygiene (action.yml at the repository's root). */
export const ML_HYGIENE_ACTION = `ml-hygiene/ml-hygiene@v${version}`;

export function ciWorkflow(retrainCommand?: string): string {
  const checkoutAndPython = `      - uses: actions/checkout@v4
      - uses: actions/setup-python@v5
        with:
          python-version: "3.11"
          cache: pip`;
  const schedule = retrainCommand ? `  schedule:\n    - cron: "0 4 * * 1" # weekly: retrain on fresh data and check the model still passes its gate\n` : '';
  const retrain = retrainCommand
    ? `
  retrain:
    if: github.event_name == 'schedule'
    needs: test
    runs-on: ubuntu-latest
    steps:
${checkoutAndPython}
      - run: pip install -r requirements.txt
      - run: ${retrainCommand}
`
    : '';
  return `name: CI

on:
  push:
    branches: [main]
  pull_request:
${schedule}
jobs:
  test:
    runs-on: ubuntu-latest
    steps:
${checkoutAndPython}
      - name: Install
        run: |
          python -m pip install --upgrade pip
          if [ -f requirements.txt ]; then pip install -r requirements.txt; fi
          pip install ruff pytest
      - name: Lint
        run: ruff check .
      - name: ML Hygiene
        uses: ${ML_HYGIENE_ACTION}
      - name: Test
        run: python -m pytest
${retrain}`;
}

export const CI_WORKFLOW: Template = { path: '.github/workflows/ci.yml', content: ciWorkflow() };
