// When the language server's own parser fails (engine/python/parserFailure.ts), which cannot be
// undone in its process: the server tells the client which text it was parsing, then exits for the
// client to start a fresh one (VS Code's client does so by itself), and the client passes the texts
// that made a server fail to each new one, which does not parse them again: reopening the document
// then gives its notice instead of ending that server too.

/** Server to client: the text of a document made the server's parser fail (ParserFailedParams). */
export const PARSER_FAILED_NOTIFICATION = 'mlHygiene/parserFailed';

export interface ParserFailedParams {
  /** The SHA-256 of the document's text, in hex. */
  textHash: string;
}

/** The server's exit status when its parser failed. */
export const PARSER_FAILED_EXIT_CODE = 3;
