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
// Every attempt is counted *before* the password is checked, with a compare-and-swap on the row, so
// parallel attempts each get their own count and cannot all slip through on a stale read. A successful
// login then resets its pair counter and gives back its slot in the other two.
// A counter forgets after a quiet window with no counted attempt (a sliding inactivity window).
import { createHash } from 'node:crypto';
import type { Db } from '../store/db.ts';
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

const CAS_RETRIES = 100;

// Counters past every window and not blocking anyone are dead weight; about one attempt in this
// many sweeps them, so the table stays small without a scheduler.
const PURGE_ONE_IN = 200;

function isUniqueViolation(error: unknown): boolean {
  return typeof error === 'object' && error !== null && 'code' in error && error.code === 'P2002';
}

// Under contention a losing compare-and-swap retries after a short random pause, so twenty parallel
// attempts do not all retry in lock step.
function jitter(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, Math.random() * 5));
}

export function createLoginThrottle(db: Db, options: ThrottleOptions = {}): LoginThrottle {
  const rules: Record<ThrottleScope, ThrottleRule> = { ...DEFAULT_THROTTLE_RULES, ...options.rules };
  const clock = options.now ?? (() => new Date());
  const scopes: ThrottleScope[] = ['pair', 'account', 'address'];

  function blockedFor(blockedUntil: Date | null, now: Date): number {
    return blockedUntil && blockedUntil > now ? blockedUntil.getTime() - now.getTime() : 0;
  }

  // Returns 0 when the attempt was counted, or the milliseconds left to wait.
  async function count(key: string, rule: ThrottleRule): Promise<number> {
    for (let round = 0; round < CAS_RETRIES; round += 1) {
      const now = clock();
      const row = await db.throttleCounter.findUnique({ where: { key } });
      if (!row) {
        const wait = delayAfter(1, rule);
        try {
          await db.throttleCounter.create({
            data: { key, failures: 1, windowStart: now, blockedUntil: wait ? new Date(now.getTime() + wait) : null },
          });
          return 0;
        } catch (error) {
          if (!isUniqueViolation(error)) throw error;
          await jitter();
          continue;
        }
      }
      const waiting = blockedFor(row.blockedUntil, now);
      if (waiting > 0) return waiting;
      const expired = now.getTime() - row.windowStart.getTime() > rule.windowMs;
      const attempts = expired ? 1 : row.failures + 1;
      const wait = delayAfter(attempts, rule);
      const { count: swapped } = await db.throttleCounter.updateMany({
        where: { key, failures: row.failures, windowStart: row.windowStart },
        data: { failures: attempts, windowStart: now, blockedUntil: wait ? new Date(now.getTime() + wait) : null },
      });
      if (swapped === 1) return 0;
      await jitter();
    }
    // Contention this heavy is itself a sign of an attack: refuse rather than let it through.
    return rules.pair.baseDelayMs;
  }

  async function giveBack(key: string, rule: ThrottleRule): Promise<void> {
    for (let round = 0; round < CAS_RETRIES; round += 1) {
      const row = await db.throttleCounter.findUnique({ where: { key } });
      if (!row || row.failures === 0) return;
      const attempts = row.failures - 1;
      const { count: swapped } = await db.throttleCounter.updateMany({
        where: { key, failures: row.failures, windowStart: row.windowStart },
        data: { failures: attempts, blockedUntil: delayAfter(attempts, rule) === 0 ? null : row.blockedUntil },
      });
      if (swapped === 1) return;
      await jitter();
    }
  }

  const longestWindowMs = Math.max(...scopes.map((scope) => rules[scope].windowMs));

  async function purgeStale(now: Date): Promise<number> {
    const { count: purged } = await db.throttleCounter.deleteMany({
      where: {
        windowStart: { lt: new Date(now.getTime() - longestWindowMs) },
        OR: [{ blockedUntil: null }, { blockedUntil: { lt: now } }],
      },
    });
    return purged;
  }

  return {
    async reserve(attempt) {
      const keys = throttleKeys(attempt);
      const now = clock();
      if (Math.random() * PURGE_ONE_IN < 1) await purgeStale(now);
      // Look first, so a refused attempt does not count (and cannot extend its own delay).
      const rows = await db.throttleCounter.findMany({ where: { key: { in: Object.values(keys) } } });
      for (const scope of scopes) {
        const row = rows.find((candidate) => candidate.key === keys[scope]);
        const waiting = row ? blockedFor(row.blockedUntil, now) : 0;
        if (waiting > 0) return { allowed: false, retryAfterSeconds: Math.ceil(waiting / SECOND), scope };
      }
      for (const scope of scopes) {
        const waiting = await count(keys[scope], rules[scope]);
        if (waiting > 0) return { allowed: false, retryAfterSeconds: Math.ceil(waiting / SECOND), scope };
      }
      return { allowed: true, reservation: { keys } };
    },

    purgeStale: () => purgeStale(clock()),

    async succeeded({ keys }) {
      await db.throttleCounter.deleteMany({ where: { key: keys.pair } });
      await giveBack(keys.account, rules.account);
      await giveBack(keys.address, rules.address);
    },
  };
}
