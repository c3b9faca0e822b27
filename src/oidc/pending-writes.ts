// Writes a request started and need not wait for before going on, but must see stored before it
// answers: a refresh's risk record, issued just before the token writes so that one commit carries
// them all. The answer (a token or an error) is held until they settle; if one failed, the request
// fails instead of answering as if it had been recorded.
import type { Middleware } from 'koa';
import { uncoveredWrites, withFlushCover } from '../store/flush-cover.ts';

const pending = new WeakMap<object, Promise<unknown>[]>();

/** Holds the answer to `ctx`'s request until `write` settles (settleBeforeAnswering must be mounted). */
export function awaitBeforeAnswering(ctx: object, write: Promise<unknown>): void {
  // Observed here so a failure before the answer is due is not an unhandled rejection; it is
  // rethrown where the request awaits it.
  write.catch(() => undefined);
  const writes = pending.get(ctx);
  if (writes) writes.push(write);
  else pending.set(ctx, [write]);
}

/**
 * Mounted in front of the provider: its answer waits for the writes its request left pending, and is
 * refused when one of its writes still waits for the WAL flush another was to give it
 * (store/flush-cover.ts; only after that other write failed, when the request fails anyway).
 */
export const settleBeforeAnswering: Middleware = (ctx, next) =>
  withFlushCover(async () => {
    try {
      await next();
    } finally {
      const writes = pending.get(ctx);
      if (writes) {
        pending.delete(ctx);
        await Promise.all(writes);
      }
      if ((await uncoveredWrites()) > 0) throw new Error('a write of this request is not yet durable: refusing to answer as if it were');
    }
  });
