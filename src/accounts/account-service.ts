// Local accounts: creation, lookup, password verification and changes, disabling. This is what the
// CLI (`warden user add`), the admin API, the hosted pages and oidc-provider's findAccount call.
// Every change is written to the audit log.
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { appendAudit } from '../audit/index.ts';
import type { Db } from '../store/db.ts';
import { emailSchema, normalizeEmail, toAccountRecord, type AccountRecord } from './account-record.ts';
import { accountRowReaders } from './account-rows.ts';
import { claimNamesForScope, groupListSchema, profileSchema, type StandardProfile } from './claims.ts';
import { endSessions } from './end-sessions.ts';
import { AccountError, isUniqueViolation } from './errors.ts';
import { argon2Hasher, dummyPasswordHash, needsRehash, type PasswordHasher } from './password-hashing.ts';
import { checkPassword, PASSWORD_MAX_LENGTH } from './password-policy.ts';
import { nextSessionEpoch } from './session-epoch.ts';

export const newAccountSchema = z.object({
  email: emailSchema,
  emailVerified: z.boolean().default(false),
  // Absent for accounts that only ever sign in through a federated upstream.
  password: z.string().max(PASSWORD_MAX_LENGTH * 4).optional(),
  profile: profileSchema.default({}),
  groups: groupListSchema.default([]),
  roles: groupListSchema.default([]),
  isAdmin: z.boolean().default(false),
});

export type NewAccount = z.input<typeof newAccountSchema>;

// Who made a change, for the audit log: "cli", "admin:<accountId>", "self:<accountId>", "registration".
export interface ChangeOptions {
  actor?: string;
}

export type PasswordVerification =
  | { ok: true; account: AccountRecord }
  | { ok: false; account?: undefined };

export interface AccountService {
  createAccount(input: NewAccount, options?: ChangeOptions): Promise<AccountRecord>;
  findById(id: string): Promise<AccountRecord | undefined>;
  findByEmail(email: string): Promise<AccountRecord | undefined>;
  /**
   * Checks a login (email) and password. Unknown, disabled and password-less accounts cost the same
   * argon2 verification as a wrong password and return the same `{ ok: false }`.
   */
  verifyPassword(login: string, password: string): Promise<PasswordVerification>;
  /** Sets a new password (policy-checked) and ends every session of the account. */
  changePassword(id: string, newPassword: string, options?: ChangeOptions): Promise<AccountRecord>;
  /** Disables the account and ends every session; it can no longer sign in or use its tokens. */
  disable(id: string, options?: ChangeOptions): Promise<AccountRecord>;
  enable(id: string, options?: ChangeOptions): Promise<AccountRecord>;
  /** The claims a scope releases for this account (OIDC Core 5.4 mapping plus groups and roles). */
  claimsFor(accountId: string, scope: string): Promise<Record<string, unknown> | undefined>;
}

export interface AccountServiceOptions {
  hasher?: PasswordHasher;
}

function describeIssues(error: z.ZodError): string {
  return error.issues.map((issue) => `${issue.path.join('.') || 'input'}: ${issue.message}`).join('; ');
}

// Every claim the account has, keyed by claim name. oidc-provider filters these by scope and by the
// claims parameter itself, so findAccount hands over the full set.
export function allClaims(account: AccountRecord): Record<string, unknown> {
  const { phone_number_verified: phoneVerified, ...profile } = account.profile;
  return {
    sub: account.id,
    ...profile,
    ...(profile.phone_number ? { phone_number_verified: phoneVerified ?? false } : {}),
    email: account.email,
    email_verified: account.emailVerified,
    updated_at: Math.floor(account.updatedAt.getTime() / 1000),
    groups: account.groups,
    roles: account.roles,
  };
}

export function createAccountService(db: Db, options: AccountServiceOptions = {}): AccountService {
  const hasher = options.hasher ?? argon2Hasher;

  async function requireRow(id: string) {
    const row = await db.account.findUnique({ where: { id } });
    if (!row) throw new AccountError('not_found', `No account with id ${id}.`);
    return row;
  }

  const rows = accountRowReaders(db);

  async function findById(id: string): Promise<AccountRecord | undefined> {
    const row = await rows.byId(id);
    return row ? toAccountRecord(row) : undefined;
  }

  async function findByEmail(email: string): Promise<AccountRecord | undefined> {
    const row = await rows.byEmail(normalizeEmail(email));
    return row ? toAccountRecord(row) : undefined;
  }

  async function createAccount(input: NewAccount, change: ChangeOptions = {}): Promise<AccountRecord> {
    const parsed = newAccountSchema.safeParse(input);
    if (!parsed.success) throw new AccountError('invalid_input', describeIssues(parsed.error));
    const account = parsed.data;
    if (account.password !== undefined) {
      const verdict = checkPassword(account.password, {
        hasSecondFactor: false,
        identifiers: [account.email, account.profile.name, account.profile.preferred_username],
      });
      if (!verdict.ok) throw new AccountError('weak_password', verdict.message);
    }
    if (await db.account.findUnique({ where: { email: account.email }, select: { id: true } })) {
      throw new AccountError('email_taken', 'An account with this email address already exists.');
    }
    const passwordHash = account.password === undefined ? null : await hasher.hash(account.password);
    const id = randomUUID();
    try {
      const row = await db.account.create({
        data: {
          id,
          email: account.email,
          emailVerified: account.emailVerified,
          passwordHash,
          profile: account.profile,
          groups: account.groups,
          roles: account.roles,
          isAdmin: account.isAdmin,
        },
      });
      await appendAudit(db, {
        kind: 'account.created',
        actor: change.actor,
        subject: id,
        data: { email: account.email, isAdmin: account.isAdmin, hasPassword: passwordHash !== null },
      });
      return toAccountRecord(row);
    } catch (error) {
      // Two creations racing past the check above.
      if (isUniqueViolation(error)) {
        throw new AccountError('email_taken', 'An account with this email address already exists.');
      }
      throw error;
    }
  }

  async function verifyPassword(login: string, password: string): Promise<PasswordVerification> {
    const row = await rows.byEmail(normalizeEmail(login));
    const usable = row !== undefined && !row.disabled && row.passwordHash !== null;
    // Same cost on every path: one argon2 verification, against a dummy hash when there is no real one.
    const hash = usable && row.passwordHash !== null ? row.passwordHash : await dummyPasswordHash(hasher);
    const matches = await hasher.verify(hash, password);
    if (!usable || !matches) return { ok: false };

    if (needsRehash(hash)) {
      // The cost parameters were raised since this hash was made: upgrade it while we hold the password.
      const upgraded = await hasher.hash(password);
      await db.account.update({ where: { id: row.id }, data: { passwordHash: upgraded } });
      await appendAudit(db, { kind: 'account.password_rehashed', actor: 'system', subject: row.id, data: {} });
    }
    return { ok: true, account: toAccountRecord(row) };
  }

  async function changePassword(id: string, newPassword: string, change: ChangeOptions = {}): Promise<AccountRecord> {
    const row = await requireRow(id);
    const current = toAccountRecord(row);
    const verdict = checkPassword(newPassword, {
      hasSecondFactor: current.hasSecondFactor,
      identifiers: [current.email, current.profile.name, current.profile.preferred_username],
    });
    if (!verdict.ok) throw new AccountError('weak_password', verdict.message);
    const passwordHash = await hasher.hash(newPassword);
    const updated = await db.account.update({
      where: { id },
      data: { passwordHash, sessionEpoch: nextSessionEpoch(row.sessionEpoch) },
    });
    const sessionsEnded = await endSessions(db, id);
    await appendAudit(db, { kind: 'account.password_changed', actor: change.actor, subject: id, data: { sessionsEnded } });
    return toAccountRecord(updated);
  }

  async function setDisabled(id: string, disabled: boolean, change: ChangeOptions): Promise<AccountRecord> {
    const row = await requireRow(id);
    const updated = await db.account.update({
      where: { id },
      data: disabled ? { disabled, sessionEpoch: nextSessionEpoch(row.sessionEpoch) } : { disabled },
    });
    const sessionsEnded = disabled ? await endSessions(db, id) : 0;
    await appendAudit(db, {
      kind: disabled ? 'account.disabled' : 'account.enabled',
      actor: change.actor,
      subject: id,
      data: disabled ? { sessionsEnded } : {},
    });
    return toAccountRecord(updated);
  }

  async function claimsFor(accountId: string, scope: string): Promise<Record<string, unknown> | undefined> {
    const account = await findById(accountId);
    if (!account || account.disabled) return undefined;
    const claims = allClaims(account);
    const released: Record<string, unknown> = { sub: account.id };
    for (const name of claimNamesForScope(scope)) {
      if (claims[name] !== undefined) released[name] = claims[name];
    }
    return released;
  }

  return {
    createAccount,
    findById,
    findByEmail,
    verifyPassword,
    changePassword,
    disable: (id, change = {}) => setDisabled(id, true, change),
    enable: (id, change = {}) => setDisabled(id, false, change),
    claimsFor,
  };
}

export type { AccountRecord, StandardProfile };
