import { defineRule } from '../engine/rule';
import { missingHyperparameters, tunesHyperparameters } from '../engine/python/estimators';
import { PRODUCTION } from '../engine/roles';

export default defineRule({
  code: 'MLH205',
  name: 'hyperparameters-not-set',
  summary: 'Estimators and optimizers built with none of their key hyperparameters set',
  practices: ['P5', 'P7'],
  references: ['Zhang et al. 2022, C11: Hyperparameter not Explicitly Set'],
  severity: 'information',
  optIn: true,
  roles: PRODUCTION,
  docs: `## What it finds
Estimators and optimizers constructed with none of their key hyperparameters:
\`RandomForestClassifier()\` without \`n_estimators\` / \`max_depth\` / \`min_samples_leaf\` ...,
\`XGBClassifier()\`, \`LGBMRegressor()\`, \`SVC()\` without \`C\` / \`gamma\`, \`KMeans()\` without
\`n_clusters\`, \`torch.optim.Adam(params)\` without \`lr\`, \`torch.optim.SGD(params, lr)\` without
\`momentum\` / \`weight_decay\`, \`keras.optimizers.Adam()\` without \`learning_rate\`, a torch
\`DataLoader(dataset)\` without \`batch_size\` (which is then 1). Modules that tune hyperparameters (grid or random search, Optuna, Ray Tune,
hyperopt, \`set_params\`) and calls that pass \`**params\` are not reported.

Runs on pipeline, serving and library code only: exploration and course material try the defaults first.

dslinter's test cases differ in four places. It reports \`ElasticNet(alpha=1.0)\` because
\`l1_ratio\` is left out; this rule reports a constructor that sets none of its key
hyperparameters, since one set value shows the author chose among them. It expects no finding for
\`KMeans(n_neighbors=5)\` (not a KMeans argument: the call fails) and for a Keras
\`SGD()\` in a test about \`fit(batch_size=...)\`, while its own learning-rate test reports the same
\`SGD()\`; this rule reports both. Its learning-rate case imports \`from tf.keras.optimizers\`, a
module that does not exist (\`tf\` is an alias, not a package), so nothing is reported there.

**Opt-in:** not in the default set. On a judged corpus of public ML repositories, 0 of 10 of its findings were worth acting on: defaults are often kept on purpose, and grid searches set the values. Select it where it fits (\`extendSelect: [MLH205]\`).

## Why it matters
Library defaults are a starting point chosen for no dataset in particular, and they change
between versions (scikit-learn changed the defaults of \`n_estimators\`, \`solver\` and
\`max_features\`; XGBoost changed its tree method). A model built on implicit defaults is hard to
reproduce and to reason about, and its hyperparameters are not recorded with the experiment
(practice P7). Often the defaults are simply wrong for the data: an unlimited \`max_depth\`
overfits, \`k=5\` neighbours or \`n_clusters=8\` is a guess.

## How to fix
Set the key hyperparameters explicitly, ideally from a configuration file that is versioned and
logged with the run, or tune them with a search.

## Example
\`\`\`python
# Before
model = RandomForestClassifier()
optimizer = torch.optim.Adam(net.parameters())

# After
model = RandomForestClassifier(n_estimators=cfg.n_estimators, max_depth=cfg.max_depth,
                               min_samples_leaf=cfg.min_samples_leaf, random_state=cfg.seed)
optimizer = torch.optim.Adam(net.parameters(), lr=cfg.lr)
\`\`\`

## References
- Zhang, Cruz, van Deursen: *Code Smells for Machine Learning Applications* (2022), smell C11
  "Hyperparameter not Explicitly Set".
- scikit-learn user guide: [Tuning the hyper-parameters of an estimator](https://scikit-learn.org/stable/modules/grid_search.html).
`,
  check: {
    python(ctx) {
      if (ctx.facts.isTest || tunesHyperparameters(ctx.module)) return;
      for (const call of ctx.module.calls()) {
        const missing = missingHyperparameters(call);
        if (!missing) continue;
        ctx.report(
          call.node,
          `${missing.name} is built with none of its key hyperparameters (${missing.keys.slice(0, 4).join(', ')}${missing.keys.length > 4 ? ', ...' : ''}); the library defaults are implicit and version-dependent`,
        );
      }
    },
  },
});
