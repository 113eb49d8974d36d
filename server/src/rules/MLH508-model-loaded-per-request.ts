import { defineRule } from '../engine/rule';
import { isModelLoadCall } from '../engine/python/models';
import { Call, Node, PythonModule } from '../engine/python/module';
import { endpointsOf } from '../engine/python/serving';
import { callsWithin, decoratorsOf } from '../engine/python/structure';

const CACHING_DECORATORS = new Set(['functools.lru_cache', 'functools.cache', 'functools.cached_property', 'cachetools.cached']);

/** A load of a model file (not `pickle.loads` of a request payload). */
function loadsModel(call: Call): boolean {
  return isModelLoadCall(call) && call.method !== 'loads';
}

/** `if model is None: model = load(...)` / `if not model:` / `if "m" not in cache:` — loaded once, then reused. */
function isLazyLoad(call: Call, within: Node): boolean {
  for (let n = call.node.parent; n && n.id !== within.id; n = n.parent) {
    if (n.type !== 'if_statement') continue;
    const condition = n.childForFieldName('condition');
    if (!condition) continue;
    if (condition.type === 'not_operator') return true;
    if (condition.type === 'comparison_operator' && /\bis\s+None\b|\bnot\s+in\b|==\s*None\b/.test(condition.text)) return true;
  }
  return false;
}

function isCached(module: PythonModule, fn: Node): boolean {
  return decoratorsOf(fn).some((d) => {
    const target = d.type === 'call' ? d.childForFieldName('function') : d;
    return CACHING_DECORATORS.has(module.qualify(target) ?? '');
  });
}

/** Model loads a function makes on every call: directly, not behind a lazy-initialisation check. */
function eagerLoads(module: PythonModule, fn: Node): Call[] {
  return callsWithin(module, fn).filter((c) => loadsModel(c) && !isLazyLoad(c, fn));
}

export default defineRule({
  code: 'MLH508',
  name: 'model-loaded-per-request',
  summary: 'A model loaded inside a request handler, on every request',
  practices: ['P8', 'P9'],
  references: ['ML Hygiene practices P8 (design for ML: serving patterns) and P9 (hidden costs)'],
  severity: 'warning',
  roles: ['serving'],
  docs: `## What it finds
A model load — \`joblib.load\`, \`pickle.load\`, \`torch.load\`, \`load_model\` (Keras, MLflow),
\`from_pretrained\`, \`onnxruntime.InferenceSession\` — inside a request handler of FastAPI,
Flask, Starlette, BentoML or Ray Serve, or inside a function of the same module that the handler
calls on each request. Loads behind a lazy-initialisation check (\`if model is None:\`) and
helpers cached with \`functools.lru_cache\` / \`cache\` are not reported.

Runs on serving code only, where handlers run once per request.

## Why it matters
Reading and deserialising a model takes from tens of milliseconds to minutes and a lot of
memory. Done per request, it multiplies latency, lets memory spike under load, and turns every
request into a disk or network read of the model file; a model that changes on disk while the
service runs also makes consecutive answers come from different models.

## How to fix
Load the model once at startup (module level, FastAPI's lifespan handler, BentoML's runner,
Ray Serve's deployment constructor) and reuse it in the handlers, or cache the loader.

## Example
\`\`\`python
# Before
@app.post("/predict")
def predict(features: Features):
    model = joblib.load(settings.model_path)
    return {"score": model.predict_proba([features.vector()])[0, 1]}

# After
model = joblib.load(settings.model_path)

@app.post("/predict")
def predict(features: Features):
    return {"score": model.predict_proba([features.vector()])[0, 1]}
\`\`\`

## References
- FastAPI documentation, [Lifespan events](https://fastapi.tiangolo.com/advanced/events/) (loading an ML model once).
- ml-ops.org, [Model serving patterns](https://ml-ops.org/content/three-levels-of-ml-software).
- ML Hygiene practices P8 (design for ML) and P9 (the hidden costs of ML).
`,
  check: {
    python(ctx) {
      const { module } = ctx;
      if (ctx.facts.isTest) return;
      const endpoints = endpointsOf(module);
      if (endpoints.length === 0) return;
      // Module-level helpers, by name, that load a model every time they run.
      const loaders = new Map<string, Node>();
      for (const fn of module.nodes('function_definition')) {
        const holder = fn.parent?.type === 'decorated_definition' ? fn.parent : fn;
        const name = fn.childForFieldName('name')?.text;
        if (name && holder.parent?.type === 'module' && !isCached(module, fn) && eagerLoads(module, fn).length > 0) loaders.set(name, fn);
      }
      for (const { fn, framework } of endpoints) {
        const handler = fn.childForFieldName('name')?.text ?? 'handler';
        for (const call of eagerLoads(module, fn)) {
          ctx.report(call.node, `${call.callee}() loads the model inside the ${framework} handler ${handler}(), on every request; load it once at startup`);
        }
        for (const call of callsWithin(module, fn)) {
          const helper = loaders.get(call.callee);
          if (!helper || helper.id === fn.id) continue;
          ctx.report(call.node, `${call.callee}() loads a model and runs inside the ${framework} handler ${handler}(), on every request; load once at startup or cache it`);
        }
      }
    },
  },
});
