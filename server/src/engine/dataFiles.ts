// Which files hold data and which hold trained models, by their names and folders.

/** Data files, by extension: tables, arrays, serialized datasets. */
export const DATA_FILE = /\.(csv|tsv|parquet|pq|feather|arrow|xlsx?|jsonl|ndjson|npy|npz|h5|hdf5|hdf|tfrecords?|avro|orc|dta|sas7bdat|zarr)$/i;
const MODEL_FILE = /\.(joblib|pt|pth|keras|onnx|safetensors|ckpt|tflite|mlmodel|pkl|pickle)$/i;
// Extensions that hold models or data alike: a model when the name or folder says so.
const MODEL_IF_NAMED = /\.(h5|hdf5|pb|bin|model|ubj)$/i;
const MODEL_NAME = /(^|[/_.-])(models?|weights?|checkpoints?|ckpts?|saved_model|pytorch_model|estimator|classifier|regressor)([/_.-]|$)/i;
/** Folders that hold data by convention (TDSP's Sample_Data included). */
export const DATA_FOLDER = /(^|\/)(data|datasets?|sample_data)\//i;

/** A serialized model: by extension, or by a model-like name for extensions shared with data.
 *  Pickles in a data folder are data. */
export function isModelFile(path: string): boolean {
  if (MODEL_FILE.test(path)) return !(/\.(pkl|pickle)$/i.test(path) && DATA_FOLDER.test(path));
  return MODEL_IF_NAMED.test(path) && MODEL_NAME.test(path);
}

export function isDataFile(path: string): boolean {
  return (DATA_FILE.test(path) || (/\.(pkl|pickle)$/i.test(path) && DATA_FOLDER.test(path))) && !isModelFile(path);
}
