// Module-level names that a run sets from outside the code, so that what is written there is a
// default, not a hard-coded value: the globals a script assigns before it hands them to a
// configurator (`exec(open("configurator.py").read())`, `globals().update(overrides)`), and the
// names of a notebook's papermill `parameters` cell, which papermill overrides when it runs it.
import { Notebook, notebookCode } from '../notebook';
import { assignedNames, enclosing, Node, PythonModule } from './module';

const NOT_MODULE_LEVEL = new Set(['function_definition', 'lambda', 'class_definition']);

const GLOBALS_FUNCTIONS = new Set(['globals', 'vars', 'locals']);

/** `globals()` (or, at module level, `vars()` / `locals()`, the same dictionary there). */
function isGlobalsCall(node: Node | null | undefined, atModuleLevel: boolean): boolean {
  if (node?.type !== 'call' || node.childForFieldName('arguments')?.namedChildCount !== 0) return false;
  const name = node.childForFieldName('function')?.text;
  return name === 'globals' || (atModuleLevel && (name === 'vars' || name === 'locals'));
}

/** Where code rewrites the module's globals: `exec(...)` at module level, `globals().update(...)`,
 *  `globals()[key] = value`. The start offset of the first one; Infinity when it happens inside a
 *  function (it runs when called, after every module-level assignment); undefined when none does. */
function firstOverride(module: PythonModule): number | undefined {
  let first: number | undefined;
  const note = (node: Node) => {
    const at = enclosing(node, NOT_MODULE_LEVEL) ? Infinity : node.startIndex;
    first = first === undefined ? at : Math.min(first, at);
  };
  for (const call of module.calls()) {
    if (call.callee === 'exec' && !call.imported) {
      if (!enclosing(call.node, NOT_MODULE_LEVEL)) note(call.node);
    } else if (call.method === 'update' && call.receiver?.type === 'call') {
      if (isGlobalsCall(call.receiver, !enclosing(call.node, NOT_MODULE_LEVEL))) note(call.node);
    } else if (GLOBALS_FUNCTIONS.has(call.callee)) {
      // `globals()[key] = value`: from the call up, rather than through every assignment's target.
      const subscript = call.node.parent;
      const assignment = subscript?.parent;
      if (subscript?.type !== 'subscript' || assignment?.type !== 'assignment') continue;
      const left = assignment.childForFieldName('left');
      if (left?.type === 'subscript' && isGlobalsCall(left.childForFieldName('value'), !enclosing(assignment, NOT_MODULE_LEVEL))) note(assignment);
    }
  }
  return first;
}

/** Rows of the notebook's code (notebookCode) that belong to a cell tagged `parameters`. */
function parameterRows(notebook: Notebook): Set<number> {
  const parameterCells = new Set(notebook.cells.filter((c) => c.tags.includes('parameters')).map((c) => c.index));
  const rows = new Set<number>();
  if (parameterCells.size === 0) return rows;
  notebookCode(notebook).lineMap.forEach((entry, row) => {
    if (parameterCells.has(entry.cell)) rows.add(row);
  });
  return rows;
}

const CACHE = new WeakMap<PythonModule, Set<string>>();

/** Names assigned at module level before the globals are handed to a configurator, or in a
 *  notebook's `parameters` cell: each is a default that a run may replace. */
export function configurableGlobals(module: PythonModule, notebook?: Notebook): Set<string> {
  const cached = CACHE.get(module);
  if (cached) return cached;
  const names = new Set<string>();
  const override = firstOverride(module);
  const parameters = notebook ? parameterRows(notebook) : new Set<number>();
  if (override !== undefined || parameters.size > 0) {
    for (const assignment of module.nodes('assignment')) {
      if (enclosing(assignment, NOT_MODULE_LEVEL)) continue;
      const configured = (override !== undefined && assignment.startIndex < override) || parameters.has(assignment.startPosition.row);
      if (configured) for (const name of assignedNames(assignment)) names.add(name);
    }
  }
  CACHE.set(module, names);
  return names;
}
