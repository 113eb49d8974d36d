import { defineRule } from '../engine/rule';
import { computesFeatures, FEATURE_FUNCTION, FunctionFingerprint } from '../engine/python/fingerprint';
import { PythonFacts, trainsModel } from '../engine/python/facts';
import { isModelServingCode } from '../engine/python/inference';
import { endpointsOf } from '../engine/python/serving';
import { FILE_START, rangeOf } from '../engine/types';

/** Copies of feature code: the same feature function name, or the same body of a function that
 *  computes features (by its name or by writing columns). Other shared helpers are not skew. */
function sameFunction(serving: FunctionFingerprint, training: FunctionFingerprint): 'name' | 'body' | undefined {
  if (serving.name === training.name && FEATURE_FUNCTION.test(serving.name)) return 'name';
  if (computesFeatures(serving) && serving.bodyHash && serving.bodyHash === training.bodyHash) return 'body';
  return undefined;
}

export default defineRule({
  code: 'MLH502',
  name: 'train-serve-skew',
  summary: 'Serving code defines its own copy of a feature or preprocessing function that training also defines',
  practices: ['P8'],
  references: ['Zinkevich, Rule #32: re-use code between your training pipeline and your serving pipeline', 'ML Test Score, Monitor 3: training and serving features compute the same values'],
  severity: 'warning',
  roles: ['serving', 'pipeline', 'library'],
  applies: (project) => project.files.some((f) => project.roleOf(f.path) === 'serving'),
  docs: `## What it finds
A module-level function in serving code (a module that defines request handlers, or lives in or
is named serve, serving, api, app, server, inference or predict) that a training module (one
that fits or trains a model) also defines: the same feature or preprocessing function name
(\`preprocess\`, \`build_features\`, \`clean_text\` ...), or the same body under any name
(comments, docstring, layout and parameter names aside) for a function that computes features
(it writes data-frame columns). Other helpers that both sides happen to share (loggers,
checkpoint lookups, formatting) are not feature code and are not reported. The finding points
to the training definition as related information.

Runs on serving, pipeline and library code, and pairs twins inside one project only: same-named functions of unrelated projects in one repository are not a training and serving pair.

## Why it matters
Two copies of feature code drift apart: someone fixes a bug or adds a category in training and
the service keeps computing the old features. The model then receives inputs unlike the ones it
learnt from, and quality drops silently. This training/serving skew is one of the most common
production failures of ML systems (Zinkevich rule 32, ML Test Score Monitor 3).

## How to fix
Keep one implementation in a module that both sides import (\`features.py\`, a package), or ship
the preprocessing inside the model artifact (an sklearn \`Pipeline\`, a Keras preprocessing layer,
a TorchScript module).

## Example
\`\`\`python
# Before: train.py and serve.py each define
def build_features(df):
    df["tenure_years"] = df["tenure_months"] / 12
    return df[FEATURES]

# After: both import the same function
from churn.features import build_features
\`\`\`

## References
- Zinkevich, *Rules of Machine Learning*, Rule #32: "Re-use code between your training pipeline
  and your serving pipeline whenever possible."
- Breck et al., *The ML Test Score* (2017), Monitor 3: "Training and serving features compute the same values".
- ML Hygiene practice P8 (design for ML).
`,
  check: {
    python(ctx) {
      const { module, facts, project } = ctx;
      if (facts.isTest || trainsModel(facts)) return;
      if (!isModelServingCode(module, ctx.path)) return;
      const handlers = new Set(endpointsOf(module).map((e) => e.fn.startPosition.row));
      let trainingModules: [string, PythonFacts][] | undefined;
      for (const def of module.nodes('function_definition')) {
        const holder = def.parent?.type === 'decorated_definition' ? def.parent : def;
        if (holder.parent?.type !== 'module' || handlers.has(def.startPosition.row)) continue;
        const own = facts.functionFingerprints.find((f) => f.line === def.startPosition.row);
        const name = def.childForFieldName('name');
        if (!own || !name || own.name.startsWith('__')) continue;
        // Listed at the first function to compare, since it reads every file's facts. A script
        // generated from a training notebook is that notebook again: the notebook stands for it.
        trainingModules ??= project.pythonFiles().filter(([p, f]) => p !== ctx.path && trainsModel(f) && project.roleOf(p) !== 'generated');
        if (trainingModules.length === 0) return;
        for (const [path, training] of trainingModules) {
          const copy = training.functionFingerprints.find((t) => sameFunction(own, t) !== undefined);
          if (!copy) continue;
          const how = sameFunction(own, copy) === 'body' ? `the same code as ${copy.name}()` : `its own ${copy.name}()`;
          const where = path.endsWith('.ipynb') ? FILE_START : rangeOf(copy.line, 0, copy.line, 0);
          ctx.report(name, `Serving code defines ${how}, which training defines too in ${path}; import one shared implementation so that the features cannot drift apart`, {
            related: [{ path, range: where, message: `training's ${copy.name}()` }],
          });
          break;
        }
      }
    },
  },
});
