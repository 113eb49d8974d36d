import { torchFiles } from '../engine/projectQueries';
import { defineRule } from '../engine/rule';
import { Call, nameText, Node, PythonModule } from '../engine/python/module';
import { calledFunction, callsWithin, loopsAround } from '../engine/python/structure';
import { isBackwardCall, setsEvalMode, setsTrainMode, steppedOptimizer, usesTorch } from '../engine/python/torch';

/** What a call does to training: switch a model's mode, or take a training step. */
interface Effect {
  kind: 'eval' | 'train' | 'step';
  /** The model switched, as the caller names it (`model`, `self.net`). */
  model?: string;
  /** The call in the code analysed that has the effect, itself or through the function it runs. */
  at: Call;
  /** The call that switches the mode, when `at` runs a function that does (`model.eval()` in `evaluate`). */
  via?: string;
}

const MAX_DEPTH = 3;

function parameterNames(fn: Node): string[] {
  return (fn.childForFieldName('parameters')?.namedChildren ?? []).flatMap((p) => {
    const name = p?.type === 'identifier' ? p : (p?.childForFieldName('name') ?? p?.namedChildren.find((c) => c?.type === 'identifier'));
    return name?.type === 'identifier' ? [name.text] : [];
  });
}

/** The model a function's effect is on, as its caller names it: parameters become the arguments passed. */
function asCallerNames(model: string, fn: Node, call: Call): string {
  const [head, ...rest] = model.split('.');
  const params = parameterNames(fn);
  const positional = call.receiver?.text === 'self' && params[0] === 'self' ? params.slice(1) : params;
  const index = positional.indexOf(head);
  if (index < 0) return model;
  const argument = call.keywords.get(head) ?? call.positional[index];
  if (!argument || (argument.type !== 'identifier' && argument.type !== 'attribute')) return model;
  return [nameText(argument), ...rest].join('.');
}

class TrainingEffects {
  private readonly summaries = new Map<number, Effect[]>();
  private readonly inProgress = new Set<number>();

  constructor(private readonly module: PythonModule) {}

  /** The effects of the calls inside a node, in the order they are written. */
  within(node: Node, depth = 0): Effect[] {
    return callsWithin(this.module, node).flatMap((call) => this.of(call, depth));
  }

  /** The effects of one call: its own, or those of the function of the module it runs. */
  of(call: Call, depth = 0): Effect[] {
    // Only a switch names its model: the receiver's text is read for those alone.
    const model = () => (call.receiver ? nameText(call.receiver) : undefined);
    if (setsEvalMode(call)) return [{ kind: 'eval', model: model(), at: call }];
    if (setsTrainMode(call)) return [{ kind: 'train', model: model(), at: call }];
    if (isBackwardCall(call) || steppedOptimizer(this.module, call)) return [{ kind: 'step', at: call }];
    const fn = depth < MAX_DEPTH ? calledFunction(this.module, call) : undefined;
    if (!fn || this.inProgress.has(fn.id)) return [];
    let summary = this.summaries.get(fn.id);
    if (!summary) {
      this.inProgress.add(fn.id);
      summary = this.within(fn, depth + 1);
      this.inProgress.delete(fn.id);
      this.summaries.set(fn.id, summary);
    }
    return summary.map((e) => ({ kind: e.kind, model: e.model && asCallerNames(e.model, fn, call), at: call, via: e.via ?? e.at.node.text }));
  }
}

/** Whether the module trains `model`: switches it to training mode somewhere, or hands its
 *  parameters to an optimizer. A frozen teacher or a target network in eval mode is not trained. */
function isTrained(module: PythonModule, model: string): boolean {
  return module.withText('attribute', `${model}.train`).length > 0 || module.withText('attribute', `${model}.parameters`).length > 0;
}

/** The training step reached from effects[from] before `model` is switched back to training mode,
 *  going round the loop body once: the next iteration starts again at the top. */
function stepBeforeTrain(effects: Effect[], from: number, model: string): Effect | undefined {
  for (let k = 1; k < effects.length; k++) {
    const e = effects[(from + k) % effects.length];
    if (e.kind === 'train' && e.model === model) return undefined;
    if (e.kind === 'step') return e;
  }
  return undefined;
}

const CHOICES = new Set(['if_statement', 'conditional_expression']);

/** Whether the switch to eval mode is one branch of a choice whose other branch switches the model
 *  to training mode (`if phase == "train": model.train() else: model.eval()`): the mode is chosen
 *  in each iteration, and the steps follow the same condition. */
function modeChosenByCondition(effects: TrainingEffects, switchCall: Node, loop: Node, model: string): boolean {
  for (let n = switchCall.parent; n && n.id !== loop.id; n = n.parent) {
    if (CHOICES.has(n.type) && effects.within(n).some((e) => e.kind === 'train' && e.model === model)) return true;
  }
  return false;
}

const EXITS = new Set(['break_statement', 'return_statement', 'raise_statement']);

/** Whether the loop ends right after the switch: a `break`, `return` or `raise` follows it in its
 *  block (the final evaluation after early stopping), so no training step comes next. */
function loopEndsAfter(switchCall: Node, loop: Node): boolean {
  for (let n: Node = switchCall; n.parent && n.parent.id !== loop.id; n = n.parent) {
    if (n.parent.type !== 'block') continue;
    const after = n.parent.namedChildren.filter((c): c is Node => c !== null && c.startIndex > n.endIndex);
    if (after.some((c) => EXITS.has(c.type))) return true;
  }
  return false;
}

export default defineRule({
  code: 'MLH217',
  name: 'train-mode-not-restored',
  summary: 'A training loop switches a model to eval mode and trains again without model.train()',
  practices: ['P5'],
  references: ['Zhang et al. 2022, C18: Training / Evaluation Mode Improper Toggling'],
  severity: 'warning',
  optIn: true,
  roles: ['exploration', 'teaching', 'pipeline', 'serving', 'library'],
  applies: (project) => torchFiles(project).length > 0,
  docs: `## What it finds
A PyTorch training loop (a loop that runs \`loss.backward()\` or \`optimizer.step()\`) that puts
a model in evaluation mode, with \`model.eval()\` or by calling a function of the module that
does (\`evaluate(model, val_loader)\`), and then reaches the next training step, later in the
same iteration or at the top of the next one, without \`model.train()\` in between: typically
validation every N batches or at the end of each epoch, with \`model.train()\` called once
before the loop instead of at the start of each iteration. A switch followed by \`break\` or
\`return\` (a final evaluation when training stops early) ends the loop and is not reported.

Only models the module trains are considered (it calls \`model.train()\` somewhere or passes
\`model.parameters()\` to an optimizer): a frozen teacher or target network may stay in eval
mode. Scripts, notebooks and library code are checked; tests and tooling are left out. Its twin,
MLH208, finds the opposite mistake: evaluation that never calls \`eval()\`.

**Opt-in:** not in the default set yet. It has no finding on a judged corpus of public ML
repositories, whose training loops all switch the mode back (or use Lightning or a trainer that
does): no evidence of its precision yet. The one candidate seen while it was built, the
\`for phase in ["train", "val"]\` loop of PyTorch's transfer-learning tutorial, taught it that an
\`eval()\` in one branch of a condition whose other branch calls \`train()\` chooses the mode for
each pass. Select it for PyTorch training code (\`extendSelect: [MLH217]\`).

## Why it matters
\`model.eval()\` switches dropout off and makes batch normalization use its running statistics
instead of the batch's. Training that continues in that mode no longer regularizes with dropout
and never updates the batch-norm statistics: after the first validation the model silently
trains differently than it did before, and usually ends worse. Nothing fails; the loss just
stops improving the way it should. Common-sense training code (practice P5) sets the mode at the
start of each training phase.

## How to fix
Call \`model.train()\` at the start of each epoch (or right after validation), inside the loop
rather than once before it; or let the evaluation function restore the mode it found
(\`was_training = model.training\` ... \`model.train(was_training)\`).

## Example
\`\`\`python
# Before: after the first validation, training runs in eval mode
model.train()
for epoch in range(epochs):
    for x, y in train_loader:
        optimizer.zero_grad()
        criterion(model(x), y).backward()
        optimizer.step()
    validate(model, val_loader)  # calls model.eval()

# After
for epoch in range(epochs):
    model.train()
    for x, y in train_loader:
        optimizer.zero_grad()
        criterion(model(x), y).backward()
        optimizer.step()
    validate(model, val_loader)
\`\`\`

## References
- Zhang, Cruz, van Deursen: *Code Smells for Machine Learning Applications* (2022), smell C18
  "Training / Evaluation Mode Improper Toggling".
- PyTorch documentation: [torch.nn.Module.train](https://pytorch.org/docs/stable/generated/torch.nn.Module.html#torch.nn.Module.train).
- dslinter's \`mode-toggling-pytorch\` check: both of its test cases are matched.
`,
  check: {
    python(ctx) {
      if (!usesTorch(ctx.module) || ctx.facts.isTest) return;
      const { module } = ctx;
      const effects = new TrainingEffects(module);
      const reported = new Set<number>();
      for (const call of module.calls()) {
        const own = effects.of(call).find((e) => e.kind === 'eval');
        if (!own?.model || reported.has(call.node.id) || !isTrained(module, own.model)) continue;
        // The innermost loop around the switch that trains decides: its next step comes after it.
        for (const loop of loopsAround(call.node)) {
          const body = effects.within(loop);
          if (!body.some((e) => e.kind === 'step')) continue;
          const from = body.findIndex((e) => e.at === call && e.kind === 'eval');
          const exempt = modeChosenByCondition(effects, call.node, loop, own.model) || loopEndsAfter(call.node, loop);
          if (from >= 0 && !exempt && stepBeforeTrain(body, from, own.model)) {
            reported.add(call.node.id);
            const how = own.via ? `${call.callee}(...) switches ${own.model} to evaluation mode (${own.via})` : `${call.node.text} switches ${own.model} to evaluation mode`;
            ctx.report(call.node, `${how} inside a training loop whose next training step runs before ${own.model}.train(): dropout and batch norm stay in evaluation mode for the rest of training`);
          }
          break;
        }
      }
    },
  },
});
