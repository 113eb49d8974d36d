import { parse as parseToml } from 'smol-toml';
import { ProjectIndex } from '../engine/project';
import { defineRule } from '../engine/rule';
import { ML_LIBRARIES } from '../engine/python/facts';
import { sameNode } from '../engine/python/flow';
import { assignedNames, Call, dottedName, Node, PythonModule, scopeOf, stringValue } from '../engine/python/module';
import { configurableGlobals } from '../engine/python/configurableGlobals';
import { Notebook } from '../engine/notebook';
import { isNumericLiteral, numberValue } from '../engine/python/values';
import { lastName } from '../engine/python/structure';
import { PRODUCTION } from '../engine/roles';

/** Keyword arguments that are hyperparameters of estimators, optimizers, schedulers, data loaders and trainers. */
const HYPERPARAMETER_KEYWORDS = new Set([
  'lr', 'learning_rate', 'learning_rate_init', 'eta', 'batch_size', 'per_device_train_batch_size', 'per_device_eval_batch_size',
  'train_batch_size', 'gradient_accumulation_steps', 'epochs', 'num_epochs', 'n_epochs', 'max_epochs', 'num_train_epochs',
  'num_boost_round', 'warmup_steps', 'n_estimators', 'max_depth', 'min_samples_split', 'min_samples_leaf', 'min_child_weight',
  'num_leaves', 'subsample', 'colsample_bytree', 'reg_alpha', 'reg_lambda', 'l1_ratio', 'dropout', 'dropout_rate',
  'attention_dropout', 'weight_decay', 'momentum', 'label_smoothing', 'num_layers', 'n_layers', 'hidden_size', 'hidden_dim',
  'hidden_units', 'hidden_layer_sizes', 'embedding_dim', 'embed_dim', 'num_heads', 'n_neighbors', 'C', 'gamma', 'alpha',
]);
/** Module-level constant names that hold a hyperparameter (upper-cased in code). Single letters and
 *  words with other common meanings (alpha as a significance level) are left out. */
const HYPERPARAMETER_CONSTANTS = new Set([
  'lr', 'learning_rate', 'batch_size', 'epochs', 'num_epochs', 'n_epochs', 'max_epochs', 'n_estimators', 'max_depth',
  'dropout', 'dropout_rate', 'weight_decay', 'num_layers', 'n_layers', 'hidden_size', 'hidden_dim', 'embedding_dim',
  'embed_dim', 'num_heads', 'warmup_steps', 'num_leaves', 'num_boost_round',
]);
/** Methods whose keyword arguments configure training (`model.fit(X, y, epochs=10)`, `model.compile(...)`). */
const TRAINING_METHODS = new Set(['fit', 'fit_generator', 'compile', 'train']);
const ML_ROOTS = new Set([...ML_LIBRARIES, 'keras', 'tensorflow', 'torch', 'torchvision', 'accelerate', 'peft', 'trl']);
const CONFIG_FILE = /(^|\/)(params|hparams[\w-]*|hyperparam[\w-]*|config[\w-]*)\.(ya?ml|toml|json)$|(^|\/)(conf|configs?)\/.+\.(ya?ml|toml|json)$/i;
const NOT_CONFIG = /(^|\/)(\.github|\.gitlab|\.circleci)\/|(^|\/)(\.ml-hygiene\.yaml|pyproject\.toml|docker-compose[\w.-]*|mkdocs\.ya?ml|environment\.ya?ml|\.pre-commit-config\.yaml|codecov\.ya?ml)$/i;

function lastKey(path: string[]): string {
  return path[path.length - 1] ?? '';
}

function tomlHasHyperparameter(value: unknown, depth = 0): boolean {
  if (!value || typeof value !== 'object' || depth > 8) return false;
  return Object.entries(value as Record<string, unknown>).some(([k, v]) => HYPERPARAMETER_KEYWORDS.has(k) || tomlHasHyperparameter(v, depth + 1));
}

/** The top-level keys of a conda environment file, which names its packages, not settings. */
const CONDA_KEYS = new Set(['name', 'channels', 'dependencies', 'prefix', 'variables']);

/** A conda environment, whatever its name (`configuration.yml` is a common one). */
function isCondaEnvironment(keys: string[][]): boolean {
  const top = new Set(keys.map((k) => k[0]));
  return top.has('dependencies') && [...top].every((k) => CONDA_KEYS.has(k));
}

const CONFIG_FILES = new WeakMap<ProjectIndex, string[]>();

/** Config files of the project that could hold hyperparameters: params.yaml, conf/*.yaml, a YAML or
 *  TOML file that already holds some. */
function configFilesOf(project: ProjectIndex): string[] {
  const cached = CONFIG_FILES.get(project);
  if (cached) return cached;
  const found = project.files
    .filter((file) => {
      if (NOT_CONFIG.test(file.path) || (file.kind !== 'yaml' && file.kind !== 'toml')) return false;
      const keys = project.facts.get(file.path)?.yamlKeys;
      if (keys && isCondaEnvironment(keys)) return false;
      if (CONFIG_FILE.test(file.path) || keys?.some((k) => HYPERPARAMETER_KEYWORDS.has(lastKey(k)))) return true;
      const text = file.kind === 'toml' ? project.documents.get(file.path) : undefined;
      try {
        return text !== undefined && tomlHasHyperparameter(parseToml(text));
      } catch {
        return false; // a TOML file that does not parse holds nothing we can point to
      }
    })
    .map((file) => file.path);
  CONFIG_FILES.set(project, found);
  return found;
}

/** The folder a config file configures: its own, or the one holding its conf/ or configs/ tree. */
function configuredFolder(configPath: string): string {
  const parts = configPath.split('/').slice(0, -1);
  const tree = parts.findIndex((p) => /^(conf|configs?)$/i.test(p));
  return (tree >= 0 ? parts.slice(0, tree) : parts).join('/');
}

/** A config file that configures the code at `path`: in its folder or a folder above it. In a
 *  repository of independent examples, one example's config does not make another's values wrong. */
function configFileFor(project: ProjectIndex, path: string): string | undefined {
  const folder = path.split('/').slice(0, -1).join('/');
  return configFilesOf(project).find((config) => {
    const configured = configuredFolder(config);
    return configured === '' || folder === configured || folder.startsWith(`${configured}/`);
  });
}

/** Training functions of boosting libraries, which take hyperparameters as keywords. */
const TRAINING_FUNCTIONS = new Set(['xgboost.train', 'xgboost.cv', 'lightgbm.train', 'lightgbm.cv', 'catboost.train', 'catboost.cv']);
/** Layers and tensor operations: their keywords (\`alpha\` of \`torch.add\`, \`momentum\` of a
 *  batch-norm layer in a model definition) are architecture or arithmetic, not training settings. */
const NOT_TRAINING_SETTINGS = /^(torch\.nn\.|tensorflow\.keras\.layers\.|keras\.layers\.|tensorflow\.nn\.|jax\.|flax\.linen\.)/;

/** Calls that configure training: constructors of estimators, optimizers, schedulers, data loaders and
 *  trainers of ML libraries, boosting libraries' train functions, and \`fit\` / \`compile\` / \`train\`. */
function configuresTraining(call: Call): boolean {
  if (!call.imported || dottedName(call.node.childForFieldName('function')) === undefined) {
    return call.receiver !== undefined && TRAINING_METHODS.has(call.method);
  }
  if (!ML_ROOTS.has(call.qualified.split('.')[0]) || NOT_TRAINING_SETTINGS.test(call.qualified)) return false;
  const name = lastName(call.qualified);
  return /^[A-Z]/.test(name) || TRAINING_FUNCTIONS.has(call.qualified);
}

/** Whether the scope of a `weight_decay=0` also gives some parameters a decay of their own (a
 *  keyword or a param group's `"weight_decay"` entry that is not zero): then the zero marks the
 *  group that must not decay (biases, norm weights), a structural choice, not a tuned value. */
function isNoDecayGroup(module: PythonModule, value: Node): boolean {
  if (numberValue(value) !== 0) return false;
  const scope = scopeOf(value);
  const keywords = module.nodes('keyword_argument').filter((k) => k.childForFieldName('name')?.text === 'weight_decay');
  const entries = module.nodes('pair').filter((p) => stringValue(p.childForFieldName('key')) === 'weight_decay');
  return [...keywords, ...entries].some((setting) => {
    const decay = setting.childForFieldName('value');
    return decay !== null && !sameNode(decay, value) && numberValue(decay) !== 0 && sameNode(scopeOf(decay), scope);
  });
}

/** Module-level `NAME = <number>` whose name is a hyperparameter, assigned once and read elsewhere,
 *  and not a default that a configurator or papermill replaces at run time. */
function hyperparameterConstants(module: PythonModule, notebook?: Notebook): Node[] {
  const assignments = module.nodes('assignment');
  const configurable = configurableGlobals(module, notebook);
  const found: Node[] = [];
  for (const assignment of assignments) {
    if (assignment.parent?.parent?.type !== 'module' || assignment.parent.type !== 'expression_statement') continue;
    const left = assignment.childForFieldName('left');
    const right = assignment.childForFieldName('right');
    if (left?.type !== 'identifier' || !isNumericLiteral(right) || !HYPERPARAMETER_CONSTANTS.has(left.text.toLowerCase())) continue;
    const name = left.text;
    if (configurable.has(name)) continue;
    if (assignments.filter((a) => assignedNames(a).includes(name)).length !== 1) continue;
    const reads = module.withText('identifier', name).filter((id) => id.startIndex !== left.startIndex);
    if (reads.length > 0) found.push(right!);
  }
  return found;
}

export default defineRule({
  code: 'MLH601',
  name: 'hardcoded-hyperparameter',
  summary: 'Hyperparameters written as literals in code instead of configuration',
  practices: ['P7', 'P9'],
  references: ['Sculley et al. 2015: configuration debt', 'ML Hygiene practices P7 (versioning: hyperparameters) and P9 (hidden costs)'],
  severity: 'warning',
  roles: PRODUCTION,
  docs: `## What it finds
Literal values for hyperparameter keywords (\`lr\`, \`learning_rate\`, \`batch_size\`, \`epochs\`,
\`n_estimators\`, \`max_depth\`, \`dropout\`, \`weight_decay\`, \`momentum\`, \`num_layers\`,
\`hidden_size\`, \`C\`, \`gamma\`, \`alpha\` ...) in calls to estimators, optimizers, schedulers,
data loaders and trainers of ML libraries (class constructors, and the train functions of
XGBoost, LightGBM and CatBoost) and in \`fit\` / \`compile\` / \`train\` calls, and module-level
constants such as \`LEARNING_RATE = 3e-4\` that the code uses. Layers of a model definition
(\`nn.LSTM(hidden_size=...)\`) and tensor operations (\`torch.add(..., alpha=...)\`) are
architecture and arithmetic, and are not reported. Defaults of argparse options, of
function parameters and of config classes are where hyperparameters belong and are not reported,
nor are \`random_state\`, \`seed\`, \`verbose\` or \`n_jobs\`. Nor are the defaults that a run
replaces: module-level values assigned before the script hands its globals to a configurator
(\`exec(open("configurator.py").read())\`, \`globals().update(overrides)\`), and the values of a
notebook's papermill \`parameters\` cell (the cell tagged \`parameters\`). A \`weight_decay=0\`
next to a parameter group that has a decay of its own marks the group that must not decay (biases,
norm weights): it is structure, not a tuned value. Values are reported only where a config file
that could hold them already configures the code (params.yaml, config*.yaml, conf/, a YAML or TOML
file with hyperparameters, in the file's folder or a folder above it; a conda environment file is
none of these, whatever its name): there the literal is a value
that escaped the configuration. Without such a file the rule stays quiet; on a judged corpus of
public repositories, the findings of that case were worth acting on too rarely (5 of 7) to be
shown by default.

The rule reads values, not intent: a notebook's settings cell that is not tagged \`parameters\`,
or a script configured in some other way than the ones above, is still reported.

Runs on pipeline, serving and library code only: exploration, course material and tooling write hyperparameters where they are tried.

## Why it matters
Hyperparameters spread through code are configuration debt: to know what a run used you have to
read the code at that commit, every experiment is a code change, and the values cannot be
tracked, compared or swept by the experiment tooling (practices P7 and P9).

## How to fix
Move the values into a config file (params.yaml for DVC, a Hydra config, a TOML file) or the
training script's arguments, read them once, pass them down, and log them with the run.

## Example
\`\`\`python
# Before
model = GradientBoostingClassifier(n_estimators=500, max_depth=4, learning_rate=0.05)

# After (params.yaml holds train.n_estimators, train.max_depth, train.learning_rate)
params = yaml.safe_load(open("params.yaml"))["train"]
model = GradientBoostingClassifier(**params)
\`\`\`

## References
- Sculley et al., *Hidden Technical Debt in Machine Learning Systems* (2015): configuration debt.
- ml-ops.org, [ML versioning](https://ml-ops.org/content/versioning): hyperparameters are versioned with the experiment.
- DVC documentation, [params](https://dvc.org/doc/command-reference/params).
- ML Hygiene practices P7 (versioning and reproducibility) and P9 (the hidden costs of ML).
`,
  check: {
    python(ctx) {
      const { module, facts } = ctx;
      if (facts.isTest || !facts.isML) return;
      const config = configFileFor(ctx.project, ctx.path);
      if (!config) return;
      for (const call of module.calls()) {
        if (!configuresTraining(call)) continue;
        for (const [name, value] of call.keywords) {
          if (!HYPERPARAMETER_KEYWORDS.has(name) || !isNumericLiteral(value)) continue;
          if (name === 'weight_decay' && isNoDecayGroup(module, value)) continue;
          ctx.report(value, `Hyperparameter ${name}=${value.text} is hard-coded in ${call.callee}(); move it to ${config}`);
        }
      }
      for (const value of hyperparameterConstants(module, ctx.notebook)) {
        const name = value.parent?.childForFieldName('left')?.text ?? '';
        ctx.report(value, `Hyperparameter ${name} = ${value.text} is hard-coded; move it to ${config}`);
      }
    },
  },
});
