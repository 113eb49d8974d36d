// PyTorch vocabulary: optimizers and their steps, gradient resets, train/eval mode.
import { Call, dottedName, Node, PythonModule } from './module';
import { basesOf, callsWithin, lastName, loopsAround } from './structure';

/** Packages whose import means the module works with torch modules. */
export const TORCH_PACKAGES = ['torch', 'pytorch_lightning', 'lightning', 'accelerate', 'timm', 'torchvision'];

export function usesTorch(module: PythonModule): boolean {
  return TORCH_PACKAGES.some((p) => module.importsPackage(p));
}

// opt, optim, optimizer, optimizer_g, g_optimizer, opt_d, optimizerD; never a scheduler.
const OPTIMIZER_NAME = /^(opt|optim|optimi[sz]er)(_\w+|[A-Z0-9]\w*)?$|_(opt|optim|optimi[sz]er)$/;

/** Whether an expression names an optimizer: by its name, or by being assigned from a
 *  `torch.optim.*` constructor in the module. */
function isOptimizer(module: PythonModule, node: Node): boolean {
  const dotted = dottedName(node);
  if (dotted === undefined || /sched/i.test(dotted)) return false;
  return OPTIMIZER_NAME.test(lastName(dotted)) || optimizerTargets(module).has(dotted);
}

// Per module, the targets (as written) assigned a `torch.optim.*` constructor: each step asks.
const optimizerTargetsCache = new WeakMap<PythonModule, Set<string>>();

function optimizerTargets(module: PythonModule): Set<string> {
  let targets = optimizerTargetsCache.get(module);
  if (targets) return targets;
  targets = new Set();
  for (const call of module.calls()) {
    const assignment = call.node.parent;
    if (assignment?.type !== 'assignment' || assignment.childForFieldName('right')?.id !== call.node.id) continue;
    if (!call.qualified.startsWith('torch.optim.') || call.qualified.startsWith('torch.optim.lr_scheduler.')) continue;
    const left = assignment.childForFieldName('left');
    if (left) targets.add(left.text);
  }
  optimizerTargetsCache.set(module, targets);
  return targets;
}

/** The optimizer an update step applies: `opt` in `opt.step()`, and in AMP's `scaler.step(opt)`. */
export function steppedOptimizer(module: PythonModule, call: Call): Node | undefined {
  if (call.method !== 'step' || !call.receiver) return undefined;
  if (call.positional.length === 0 && isOptimizer(module, call.receiver)) return call.receiver;
  const argument = call.positional[0];
  return argument && call.positional.length === 1 && isOptimizer(module, argument) ? argument : undefined;
}

/** `loss.backward()`, `scaler.scale(loss).backward()`, `accelerator.backward(loss)`, `self.manual_backward(loss)`. */
export function isBackwardCall(call: Call): boolean {
  return call.receiver !== undefined && (call.method === 'backward' || call.method === 'manual_backward');
}

/** The innermost loop around `node` (in its function) that also runs a backward pass: a training loop. */
export function trainingLoopAround(module: PythonModule, node: Node): Node | undefined {
  return loopsAround(node).find((loop) => callsWithin(module, loop).some(isBackwardCall));
}

/** Whether a node resets gradients: `*.zero_grad(...)`, `p.grad = None`, `p.grad.zero_()`. */
export function resetsGradients(node: Node): boolean {
  if (node.type === 'call') {
    const func = node.childForFieldName('function');
    if (func?.type !== 'attribute') return false;
    const method = func.childForFieldName('attribute')?.text;
    if (method === 'zero_grad') return true;
    const owner = func.childForFieldName('object');
    return (method === 'zero_' || method === 'detach_') && owner?.type === 'attribute' && owner.childForFieldName('attribute')?.text === 'grad';
  }
  if (node.type === 'assignment') {
    const left = node.childForFieldName('left');
    return left?.type === 'attribute' && left.childForFieldName('attribute')?.text === 'grad' && node.childForFieldName('right')?.type === 'none';
  }
  return false;
}

/** `m.eval()`, `m.train(False)`, `m.train(mode=False)`, `m.requires_grad_(False).eval()` ... */
export function setsEvalMode(call: Call): boolean {
  if (!call.receiver) return false;
  if (call.method === 'eval' && call.positional.length === 0) return true;
  const mode = call.positional[0] ?? call.keywords.get('mode');
  return call.method === 'train' && mode?.type === 'false';
}

/** `m.train()`, `m.train(True)`, `m.train(mode=True)`: back to training mode. */
export function setsTrainMode(call: Call): boolean {
  if (!call.receiver || call.method !== 'train') return false;
  const mode = call.positional[0] ?? call.keywords.get('mode');
  return mode === undefined ? call.positional.length === 0 && call.keywords.size === 0 : mode.type === 'true';
}

const MODULE_BASES = /(^torch\.nn\.|LightningModule$|Module$)/;

/** Whether a class subclasses a torch module (`nn.Module`, `nn.Linear`, `L.LightningModule`). */
export function isTorchModuleClass(module: PythonModule, cls: Node): boolean {
  return basesOf(module, cls).some((b) => MODULE_BASES.test(b));
}
