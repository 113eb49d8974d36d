import { defineRule } from '../engine/rule';
import { relatedFiles, trainingFiles } from '../engine/projectQueries';

export default defineRule({
  code: 'MLH501',
  name: 'notebook-only-pipeline',
  summary: 'Models are trained only in notebooks; no importable module trains them',
  practices: ['P8'],
  references: ['Sculley et al. 2015: prototype smell'],
  severity: 'information',
  roles: ['exploration', 'pipeline', 'library'],
  applies: (project, appliesTo) => trainingFiles(project, appliesTo).length > 0,
  docs: `## What it finds
A project where every place that trains a model (\`fit\`, \`train\`, a backward pass in ML code)
is a Jupyter notebook, and no Python module or script does.

Training notebooks (exploration) and modules of the same project count; course material is meant to stay in notebooks.

## Why it matters
Notebooks are the right place to explore, and the wrong place to keep the only copy of the
training pipeline: they run out of order, hide state, resist review, testing and reuse, and
cannot be scheduled for retraining. Sculley et al. call a system whose production path is a
prototype the prototype smell. Designing for ML means training code that can be imported, tested
and run by CI or an orchestrator (practice P8).

## How to fix
Move the steps that produce the model (loading, features, training, evaluation) into modules,
e.g. \`src/train.py\` with a \`main()\`, and have the notebook import them for exploration and
reporting.

## Example
\`\`\`python
# src/train.py
def train(config):
    data = load(config.data_path)
    model = build_model(config).fit(data.X, data.y)
    return model

if __name__ == "__main__":
    train(load_config("params.yaml"))
\`\`\`

## References
- Sculley et al., *Hidden Technical Debt in Machine Learning Systems* (NeurIPS 2015), prototype smell.
- ml-ops.org, [ML production pipelines](https://ml-ops.org/content/mlops-principles).
`,
  check: {
    project(ctx) {
      const training = trainingFiles(ctx.project, ctx.appliesTo).sort();
      if (training.length === 0 || training.some((p) => !p.endsWith('.ipynb'))) return;
      ctx.report({
        path: training[0],
        message:
          training.length === 1
            ? 'The only code that trains a model is this notebook; move the training pipeline into an importable module'
            : `Models are trained only in notebooks (${training.length}); move the training pipeline into an importable module`,
        related: relatedFiles(training, 'trains a model in a notebook'),
      });
    },
  },
});
