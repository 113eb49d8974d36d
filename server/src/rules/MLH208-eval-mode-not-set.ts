import { torchFiles } from '../engine/projectQueries';
import { defineRule, PythonContext } from '../engine/rule';
import { basesOf, callsWithin, classOf, ownCalls } from '../engine/python/structure';
import { isModelName, isTrainingCall } from '../engine/python/models';
import { Call, enclosingFunction, isInside, nameText, Node, PythonModule } from '../engine/python/module';
import { isTorchModuleClass, setsEvalMode, steppedOptimizer, usesTorch } from '../engine/python/torch';

const EVAL_FUNCTION = /^(evaluate|eval|validate|validation|valid|val|test|predict|infer|inference)(_|$)|_(evaluate|eval|validate|validation|val|test|predict|inference|infer)$/;
const NO_GRAD = new Set(['torch.no_grad', 'torch.inference_mode', 'torch.set_grad_enabled']);
// Lightning switches modes around these hooks itself.
const LIGHTNING_HOOK = /^(validation_step|test_step|predict_step|on_\w+)$/;

function isNoGrad(ctx: PythonContext, expression: Node | undefined): boolean {
  if (!expression) return false;
  const target = expression.type === 'call' ? expression.childForFieldName('function') : expression;
  const name = target ? ctx.module.qualify(target) : undefined;
  if (name === 'torch.set_grad_enabled') return expression.type === 'call' && ctx.module.describeCall(expression).positional[0]?.type === 'false';
  return name !== undefined && NO_GRAD.has(name);
}

/** `with torch.no_grad():` / `with torch.inference_mode():` blocks inside a node. */
function noGradBlocks(ctx: PythonContext, within: Node): Node[] {
  return ctx.module
    .nodes('with_statement')
    .filter((w) => isInside(w, within))
    .filter((w) => w.descendantsOfType('with_item').some((item) => isNoGrad(ctx, item?.childForFieldName('value') ?? undefined)));
}

/** The network a call runs: `model` for `model(x)`, `self.net` for `self.net(x)`, `model` for
 *  `model.generate(...)`; undefined for other calls. */
function networkRun(ctx: PythonContext, call: Call): string | undefined {
  const func = call.node.childForFieldName('function');
  const direct = func?.type === 'identifier' || func?.type === 'attribute';
  const name = direct ? call.callee : call.receiver && call.method === 'generate' ? nameText(call.receiver) : undefined;
  if (!name || !isNetworkName(name) || ctx.module.isImportedName(name)) return undefined;
  // A function of this module named like a model (`def model(...)`) is not a network.
  if (ctx.facts.functions.includes(name)) return undefined;
  // Inside a torch module, `self.encoder(x)` follows the mode the whole model was put in.
  const method = enclosingFunction(call.node);
  const cls = method && classOf(method);
  if (name.startsWith('self.') && cls && isTorchModuleClass(ctx.module, cls)) return undefined;
  return name;
}

/** A model name that is a torch network: not a pipeline (Hugging Face and diffusers pipelines switch
 *  their models to eval mode themselves). */
function isNetworkName(name: string): boolean {
  return isModelName(name) && !/pipe(line)?$/i.test(name);
}

/** A call that runs a network still in its initial (training) mode. */
function runsTrainingModeNetwork(ctx: PythonContext, call: Call): boolean {
  const name = networkRun(ctx, call);
  return name !== undefined && !loadedInEvalMode(ctx, name);
}

// Per module, the names assigned a `from_pretrained` load, found once: every network call asks.
const pretrainedNames = new WeakMap<PythonModule, Set<string>>();

/** Models loaded with `from_pretrained` start in eval mode. */
function loadedInEvalMode(ctx: PythonContext, name: string): boolean {
  let names = pretrainedNames.get(ctx.module);
  if (!names) {
    names = new Set();
    // From the loads up: most assignments load nothing, and their fields need not be read.
    for (const call of ctx.module.calls()) {
      const a = call.node.parent;
      if (call.method !== 'from_pretrained' || a?.type !== 'assignment' || a.childForFieldName('right')?.id !== call.node.id) continue;
      const left = a.childForFieldName('left');
      if (left) names.add(left.text);
    }
    pretrainedNames.set(ctx.module, names);
  }
  return names.has(name);
}

/** Whether eval mode is set for a function: in it, in its class, in a caller in this module, or
 *  (when nothing here calls it) in a module that imports this one. */
function evalModeSetFor(ctx: PythonContext, fn: Node): boolean {
  if (callsWithin(ctx.module, fn).some(setsEvalMode)) return true;
  const cls = classOf(fn);
  if (cls && callsWithin(ctx.module, cls).some(setsEvalMode)) return true;
  const name = fn.childForFieldName('name')?.text;
  const callers = ctx.module.calls().filter((c) => c.method === name && !isInside(c.node, fn));
  if (callers.length === 0) {
    return ctx.project.importersOf(ctx.path).some((p) => ctx.project.python(p)?.calls.some((c) => c.endsWith('.eval')));
  }
  return callers.some((c) => {
    const scope = enclosingFunction(c.node);
    return scope ? callsWithin(ctx.module, scope).some(setsEvalMode) : ownCalls(ctx.module, ctx.module.root).some(setsEvalMode);
  });
}

function isEvaluationFunction(ctx: PythonContext, fn: Node): boolean {
  const name = fn.childForFieldName('name')?.text ?? '';
  if (LIGHTNING_HOOK.test(name)) return false;
  const cls = classOf(fn);
  if (cls && basesOf(ctx.module, cls).some((b) => b.endsWith('LightningModule'))) return false;
  // Gradient-free code alone is not evaluation (hooks, caches, teacher passes): the name says it is.
  if (!EVAL_FUNCTION.test(name)) return false;
  // A function that also trains (`train_and_validate`) is training code.
  return !ownCalls(ctx.module, fn).some((c) => isTrainingCall(c) || steppedOptimizer(ctx.module, c) !== undefined);
}

function report(ctx: PythonContext, call: Call, where: string) {
  const model = networkRun(ctx, call);
  ctx.report(
    call.node,
    `${model} runs ${where} without ${model}.eval(): dropout and batch-norm stay in training mode`,
  );
}

export default defineRule({
  code: 'MLH208',
  name: 'eval-mode-not-set',
  summary: 'Evaluation or inference code runs a torch model without model.eval()',
  practices: ['P5'],
  references: ['Zhang et al. 2022, C18: Training / Evaluation Mode Improper Toggling'],
  severity: 'warning',
  optIn: true,
  roles: ['exploration', 'teaching', 'pipeline', 'serving', 'library'],
  applies: (project) => torchFiles(project).length > 0,
  docs: `## What it finds
A function that evaluates or runs inference with a PyTorch model (it is named \`evaluate\`,
\`validate\`, \`predict\`, \`test\`, \`infer\` ...) and calls the model, while neither it, its class, nor a caller in the same
module puts the model in evaluation mode with \`model.eval()\` (or \`model.train(False)\`). Script
and notebook code under \`torch.no_grad()\` is checked the same way. Models loaded with
\`from_pretrained\` start in eval mode and are not reported; nor are Lightning's
\`validation_step\` / \`test_step\` / \`predict_step\`, which Lightning wraps itself, submodules
called inside a torch module's own methods (they follow the mode of the whole model), pipelines,
and test modules.

Dropout and batch statistics change the predictions in a notebook as well as in a service; tests and tooling are left out.

**Opt-in:** not in the default set. On a judged corpus of public ML repositories, 1 of 9 of its findings were worth acting on: most were helpers and hooks whose caller sets the mode, or shared loss helpers that training uses too. Select it where it fits (\`extendSelect: [MLH208]\`).

## Why it matters
\`torch.no_grad()\` only stops gradient tracking. Dropout keeps dropping activations and batch
normalization keeps using (and updating!) batch statistics until \`model.eval()\` is called, so
validation metrics are noisy and pessimistic, predictions change from call to call, and a batch
of one can crash or give nonsense.

## How to fix
Call \`model.eval()\` before evaluating and \`model.train()\` before training again; use
\`torch.inference_mode()\` as well to save memory.

## Example
\`\`\`python
# Before
@torch.no_grad()
def evaluate(model, loader):
    return sum(criterion(model(x), y).item() for x, y in loader)

# After
@torch.no_grad()
def evaluate(model, loader):
    model.eval()
    return sum(criterion(model(x), y).item() for x, y in loader)
\`\`\`

## References
- Zhang, Cruz, van Deursen: *Code Smells for Machine Learning Applications* (2022), smell C18
  "Training / Evaluation Mode Improper Toggling".
- PyTorch documentation: [torch.nn.Module.eval](https://pytorch.org/docs/stable/generated/torch.nn.Module.html#torch.nn.Module.eval)
  and [Autograd mechanics: locally disabling gradient computation](https://pytorch.org/docs/stable/notes/autograd.html#locally-disabling-gradient-computation).
`,
  check: {
    python(ctx) {
      // Tests run models in whatever mode they are testing.
      if (!usesTorch(ctx.module) || ctx.facts.isTest) return;
      const { module } = ctx;
      for (const fn of module.nodes('function_definition')) {
        if (!isEvaluationFunction(ctx, fn)) continue;
        const run = ownCalls(module, fn).find((c) => runsTrainingModeNetwork(ctx, c));
        if (run && !evalModeSetFor(ctx, fn)) report(ctx, run, `in ${fn.childForFieldName('name')?.text}()`);
      }
      // Scripts and notebooks: no_grad blocks at top level, with no eval() written before them.
      const topLevel = new Set(ownCalls(module, module.root));
      const firstEval = [...topLevel].find(setsEvalMode)?.node.startIndex ?? Infinity;
      for (const block of noGradBlocks(ctx, module.root).filter((w) => !enclosingFunction(w))) {
        const evalBefore = firstEval < block.startIndex;
        const run = callsWithin(module, block).find((c) => topLevel.has(c) && runsTrainingModeNetwork(ctx, c));
        if (run && !evalBefore) report(ctx, run, 'under no_grad');
      }
    },
  },
});
