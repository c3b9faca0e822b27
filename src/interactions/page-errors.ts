// What the hosted pages (the interactions and the account page) share about things going wrong: a
// form body that cannot be read is the sender's mistake, anything unexpected is logged.
import { bodyParser } from '@koa/bodyparser';
import type { Context, Middleware } from 'koa';

/** A form body that could not be decoded; `status` is what the pages' error handlers answer with. */
export class UnreadableFormError extends Error {
  readonly status = 400;
  constructor(cause: unknown) {
    super('the form body could not be decoded', { cause });
    this.name = 'UnreadableFormError';
  }
}

// zlib's errors (a gzip or deflate Content-Encoding over bytes that are not that) carry no HTTP
// status, so they would otherwise be taken for a fault of Warden's own.
function isDecompressionError(error: unknown): boolean {
  return error instanceof Error && 'code' in error && typeof error.code === 'string' && error.code.startsWith('Z_');
}

/**
 * The pages' form parser. Its own refusals (too large, unsupported encoding, aborted) already carry a
 * 4xx status; a body that fails to decompress becomes a 400 too.
 */
export function formParser(formLimit: string): Middleware {
  return bodyParser({
    enableTypes: ['form'],
    formLimit,
    encoding: 'utf-8',
    onError: (error, ctx) => {
      abandonBody(ctx);
      throw isDecompressionError(error) ? new UnreadableFormError(error) : error;
    },
  });
}

// A refused body is left partly read, and on a keep-alive connection its unread bytes would be taken
// for the next request, which then never gets an answer. The connection closes after the refusal;
// until then the rest is read and dropped, so the client is not reset before it reads the answer.
function abandonBody(ctx: Context): void {
  ctx.set('Connection', 'close');
  ctx.req.resume();
}

interface RequestLogger {
  error(details: object, message: string): void;
}

/**
 * Reports an error a page turned into a 500. app.ts puts a request-scoped logger in ctx.state.log and
 * keeps koa silent, so the error event alone would leave no trace; without a logger (a bare test app)
 * that event is the place.
 */
export function reportUnexpected(ctx: Context, error: unknown): void {
  const log: unknown = (ctx.state as { log?: unknown }).log;
  if (typeof log === 'object' && log !== null && 'error' in log && typeof log.error === 'function') {
    (log as RequestLogger).error({ err: error, path: ctx.path }, 'interaction page failed');
  } else {
    ctx.app.emit('error', error, ctx);
  }
}
