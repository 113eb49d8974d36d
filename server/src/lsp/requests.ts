// Requests come from any client: their parameters are checked before use (an InvalidParams error
// names the argument), a cancelled request is answered with RequestCancelled at once, and an
// unexpected exception is logged and answered without the JavaScript message.
import { CancellationToken, ErrorCodes, LSPErrorCodes, Position, Range, ResponseError } from 'vscode-languageserver';
import { isObject } from '../engine/types';

function invalid(method: string, argument: string, expected: string): ResponseError<void> {
  return new ResponseError(ErrorCodes.InvalidParams, `${method}: the argument ${argument} must be ${expected}`);
}

function isLineOrCharacter(value: unknown): value is number {
  return Number.isInteger(value) && (value as number) >= 0;
}

export function checkObject(method: string, argument: string, value: unknown): Record<string, unknown> {
  if (!isObject(value)) throw invalid(method, argument, 'an object');
  return value;
}

/** `params.textDocument.uri`. */
export function documentUri(method: string, params: unknown): string {
  const document = checkObject(method, 'params', params).textDocument;
  if (!isObject(document) || typeof document.uri !== 'string') throw invalid(method, 'textDocument.uri', 'a string');
  return document.uri;
}

export function checkPosition(method: string, argument: string, value: unknown): Position {
  if (!isObject(value) || !isLineOrCharacter(value.line) || !isLineOrCharacter(value.character)) {
    throw invalid(method, argument, 'a position ({line, character}: whole numbers from 0)');
  }
  return value as unknown as Position;
}

export function checkRange(method: string, argument: string, value: unknown): Range {
  if (!isObject(value)) throw invalid(method, argument, 'a range ({start, end})');
  checkPosition(method, `${argument}.start`, value.start);
  checkPosition(method, `${argument}.end`, value.end);
  return value as unknown as Range;
}

export function checkArray(method: string, argument: string, value: unknown, optional = false): unknown[] {
  if (optional && value === undefined) return [];
  if (!Array.isArray(value)) throw invalid(method, argument, 'an array');
  return value;
}

export function checkString(method: string, argument: string, value: unknown, optional = false): string | undefined {
  if (optional && (value === undefined || value === null)) return undefined;
  if (typeof value !== 'string') throw invalid(method, argument, 'a string');
  return value;
}

const cancelled = () => new ResponseError(LSPErrorCodes.RequestCancelled, 'the request was cancelled');

/** `work`'s result, or RequestCancelled as soon as the client cancels (the work itself goes on:
 *  it is shared with other requests, and its result is kept). */
export function unlessCancelled<T>(token: CancellationToken, work: Promise<T>): Promise<T> {
  if (token.isCancellationRequested) return Promise.reject(cancelled());
  return new Promise<T>((resolve, reject) => {
    const listener = token.onCancellationRequested(() => reject(cancelled()));
    work.then(resolve, reject).finally(() => listener.dispose());
  });
}

/** A request handler that answers only with LSP errors: ResponseErrors pass, anything else is
 *  logged with its stack and answered as an InternalError that says where to look. */
export function answering<R>(
  method: string,
  log: (message: string) => void,
  handler: (params: unknown, token: CancellationToken) => R | Promise<R>,
): (params: unknown, token: CancellationToken) => Promise<R> {
  return async (params, token) => {
    if (token.isCancellationRequested) throw cancelled();
    try {
      return await handler(params, token);
    } catch (e) {
      if (e instanceof ResponseError) throw e;
      log(`ML Hygiene: ${method} failed: ${(e as Error)?.stack ?? e}`);
      throw new ResponseError(ErrorCodes.InternalError, `ML Hygiene could not answer ${method}; the server's log has the details`);
    }
  };
}
