// Evaluation metrics by what they need: a decision threshold (accuracy, F1) or the scores themselves
// (ROC AUC, average precision, log loss). Names are resolved through imports.
import { Call, PythonModule, stringValue } from './module';
import { lastName } from './structure';

const THRESHOLD_DEPENDENT = new Set([
  'accuracy_score',
  'balanced_accuracy_score',
  'f1_score',
  'fbeta_score',
  'precision_score',
  'recall_score',
  'precision_recall_fscore_support',
  'classification_report',
  // torchmetrics classes and functions
  'Accuracy',
  'F1Score',
  'FBetaScore',
  'Precision',
  'Recall',
  'accuracy',
  'precision',
  'recall',
]);

const THRESHOLD_INDEPENDENT = new Set([
  'roc_auc_score',
  'average_precision_score',
  'log_loss',
  'brier_score_loss',
  'precision_recall_curve',
  'roc_curve',
  'det_curve',
  'RocCurveDisplay',
  'PrecisionRecallDisplay',
  'DetCurveDisplay',
  'calibration_curve',
  'CalibrationDisplay',
  // torchmetrics, keras
  'AUROC',
  'AveragePrecision',
  'ROC',
  'PrecisionRecallCurve',
  'CalibrationError',
  'auroc',
  'average_precision',
  'AUC',
  'BinaryCrossentropy',
]);

// Scorer names given as strings (`scoring="roc_auc"`, `eval_metric="auc"`).
const THRESHOLD_INDEPENDENT_SCORERS = new Set([
  'roc_auc',
  'roc_auc_ovr',
  'roc_auc_ovo',
  'roc_auc_ovr_weighted',
  'roc_auc_ovo_weighted',
  'average_precision',
  'neg_log_loss',
  'neg_brier_score',
  'auc',
  'aucpr',
  'logloss',
  'mlogloss',
  'binary_logloss',
  'multi_logloss',
]);

const METRIC_PACKAGES = ['sklearn.metrics.', 'sklearn.calibration.', 'torchmetrics.', 'tensorflow.keras.metrics.', 'keras.metrics.', 'tensorflow_addons.metrics.'];

/** The metric a call computes (`f1_score`, `AUROC`), when it is one of a metrics library. */
function metricName(call: Call): string | undefined {
  if (!call.imported || !METRIC_PACKAGES.some((p) => call.qualified.startsWith(p))) return undefined;
  // torchmetrics' task-specific forms: BinaryAccuracy, MulticlassAUROC, multilabel_f1_score.
  return lastName(call.qualified).replace(/^(Binary|Multiclass|Multilabel|binary_|multiclass_|multilabel_)/, '');
}

/** A call to any metric of a metrics library (sklearn.metrics, torchmetrics, keras.metrics, TensorFlow Addons). */
export function isMetricCall(call: Call): boolean {
  return metricName(call) !== undefined;
}

export function isThresholdDependentMetric(call: Call): boolean {
  const name = metricName(call);
  return name !== undefined && THRESHOLD_DEPENDENT.has(name);
}

/** Whether the module measures with a threshold-independent metric: a call, or a scorer named in a string. */
export function usesThresholdIndependentMetric(module: PythonModule): boolean {
  if (module.calls().some((c) => THRESHOLD_INDEPENDENT.has(metricName(c) ?? ''))) return true;
  return module.nodes('string').some((s) => THRESHOLD_INDEPENDENT_SCORERS.has(stringValue(s)?.toLowerCase() ?? ''));
}
