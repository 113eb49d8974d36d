// The top-level statements of a module, and the module as seen from some of them: what the
// analysis of an edited module runs its statement-local rules on (Rule.statementLocal), so that a
// keystroke costs the statements it changed, not the whole module.
import { Call, firstFrom, Node, PythonModule } from './module';

/** The module's top-level statements (comments and syntax errors at the top level included), in
 *  document order. After an incremental re-parse, the ones the edit did not touch are the same
 *  objects as before, moved (parser.ts). */
export function topLevelStatements(module: PythonModule): Node[] {
  return module.root.namedChildren.filter((s): s is Node => s !== null);
}

/** The module with its node lists (nodes, calls, withText) cut down to the nodes inside some of its
 *  top-level statements; everything else (imports, the root, ranges, qualified names, and what is
 *  found of the module as a whole: its bindings, what is pandas) is the module's own. A rule run on
 *  it finds what it would find in those statements when what it finds in a statement depends only
 *  on that statement, the imports and what the statement reaches by name. */
export function restrictedTo(module: PythonModule, statements: Node[]): PythonModule {
  const spans = statements.map((s) => [s.startIndex, s.endIndex] as const);
  const inside = (list: Node[]): Node[] => {
    const out: Node[] = [];
    for (const [start, end] of spans) {
      for (let i = firstFrom(list, start); i < list.length && list[i].startIndex < end; i++) out.push(list[i]);
    }
    return out;
  };
  const lists = new Map<string, Node[]>();
  const named = new Map<string, Node[]>();
  let calls: Call[] | undefined;
  const view = Object.create(module) as PythonModule;
  Object.defineProperty(view, 'whole', { value: module.whole });
  view.nodes = (type) => {
    let list = lists.get(type);
    if (!list) lists.set(type, (list = inside(module.nodes(type))));
    return list;
  };
  view.calls = () => (calls ??= view.nodes('call').map((node) => module.describeCall(node)));
  view.withText = (type, text) => {
    const key = `${type}\u0000${text}`;
    let list = named.get(key);
    if (!list) named.set(key, (list = inside(module.withText(type, text))));
    return list;
  };
  return view;
}
