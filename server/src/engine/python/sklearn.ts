// What scikit-learn calls mean, for rules that reason about transformers, estimators and data splits.
// Names are resolved through the module's imports, so `from sklearn import preprocessing as pp` works.
import { lastValueOf } from './bindings';
import { SEARCH_CLASSES } from './estimators';
import { Call, Node, PythonModule } from './module';
import { lastName } from './structure';

/** The public name of a scikit-learn object (`StandardScaler` for `sklearn.preprocessing._data.StandardScaler`),
 *  undefined when the name does not come from scikit-learn. */
export function sklearnName(qualified: string | undefined, module?: string): string | undefined {
  if (!qualified?.startsWith(module ? `${module}.` : 'sklearn.')) return undefined;
  return lastName(qualified);
}

/** The constructor call an object comes from, looking through `fit`, which returns the object itself
 *  (`StandardScaler().fit(X)` comes from `StandardScaler()`). */
export function constructorOf(module: PythonModule, node: Node | null | undefined): Node | undefined {
  let current = node;
  while (current?.type === 'call') {
    const call = module.describeCall(current);
    if (call.method !== 'fit' || call.receiver?.type !== 'call') return current;
    current = call.receiver;
  }
  return undefined;
}

/** The scikit-learn class of a constructor call (`StandardScaler` for `StandardScaler(with_mean=False)`
 *  or `StandardScaler().fit(X)`). */
export function constructedClass(module: PythonModule, node: Node | null | undefined): string | undefined {
  const constructor = constructorOf(module, node);
  if (!constructor) return undefined;
  const call = module.describeCall(constructor);
  return call.imported ? sklearnName(call.qualified) : undefined;
}

/** The scikit-learn class of the object a method is called on: built right there (`KFold(5).split`)
 *  or assigned to the receiver variable earlier in the scope (`kf = KFold(5)` ... `kf.split`). */
export function receiverClass(module: PythonModule, call: Call): string | undefined {
  const receiver = call.receiver;
  if (!receiver) return undefined;
  if (receiver.type === 'call') return constructedClass(module, receiver);
  if (receiver.type === 'identifier') return constructedClass(module, lastValueOf(module, receiver));
  return undefined;
}

// Modules whose classes learn from the data they are fitted on.
const TRANSFORMER_MODULES = [
  'sklearn.preprocessing',
  'sklearn.impute',
  'sklearn.feature_selection',
  'sklearn.decomposition',
  'sklearn.feature_extraction',
  'sklearn.compose',
];
// Classes of those modules whose fit learns nothing about the rows (stateless, or only the shape),
// and encoders meant for the target, whose classes are not a leak.
const NON_LEARNING = new Set([
  'Normalizer',
  'Binarizer',
  'FunctionTransformer',
  'PolynomialFeatures',
  'HashingVectorizer',
  'FeatureHasher',
  'LabelEncoder',
  'LabelBinarizer',
  'MultiLabelBinarizer',
]);

/** Whether a constructor (qualified name) builds a transformer whose fit learns statistics of the rows:
 *  a scaler's mean, an imputer's fill values, a selector's columns, PCA's components. */
export function isLearningTransformer(qualified: string): boolean {
  const module = TRANSFORMER_MODULES.find((m) => qualified.startsWith(`${m}.`));
  if (!module) return false;
  const name = lastName(qualified);
  return (/^[A-Z]/.test(name) || name === 'make_column_transformer') && !NON_LEARNING.has(name);
}

/** Functions of sklearn.preprocessing that fit and transform in one call (`scale(X)`), with the
 *  transformer class that does the same as a fitted object. */
export const FIT_TRANSFORM_FUNCTIONS = new Map([
  ['scale', 'StandardScaler'],
  ['minmax_scale', 'MinMaxScaler'],
  ['maxabs_scale', 'MaxAbsScaler'],
  ['robust_scale', 'RobustScaler'],
  ['quantile_transform', 'QuantileTransformer'],
  ['power_transform', 'PowerTransformer'],
]);

/** Cross-validators: their `split` cuts data into train and test folds. */
export const SPLITTERS = new Set([
  'KFold',
  'StratifiedKFold',
  'GroupKFold',
  'StratifiedGroupKFold',
  'RepeatedKFold',
  'RepeatedStratifiedKFold',
  'ShuffleSplit',
  'StratifiedShuffleSplit',
  'GroupShuffleSplit',
  'TimeSeriesSplit',
  'LeaveOneOut',
  'LeavePOut',
  'LeaveOneGroupOut',
  'LeavePGroupsOut',
  'PredefinedSplit',
]);

/** Functions that cross-validate: they split their X internally. */
const CROSS_VALIDATING_FUNCTIONS = new Set([
  'cross_val_score',
  'cross_val_predict',
  'cross_validate',
  'learning_curve',
  'validation_curve',
  'permutation_test_score',
]);

export interface DataSplit {
  /** How the data is split, as people name it: `train_test_split()`, `KFold.split()`. */
  how: string;
  /** The arguments holding the data that is split. */
  data: Node[];
}

/** The data a call splits into training and test parts (a train/test split, a cross-validator's split,
 *  a cross-validation or a search's fit), or undefined when the call splits nothing. */
export function splitOf(module: PythonModule, call: Call): DataSplit | undefined {
  const name = call.imported ? sklearnName(call.qualified) : undefined;
  if (name === 'train_test_split') return { how: 'train_test_split()', data: call.positional };
  if (name && CROSS_VALIDATING_FUNCTIONS.has(name)) {
    const x = call.positional[1] ?? call.keywords.get('X');
    return x ? { how: `${name}()`, data: [x] } : undefined;
  }
  if (call.method !== 'split' && call.method !== 'fit') return undefined;
  const owner = receiverClass(module, call);
  if (!owner) return undefined;
  if (call.method === 'split' && SPLITTERS.has(owner)) return { how: `${owner}.split()`, data: call.positional };
  // A search's fit cross-validates.
  if (call.method === 'fit' && SEARCH_CLASSES.has(owner)) {
    const x = call.positional[0] ?? call.keywords.get('X');
    return x ? { how: `${owner}.fit()`, data: [x] } : undefined;
  }
  return undefined;
}
