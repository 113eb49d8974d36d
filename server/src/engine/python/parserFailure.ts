// Whether this thread's Python parser still works. tree-sitter's wasm runtime can trap (an access
// out of its memory, an emscripten abort): the trap unwinds its C code halfway through, leaving what
// it was changing (the parse stacks, the allocator's lists) inconsistent, so that any later call may
// fail or, worse, give a wrong tree. web-tree-sitter starts its runtime once per module instance and
// keeps it (no second instance can be made in the same thread), so after a trap the parser is not
// used again: every call into the runtime throws ParserFailed, and the thread (a scan's) or the
// process (the language server's) that holds it is replaced.

/** What a file whose analysis made the parser fail gets instead of findings. */
export const PARSER_FAILED_NOTICE = 'not analysed: the Python parser failed on this file';

/** Thrown by every call into the runtime once it trapped. */
export class ParserFailed extends Error {
  constructor(trap: string) {
    super(`the Python parser failed earlier in this thread (${trap}) and is not used again`);
  }
}

/** The runtime's functions that only free memory: after a trap they do nothing (the memory is
 *  not used again), so that code dropping its trees need not know about the failure. */
const FREES = new Set(['_free', '_ts_parser_delete', '_ts_tree_delete', '_ts_tree_cursor_delete_wasm', '_ts_query_delete']);

/** The exception that escaped the runtime, when one did. */
let trap: string | undefined;

/** Whether this thread's parser failed: then nothing parses here any more. */
export function parserFailed(): boolean {
  return trap !== undefined;
}

/** Wraps the runtime's exported functions (emscripten puts them on its module object, named with a
 *  leading underscore) so that an exception leaving one ends the parser. The only calls out of the
 *  runtime (its callbacks for the text to parse and the parse's progress) do not throw, so any
 *  exception that leaves it unwound its C code. */
export function endParserOnTrap(runtime: object): void {
  const exports = runtime as Record<string, unknown>;
  for (const name of Object.keys(exports)) {
    const call = exports[name];
    if (!name.startsWith('_') || typeof call !== 'function') continue;
    const frees = FREES.has(name);
    exports[name] = (...args: unknown[]) => {
      if (trap !== undefined) {
        if (frees) return undefined;
        throw new ParserFailed(trap);
      }
      try {
        return call(...args);
      } catch (e) {
        trap = String((e as Error)?.message ?? e);
        throw e;
      }
    };
  }
}
