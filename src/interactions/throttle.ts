// Login throttling that slows guessing without letting anyone lock a real user out.
//
// Three counters per attempt, each in a ThrottleCounter row:
//   pair    (login, address): strict. The same address guessing one account gets exponential delays
//           after 3 attempts, up to 15 minutes.
//   account (login alone):    lenient. A distributed attack on one account slows it after 10
//           attempts, but the delay is capped at one minute, so the owner signing in from elsewhere is
//           slowed, never locked out.
//   address (address alone):  catches credential stuffing and spraying (one address, many accounts)
//           after 20 attempts, up to 15 minutes.
// Keys are by the login as typed (lower-cased), so unknown accounts throttle exactly like real ones.
//
// Every attempt is counted *before* the password is checked, with one atomic upsert per counter, so
// parallel attempts each get their own count and cannot all slip through on a stale read. A successful
// login then resets its pair counter and gives back its slot in the other two.
// A counter forgets after a quiet window with no counted attempt (a sliding inactivity window).
import { createHash } from 'node:crypto';
import { sqlRunnerFor, type Db } from '../store/index.ts';
import { throttleAddress } from './address-key.ts';

export interface ThrottleRule {
  /** Attempts allowed without any delay. */
  freeAttempts: number;
  /** Delay after the first attempt beyond the free ones; doubles with each further attempt. */
  baseDelayMs: number;
  maxDelayMs: number;
  /** A counter that has not counted an attempt for this long starts over. */
  windowMs: number;
}

export type ThrottleScope = 'pair' | 'account' | 'address';

const SECOND = 1000;
const MINUTE = 60 * SECOND;

export const DEFAULT_THROTTLE_RULES: Readonly<Record<ThrottleScope, ThrottleRule>> = Object.freeze({
  pair: { freeAttempts: 3, baseDelayMs: SECOND, maxDelayMs: 15 * MINUTE, windowMs: 15 * MINUTE },
  account: { freeAttempts: 10, baseDelayMs: SECOND, maxDelayMs: MINUTE, windowMs: 60 * MINUTE },
  address: { freeAttempts: 20, baseDelayMs: SECOND, maxDelayMs: 15 * MINUTE, windowMs: 60 * MINUTE },
});

// How long the next attempt must wait after `attempts` counted attempts.
export function delayAfter(attempts: number, rule: ThrottleRule): number {
  if (attempts < rule.freeAttempts) return 0;
  const doublings = Math.min(attempts - rule.freeAttempts, 40);
  return Math.min(rule.baseDelayMs * 2 ** doublings, rule.maxDelayMs);
}

export interface LoginAttempt {
  login: string;
  address: string;
}

export interface Reservation {
  keys: Record<ThrottleScope, string>;
}

export type ThrottleDecision =
  | { allowed: true; reservation: Reservation }
  | { allowed: false; retryAfterSeconds: number; scope: ThrottleScope };

export interface LoginThrottle {
  /** Counts an attempt, or refuses it when one of its counters is still waiting out a delay. */
  reserve(attempt: LoginAttempt): Promise<ThrottleDecision>;
  /** The attempt succeeded: reset the pair counter and return the slot taken in the others. */
  succeeded(reservation: Reservation): Promise<void>;
  /** Deletes counters that no longer matter (also done now and then by reserve). */
  purgeStale(): Promise<number>;
}

export interface ThrottleOptions {
  rules?: Partial<Record<ThrottleScope, ThrottleRule>>;
  now?: () => Date;
  /** Decides the occasional sweep in reserve() (tests fix it). */
  random?: () => number;
}

function digest(value: string): string {
  return createHash('sha256').update(value).digest('base64url').slice(0, 32);
}

// Counter keys hold a digest, not the typed login: the table needs no personal data and stays
// bounded whatever someone types.
export function throttleKeys({ login, address }: LoginAttempt): Record<ThrottleScope, string> {
  const normalized = login.trim().toLowerCase();
  const origin = throttleAddress(address);
  return {
    pair: `pair:${digest(`${normalized}\n${origin}`)}`,
    account: `acct:${digest(normalized)}`,
    address: `ip:${origin}`,
  };
}

// Counters past every window and not blocking anyone are dead weight; about one attempt in this
// many sweeps them, so the table stays small without a scheduler.
const PURGE_ONE_IN = 200;

/** The delays from the first attempt that waits up to the cap: delayAfter(freeAttempts + i). */
function delaySchedule(rule: ThrottleRule): number[] {
  const delays: number[] = [];
  for (let attempts = Math.max(rule.freeAttempts, 1); delays.length <= 40; attempts += 1) {
    const delay = delayAfter(attempts, rule);
    if (delay > 0) delays.push(delay);
    if (delay >= rule.maxDelayMs) break;
  }
  return delays;
}

// Counting is one atomic upsert that also starts the delay its count earns, so parallel attempts each
// get their own count and none slips past a delay another has just started. Its WHERE leaves a
// counter that is still waiting out a delay untouched (and returns no row): a refused attempt neither
// counts nor extends its own delay. Plain SQL: this runs three times per sign-in, where Prisma's
// query compiler cost more than the statements.
function countAttemptStatement(rule: ThrottleRule, timestamp: string): string {
  const first = Math.max(rule.freeAttempts, 1);
  const arms = delaySchedule(rule).map((_, i) => `WHEN ${first + i} THEN ${timestamp}`).join(' ');
  const next = `"ThrottleCounter"."failures" + 1`;
  // Past the schedule the delay stays at its cap (the last parameter); a rule without delays has none.
  const scheduled = arms ? `CASE ${next} ${arms} ELSE CASE WHEN ${next} > ${first} THEN ${timestamp} ELSE NULL END END` : 'NULL';
  return `INSERT INTO "ThrottleCounter" ("key", "failures", "windowStart", "blockedUntil", "updatedAt")
  VALUES (?, 1, ?, ${timestamp}, ?)
  ON CONFLICT ("key") DO UPDATE SET
    "failures" = CASE WHEN "ThrottleCounter"."windowStart" < ? THEN 1 ELSE ${next} END,
    "blockedUntil" = CASE WHEN "ThrottleCounter"."windowStart" < ? THEN ${timestamp}
      ELSE ${scheduled} END,
    "windowStart" = excluded."windowStart", "updatedAt" = excluded."updatedAt"
  WHERE "ThrottleCounter"."blockedUntil" IS NULL OR "ThrottleCounter"."blockedUntil" <= ?
  RETURNING "failures"`;
}

const READ_COUNTERS = (n: number) => `SELECT "key", "blockedUntil" FROM "ThrottleCounter" WHERE "key" IN (${Array(n).fill('?').join(', ')})`;

const GIVE_BACK = `UPDATE "ThrottleCounter" SET "failures" = "failures" - 1,
    "blockedUntil" = CASE WHEN "failures" - 1 < CAST(? AS INTEGER) THEN NULL ELSE "blockedUntil" END, "updatedAt" = ?
  WHERE "key" = ? AND "failures" > 0`;

const PURGE = `DELETE FROM "ThrottleCounter" WHERE "windowStart" < ? AND ("blockedUntil" IS NULL OR "blockedUntil" < ?)`;

export function createLoginThrottle(db: Db, options: ThrottleOptions = {}): LoginThrottle {
  const rules: Record<ThrottleScope, ThrottleRule> = { ...DEFAULT_THROTTLE_RULES, ...options.rules };
  const clock = options.now ?? (() => new Date());
  const scopes: ThrottleScope[] = ['pair', 'account', 'address'];
  const sql = sqlRunnerFor(db);
  // PostgreSQL types a CASE of untyped parameters as text, which a timestamp column refuses.
  const timestamp = sql.kind === 'postgresql' ? 'CAST(? AS TIMESTAMP(3))' : '?';
  const counting = new Map(scopes.map((scope) => [scope, { sql: countAttemptStatement(rules[scope], timestamp), delays: delaySchedule(rules[scope]) }]));

  function blockedFor(blockedUntil: Date | null, now: Date): number {
    return blockedUntil && blockedUntil > now ? blockedUntil.getTime() - now.getTime() : 0;
  }

  async function blockedUntilOf(keys: string[]): Promise<Map<string, Date | null>> {
    const rows = await sql.query(READ_COUNTERS(keys.length), keys);
    return new Map(rows.map((row) => [String(row.key), sql.readDate(row.blockedUntil)]));
  }

  // Returns 0 when the attempt was counted, or the milliseconds left to wait.
  async function count(scope: ThrottleScope, key: string, now: Date): Promise<number> {
    const rule = rules[scope];
    const { sql: statement, delays } = counting.get(scope)!;
    const at = sql.dateParam(now);
    const until = (delay: number) => (delay > 0 ? sql.dateParam(new Date(now.getTime() + delay)) : null);
    const windowCutoff = sql.dateParam(new Date(now.getTime() - rule.windowMs));
    const firstDelay = until(delayAfter(1, rule));
    const [row] = await sql.query(statement, [
      key, at, firstDelay, at,
      windowCutoff,
      windowCutoff, firstDelay, ...(delays.length > 0 ? [...delays.map(until), until(rule.maxDelayMs)] : []),
      at,
    ]);
    if (row) return 0;
    // Another attempt started a delay since this one looked.
    return blockedFor((await blockedUntilOf([key])).get(key) ?? null, now) || rule.baseDelayMs;
  }

  async function giveBack(key: string, rule: ThrottleRule): Promise<void> {
    await sql.execute(GIVE_BACK, [rule.freeAttempts, sql.dateParam(clock()), key]);
  }

  const longestWindowMs = Math.max(...scopes.map((scope) => rules[scope].windowMs));

  async function purgeStale(now: Date): Promise<number> {
    return sql.execute(PURGE, [sql.dateParam(new Date(now.getTime() - longestWindowMs)), sql.dateParam(now)]);
  }

  return {
    async reserve(attempt) {
      const keys = throttleKeys(attempt);
      const now = clock();
      if ((options.random ?? Math.random)() * PURGE_ONE_IN < 1) await purgeStale(now);
      // Look at all three first, so an attempt refused by one counter is counted by none.
      const blocked = await blockedUntilOf(Object.values(keys));
      for (const scope of scopes) {
        const waiting = blockedFor(blocked.get(keys[scope]) ?? null, now);
        if (waiting > 0) return { allowed: false, retryAfterSeconds: Math.ceil(waiting / SECOND), scope };
      }
      // The three counts go together (one group commit on SQLite, three connections at once on
      // PostgreSQL). One refused by a delay another attempt has just started gives back the slots the
      // others took, so a refused attempt still counts in none of them.
      const waits = await Promise.all(scopes.map((scope) => count(scope, keys[scope], now)));
      const refused = scopes.findIndex((_, i) => (waits[i] ?? 0) > 0);
      if (refused >= 0) {
        await Promise.all(scopes.filter((_, i) => waits[i] === 0).map((scope) => giveBack(keys[scope], rules[scope])));
        const scope = scopes[refused] as ThrottleScope;
        return { allowed: false, retryAfterSeconds: Math.ceil((waits[refused] ?? 0) / SECOND), scope };
      }
      return { allowed: true, reservation: { keys } };
    },

    purgeStale: () => purgeStale(clock()),

    async succeeded({ keys }) {
      // Independent rows, so issued together: one commit on SQLite, not three in a row.
      await Promise.all([
        sql.execute(`DELETE FROM "ThrottleCounter" WHERE "key" = ?`, [keys.pair]),
        giveBack(keys.account, rules.account),
        giveBack(keys.address, rules.address),
      ]);
    },
  };
}
