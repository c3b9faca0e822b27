// TOTP second factor (RFC 6238): SHA-1, 30-second steps, 6 digits, because that is what every
// authenticator app implements; one step of clock drift either way is accepted. A code is good once:
// the account remembers the last step it accepted and only a later step passes (compare-and-swap in
// the database, so two parallel requests with the same code cannot both succeed).
//
// Enrolment: a pending secret (sealed, shown as a QR code) -> the user proves it with a code -> the
// secret becomes active and ten recovery codes are issued. Seeds are sealed at rest under the master
// key with the column as associated data, so a sealed seed moved to another account fails to open.
import { Secret, TOTP } from 'otpauth';
import type { AuditEntry } from '../audit/index.ts';
import type { Db } from '../store/db.ts';
import { open, seal } from '../store/secret-box.ts';
import { issueRecoveryCodes } from './recovery-codes.ts';

export const TOTP_PERIOD_SECONDS = 30;
export const TOTP_DIGITS = 6;
/** Steps of clock drift accepted either side of now. */
export const TOTP_WINDOW = 1;

const CODE_PATTERN = /^\d{6}$/;

function totpFor(secretBase32: string, label = 'account', issuer = 'Warden'): TOTP {
  return new TOTP({
    issuer,
    label,
    algorithm: 'SHA1',
    digits: TOTP_DIGITS,
    period: TOTP_PERIOD_SECONDS,
    secret: Secret.fromBase32(secretBase32),
  });
}

/** A new random 160-bit seed (RFC 4226's recommended length), base32 as authenticator apps expect. */
export function generateTotpSecret(): string {
  return new Secret({ size: 20 }).base32;
}

/** The otpauth:// URI an authenticator app reads from the QR code. */
export function totpUri(secretBase32: string, accountLabel: string, issuer: string): string {
  return totpFor(secretBase32, accountLabel, issuer).toString();
}

/** The code for a moment (tests and the enrolment page's self-check use it). */
export function totpCode(secretBase32: string, at: number = Date.now()): string {
  return totpFor(secretBase32).generate({ timestamp: at });
}

export function totpStep(at: number): number {
  return Math.floor(at / 1000 / TOTP_PERIOD_SECONDS);
}

/** Normalizes what a person typed ("123 456") to six digits, or undefined. */
export function normalizeTotpCode(input: string): string | undefined {
  const digits = input.replace(/[\s-]/g, '');
  return CODE_PATTERN.test(digits) ? digits : undefined;
}

/** The time step the code belongs to (within the window), or null when it matches none. */
export function matchTotp(secretBase32: string, code: string, at: number = Date.now()): number | null {
  const normalized = normalizeTotpCode(code);
  if (!normalized) return null;
  const delta = totpFor(secretBase32).validate({ token: normalized, timestamp: at, window: TOTP_WINDOW });
  return delta === null ? null : totpStep(at) + delta;
}

const activeAad = (accountId: string) => `Account.totpSecret:${accountId}`;
const pendingAad = (accountId: string) => `Account.totpPendingSecret:${accountId}`;

export interface TotpServiceOptions {
  db: Db;
  secretKey: Buffer;
  audit: (entry: AuditEntry) => Promise<unknown>;
  /** Shown in the authenticator app next to the account (default "Warden"). */
  issuerName?: string;
  now?: () => number;
}

export interface PendingEnrolment {
  secret: string;
  uri: string;
}

export interface TotpService {
  /** The pending enrolment, starting one if there is none. */
  pendingEnrolment(accountId: string): Promise<PendingEnrolment>;
  /** Confirms the pending secret with a code; returns the new recovery codes (shown once), or null. */
  confirmEnrolment(accountId: string, code: string): Promise<string[] | null>;
  /** Checks a code against the active secret, consuming its time step. */
  verify(accountId: string, code: string): Promise<boolean>;
  /** Removes the second factor; requires a current code. */
  disable(accountId: string, code: string): Promise<boolean>;
  /** New recovery codes (old ones stop working); requires a current code. */
  regenerateRecoveryCodes(accountId: string, code: string): Promise<string[] | null>;
  isEnabled(accountId: string): Promise<boolean>;
}

export function createTotpService(options: TotpServiceOptions): TotpService {
  const { db, secretKey, audit } = options;
  const now = options.now ?? Date.now;
  const issuerName = options.issuerName ?? 'Warden';

  async function loadRow(accountId: string) {
    return db.account.findUnique({
      where: { id: accountId },
      select: { email: true, totpSecret: true, totpPendingSecret: true, totpLastStep: true },
    });
  }

  /** Accepts the code when it matches and its step is later than the last accepted one. */
  async function consumeStep(accountId: string, sealed: string, code: string, aad: string): Promise<boolean> {
    const step = matchTotp(open(secretKey, sealed, aad).toString('utf8'), code, now());
    if (step === null) return false;
    const updated = await db.account.updateMany({
      where: { id: accountId, OR: [{ totpLastStep: null }, { totpLastStep: { lt: step } }] },
      data: { totpLastStep: step },
    });
    return updated.count === 1;
  }

  async function verify(accountId: string, code: string): Promise<boolean> {
    const row = await loadRow(accountId);
    if (!row?.totpSecret) return false;
    return consumeStep(accountId, row.totpSecret, code, activeAad(accountId));
  }

  return {
    async pendingEnrolment(accountId) {
      const row = await loadRow(accountId);
      if (!row) throw new Error('no such account');
      let secret: string;
      if (row.totpPendingSecret) {
        secret = open(secretKey, row.totpPendingSecret, pendingAad(accountId)).toString('utf8');
      } else {
        secret = generateTotpSecret();
        await db.account.update({ where: { id: accountId }, data: { totpPendingSecret: seal(secretKey, secret, pendingAad(accountId)) } });
      }
      return { secret, uri: totpUri(secret, row.email, issuerName) };
    },

    async confirmEnrolment(accountId, code) {
      const row = await loadRow(accountId);
      if (!row?.totpPendingSecret) return null;
      const secret = open(secretKey, row.totpPendingSecret, pendingAad(accountId)).toString('utf8');
      const step = matchTotp(secret, code, now());
      if (step === null) return null;
      // Only the request that still sees the pending secret activates it.
      const updated = await db.account.updateMany({
        where: { id: accountId, totpPendingSecret: row.totpPendingSecret },
        data: { totpSecret: seal(secretKey, secret, activeAad(accountId)), totpPendingSecret: null, totpLastStep: step },
      });
      if (updated.count !== 1) return null;
      const codes = await issueRecoveryCodes(db, accountId);
      await audit({ kind: 'totp.enrolled', actor: accountId, subject: accountId, data: { recoveryCodes: codes.length } });
      return codes;
    },

    verify,

    async disable(accountId, code) {
      if (!(await verify(accountId, code))) return false;
      await db.$transaction([
        db.account.update({ where: { id: accountId }, data: { totpSecret: null, totpPendingSecret: null, totpLastStep: null } }),
        db.recoveryCode.deleteMany({ where: { accountId } }),
      ]);
      await audit({ kind: 'totp.disabled', actor: accountId, subject: accountId, data: {} });
      return true;
    },

    async regenerateRecoveryCodes(accountId, code) {
      if (!(await verify(accountId, code))) return null;
      const codes = await issueRecoveryCodes(db, accountId);
      await audit({ kind: 'totp.recovery_codes_regenerated', actor: accountId, subject: accountId, data: { recoveryCodes: codes.length } });
      return codes;
    },

    async isEnabled(accountId) {
      return (await loadRow(accountId))?.totpSecret != null;
    },
  };
}
