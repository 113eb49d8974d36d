// A real trap of tree-sitter's wasm runtime, for the tests of what survives one: the environment
// that preloads parserTrapPreload.cjs into a command or server (and its worker threads).
import * as path from 'path';
import { REPO } from './project';

/** A comment that makes the runtime trap when a file holding it is parsed. */
export const TRAP_COMMENT = '# (this comment makes the parser trap in the test)';

/** The environment in which the runtime traps on texts holding TRAP_COMMENT, and is broken after. */
export function parserTrapEnv(): NodeJS.ProcessEnv {
  return { NODE_OPTIONS: `--require "${path.join(REPO, 'test/support/parserTrapPreload.cjs')}"`, TRAP_PARSER_ON: TRAP_COMMENT };
}
