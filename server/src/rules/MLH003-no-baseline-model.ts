import { ProjectIndex } from '../engine/project';
import { defineRule } from '../engine/rule';
import { PythonFacts } from '../engine/python/facts';
import { isModelFile } from '../engine/dataFiles';
import { relatedFiles, trainingAnchor, trainingFiles } from '../engine/projectQueries';

const BASELINE_NAME = /baseline|heuristic|rule[_-]?based|dummy|simple[_-]?model|majority[_-]?class/i;
const BASELINE_TEXT = /\bbaselines?\b|\bmajority[ -]class\b/i;
const DOCUMENT = /\.(md|markdown|rst|txt|adoc)$/i;
const MODEL_LOADS = /^(joblib|pickle|dill|cloudpickle|torch)\.load$/;

/** A model written by hand: a module named for a model that imports no ML library and loads no
 *  trained model, yet reads the data the models train on and writes its predictions (the Titanic
 *  "women survive" rule). */
function isHandWrittenModel(path: string, facts: PythonFacts, trainingData: Set<string>): boolean {
  if (facts.isML || facts.isTest || !/model/i.test(path.split('/').pop() ?? '') || facts.pathsWritten.length === 0) return false;
  if (facts.calls.some((c) => MODEL_LOADS.test(c)) || facts.pathsRead.some(isModelFile)) return false;
  return facts.pathsRead.some((p) => trainingData.has(p));
}

/** Where a project shows a baseline: a Dummy* estimator, a module, function or config key named
 *  baseline / heuristic / rule-based / simple model, a model written by hand, a benchmark of
 *  models, or a document that reports one. */
function hasBaseline(project: ProjectIndex, training: string[]): boolean {
  const trainingData = new Set(training.flatMap((p) => project.python(p)?.pathsRead ?? []));
  for (const [path, facts] of project.pythonFiles()) {
    if (BASELINE_NAME.test(path) || isHandWrittenModel(path, facts, trainingData)) return true;
    if (facts.isML && /benchmark/i.test(path.split('/').pop() ?? '')) return true;
    if (facts.imports.some((m) => m === 'sklearn.dummy' || m.startsWith('sklearn.dummy.'))) return true;
    if (facts.functions.some((f) => BASELINE_NAME.test(f)) || facts.calls.some((c) => BASELINE_NAME.test(c))) return true;
  }
  for (const fact of project.facts.values()) if (fact.yamlKeys?.some((k) => k.some((part) => BASELINE_NAME.test(part)))) return true;
  for (const [path, text] of project.documents) if (DOCUMENT.test(path) && (/baseline/i.test(path) || BASELINE_TEXT.test(text))) return true;
  return project.files.some((f) => /baseline/i.test(f.path));
}

export default defineRule({
  code: 'MLH003',
  name: 'no-baseline-model',
  summary: 'Models are trained but there is no baseline to compare them with',
  practices: ['P1', 'P5'],
  references: [
    'Zinkevich, Rule #1: do not be afraid to launch a product without machine learning',
    'Zinkevich, Rule #3: choose machine learning over a complex heuristic',
    'Zinkevich, Rule #4: keep the first model simple and get the infrastructure right',
    'ML Test Score, Model 5: a simpler model is not better',
  ],
  severity: 'information',
  optIn: true,
  roles: ['exploration', 'pipeline', 'library'],
  applies: (project, appliesTo) => trainingFiles(project, appliesTo).length > 0,
  docs: `## What it finds
A project whose code trains models while nothing in it is a baseline: no \`DummyClassifier\` /
\`DummyRegressor\`, no module, function, config key or file named "baseline", "heuristic",
"rule-based", "simple model" or "majority class", no model written by hand (a module named for a
model that imports no ML library, reads the data the models train on and writes predictions, such
as a rule that predicts from one column), no ML module or notebook named "benchmark" (where models
are compared, as a notebook that scores zero-shot LLMs against the fine-tuned model), and no
document that mentions a baseline or the majority class.

Training in exploration notebooks, pipelines and library code counts (model choices are made there); course material and tooling train models to show how, not to ship them.

**Opt-in:** not in the default set. On a judged corpus of public ML repositories, 1 of 6 of its findings were worth acting on: baselines were missed, and many projects need none. Select it where it fits (\`extendSelect: [MLH003]\`).

## Why it matters
A model's score means little on its own. Without a baseline (the majority class, yesterday's
value, a hand-written rule, a linear model) nobody knows whether the ML adds anything, and a
complex model can ship that a one-line heuristic would match. Zinkevich's first rules and the ML
Test Score (Model 5) ask for the simple solution first and for proof that the model beats it
(practices P1 and P5).

## How to fix
Train and evaluate a baseline on the same split and report both scores, in code and in the model
report.

## Example
\`\`\`python
from sklearn.dummy import DummyClassifier

baseline = DummyClassifier(strategy="prior").fit(X_train, y_train)
print("baseline AUC", roc_auc_score(y_test, baseline.predict_proba(X_test)[:, 1]))
print("model AUC", roc_auc_score(y_test, model.predict_proba(X_test)[:, 1]))
\`\`\`

## References
- Zinkevich, *Rules of Machine Learning*, Rules #1, #3 and #4.
- Breck et al., *The ML Test Score* (2017), Model 5.
- scikit-learn: [DummyClassifier](https://scikit-learn.org/stable/modules/generated/sklearn.dummy.DummyClassifier.html).
`,
  check: {
    project(ctx) {
      const { project } = ctx;
      const training = trainingFiles(project, ctx.appliesTo);
      if (training.length === 0 || hasBaseline(project, training)) return;
      ctx.report({
        ...trainingAnchor(project, training),
        message: 'Models are trained but there is no baseline (a Dummy* estimator, a heuristic, a baseline model or report) to compare them with',
        related: relatedFiles(training, 'trains a model with no baseline to beat'),
      });
    },
  },
});
