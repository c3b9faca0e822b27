// The RiskEvent writes and probes on every scored event, as plain SQL on the store's connection: the
// INSERT and the first-use probe through Prisma cost its query compiler more than the statements
// (the largest part of a scored refresh in a CPU profile). Reads for admins stay on Prisma.
import { sqlRunnerFor } from '../store/index.ts';
import type { RiskDb } from './db.ts';
import type { Decision } from './policy.ts';

export interface RiskEventRow {
  id: string;
  at: Date;
  kind: string;
  accountId: string | null;
  login: string | null;
  clientId: string | null;
  ip: string;
  ipPrefix: string;
  country: string | null;
  latitude: number | null;
  longitude: number | null;
  userAgent: string | null;
  browserFamily: string | null;
  deviceId: string | null;
  success: boolean;
  tokenId: string | null;
  grantId: string | null;
  features: Record<string, number>;
  score: number;
  decision: Decision;
  reasons: string[];
  modelVersion: string;
}

const COLUMNS = [
  'id', 'at', 'kind', 'accountId', 'login', 'clientId', 'ip', 'ipPrefix', 'country', 'latitude', 'longitude', 'userAgent',
  'browserFamily', 'deviceId', 'success', 'tokenId', 'grantId', 'features', 'score', 'decision', 'reasons', 'modelVersion',
] as const;

// `success` is a literal: SQLite keeps booleans as 0/1, PostgreSQL wants a boolean, and TRUE/FALSE
// mean those on both.
const insertStatement = (success: boolean) =>
  `INSERT INTO "RiskEvent" (${COLUMNS.map((c) => `"${c}"`).join(', ')}) VALUES (${COLUMNS.map((c) => (c === 'success' ? (success ? 'TRUE' : 'FALSE') : '?')).join(', ')})`;
/** The insert of an event row, by its success (the parameters are the other columns, in order). */
export const insertRiskEvent = { true: insertStatement(true), false: insertStatement(false) };

/** A trusted event: a valid credential the policy let through (history trusts only those). */
export const TRUSTED = `"success" = TRUE AND "decision" = 'allow'`;

export interface RiskEventRows {
  insert(row: RiskEventRow): Promise<void>;
  /**
   * Stores the row, then runs `durableWrite`: the caller's next write, which must commit durably to the
   * same database (the decision's audit entry). Settles once both are stored, the row then as durable
   * as that write; rejects if either failed.
   */
  insertBefore(row: RiskEventRow, durableWrite: () => Promise<unknown>): Promise<void>;
  /** Whether the account has ever had a trusted (successful, allowed) event of one of these kinds. */
  accountHasTrusted(accountId: string, kinds: readonly string[]): Promise<boolean>;
  /** Whether the client has ever had a trusted event of this kind. */
  clientHasTrusted(clientId: string, kind: string): Promise<boolean>;
  /**
   * Takes the one exchange a single-use subject token allows: true for the first caller only, even
   * among concurrent ones (the history's count cannot tell them apart: each reads it before any
   * records). Held until `until`; later replays are seen in the history.
   */
  claimSubjectToken(tokenId: string, until: Date): Promise<boolean>;
  /**
   * Makes a new grant's origin the login that signed its session in: the account's newest trusted
   * login from this device that no grant has yet (each login is the origin of one grant at most).
   * Returns whether one was found.
   */
  linkLogin(grantId: string, accountId: string, deviceId: string, loginKinds: readonly string[]): Promise<boolean>;
}

/** The claim's row: in the OIDC store's table, like oidc-provider's own replay detection. */
const claimSubjectToken = `INSERT INTO "OidcPayload" ("model", "id", "payload", "expiresAt", "createdAt")
  VALUES ('ExchangedSubjectToken', ?, '{}', ?, ?) ON CONFLICT ("model", "id") DO NOTHING`;

export function riskEventRows(db: RiskDb): RiskEventRows {
  const sql = sqlRunnerFor(db);
  const statementOf = (row: RiskEventRow) => insertRiskEvent[row.success ? 'true' : 'false'];
  const paramsOf = (row: RiskEventRow) =>
    COLUMNS.filter((c) => c !== 'success').map((c) => {
      const value = row[c];
      if (value instanceof Date) return sql.dateParam(value);
      if (c === 'features' || c === 'reasons') return JSON.stringify(value);
      return value as string | number | null;
    });
  return {
    insert: (row) => sql.insert(statementOf(row), paramsOf(row)),
    // The store makes the row as durable as the write after it, for one commit or one WAL flush.
    insertBefore: (row, durableWrite) => sql.insertBefore(statementOf(row), paramsOf(row), durableWrite),
    async accountHasTrusted(accountId, kinds) {
      if (kinds.length === 0) return false;
      // One probe per kind: PostgreSQL's generic plan would take an IN list as a filter over every
      // event of the account, refreshes included, instead of as (accountId, kind) ranges.
      const rows = await sql.query(
        kinds.map(() => `SELECT 1 AS "hit" FROM "RiskEvent" WHERE "accountId" = ? AND "kind" = ? AND ${TRUSTED}`).join(' UNION ALL ') + ' LIMIT 1',
        kinds.flatMap((kind) => [accountId, kind]),
      );
      return rows.length > 0;
    },
    async clientHasTrusted(clientId, kind) {
      const rows = await sql.query(`SELECT 1 AS "hit" FROM "RiskEvent" WHERE "clientId" = ? AND "kind" = ? AND ${TRUSTED} LIMIT 1`, [clientId, kind]);
      return rows.length > 0;
    },
    async claimSubjectToken(tokenId, until) {
      return (await sql.execute(claimSubjectToken, [tokenId, sql.dateParam(until), sql.dateParam(new Date())])) === 1;
    },
    async linkLogin(grantId, accountId, deviceId, loginKinds) {
      if (loginKinds.length === 0) return false;
      // Per kind on the (accountId, kind, at, ...) index, newest first, as the feature read takes history.
      const newest = loginKinds.map(() => `SELECT "id", "at" FROM (SELECT "id", "at" FROM "RiskEvent"
        WHERE "accountId" = ? AND "kind" = ? AND "deviceId" = ? AND "grantId" IS NULL AND ${TRUSTED} ORDER BY "at" DESC LIMIT 1) "k"`);
      const changed = await sql.execute(
        `UPDATE "RiskEvent" SET "grantId" = ? WHERE "grantId" IS NULL AND "id" = (SELECT "id" FROM (${newest.join(' UNION ALL ')}) "n" ORDER BY "at" DESC LIMIT 1)`,
        [grantId, ...loginKinds.flatMap((kind) => [accountId, kind, deviceId])],
      );
      return changed === 1;
    },
  };
}
