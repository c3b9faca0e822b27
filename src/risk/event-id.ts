// RiskEvent ids are UUIDv7 (RFC 9562): 48 bits of Unix milliseconds, then random bits. Every scored
// event inserts a row, and a random (v4) key lands on a random leaf of the primary-key index: one more
// page written per event (SQLite's WAL, PostgreSQL's WAL and buffers) on the busiest table. A
// time-ordered key appends at the right edge, where the other new rows already are.
import { randomUUID } from 'node:crypto';

/** A UUIDv7 for `at` (default now): 74 random bits, so ids of the same millisecond still never collide in practice. */
export function newRiskEventId(at: number = Date.now()): string {
  if (!Number.isSafeInteger(at) || at < 0 || at >= 2 ** 48) throw new RangeError('a UUIDv7 timestamp is 48 bits of milliseconds');
  // randomUUID() is a v4 from a pooled entropy buffer: its variant bits are already RFC 9562's; the
  // timestamp replaces the first 48 bits and the version nibble becomes 7.
  const random = randomUUID();
  const ms = at.toString(16).padStart(12, '0');
  return `${ms.slice(0, 8)}-${ms.slice(8)}-7${random.slice(15)}`;
}
