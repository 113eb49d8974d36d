import { torchFiles } from '../engine/projectQueries';
import { defineRule, PythonContext } from '../engine/rule';
import { Call } from '../engine/python/module';
import { MODULE_CHAIN, objectKindOf } from '../engine/python/objectKinds';
import { usesTorch } from '../engine/python/torch';
import { ALL_BUT_GENERATED } from '../engine/roles';

/** Whether a `x.forward(...)` call skips the hooks of another torch module. Excluded: `self.forward(x)`
 *  (the module's own hooks: judged worth fixing only half the time on real repositories),
 *  `super().forward(x)` and `Base.forward(self, x)` (a subclass delegating to its parent), calls on classes
 *  (`MyFunction.forward(ctx, x)` of an autograd Function), RPC proxies, wrappers or hooks handing
 *  all their arguments (`*args, **kwargs`) to a wrapped module's forward, and objects known to be
 *  something else than a torch module (an OpenCV network, an instance of a plain class). */
function skipsHooks(ctx: PythonContext, call: Call): boolean {
  const receiver = call.receiver;
  if (call.method !== 'forward' || !receiver) return false;
  if (receiver.type === 'call' && receiver.childForFieldName('function')?.text === 'super') return false;
  if (call.positional[0]?.text === 'self') return false;
  if (receiver.type === 'identifier' && receiver.text === 'self') return false;
  return skipsOtherModulesHooks(ctx, call);
}

function skipsOtherModulesHooks(ctx: PythonContext, call: Call): boolean {
  const receiver = call.receiver!;
  if (receiver.type === 'identifier' && /^[A-Z]/.test(receiver.text)) return false;
  if (ctx.module.isImportedName(receiver.text)) return false;
  // torch.distributed.rpc: a RemoteModule or an RRef proxy is driven through forward() by design.
  if (/rref|remote|rpc_(sync|async)/i.test(receiver.text)) return false;
  // A wrapper or hook handing all its arguments on (`return self.model.forward(*args, **kwargs)`):
  // bypassing the wrapped module's hooks is the point there.
  if (receiver.text.startsWith('self.') && call.hasSplat) return false;
  const kind = objectKindOf(ctx.module, receiver);
  if (kind) return kind === 'torch module';
  // Of unknown origin: a torch module only in code that works with torch; `model.to(device).forward(x)`
  // is still one, `get_extension().forward(...)` may be anything.
  if (receiver.type === 'call' && !MODULE_CHAIN.has(ctx.module.describeCall(receiver).method)) return false;
  return usesTorch(ctx.module);
}

export default defineRule({
  code: 'MLH209',
  name: 'forward-called-directly',
  summary: 'module.forward(x) called instead of module(x), which skips hooks',
  practices: ['P5'],
  references: ['Zhang et al. 2022, C19: PyTorch Call Method Misused'],
  severity: 'warning',
  fixable: true,
  roles: ALL_BUT_GENERATED,
  applies: (project) => torchFiles(project).length > 0,
  docs: `## What it finds
Calls such as \`model.forward(x)\` or \`self.encoder.forward(h)\` on a PyTorch module. What the
receiver holds is read from where it comes from (a torch or torchvision constructor, a class of the
module that subclasses \`nn.Module\`, \`from_pretrained\`, a function returning one, an
annotation): objects known to be something else, such as an OpenCV network
(\`cv2.dnn.readNet(...)\`) or an instance of a plain NumPy class, are not reported, and in a file
that does not import torch (or Lightning, timm, torchvision, accelerate) only known torch modules
are.

Not reported: \`self.forward(...)\` inside another method of the module (\`predict\`, a Lightning
\`training_step\`): it skips only the hooks registered on the module itself, which matters when
someone registers them (feature extraction, profiling) and not otherwise; on a judged corpus of
public repositories such calls were worth changing only half the time. Nor \`super().forward(x)\`
(a subclass extending its parent's forward), a wrapper or hook handing \`*args, **kwargs\` on to a
wrapped model, and test modules.

Skipped hooks are a bug wherever the call is, so every role but generated counts.

## Why it matters
\`module(x)\` goes through \`nn.Module.__call__\`, which runs the forward pre-hooks and hooks
registered on the module before and after \`forward\`. Those hooks are how feature extraction,
quantization observers, pruning masks, FSDP/DeepSpeed parameter gathering and many profiling
tools work. Calling \`forward\` directly silently skips them, so the model computes something
different from what the framework expects.

## How to fix
Call the module itself: \`model(x)\` instead of \`model.forward(x)\`. The quick fix removes
\`.forward\`.

## Example
\`\`\`python
# Before
features = self.backbone.forward(images)
logits = model.forward(batch)

# After
features = self.backbone(images)
logits = model(batch)
\`\`\`

## References
- Zhang, Cruz, van Deursen: *Code Smells for Machine Learning Applications* (2022), smell C19
  "PyTorch Call Method Misused".
- PyTorch documentation: [torch.nn.Module.forward](https://pytorch.org/docs/stable/generated/torch.nn.Module.html#torch.nn.Module.forward)
  ("one should call the Module instance afterwards instead of this").
`,
  check: {
    python(ctx) {
      if (ctx.facts.isTest) return; // tests call forward() on purpose to test it
      for (const call of ctx.module.calls()) {
        if (!skipsHooks(ctx, call)) continue;
        const func = call.node.childForFieldName('function')!;
        const receiver = call.receiver!;
        const drop = { start: ctx.module.range(receiver).end, end: ctx.module.range(func).end };
        ctx.report(func, `${func.text}(...) skips the module's hooks; call ${receiver.text}(...) instead`, {
          fix: { title: `Call ${receiver.text}(...) instead of ${func.text}(...)`, edits: [{ range: drop, newText: '' }] },
        });
      }
    },
  },
});
