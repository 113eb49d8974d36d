// File objects in code: which path an `open(...)` call, or a name bound by `with open(...) as f`, refers to.
import { Node, PythonModule, isInside } from './module';

/** The path argument of `open(path, ...)` (also `io.open`, `gzip.open`, `bz2.open`), or undefined. */
function openCallPath(module: PythonModule, node: Node | null | undefined): Node | undefined {
  if (node?.type !== 'call') return undefined;
  const call = module.describeCall(node);
  if (call.callee !== 'open' && call.qualified !== 'io.open' && call.qualified !== 'gzip.open' && call.qualified !== 'bz2.open') return undefined;
  return call.keywords.get('file') ?? call.keywords.get('filename') ?? call.positional[0];
}

/** The path expression behind a file object argument: `open("m.pkl", "wb")` itself, or the name
 *  `fh` of an enclosing `with open("m.pkl", "wb") as fh:`. */
export function openedPath(module: PythonModule, fileArg: Node | null | undefined): Node | undefined {
  if (!fileArg) return undefined;
  const direct = openCallPath(module, fileArg);
  if (direct) return direct;
  if (fileArg.type !== 'identifier') return undefined;
  for (const target of module.nodes('as_pattern_target')) {
    if (target.namedChildren[0]?.text !== fileArg.text) continue;
    const pattern = target.parent;
    const withStatement = pattern?.parent?.parent?.parent;
    if (pattern?.type !== 'as_pattern' || withStatement?.type !== 'with_statement' || !isInside(fileArg, withStatement)) continue;
    const path = openCallPath(module, pattern.namedChildren[0]);
    if (path) return path;
  }
  return undefined;
}
