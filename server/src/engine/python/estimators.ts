// Facts about estimators and optimizers that rules share, kept in one table each: their key
// hyperparameters, and which of them are sensitive to the scale of the features.
import { Call, PythonModule } from './module';
import { lastName } from './structure';

interface HyperparameterEntry {
  /** Package prefixes the classes come from (`sklearn.` matches `sklearn.ensemble.RandomForestClassifier`). */
  packages: string[];
  classes: string[];
  /** Keyword names of the key hyperparameters. */
  keys: string[];
  /** Positional arguments before the first hyperparameter (1 for torch optimizers: their params). */
  leadingPositionals: number;
}

const TREE_ENSEMBLE_KEYS = ['n_estimators', 'max_depth', 'min_samples_leaf', 'min_samples_split', 'max_features', 'max_leaf_nodes', 'max_samples'];

const HYPERPARAMETERS: HyperparameterEntry[] = [
  {
    packages: ['sklearn.'],
    classes: ['RandomForestClassifier', 'RandomForestRegressor', 'ExtraTreesClassifier', 'ExtraTreesRegressor'],
    keys: TREE_ENSEMBLE_KEYS,
    leadingPositionals: 0,
  },
  {
    packages: ['sklearn.'],
    classes: ['GradientBoostingClassifier', 'GradientBoostingRegressor'],
    keys: ['n_estimators', 'learning_rate', 'max_depth', 'subsample', 'min_samples_leaf', 'max_leaf_nodes', 'max_features'],
    leadingPositionals: 0,
  },
  {
    packages: ['sklearn.'],
    classes: ['HistGradientBoostingClassifier', 'HistGradientBoostingRegressor'],
    keys: ['max_iter', 'learning_rate', 'max_depth', 'max_leaf_nodes', 'min_samples_leaf', 'l2_regularization'],
    leadingPositionals: 0,
  },
  {
    packages: ['sklearn.'],
    classes: ['DecisionTreeClassifier', 'DecisionTreeRegressor'],
    keys: ['max_depth', 'min_samples_leaf', 'min_samples_split', 'max_leaf_nodes', 'ccp_alpha', 'max_features'],
    leadingPositionals: 0,
  },
  { packages: ['sklearn.'], classes: ['SVC', 'SVR'], keys: ['C', 'gamma', 'kernel'], leadingPositionals: 0 },
  { packages: ['sklearn.'], classes: ['KNeighborsClassifier', 'KNeighborsRegressor'], keys: ['n_neighbors'], leadingPositionals: 0 },
  { packages: ['sklearn.'], classes: ['LogisticRegression'], keys: ['C', 'penalty', 'l1_ratio'], leadingPositionals: 0 },
  { packages: ['sklearn.'], classes: ['MLPClassifier', 'MLPRegressor'], keys: ['hidden_layer_sizes', 'alpha', 'learning_rate_init'], leadingPositionals: 0 },
  { packages: ['sklearn.'], classes: ['KMeans', 'MiniBatchKMeans'], keys: ['n_clusters'], leadingPositionals: 0 },
  { packages: ['sklearn.'], classes: ['NearestNeighbors'], keys: ['n_neighbors', 'radius'], leadingPositionals: 0 },
  {
    packages: ['xgboost.'],
    classes: ['XGBClassifier', 'XGBRegressor', 'XGBRanker', 'XGBRFClassifier', 'XGBRFRegressor'],
    keys: ['n_estimators', 'learning_rate', 'eta', 'max_depth', 'max_leaves', 'min_child_weight', 'subsample', 'colsample_bytree', 'reg_lambda', 'reg_alpha', 'gamma'],
    leadingPositionals: 0,
  },
  {
    packages: ['lightgbm.'],
    classes: ['LGBMClassifier', 'LGBMRegressor', 'LGBMRanker'],
    keys: ['n_estimators', 'num_iterations', 'learning_rate', 'num_leaves', 'max_depth', 'min_child_samples', 'subsample', 'colsample_bytree', 'reg_lambda', 'reg_alpha'],
    leadingPositionals: 0,
  },
  {
    packages: ['catboost.'],
    classes: ['CatBoostClassifier', 'CatBoostRegressor'],
    keys: ['iterations', 'n_estimators', 'num_trees', 'num_boost_round', 'learning_rate', 'eta', 'depth', 'max_depth', 'l2_leaf_reg'],
    leadingPositionals: 0,
  },
  { packages: ['torch.optim.'], classes: ['Adam', 'AdamW', 'RMSprop', 'Adagrad', 'Adamax', 'NAdam', 'RAdam'], keys: ['lr'], leadingPositionals: 1 },
  // Most torch versions in use require SGD's lr, so leaving it out fails loudly; momentum is what is forgotten.
  { packages: ['torch.optim.'], classes: ['SGD'], keys: ['momentum', 'weight_decay', 'nesterov'], leadingPositionals: 2 },
  // The batch size of a training loader (batch_sampler= replaces it).
  { packages: ['torch.utils.data.'], classes: ['DataLoader'], keys: ['batch_size', 'batch_sampler'], leadingPositionals: 1 },
  {
    packages: ['tensorflow.keras.optimizers.', 'keras.optimizers.'],
    classes: ['Adam', 'AdamW', 'RMSprop', 'SGD', 'Adagrad', 'Nadam'],
    keys: ['learning_rate'],
    leadingPositionals: 0,
  },
];

/** The estimator or optimizer class a constructor call builds, with its key hyperparameters, when the
 *  call sets none of them; undefined when it sets one, passes `*args`/`**kwargs`, or is not in the table. */
export function missingHyperparameters(call: Call): { name: string; keys: string[] } | undefined {
  if (!call.imported || call.hasSplat) return undefined;
  const name = lastName(call.qualified);
  const entry = HYPERPARAMETERS.find((e) => e.classes.includes(name) && e.packages.some((p) => call.qualified.startsWith(p)));
  if (!entry || call.positional.length > entry.leadingPositionals) return undefined;
  return entry.keys.some((k) => call.keywords.has(k)) ? undefined : { name, keys: entry.keys };
}

/** Hyperparameter searches (scikit-learn's, and scikit-optimize's BayesSearchCV). */
export const SEARCH_CLASSES = new Set(['GridSearchCV', 'RandomizedSearchCV', 'HalvingGridSearchCV', 'HalvingRandomSearchCV', 'BayesSearchCV']);
const TUNING_PACKAGES = ['optuna', 'ray.tune', 'hyperopt', 'skopt', 'keras_tuner', 'flaml', 'nevergrad', 'wandb.sweep'];

/** Whether the module tunes hyperparameters: a search, a tuning library, or `set_params(...)`. */
export function tunesHyperparameters(module: PythonModule): boolean {
  if (TUNING_PACKAGES.some((p) => module.importsPackage(p))) return true;
  return module.calls().some((c) => c.method === 'set_params' || (c.imported && SEARCH_CLASSES.has(lastName(c.qualified))));
}

// Estimators whose result depends on the scale of the features: distances, kernels, gradients,
// regularization penalties and variance all mix the units of the columns.
const SCALE_SENSITIVE = new Set([
  'SVC',
  'SVR',
  'NuSVC',
  'NuSVR',
  'LinearSVC',
  'LinearSVR',
  'KNeighborsClassifier',
  'KNeighborsRegressor',
  'RadiusNeighborsClassifier',
  'RadiusNeighborsRegressor',
  'PCA',
  'KernelPCA',
  'MLPClassifier',
  'MLPRegressor',
  'SGDClassifier',
  'SGDRegressor',
  'KMeans',
  'MiniBatchKMeans',
  'LogisticRegression',
  'Ridge',
  'RidgeClassifier',
  'Lasso',
  'ElasticNet',
]);

/** The scale-sensitive scikit-learn estimator a constructor call builds, if it is one. A logistic
 *  regression without penalty does not depend on the scale. */
export function scaleSensitiveEstimator(call: Call): string | undefined {
  if (!call.imported || !call.qualified.startsWith('sklearn.')) return undefined;
  const name = lastName(call.qualified);
  if (!SCALE_SENSITIVE.has(name)) return undefined;
  const penalty = call.keywords.get('penalty');
  if (name === 'LogisticRegression' && penalty && (penalty.type === 'none' || /^['"]none['"]$/i.test(penalty.text))) return undefined;
  return name;
}

// Transformers and functions that put features on a common scale; TF-IDF rows are normalized.
const SCALERS = new Set([
  'StandardScaler',
  'MinMaxScaler',
  'RobustScaler',
  'MaxAbsScaler',
  'Normalizer',
  'QuantileTransformer',
  'PowerTransformer',
  'scale',
  'minmax_scale',
  'robust_scale',
  'maxabs_scale',
  'normalize',
  'quantile_transform',
  'power_transform',
  'TfidfVectorizer',
  'TfidfTransformer',
  'HashingVectorizer',
]);
const SCALER_PACKAGES = ['sklearn.preprocessing.', 'sklearn.feature_extraction.', 'pyspark.ml.feature.', 'cuml.'];

/** Whether a qualified callee (`sklearn.preprocessing.StandardScaler`) scales features. */
export function isScaler(qualified: string): boolean {
  return SCALER_PACKAGES.some((p) => qualified.startsWith(p)) && SCALERS.has(lastName(qualified));
}
