// How code reads configuration (MLH605): the key names it reads by attribute, getattr or `in`,
// and where a loaded config, or a part of it, leaves for code that cannot be followed here
// (`**cfg`, `Model(cfg.model)`, `for k in cfg`, `return cfg`), so that its keys may all be used.
import { checkpoint } from '../budget';
import { firstFrom, Node, PythonModule, scopeOf, stringValue } from './module';
import { operatorBetween } from './operators';

export interface ConfigEscape {
  /** The key whose value escapes (`model` in `Model(**cfg["model"])`); absent for a whole config. */
  key?: string;
  /** The qualified callee it is passed to; absent when it is returned, iterated or stored. */
  callee?: string;
}

export interface ConfigReads {
  /** Key names read by attribute (`cfg.train.lr`), `getattr(cfg, "lr")`, `hasattr` or `"lr" in cfg`. */
  configNamesRead: string[];
  configEscapes: ConfigEscape[];
}

const LOADERS = /^(yaml\.(safe_load|load|full_load|unsafe_load)|omegaconf\.OmegaConf\.(load|create|merge)|hydra\.compose|json\.loads?|toml\.loads?|tomllib\.loads?|dvc\.api\.params_show)$/;
// Names under which code keeps a whole configuration.
const CONFIG_NAME = /^(cfg|conf|config|configs|configuration|params|hparams|hyperparams|hyperparameters|hp|settings)$|_(cfg|conf|config|params)$|^(cfg|conf|config|params)_/i;
// Calls that look at a value without using its keys.
const LOOKING = /^(print|len|isinstance|type|str|repr|bool|id|omegaconf\.OmegaConf\.to_yaml|(logging|logger|log|LOGGER|LOG)\.\w+)$/;
const MAX_DEPTH = 4;

/** Whether an identifier may be a CONFIG_NAME, by its first and last letters (c, p, h or s; g, f or
 *  s), read from the module's text: most names are not, and are not copied out of it. */
function mayBeConfigName(text: string, identifier: Node): boolean {
  const first = text.charCodeAt(identifier.startIndex) | 0x20;
  const last = text.charCodeAt(identifier.endIndex - 1) | 0x20;
  return first === 0x63 || first === 0x70 || first === 0x68 || first === 0x73 || last === 0x67 || last === 0x66 || last === 0x73;
}

function unparenthesized(node: Node): Node {
  let n = node;
  while (n.parent?.type === 'parenthesized_expression') n = n.parent;
  return n;
}

/** The key a node reads from the value it navigates: `x["k"]`, `x.get("k")`, `x.k`. */
function keyRead(node: Node): { value: Node; key: string } | undefined {
  if (node.type === 'subscript') {
    const key = stringValue(node.childForFieldName('subscript'));
    const value = node.childForFieldName('value');
    return key !== undefined && value ? { value, key } : undefined;
  }
  if (node.type === 'attribute') {
    const object = node.childForFieldName('object');
    const name = node.childForFieldName('attribute')?.text;
    const call = node.parent?.type === 'call' && node.parent.childForFieldName('function')?.id === node.id ? node.parent : undefined;
    if (!object || !name) return undefined;
    if (!call) return { value: object, key: name };
    const key = name === 'get' ? stringValue(call.childForFieldName('arguments')?.namedChildren[0]) : undefined;
    return key !== undefined ? { value: object, key } : undefined;
  }
  return undefined;
}

/** The node that holds the result of a key read (the `.get(...)` call for a get). */
function readResult(node: Node): Node {
  return node.type === 'attribute' && node.parent?.type === 'call' && node.parent.childForFieldName('function')?.id === node.id ? node.parent : node;
}

export function configReads(module: PythonModule): ConfigReads {
  const names = new Set<string>();
  const escapes = new Map<string, ConfigEscape>();
  const escape = (e: ConfigEscape): void => {
    escapes.set(`${e.key ?? ''}\u0000${e.callee ?? ''}`, e);
  };

  for (const attribute of module.nodes('attribute')) {
    const name = attribute.childForFieldName('attribute')?.text;
    if (name) names.add(name);
  }
  for (const call of module.calls()) {
    if (/^(getattr|hasattr)$/.test(call.callee)) {
      const key = stringValue(call.positional[1]);
      if (key !== undefined) names.add(key);
    }
  }
  for (const comparison of module.nodes('comparison_operator')) {
    const [first, second] = comparison.namedChildren;
    if (first?.type !== 'string') continue;
    const operator = (second && operatorBetween(module, first, second)) ?? comparison.children.find((c) => c && !c.isNamed)?.text ?? '';
    if (!/\bin\b/.test(operator)) continue;
    const key = stringValue(first);
    if (key !== undefined) names.add(key);
  }

  const uses = new VariableUses(module);
  // Each value is followed once per key it holds, from the shallowest depth it is reached at: a
  // script that reads its config a thousand times must not follow every read a thousand times.
  const followed = new Map<string, number>();

  /** Follows a value (a config or a part of it) through its uses; records where it escapes. */
  const follow = (value: Node, key: string | undefined, depth: number): void => {
    if (depth > MAX_DEPTH) return;
    const seen = `${value.id}\0${key ?? ''}`;
    if ((followed.get(seen) ?? Infinity) <= depth) return;
    followed.set(seen, depth);
    const node = unparenthesized(value);
    const parent = node.parent;
    if (!parent) return;
    // Navigation: a further key read from this value.
    const next = [parent, parent.parent].find((p) => p && keyRead(p)?.value.id === node.id);
    if (next) {
      const read = keyRead(next)!;
      follow(readResult(next), read.key, depth + 1);
      return;
    }
    if (parent.type === 'subscript' && parent.childForFieldName('value')?.id === node.id) return escape({ key }); // computed key
    if (parent.type === 'attribute') return escape({ key }); // a method: items(), copy(), to_dict() ...
    if (parent.type === 'dictionary_splat' || parent.type === 'list_splat' || parent.type === 'argument_list' || parent.type === 'keyword_argument') {
      const call = parent.type === 'argument_list' ? parent.parent : parent.parent?.parent;
      if (call?.type !== 'call') return escape({ key });
      const callee = module.describeCall(call).qualified;
      if (!LOOKING.test(callee) || parent.type === 'dictionary_splat') escape({ key, callee });
      return;
    }
    if (parent.type === 'assignment' && parent.childForFieldName('right')?.id === node.id) {
      const target = parent.childForFieldName('left');
      if (target?.type !== 'identifier') return escape({ key }); // stored on an object, unpacked ...
      for (const use of uses.of(target.text, parent)) follow(use, key, depth + 1);
      return;
    }
    // A whole config returned is followed where the caller keeps it (a config-named variable);
    // a part of one returned is lost.
    if (parent.type === 'return_statement' && key === undefined) return;
    if (/^(return_statement|yield|for_statement|for_in_clause|list|tuple|set|pair|dictionary)$/.test(parent.type)) escape({ key });
  };

  for (const call of module.calls()) if (LOADERS.test(call.qualified)) follow(call.node, undefined, 0);
  const { text } = module;
  for (const identifier of module.nodes('identifier')) {
    if (!mayBeConfigName(text, identifier) || !CONFIG_NAME.test(identifier.text)) continue;
    const definition = isParameter(identifier) ? identifier : assignedFromCall(identifier);
    if (!definition) continue;
    for (const use of uses.of(identifier.text, definition)) follow(use, undefined, 1);
  }
  return { configNamesRead: [...names], configEscapes: [...escapes.values()] };
}

function isParameter(identifier: Node): boolean {
  const parent = identifier.parent;
  if (parent?.type === 'parameters') return true;
  return (parent?.type === 'typed_parameter' || parent?.type === 'default_parameter' || parent?.type === 'typed_default_parameter') && parent.parent?.type === 'parameters' && parent.namedChildren[0]?.id === identifier.id;
}

/** The assignment when the identifier is assigned a call's result (`cfg = load_config()`). */
function assignedFromCall(identifier: Node): Node | undefined {
  const parent = identifier.parent;
  if (parent?.type !== 'assignment' || parent.childForFieldName('left')?.id !== identifier.id) return undefined;
  return parent.childForFieldName('right')?.type === 'call' ? parent : undefined;
}

/** Reads of variables, looked up by name rather than by walking a scope: the reads of the value a
 *  definition gives a name are those in its scope after it, up to the end of the next assignment to
 *  the name in that scope (whose right side may still read it). Like bindings.ts, branches are read
 *  in document order. */
class VariableUses {
  /** Per scope and name, the assignments to the name in document order: listed when first asked
   *  (most modules load no config and name none). */
  private assignments?: Map<string, Node[]>;

  constructor(private readonly module: PythonModule) {}

  private assignmentsOf(scope: Node, name: string): Node[] {
    if (!this.assignments) {
      this.assignments = new Map();
      for (const assignment of this.module.nodes('assignment')) {
        const left = assignment.childForFieldName('left');
        if (left?.type === 'identifier') push(this.assignments, `${scopeOf(assignment).id}\0${left.text}`, assignment);
      }
    }
    return this.assignments.get(`${scope.id}\0${name}`) ?? [];
  }

  /** The reads of `name` that the definition `after` (an assignment or a parameter) reaches. */
  of(name: string, after: Node): Node[] {
    const scope = scopeOf(after.type === 'assignment' ? after : (after.parent ?? after));
    const assignments = this.assignmentsOf(scope, name);
    const next = assignments[firstFrom(assignments, after.endIndex)];
    const end = Math.min(scope.endIndex, next?.endIndex ?? Infinity);
    const named = this.module.withText('identifier', name);
    const found: Node[] = [];
    for (let i = firstFrom(named, after.endIndex); i < named.length && named[i].startIndex < end; i++) {
      checkpoint();
      const child = named[i];
      const parent = child.parent;
      const assigned = parent?.type === 'assignment' && parent.childForFieldName('left')?.id === child.id;
      const isAttributeName = parent?.type === 'attribute' && parent.childForFieldName('attribute')?.id === child.id;
      const isKeywordName = parent?.type === 'keyword_argument' && parent.childForFieldName('name')?.id === child.id;
      if (!assigned && !isAttributeName && !isKeywordName) found.push(child);
    }
    return found;
  }
}

function push(lists: Map<string, Node[]>, key: string, node: Node): void {
  const list = lists.get(key);
  if (list) list.push(node);
  else lists.set(key, [node]);
}
