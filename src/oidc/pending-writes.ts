// Writes a request started and need not wait for before going on, but must see stored before it
// answers: a refresh's risk record, issued just before the token writes so that one commit carries
// them all. The answer (a token or an error) is held until they settle; if one failed, the request
// fails instead of answering as if it had been recorded.
import type { Middleware } from 'koa';

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

/** Mounted in front of the provider: its answer waits for the writes its request left pending. */
export const settleBeforeAnswering: Middleware = async (ctx, next) => {
  try {
    await next();
  } finally {
    const writes = pending.get(ctx);
    if (writes) {
      pending.delete(ctx);
      await Promise.all(writes);
    }
  }
};
