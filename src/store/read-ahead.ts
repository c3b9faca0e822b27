// Rows read ahead within one request. A refresh reads its token, then the token's grant, then the
// grant's account: three statements in a row, each a round trip (and on PostgreSQL each a socket write
// and a wake-up on both sides). The token lookup can fetch the other two in the same statement and
// leave them here for the lookups that follow; the adapter also keeps the interaction and session
// lookups that oidc-provider repeats within one request. Scoped to the request (AsyncLocalStorage),
// and each row taken at most once, so nothing read ahead outlives the request or is served twice: the
// row is as fresh as if the later lookup had run at the time of the first.
import { AsyncLocalStorage } from 'node:async_hooks';

export type ReadAheadRow = Record<string, unknown>;

const scope = new AsyncLocalStorage<Map<string, ReadAheadRow | null>>();

/** Runs `work` with a read-ahead store of its own (one per HTTP request). */
export function withReadAhead<T>(work: () => Promise<T>): Promise<T> {
  return scope.run(new Map(), work);
}

/** Whether lookups made now can leave rows for later ones. */
export function readingAhead(): boolean {
  return scope.getStore() !== undefined;
}

/** Leaves the row of `kind` `id` (null: known not to exist) for a later lookup in this request. */
export function keepAhead(kind: string, id: string, row: ReadAheadRow | null): void {
  scope.getStore()?.set(`${kind}\u0000${id}`, row);
}

/** The row read ahead for `kind` `id`, removed; undefined when none was (the caller reads it). */
export function takeAhead(kind: string, id: string): ReadAheadRow | null | undefined {
  const store = scope.getStore();
  if (!store) return undefined;
  const key = `${kind}\u0000${id}`;
  const row = store.get(key);
  if (row !== undefined) store.delete(key);
  return row;
}

/** Forgets every row read ahead of `kind` (one of them was just written, by an id it may not be kept under). */
export function dropAheadOfKind(kind: string): void {
  const store = scope.getStore();
  if (!store) return;
  const prefix = `${kind}\u0000`;
  for (const key of store.keys()) if (key.startsWith(prefix)) store.delete(key);
}
