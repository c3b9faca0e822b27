// The account lookup on the token path (findAccount runs on every refresh, userinfo and exchange) as
// one plain statement: a Prisma model query costs its query compiler several times the statement.
import { sqlRunnerFor, type Db } from '../store/index.ts';
import type { AccountRow } from './account-record.ts';

const SELECT_BY_ID = `SELECT "id", "email", "emailVerified", "passwordHash", "profile", "groups", "roles", "isAdmin",
  "disabled", "sessionEpoch", "totpSecret", "createdAt", "updatedAt" FROM "Account" WHERE "id" = ?`;

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

export function accountRowReader(db: Db): (id: string) => Promise<AccountRow | undefined> {
  const sql = sqlRunnerFor(db);
  return async (id) => {
    const [row] = await sql.query(SELECT_BY_ID, [id]);
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
}
