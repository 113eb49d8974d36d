import { tensorflowFiles } from '../engine/projectQueries';
import { defineRule } from '../engine/rule';
import { Call, Node, PythonModule } from '../engine/python/module';
import { callsWithin, loopsAround } from '../engine/python/structure';
import { buildsKerasModel, clearsKerasSession, usesTensorflow } from '../engine/python/tensorflow';

const STORING_METHODS = new Set(['append', 'extend', 'insert', 'add']);

/** Whether an expression is `name`, or a tuple or list that holds it (`(fold, model)`). */
function holds(node: Node | undefined, name: string): boolean {
  if (!node) return false;
  if (node.type === 'identifier') return node.text === name;
  if (node.type === 'tuple' || node.type === 'list' || node.type === 'parenthesized_expression') return node.namedChildren.some((c) => holds(c ?? undefined, name));
  return false;
}

/** Whether the model a call builds outlives its iteration: appended to a list or stored under a key
 *  (an ensemble, one model per fold kept for later). Clearing the session cannot free those. */
function keptAfterIteration(module: PythonModule, loop: Node, build: Call): boolean {
  let parent = build.node.parent;
  // `m = keras.Sequential(blocks) if n > 1 else block`: what holds the model is the assignment.
  while (parent?.type === 'conditional_expression' || parent?.type === 'parenthesized_expression') parent = parent.parent;
  // `models.append(build_model())`; a model passed to any other function (`fit_and_score(build_model())`) is not kept.
  if (parent?.type === 'argument_list') return parent.parent?.type === 'call' && STORING_METHODS.has(module.describeCall(parent.parent).method);
  if (parent?.type === 'list' || parent?.type === 'tuple' || parent?.type === 'dictionary' || parent?.type === 'pair') return true;
  const target = parent?.type === 'assignment' ? parent.childForFieldName('left') : undefined;
  if (target?.type === 'subscript') return true;
  if (target?.type !== 'identifier') return false;
  const name = target.text;
  if (callsWithin(module, loop).some((c) => STORING_METHODS.has(c.method) && c.positional.some((a) => holds(a, name)))) return true;
  return loop.descendantsOfType('assignment').some((a) => a?.childForFieldName('left')?.type === 'subscript' && holds(a.childForFieldName('right') ?? undefined, name));
}

export default defineRule({
  code: 'MLH214',
  name: 'keras-session-not-cleared',
  summary: 'A loop builds a new Keras model in every iteration without clearing the Keras session',
  practices: ['P5'],
  references: ['Zhang et al. 2022, C12: Memory not Freed'],
  severity: 'warning',
  optIn: true,
  roles: ['exploration', 'teaching', 'pipeline', 'serving', 'library'],
  applies: (project) => tensorflowFiles(project).length > 0,
  docs: `## What it finds
A \`for\` or \`while\` loop that builds a new Keras model in each iteration (\`keras.Sequential\`,
\`keras.Model(inputs, outputs)\`, \`clone_model\`, a \`keras.applications\` network, a subclass of
\`keras.Model\`, or a function of the module that calls one of these itself, such as \`build_model()\`) while
nothing in the loop calls \`tf.keras.backend.clear_session()\` (or TF1's
\`tf.compat.v1.reset_default_graph()\`), directly or in a function it calls. Hyperparameter
searches, cross-validation folds and repeated experiments are the usual places.

A model that is kept after its iteration (appended to a list, stored under a key: an ensemble, one
model per fold) is not reported: clearing the session cannot free a model still in use. Scripts,
notebooks and library code are checked; tests and tooling are left out.

**Opt-in:** not in the default set yet. On a judged corpus of public ML repositories its 3
findings (searches in one course notebook) were all worth acting on: too few to show that it meets
the default set's bar. An export command that loops over weights files, whose pipeline builds a
Keras model only for some formats, taught it to follow only builder functions that build the model
themselves. Select it where models are built in loops (\`extendSelect: [MLH214]\`).

## Why it matters
Keras keeps global state for every model it builds: the layers' name counters and, in graph mode,
the graph that holds them. Models built in a loop are never released, so memory grows with each
iteration until the process runs out of it, and each step gets slower as the graph grows; the
Keras documentation recommends \`clear_session()\` exactly for "creating many models in a loop".
Layer names also keep counting up (\`dense_57\`), so weights saved by name in one iteration do not
load in the next. Common-sense training code (practice P5) starts each experiment from a clean
state.

## How to fix
Call \`tf.keras.backend.clear_session()\` at the start of the loop body, before the model is
built (or at the start of the function that builds it). Set the seed again after it if the
experiments must be reproducible.

## Example
\`\`\`python
# Before: one more model in memory per learning rate
for learning_rate in [1e-4, 3e-4, 1e-3]:
    model = build_model()
    model.compile(optimizer=tf.keras.optimizers.Adam(learning_rate), loss="mse")
    model.fit(X_train, y_train, epochs=20)

# After
for learning_rate in [1e-4, 3e-4, 1e-3]:
    tf.keras.backend.clear_session()
    model = build_model()
    model.compile(optimizer=tf.keras.optimizers.Adam(learning_rate), loss="mse")
    model.fit(X_train, y_train, epochs=20)
\`\`\`

## References
- Zhang, Cruz, van Deursen: *Code Smells for Machine Learning Applications* (2022), smell C12
  "Memory not Freed".
- Keras documentation: [clear_session](https://keras.io/api/utils/config_utils/#clearsession-function).
- dslinter's \`memory-release-tensorflow\` check: both of its test cases are matched.
`,
  check: {
    python(ctx) {
      if (!usesTensorflow(ctx.module) || ctx.facts.isTest) return;
      const { module } = ctx;
      const reported = new Set<number>(); // innermost loops, by id
      for (const call of module.calls()) {
        const loops = loopsAround(call.node);
        if (loops.length === 0 || reported.has(loops[0].id) || !buildsKerasModel(module, call)) continue;
        if (loops.some((loop) => callsWithin(module, loop).some((c) => clearsKerasSession(module, c)))) continue;
        if (keptAfterIteration(module, loops[0], call)) continue;
        reported.add(loops[0].id);
        ctx.report(
          call.node.childForFieldName('function') ?? call.node,
          `${call.callee}(...) builds a new Keras model in every iteration of a loop that never calls tf.keras.backend.clear_session(): the models pile up in memory`,
        );
      }
    },
  },
});
