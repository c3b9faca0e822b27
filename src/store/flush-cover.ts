// PostgreSQL: a write that must be on disk before its request answers need not wait for a WAL flush
// of its own when the same request makes a durable write after it. That durable write's commit record
// comes later in the WAL, and its flush covers every record before it. A scored refresh is the case:
// it consumes the old token, then its risk decision's audit entry commits durably. Flushing once for
// both: CPU per scored refresh (server and database) 0.925 times, requests per second 1.103 times
// the previous commit's (test/bench/interleaved-ab.ts, 30 rounds).
//
// The durable write that will do it announces itself first (announceCover). A write made while a
// cover is announced commits without the flush (SqlRunner's `durable: 'before-answer'`), and the cover
// starts only once those commits have returned. A write made without an announced cover, or after
// the cover has started, waits for its own flush as before. Scoped to one request (AsyncLocalStorage);
// outside a request every write is durable on its own.
//
// Safety net: settleBeforeAnswering (src/oidc/pending-writes.ts) fails the request when a write is
// still uncovered at the answer. That happens only when the cover itself failed, and then the request
// fails anyway; a write lost with no answer given is as if the request had never been made.
import { AsyncLocalStorage } from 'node:async_hooks';

interface Scope {
  /** Covers announced and not yet started. */
  announced: number;
  /** Commits of writes that wait for a cover. */
  uncovered: Array<Promise<unknown>>;
  /** Covers under way: until one settles, the writes it took are neither covered nor uncovered. */
  covering: Array<Promise<unknown>>;
}

const scope = new AsyncLocalStorage<Scope>();

/** Runs `work` (one request) with a scope of its own. */
export function withFlushCover<T>(work: () => Promise<T>): Promise<T> {
  return scope.run({ announced: 0, uncovered: [], covering: [] }, work);
}

/** Whether a write made now can leave its WAL flush to a durable write of this request. */
export function coverAnnounced(): boolean {
  return (scope.getStore()?.announced ?? 0) > 0;
}

/** A write committed without its flush; `committed` settles once its commit has returned. */
export function awaitCover(committed: Promise<unknown>): void {
  const current = scope.getStore();
  if (!current) throw new Error('awaitCover outside a request scope: the write would never be flushed');
  // Observed here; the writer awaits it too.
  committed.catch(() => undefined);
  current.uncovered.push(committed);
}

export interface Cover {
  /**
   * Runs the durable write once every write that counted on this cover has committed. If it fails,
   * they stay uncovered and the request cannot answer as if they were stored.
   */
  write<T>(durableWrite: () => Promise<T>): Promise<T>;
  /** The durable write will not happen (an earlier step failed). */
  withdraw(): void;
}

/** Announces a durable write this request will make; writes made until it starts count on it. */
export function announceCover(): Cover {
  const current = scope.getStore();
  let open = current !== undefined;
  if (current) current.announced += 1;
  const withdraw = () => {
    if (!open || !current) return;
    open = false;
    current.announced -= 1;
  };
  return {
    withdraw,
    async write(durableWrite) {
      withdraw();
      if (!current) return durableWrite();
      const taken = current.uncovered.splice(0);
      const covered = (async () => {
        await Promise.allSettled(taken);
        try {
          return await durableWrite();
        } catch (error) {
          current.uncovered.push(...taken);
          throw error;
        }
      })();
      current.covering.push(covered.catch(() => undefined));
      return covered;
    },
  };
}

/** How many writes of this request committed and still wait for a flush (0 outside a request). */
export async function uncoveredWrites(): Promise<number> {
  const current = scope.getStore();
  // Most requests announce no cover and defer nothing.
  if (!current || (current.covering.length === 0 && current.uncovered.length === 0)) return 0;
  await Promise.all(current.covering);
  const outcomes = await Promise.allSettled(current.uncovered);
  // A write that failed committed nothing.
  return outcomes.filter((o) => o.status === 'fulfilled').length;
}
