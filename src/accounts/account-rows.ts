// The account lookups on the hot paths (findAccount runs on every refresh, userinfo and exchange; the
// lookup by email on every sign-in) as one plain statement each: a Prisma model query costs its query
// compiler several times the statement.
import { sqlRunnerFor, type Db, type SqlRunner } from '../store/index.ts';
import { takeAhead } from '../store/read-ahead.ts';
import type { AccountRow } from './account-record.ts';

/** The columns an AccountRow is read from (also joined by the token lookups that read ahead). */
export const accountColumns = ['id', 'email', 'emailVerified', 'passwordHash', 'profile', 'groups', 'roles', 'isAdmin',
  'disabled', 'sessionEpoch', 'totpSecret', 'createdAt', 'updatedAt'] as const;
const SELECT_ACCOUNT = `SELECT ${accountColumns.map((c) => `"${c}"`).join(', ')} FROM "Account"`;

// SQLite hands back 0/1 and JSON text where PostgreSQL hands back booleans and parsed JSON.
function bool(value: unknown): boolean {
  return value === true || value === 1 || value === '1' || value === 't' || value === 'true';
}

function json(value: unknown): unknown {
  if (typeof value !== 'string') return value;
  try {
    return JSON.parse(value);
  } catch {
    return undefined;
  }
}

function text(value: unknown): string | null {
  return typeof value === 'string' ? value : null;
}

export interface AccountRowReaders {
  byId(id: string): Promise<AccountRow | undefined>;
  /** `email` as stored: already normalised. */
  byEmail(email: string): Promise<AccountRow | undefined>;
}

/** An Account row (keyed by accountColumns) as an AccountRow; undefined when it is not one. */
export function accountFromRow(sql: SqlRunner, row: Record<string, unknown>): AccountRow | undefined {
  const createdAt = sql.readDate(row.createdAt);
  const updatedAt = sql.readDate(row.updatedAt);
  if (!createdAt || !updatedAt || typeof row.id !== 'string' || typeof row.email !== 'string') return undefined;
  return {
    id: row.id,
    email: row.email,
    emailVerified: bool(row.emailVerified),
    passwordHash: text(row.passwordHash),
    profile: json(row.profile),
    groups: json(row.groups),
    roles: json(row.roles),
    isAdmin: bool(row.isAdmin),
    disabled: bool(row.disabled),
    sessionEpoch: Number(row.sessionEpoch),
    totpSecret: text(row.totpSecret),
    createdAt,
    updatedAt,
  };
}

export function accountRowReaders(db: Db): AccountRowReaders {
  const sql = sqlRunnerFor(db);
  const readOne = async (column: 'id' | 'email', value: string): Promise<AccountRow | undefined> => {
    const [row] = await sql.query(`${SELECT_ACCOUNT} WHERE "${column}" = ?`, [value]);
    return row ? accountFromRow(sql, row) : undefined;
  };
  return {
    byId: async (id) => {
      // A refresh or code redemption in this request may have read the account with its token.
      const ahead = takeAhead('Account', id);
      if (ahead !== undefined) return ahead ? accountFromRow(sql, ahead) : undefined;
      return readOne('id', id);
    },
    byEmail: (email) => readOne('email', email),
  };
}
