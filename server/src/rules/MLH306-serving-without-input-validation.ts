import { defineRule, PythonContext } from '../engine/rule';
import { assignmentsIn, boundNames, readsAny } from '../engine/python/flow';
import { isPredictionCall } from '../engine/python/models';
import { isInside, nameText, Node } from '../engine/python/module';
import { isValidatingCall } from '../engine/python/schemas';
import { Endpoint, endpointsOf, predictionIn } from '../engine/python/serving';
import { callsWithin, decoratorsOf, lastName } from '../engine/python/structure';

interface RawInput {
  /** Where the raw payload enters: `request.get_json()`, `await request.json()`, a `payload: dict` parameter. */
  node: Node;
  /** Names bound to it from the start (the parameter's name). */
  names: string[];
}

// `payload: dict`, `Dict[str, Any]`, `list[dict]`, `Any`: annotations that accept any JSON. A list
// of primitives (`list[str]`) is checked by the framework.
const RAW_ANNOTATION = /^(typing\.)?((dict|Dict|Mapping)(\[.*\])?|Any|list|List|(list|List)\[\s*((typing\.)?(dict|Dict|Any|Mapping)\b.*)\])$/s;
const FLASK_REQUEST = new Set(['flask.request', 'quart.request']);

function parameters(fn: Node): { name: string; annotation?: string; node: Node }[] {
  const params = fn.childForFieldName('parameters');
  return (params?.namedChildren ?? []).flatMap((p) => {
    if (!p) return [];
    const name = p.type === 'identifier' ? p : (p.childForFieldName('name') ?? p.namedChildren.find((c) => c?.type === 'identifier'));
    if (!name || name.type !== 'identifier' || name.text === 'self') return [];
    return [{ name: name.text, annotation: p.childForFieldName('type')?.text, node: p }];
  });
}

/** BentoML 1.x `@svc.api(input=JSON())` without a pydantic_model: the first argument is raw JSON. */
function bentoRawJson(ctx: PythonContext, fn: Node): boolean {
  return decoratorsOf(fn).some((d) => {
    const input = d.type === 'call' ? ctx.module.describeCall(d).keywords.get('input') : undefined;
    return input?.type === 'call' && ctx.module.describeCall(input).method === 'JSON' && !ctx.module.describeCall(input).keywords.has('pydantic_model');
  });
}

/** Where a handler takes request JSON that no schema has checked. */
function rawInputsOf(ctx: PythonContext, { fn, framework }: Endpoint): RawInput[] {
  const { module } = ctx;
  const params = parameters(fn);
  const inputs: RawInput[] = [];
  if (framework !== 'Flask') {
    for (const p of params) if (p.annotation && RAW_ANNOTATION.test(p.annotation)) inputs.push({ node: p.node, names: [p.name] });
  }
  if (framework === 'BentoML' && bentoRawJson(ctx, fn) && params[0]) inputs.push({ node: params[0].node, names: [params[0].name] });
  // A Request object's body read as JSON: `await request.json()`.
  const requestParams = new Set(params.filter((p) => (p.annotation ?? '').endsWith('Request') || (!p.annotation && p.name === 'request')).map((p) => p.name));
  for (const call of callsWithin(module, fn)) {
    const receiver = call.receiver ? nameText(call.receiver) : '';
    if (call.method === 'json' && requestParams.has(receiver)) inputs.push({ node: call.node.parent?.type === 'await' ? call.node.parent : call.node, names: [] });
    if (['get_json', 'get_data'].includes(call.method) && FLASK_REQUEST.has(module.qualifyDotted(receiver))) inputs.push({ node: call.node, names: [] });
  }
  for (const attribute of fn.descendantsOfType('attribute')) {
    if (attribute?.childForFieldName('attribute')?.text !== 'json' || attribute.parent?.type === 'call') continue;
    if (FLASK_REQUEST.has(module.qualify(attribute.childForFieldName('object')) ?? '')) inputs.push({ node: attribute, names: [] });
  }
  return inputs.sort((a, b) => a.node.startIndex - b.node.startIndex);
}

/** Names in the handler that hold the raw payload or something computed from it. */
function taintedNames(fn: Node, input: RawInput): Set<string> {
  const tainted = new Set(input.names);
  const assignments = assignmentsIn(fn);
  // Two passes catch assignments inside loops written before the line that taints them.
  for (let pass = 0; pass < 2; pass++) {
    for (const assignment of assignments) {
      const value = assignment.childForFieldName('right');
      if (!value || !(isInside(input.node, value) || readsAny(value, tainted))) continue;
      for (const bound of boundNames(assignment.childForFieldName('left'))) tainted.add(bound.name);
    }
  }
  return tainted;
}

/** Whether a handler validates against a schema: a validating call, or building a schema class of
 *  this module or of a project module it imports (`PredictRequest(**payload)`). */
function validates(ctx: PythonContext, fn: Node): boolean {
  const { module, project } = ctx;
  // The module's own schema classes, from its facts: gathered once, not per endpoint.
  const local = new Set(ctx.facts.schemaClasses);
  const imported = (name: string) => {
    const binding = module.imports.find((i) => i.local === name);
    const target = binding && project.resolveModule(ctx.path, binding.target.slice(0, binding.target.lastIndexOf('.')));
    return !!target && !!project.python(target)?.schemaClasses.includes(lastName(binding.target));
  };
  if (decoratorsOf(fn).some((d) => /check_types|check_input|validate_call|validate_arguments/.test(d.text))) return true;
  return callsWithin(module, fn).some((c) => isValidatingCall(c) || local.has(c.callee) || (!c.receiver && imported(c.callee)));
}

export default defineRule({
  code: 'MLH306',
  name: 'serving-without-input-validation',
  summary: 'An endpoint feeds raw request JSON to a model without a schema',
  practices: ['P4', 'P6'],
  references: ['ML Test Score: Monitor 2 (data invariants hold in training and serving inputs)'],
  severity: 'warning',
  roles: ['serving'],
  docs: `## What it finds
A request handler that takes the request body as raw JSON — Flask's \`request.json\` /
\`request.get_json()\`, \`await request.json()\` on a Starlette/FastAPI/Ray Serve \`Request\`, a
\`payload: dict\` parameter, BentoML's \`JSON()\` input without \`pydantic_model\` — and passes it,
or anything computed from it, to a model, without validating it against a schema: no pydantic
model (as parameter type, \`Model(**payload)\` or \`model_validate\`), no marshmallow or pandera
schema, no \`jsonschema.validate\`. A schema defined in an imported module of the project counts.

Runs on serving code only (endpoint and app code), where requests come from outside.

## Why it matters
A model accepts any numbers it is given. A missing field becomes NaN, a string \`"42"\` becomes a
category, a renamed field is silently dropped, and the model still answers — wrongly, with full
confidence. The ML Test Score asks that the data invariants checked in training also hold for
serving inputs; a schema at the service boundary is where that check belongs, and it turns bad
requests into clear 422 errors instead of bad predictions.

## How to fix
Declare the expected input as a pydantic model (FastAPI validates parameters typed with it),
or validate the JSON explicitly (\`PredictRequest.model_validate(request.get_json())\`, a
marshmallow schema's \`load\`, a pandera schema on the resulting frame) before predicting. Keep
the schema in a module shared with the training code.

## Example
\`\`\`python
# Before
@app.post("/predict")
def predict(payload: dict):
    return {"score": float(model.predict_proba(pd.DataFrame([payload]))[0, 1])}

# After
class Applicant(BaseModel):
    income: float = Field(ge=0)
    age: int = Field(ge=18, le=120)
    region: Literal["north", "south", "east", "west"]

@app.post("/predict")
def predict(applicant: Applicant):
    return {"score": float(model.predict_proba(pd.DataFrame([applicant.model_dump()]))[0, 1])}
\`\`\`

## References
- Breck et al., *The ML Test Score* (2017), Monitor 2: "Data invariants hold in training and
  serving inputs".
- FastAPI documentation: [Request Body](https://fastapi.tiangolo.com/tutorial/body/); pydantic
  documentation: [Models](https://docs.pydantic.dev/latest/concepts/models/).
`,
  check: {
    python(ctx) {
      const { module } = ctx;
      // The module's functions by name (the first of each), for the helpers endpoints call.
      const functions = new Map<string, Node>();
      for (const d of module.nodes('function_definition')) {
        const name = d.childForFieldName('name')?.text;
        if (name && !functions.has(name)) functions.set(name, d);
      }
      for (const endpoint of endpointsOf(module)) {
        const inputs = rawInputsOf(ctx, endpoint);
        if (inputs.length === 0 || validates(ctx, endpoint.fn)) continue;
        const fed = inputs.find((input) => {
          const tainted = taintedNames(endpoint.fn, input);
          return callsWithin(module, endpoint.fn).some((c) => {
            const args = c.node.childForFieldName('arguments');
            if (!args || !(isInside(input.node, args) || readsAny(args, tainted))) return false;
            if (isPredictionCall(module, c)) return true;
            const helper = !c.receiver && functions.get(c.callee);
            return !!helper && predictionIn(module, helper) !== undefined;
          });
        });
        if (fed) {
          ctx.report(fed.node, `Raw request JSON (${fed.node.text.split('\n')[0]}) reaches the model without a schema; validate it with a pydantic model (or marshmallow / pandera)`);
        }
      }
    },
  },
});
