// Serving code: the request handlers (endpoints) of web and model-serving frameworks, found from
// their decorators and route tables with names resolved through imports.
import { ProjectIndex } from '../project';
import { PythonFacts } from './facts';
import { Call, dottedName, isInPackage, nameText, Node, PythonModule } from './module';
import { isPredictionCall } from './models';
import { callTarget } from './projectCalls';
import { callsWithin, classOf, decoratorsOf, lastName } from './structure';

export type ServingFramework = 'FastAPI' | 'Flask' | 'BentoML' | 'Ray Serve' | 'Starlette';

export interface Endpoint {
  /** The handler's function definition. */
  fn: Node;
  framework: ServingFramework;
}

const APP_CONSTRUCTORS: Record<string, ServingFramework> = {
  'fastapi.FastAPI': 'FastAPI',
  'fastapi.APIRouter': 'FastAPI',
  'flask.Flask': 'Flask',
  'flask.Blueprint': 'Flask',
  'starlette.applications.Starlette': 'Starlette',
};
const ROUTE_METHODS = new Set(['get', 'post', 'put', 'patch', 'delete', 'api_route', 'route']);
// Apps and routers imported from another module of the project (`from .main import app`) are known by name.
const APP_NAME = /^(app|application|api|router|\w+_router|bp|blueprint|\w+_bp)$/;

// Per module, what each name is assigned from (`app = FastAPI()` gives app: [fastapi.FastAPI]),
// gathered once: every decorator of every function asks.
const constructorsByModule = new WeakMap<PythonModule, Map<string, string[]>>();

/** The qualified callees a name is assigned the result of in this module, in document order. */
function constructorsOf(module: PythonModule, name: string): string[] {
  let byName = constructorsByModule.get(module);
  if (!byName) {
    byName = new Map();
    for (const assignment of module.nodes('assignment')) {
      const left = assignment.childForFieldName('left');
      const right = assignment.childForFieldName('right');
      if (!left || right?.type !== 'call') continue;
      const list = byName.get(left.text);
      const qualified = module.describeCall(right).qualified;
      if (list) list.push(qualified);
      else byName.set(left.text, [qualified]);
    }
    constructorsByModule.set(module, byName);
  }
  return byName.get(name) ?? [];
}

/** The framework of the app or router a name is assigned from in this module (`app = FastAPI()`). */
function appFramework(module: PythonModule, name: string): ServingFramework | undefined {
  for (const qualified of constructorsOf(module, name)) {
    const framework = APP_CONSTRUCTORS[qualified];
    if (framework) return framework;
  }
  if (!APP_NAME.test(name)) return undefined;
  if (module.importsPackage('fastapi')) return 'FastAPI';
  if (module.importsPackage('flask')) return 'Flask';
  return undefined;
}

/** The framework a decorator registers its function with as a request handler, if any. */
function decoratorFramework(module: PythonModule, decorator: Node): ServingFramework | undefined {
  const target = decorator.type === 'call' ? decorator.childForFieldName('function') : decorator;
  if (!target || target.type !== 'attribute') return undefined;
  const qualified = module.qualify(target);
  if (qualified === 'bentoml.api') return 'BentoML';
  const method = target.childForFieldName('attribute')?.text ?? '';
  const owner = dottedName(target.childForFieldName('object'));
  if (!owner || decorator.type !== 'call') return undefined;
  if (method === 'api' && (module.qualify(target.childForFieldName('object'))?.startsWith('bentoml') || assignedFrom(module, owner, 'bentoml.Service'))) {
    return 'BentoML';
  }
  return ROUTE_METHODS.has(method) ? appFramework(module, owner) : undefined;
}

function assignedFrom(module: PythonModule, name: string, constructor: string): boolean {
  return constructorsOf(module, name).includes(constructor);
}

function isRayDeployment(module: PythonModule, cls: Node): boolean {
  return decoratorsOf(cls).some((d) => module.qualify(d.type === 'call' ? d.childForFieldName('function') : d) === 'ray.serve.deployment');
}

/** Handlers listed in route tables: Starlette's `Route("/p", endpoint=fn)`, Flask's `add_url_rule(view_func=fn)`. */
function routedHandlerNames(module: PythonModule): Map<string, ServingFramework> {
  const names = new Map<string, ServingFramework>();
  for (const call of module.calls()) {
    if (call.qualified === 'starlette.routing.Route') {
      const handler = call.keywords.get('endpoint') ?? call.positional[1];
      if (handler?.type === 'identifier') names.set(handler.text, 'Starlette');
    } else if (call.method === 'add_url_rule' && module.importsPackage('flask')) {
      const handler = call.keywords.get('view_func') ?? call.positional[2];
      if (handler?.type === 'identifier') names.set(handler.text, 'Flask');
    }
  }
  return names;
}

/** The request handlers a module defines. */
export function endpointsOf(module: PythonModule): Endpoint[] {
  const routed = routedHandlerNames(module);
  const endpoints: Endpoint[] = [];
  for (const fn of module.nodes('function_definition')) {
    const name = fn.childForFieldName('name')?.text ?? '';
    let framework = decoratorsOf(fn)
      .map((d) => decoratorFramework(module, d))
      .find((f) => f !== undefined);
    const cls = classOf(fn);
    if (!framework && name === '__call__' && cls && isRayDeployment(module, cls)) framework = 'Ray Serve';
    if (!framework && !cls) framework = routed.get(name);
    if (framework) endpoints.push({ fn, framework });
  }
  return endpoints;
}

const SERVING_DIRECTORY = /^(serve|serving|api|app|server)$/;

/** Serving code: a module that defines request handlers, or lives in (or is named) serve/serving/api/app. */
export function isServingCode(module: PythonModule, path: string): boolean {
  const segments = path.replace(/\.(py|ipynb)$/, '').split('/');
  return segments.some((s) => SERVING_DIRECTORY.test(s)) || endpointsOf(module).length > 0;
}

const MONITORING_PACKAGES = [
  'prometheus_client',
  'prometheus_fastapi_instrumentator',
  'starlette_exporter',
  'opentelemetry',
  'statsd',
  'datadog',
  'evidently',
  'whylogs',
  'nannyml',
  'arize',
];
// logger.info(...), self.logger.warning(...), app.logger.info(...), logging.info(...), loguru's logger.
const LOGGER_CALL = /(^|\.)(logging|loguru\.logger|_?logger|_?log|LOGGER|LOG)\.(debug|info|warning|warn|error|exception|critical|log)$/;
const TRACKING_CALL = /^(mlflow\.log_\w+|wandb\.log)$/;

/** Whether a module logs or exports metrics: a logger call, a metrics or monitoring library, run tracking. */
export function monitors(facts: PythonFacts): boolean {
  if (facts.imports.some((m) => MONITORING_PACKAGES.some((p) => isInPackage(m, p)))) return true;
  return facts.calls.some((c) => LOGGER_CALL.test(c) || TRACKING_CALL.test(c));
}

// Calls that write a record somewhere: a logger, run tracking, a file, a database, a queue.
const RECORDING_METHODS = new Set([
  'write', 'writerow', 'writerows', 'to_csv', 'to_parquet', 'to_sql', 'insert_one', 'insert_many', 'insert_rows',
  'insert_rows_json', 'execute', 'executemany', 'commit', 'put_item', 'put_object', 'xadd', 'lpush', 'rpush', 'publish', 'produce',
]);
const RECORDING_FUNCTIONS = new Set(['json.dump', 'csv.writer', 'csv.DictWriter']);

function records(qualified: string): boolean {
  return LOGGER_CALL.test(qualified) || TRACKING_CALL.test(qualified) || RECORDING_FUNCTIONS.has(qualified) || (qualified.includes('.') && RECORDING_METHODS.has(lastName(qualified)));
}

// Helpers named for recording what the service sees: save_prediction, log_to_db, record_request.
const RECORDING_HELPER = /^(log|save|store|record|persist|insert|write|track|audit)_(\w+_)?(predictions?|preds?|inferences?|requests?|results?|outputs?|inputs?|events?|db|database|feedback|scores?)(_\w+)?$/;

/** The helper a call hands work to: the callee, or the function given to a background task or an
 *  executor (`background_tasks.add_task(save_prediction, ...)`, `executor.submit(fn, ...)`). */
function helperOf(call: Call): string | undefined {
  if (['add_task', 'submit', 'run_in_executor', 'apply_async'].includes(call.method)) {
    const fn = call.method === 'run_in_executor' ? call.positional[1] : call.positional[0];
    return dottedName(fn);
  }
  return dottedName(call.node.childForFieldName('function'));
}

/** Whether a project function records: its body calls a logger, writes a file or a row. */
function helperRecords(project: ProjectIndex, path: string, module: PythonModule, name: string): boolean {
  const local = module.nodes('function_definition').find((d) => d.childForFieldName('name')?.text === name);
  if (local) return callsWithin(module, local).some((c) => records(c.qualified));
  const facts = project.python(path);
  const target = facts && callTarget(project, path, facts, '', module.qualifyDotted(name));
  return !!target && (project.python(target[0])?.callsByScope[target[1]] ?? []).some(records);
}

/** Whether a request handler records its inputs and predictions through a helper of the project:
 *  a call (or a background task) of a function that logs or writes a record, or that is named for it
 *  (\`save_prediction(request, result)\`, \`log_to_db(...)\`). */
export function recordsThroughHelper(project: ProjectIndex, path: string, module: PythonModule, fn: Node): boolean {
  return callsWithin(module, fn).some((call) => {
    const helper = helperOf(call);
    if (!helper || call.node.id === fn.id) return false;
    return RECORDING_HELPER.test(lastName(helper)) || helperRecords(project, path, module, helper);
  });
}

/** The first call in a handler that runs a model, directly or through a function of the same module
 *  it calls (`return run_model(payload)`). */
export function predictionIn(module: PythonModule, fn: Node, seen = new Set<number>()): Node | undefined {
  seen.add(fn.startIndex);
  const calls = callsWithin(module, fn);
  const direct = calls.find((c) => isPredictionCall(module, c));
  if (direct) return direct.node;
  for (const call of calls) {
    if (call.receiver && nameText(call.receiver) !== 'self') continue;
    const helper = module.nodes('function_definition').find((d) => d.childForFieldName('name')?.text === call.method);
    if (helper && !seen.has(helper.startIndex) && predictionIn(module, helper, seen)) return call.node;
  }
  return undefined;
}
