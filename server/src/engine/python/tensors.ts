// Tensor operations shared by PyTorch, TensorFlow and Keras, recognised by what they compute:
// logarithms, clipping, softmax and sigmoid outputs, concatenation, reductions, tensor values.
import { lastValueOf } from './bindings';
import { Call, Node, PythonModule } from './module';
import { lastName } from './structure';
import { numberValue } from './values';

const TENSOR_LIBRARY = /^(torch|tensorflow|keras|tf_keras)\./;
// torch.log, tf.math.log, TF1's tf.log, keras.backend.log (K.log), keras.ops.log.
const LOG = /^(torch\.(log|log2|log10)|tensorflow\.(math\.)?log|(tensorflow\.keras|keras|tf_keras)(\.src)?\.(backend|ops)\.log)$/;
const CLIPPING = new Set(['clip', 'clamp', 'clip_by_value', 'clamp_min', 'clamp_', 'clip_', 'maximum', 'fmax', 'where', 'nan_to_num']);
const PROBABILITIES = new Set(['softmax', 'sigmoid']);
const EPSILON_NAME = /eps|tiny|small|delta|offset|smooth/i;
const CONCAT = /^(torch\.(cat|concat|concatenate|hstack|vstack)|tensorflow\.(concat|experimental\.numpy\.(concatenate|hstack|vstack))|keras(\.src)?\.ops\.(concatenate|hstack|vstack))$/;
const REDUCTIONS = new Set(['sum', 'mean', 'reduce_sum', 'reduce_mean', 'nansum', 'nanmean']);
// Library calls that make modules, optimizers, data pipelines: the rest of torch and tf make tensors.
const NOT_TENSOR = /^(torch\.(nn\.(?!functional)|optim|utils|distributions|jit|hub|cuda|backends|device|no_grad|manual_seed|load|save)|tensorflow\.(keras|data|io|saved_model|summary|distribute|config|train|compat|function|GradientTape|device)|keras)\b/;
const MAX_DEPTH = 5;

function unwrapped(node: Node | null | undefined): Node | undefined {
  while (node?.type === 'parenthesized_expression') node = node.namedChildren[0];
  return node ?? undefined;
}

/** What a logarithm takes the log of: `x` in `torch.log(x)`, `tf.math.log(x)`, `K.log(x)` and the
 *  tensor method `x.log()`; undefined when the call is no logarithm. */
export function loggedValue(call: Call): Node | undefined {
  if (call.imported) return LOG.test(call.qualified) ? call.positional[0] : undefined;
  return call.method === 'log' && call.receiver && call.positional.length === 0 && call.keywords.size === 0 ? call.receiver : undefined;
}

/** Whether an expression is kept away from zero: clipped (`clip`, `clamp`, `clip_by_value`,
 *  `maximum`), shifted by a positive constant or an epsilon (`p + 1e-8`, `p + eps`,
 *  `p + K.epsilon()`), a product or quotient of such values, or a name whose last value was one. */
export function isKeptAwayFromZero(module: PythonModule, node: Node | null | undefined, depth = 0): boolean {
  const expr = unwrapped(node);
  if (!expr || depth > MAX_DEPTH) return false;
  if (numberValue(expr) !== undefined) return numberValue(expr)! > 0;
  if (expr.type === 'call') {
    const call = module.describeCall(expr);
    if (CLIPPING.has(call.method) || call.method === 'exp' || call.method === 'softplus') return true;
    return call.method === 'max' && call.positional.length + call.keywords.size >= 2;
  }
  if (expr.type === 'binary_operator') {
    const sides = [expr.childForFieldName('left'), expr.childForFieldName('right')];
    const operator = expr.child(1)?.type;
    if (operator === '+') return sides.some((side) => isEpsilon(module, side));
    // `y_true / y_pred` of two clipped values (a KL divergence) stays away from zero too.
    if (operator === '*' || operator === '/') return sides.every((side) => isKeptAwayFromZero(module, side, depth + 1));
  }
  if (expr.type === 'identifier' || expr.type === 'attribute') {
    if (EPSILON_NAME.test(lastName(expr.text))) return true;
    return expr.type === 'identifier' && isKeptAwayFromZero(module, lastValueOf(module, expr), depth + 1);
  }
  return false;
}

/** A positive constant or a name for a small one: `1e-8`, `1`, `eps`, `self.epsilon`, `K.epsilon()`,
 *  `torch.finfo(x.dtype).eps`. */
function isEpsilon(module: PythonModule, node: Node | null | undefined): boolean {
  const expr = unwrapped(node);
  if (!expr) return false;
  const value = numberValue(expr);
  if (value !== undefined) return value > 0;
  if (expr.type === 'identifier' || expr.type === 'attribute') return EPSILON_NAME.test(lastName(expr.text));
  return expr.type === 'call' && EPSILON_NAME.test(module.describeCall(expr).method);
}

/** Whether the value of a logarithm is clipped or masked afterwards: `torch.clamp(torch.log(m), min=-1e9)`,
 *  `torch.log(p).clamp(min=...)`, `torch.where(p > 0, torch.log(p), 0)`. */
export function isResultClipped(module: PythonModule, log: Node): boolean {
  const parent = log.parent;
  if (parent?.type === 'argument_list' && parent.parent?.type === 'call') return CLIPPING.has(module.describeCall(parent.parent).method);
  if (parent?.type === 'attribute' && parent.parent?.type === 'call') return CLIPPING.has(module.describeCall(parent.parent).method);
  return false;
}

/** Whether an expression is a softmax or sigmoid output (`F.softmax(x, dim=1)`, `tf.nn.sigmoid(z)`,
 *  `logits.softmax(-1)`), `1 - ` one, or a name whose last value was: probabilities that underflow to 0. */
export function isProbabilityOutput(module: PythonModule, node: Node | null | undefined, depth = 0): boolean {
  const expr = unwrapped(node);
  if (!expr || depth > MAX_DEPTH) return false;
  if (expr.type === 'call') {
    const call = module.describeCall(expr);
    if (!PROBABILITIES.has(call.method)) return false;
    // `torch.softmax(x)`, `F.softmax(x)`, `tf.nn.sigmoid(z)`; `logits.softmax(-1)`, `self.softmax(h)`.
    return call.imported ? TENSOR_LIBRARY.test(call.qualified) : call.receiver !== undefined;
  }
  if (expr.type === 'binary_operator' && expr.child(1)?.type === '-') {
    return numberValue(expr.childForFieldName('left')) === 1 && isProbabilityOutput(module, expr.childForFieldName('right'), depth + 1);
  }
  return expr.type === 'identifier' && isProbabilityOutput(module, lastValueOf(module, expr), depth + 1);
}

/** Whether a node is a factor of a product that is summed or averaged: the `log(p)` of a
 *  cross-entropy or entropy written by hand, `-tf.reduce_sum(y * tf.log(p))`, `(t * torch.log(p)).sum()`. */
export function isSummedProductFactor(module: PythonModule, node: Node): boolean {
  let multiplied = false;
  for (let n = node; ; ) {
    const parent = n.parent;
    if (!parent) return false;
    if (parent.type === 'binary_operator') {
      const operator = parent.child(1)?.type;
      if (operator === '*') multiplied = true;
      else if (operator !== '+' && operator !== '-') return false;
    } else if (parent.type === 'argument_list') {
      const call = parent.parent?.type === 'call' ? module.describeCall(parent.parent) : undefined;
      return multiplied && call !== undefined && REDUCTIONS.has(call.method) && call.positional[0]?.id === n.id;
    } else if (parent.type === 'attribute') {
      const call = parent.parent?.type === 'call' ? module.describeCall(parent.parent) : undefined;
      return multiplied && call !== undefined && REDUCTIONS.has(call.method);
    } else if (parent.type !== 'parenthesized_expression' && parent.type !== 'unary_operator') {
      return false;
    }
    n = parent;
  }
}

/** The sequence of tensors a concatenation joins: `[a, b]` in `torch.cat([a, b], dim=0)`, `tf.concat(values=[a, b], axis=0)`. */
export function concatenatedTensors(call: Call): Node | undefined {
  if (!call.imported || !CONCAT.test(call.qualified)) return undefined;
  const sequence = unwrapped(call.positional[0] ?? call.keywords.get('values') ?? call.keywords.get('tensors'));
  return sequence?.type === 'list' || sequence?.type === 'tuple' ? sequence : undefined;
}

/** Whether an expression holds a tensor made by torch or TensorFlow (`tf.random.uniform(...)`,
 *  `torch.zeros(...)`, `tf.Variable(...)`), directly or through the name's last value. */
export function isTensor(module: PythonModule, node: Node | null | undefined, depth = 0): boolean {
  const expr = unwrapped(node);
  if (!expr || depth > MAX_DEPTH) return false;
  if (expr.type === 'identifier') return isTensor(module, lastValueOf(module, expr), depth + 1);
  if (expr.type !== 'call') return false;
  const call = module.describeCall(expr);
  if (!call.imported || !/^(torch|tensorflow)\./.test(call.qualified) || NOT_TENSOR.test(call.qualified)) return false;
  const name = lastName(call.qualified);
  return /^[a-z]/.test(name) || name === 'Variable' || name === 'Tensor';
}
