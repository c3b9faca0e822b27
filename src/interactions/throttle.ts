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
// Every attempt is counted *before* the password is checked, in one atomic upsert of the three
// counters, so parallel attempts each get their own count and cannot all slip through on a stale read.
// A successful login then resets its pair counter and gives back its slot in the other two.
// A counter forgets after a quiet window with no counted attempt (a sliding inactivity window).
import { createHash } from 'node:crypto';
import { sqlRunnerFor, type Db, type SqlValue } from '../store/index.ts';
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

/** SQL text with its parameters, in text order. */
interface Fragment {
  text: string;
  params: SqlValue[];
}

const fragment = (text: string, ...params: SqlValue[]): Fragment => ({ text, params });

/** Pieces written one after another: a piece is literal text or a fragment with its parameters. */
function compose(...pieces: Array<string | Fragment>): Fragment {
  const text: string[] = [];
  const params: SqlValue[] = [];
  for (const piece of pieces) {
    if (typeof piece === 'string') {
      text.push(piece);
    } else {
      text.push(piece.text);
      params.push(...piece.params);
    }
  }
  return { text: text.join(''), params };
}

/** A timestamp parameter (NULL for none), typed as the store needs. */
type Timestamp = (value: Date | null) => Fragment;

const untilAfter = (delay: number, now: Date, ts: Timestamp) => ts(delay > 0 ? new Date(now.getTime() + delay) : null);

/** Where a counter's delay ends once it has counted its first attempt (NULL when the rule lets it go free). */
const firstDelayOf = (rule: ThrottleRule, now: Date, ts: Timestamp) => untilAfter(delayAfter(1, rule), now, ts);

/**
 * The counter's new failures and blockedUntil when `rule` counts one more attempt: a counter past its
 * quiet window starts over at 1, otherwise the count goes up and starts the delay it earns.
 */
function countedValues(rule: ThrottleRule, now: Date, ts: Timestamp): { failures: Fragment; blockedUntil: Fragment } {
  const windowStale = compose('"ThrottleCounter"."windowStart" < ', ts(new Date(now.getTime() - rule.windowMs)));
  const until = (delay: number) => untilAfter(delay, now, ts);
  const first = Math.max(rule.freeAttempts, 1);
  const next = '"ThrottleCounter"."failures" + 1';
  const arms = delaySchedule(rule).flatMap((delay, i) => [` WHEN ${first + i} THEN `, until(delay)]);
  // Past the schedule the delay stays at its cap; a rule without delays has none.
  const scheduled = arms.length > 0
    ? compose(`CASE ${next}`, ...arms, ` ELSE CASE WHEN ${next} > ${first} THEN `, until(rule.maxDelayMs), ' ELSE NULL END END')
    : fragment('NULL');
  return {
    failures: compose('CASE WHEN ', windowStale, ` THEN 1 ELSE ${next} END`),
    blockedUntil: compose('CASE WHEN ', windowStale, ' THEN ', firstDelayOf(rule, now, ts), ' ELSE ', scheduled, ' END'),
  };
}

/** `CASE "key" WHEN <key> THEN <value> ... ELSE <last value> END` over the three scopes. */
function perScope(keys: Record<ThrottleScope, string>, value: (scope: ThrottleScope) => Fragment): Fragment {
  return compose(
    'CASE "ThrottleCounter"."key" WHEN ', fragment('?', keys.pair), ' THEN ', value('pair'),
    ' WHEN ', fragment('?', keys.account), ' THEN ', value('account'), ' ELSE ', value('address'), ' END',
  );
}

const READ_COUNTERS = (n: number) => `SELECT "key", "blockedUntil" FROM "ThrottleCounter" WHERE "key" IN (${Array(n).fill('?').join(', ')})`;

const GIVE_BACK = `UPDATE "ThrottleCounter" SET "failures" = "failures" - 1,
    "blockedUntil" = CASE WHEN "failures" - 1 < CAST(? AS INTEGER) THEN NULL ELSE "blockedUntil" END, "updatedAt" = ?
  WHERE "key" = ? AND "failures" > 0`;

// A success resets the pair counter (a row at zero counts as a fresh one) and gives back the slot it
// took in the other two, in one statement.
const SUCCEEDED = `UPDATE "ThrottleCounter" SET "failures" = CASE WHEN "key" = ? THEN 0 ELSE "failures" - 1 END,
    "blockedUntil" = CASE WHEN "key" = ? THEN NULL
      WHEN "failures" - 1 < CASE WHEN "key" = ? THEN CAST(? AS INTEGER) ELSE CAST(? AS INTEGER) END THEN NULL
      ELSE "blockedUntil" END,
    "updatedAt" = ?
  WHERE "key" IN (?, ?, ?) AND "failures" > 0`;

const PURGE = `DELETE FROM "ThrottleCounter" WHERE "windowStart" < ? AND ("blockedUntil" IS NULL OR "blockedUntil" < ?)`;

export function createLoginThrottle(db: Db, options: ThrottleOptions = {}): LoginThrottle {
  const rules: Record<ThrottleScope, ThrottleRule> = { ...DEFAULT_THROTTLE_RULES, ...options.rules };
  const clock = options.now ?? (() => new Date());
  const scopes: ThrottleScope[] = ['pair', 'account', 'address'];
  const sql = sqlRunnerFor(db);
  // PostgreSQL types a CASE or VALUES of untyped parameters as text, which a timestamp column refuses.
  const ts: Timestamp = (value) =>
    fragment(sql.kind === 'postgresql' ? 'CAST(? AS TIMESTAMP(3))' : '?', value && sql.dateParam(value));

  function blockedFor(blockedUntil: Date | null, now: Date): number {
    return blockedUntil && blockedUntil > now ? blockedUntil.getTime() - now.getTime() : 0;
  }

  async function blockedUntilOf(keys: string[]): Promise<Map<string, Date | null>> {
    const rows = await sql.query(READ_COUNTERS(keys.length), keys);
    return new Map(rows.map((row) => [String(row.key), sql.readDate(row.blockedUntil)]));
  }

  /**
   * Counts the attempt in all three counters in one atomic statement, unless one of them is waiting
   * out a delay: then it counts in none. The upsert's own WHERE skips a counter whose delay another
   * attempt started after the NOT EXISTS looked (PostgreSQL re-reads a conflicting row under its
   * lock), so parallel attempts each get their own count and none slips past a delay. Returns the
   * keys counted. Plain SQL: this runs once per sign-in, where Prisma's query compiler cost more
   * than the statement.
   */
  async function countAll(keys: Record<ThrottleScope, string>, now: Date): Promise<Set<string>> {
    const updates = { pair: countedValues(rules.pair, now, ts), account: countedValues(rules.account, now, ts), address: countedValues(rules.address, now, ts) };
    // A new counter has counted one attempt: its delay is the one a first attempt earns.
    const fresh = scopes.map((scope, i) => compose(i === 0 ? '(' : ', (', fragment('?', keys[scope]), ', ', firstDelayOf(rules[scope], now, ts), ')'));
    const statement = compose(
      'INSERT INTO "ThrottleCounter" ("key", "failures", "windowStart", "blockedUntil", "updatedAt")\n',
      'SELECT "column1", 1, ', ts(now), ', "column2", ', ts(now), ' FROM (VALUES ', ...fresh, ') AS "fresh"\n',
      'WHERE NOT EXISTS (SELECT 1 FROM "ThrottleCounter" WHERE ', fragment('"key" IN (?, ?, ?)', keys.pair, keys.account, keys.address),
      ' AND "blockedUntil" > ', ts(now), ')\n',
      'ON CONFLICT ("key") DO UPDATE SET "failures" = ', perScope(keys, (scope) => updates[scope].failures),
      ',\n  "blockedUntil" = ', perScope(keys, (scope) => updates[scope].blockedUntil),
      ',\n  "windowStart" = excluded."windowStart", "updatedAt" = excluded."updatedAt"\n',
      'WHERE "ThrottleCounter"."blockedUntil" IS NULL OR "ThrottleCounter"."blockedUntil" <= ', ts(now), '\n',
      'RETURNING "key"',
    );
    const rows = await sql.query(statement.text, statement.params);
    return new Set(rows.map((row) => String(row.key)));
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
      const counted = await countAll(keys, now);
      if (counted.size === scopes.length) return { allowed: true, reservation: { keys } };
      // Refused: a refused attempt counts in none of the counters, so the slots a racing delay left
      // counted are given back. The answer names the first counter still waiting.
      await Promise.all(scopes.filter((scope) => counted.has(keys[scope])).map((scope) => giveBack(keys[scope], rules[scope])));
      const blocked = await blockedUntilOf(scopes.map((scope) => keys[scope]));
      for (const scope of scopes) {
        const waiting = blockedFor(blocked.get(keys[scope]) ?? null, now);
        if (waiting > 0) return { allowed: false, retryAfterSeconds: Math.ceil(waiting / SECOND), scope };
      }
      // The delay that refused it has just run out: wait one base delay of the counter that refused.
      const scope = scopes.find((s) => !counted.has(keys[s])) ?? 'pair';
      return { allowed: false, retryAfterSeconds: Math.ceil(rules[scope].baseDelayMs / SECOND) || 1, scope };
    },

    purgeStale: () => purgeStale(clock()),

    async succeeded({ keys }) {
      await sql.execute(SUCCEEDED, [
        keys.pair, keys.pair, keys.account, rules.account.freeAttempts, rules.address.freeAttempts, sql.dateParam(clock()),
        keys.pair, keys.account, keys.address,
      ]);
    },
  };
}
