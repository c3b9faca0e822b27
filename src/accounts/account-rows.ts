// The account lookups on the hot paths (findAccount runs on every refresh, userinfo and exchange; the
// lookup by email on every sign-in) as one plain statement each: a Prisma model query costs its query
// compiler several times the statement.
import { sqlRunnerFor, type Db } from '../store/index.ts';
import type { AccountRow } from './account-record.ts';

const SELECT_ACCOUNT = `SELECT "id", "email", "emailVerified", "passwordHash", "profile", "groups", "roles", "isAdmin",
  "disabled", "sessionEpoch", "totpSecret", "createdAt", "updatedAt" FROM "Account"`;

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

export function accountRowReaders(db: Db): AccountRowReaders {
  const sql = sqlRunnerFor(db);
  const readOne = async (column: 'id' | 'email', value: string): Promise<AccountRow | undefined> => {
    const [row] = await sql.query(`${SELECT_ACCOUNT} WHERE "${column}" = ?`, [value]);
    if (!row) return undefined;
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
  };
  return { byId: (id) => readOne('id', id), byEmail: (email) => readOne('email', email) };
}
