// Code that runs a trained model for others: request handlers, and batch-scoring scripts that carry no
// web framework but are named for what they do (inference.py, predict.py, batch_predict.py).
import { PythonModule } from './module';
import { isServingCode } from './serving';

const INFERENCE_FILE = /(^|\/)[\w-]*(inference|predict)[\w-]*\.py$/;

export function isModelServingCode(module: PythonModule, path: string): boolean {
  return isServingCode(module, path) || INFERENCE_FILE.test(path);
}
