// oidc-provider's storage contract over the OidcPayload table: one row per (model, id), the payload as
// JSON, and the columns it is looked up by (grantId, uid, userCode) plus its expiry and consumption.
// Expired rows count as absent on every read; startPurge() deletes them in the background. Tokens,
// codes and sessions are stored under the digest of their value, never the value (token-digest.ts).
import { errors, type Adapter, type AdapterConstructor, type AdapterPayload } from 'oidc-provider';
import { accountColumns } from '../accounts/account-rows.ts';
import { sqlRunnerFor, type Prisma, type Db, type SqlRunner, type SqlValue, type WriteOptions } from '../store/index.ts';
import { storableJson, withOAuthRefusals } from './store-refusals.ts';
import { dropAheadOfKind, keepAhead, readingAhead, takeAhead, type ReadAheadRow } from '../store/read-ahead.ts';
import { bearerModels, tokenDigest } from './token-digest.ts';
import { openClientSecret, sealClientSecret } from './client-secrets.ts';

/** Every model oidc-provider 9 persists through its adapter. */
export const oidcModels = [
  'Session',
  'AccessToken',
  'AuthorizationCode',
  'RefreshToken',
  'DeviceCode',
  'ClientCredentials',
  'Client',
  'InitialAccessToken',
  'RegistrationAccessToken',
  'Interaction',
  'ReplayDetection',
  'PushedAuthorizationRequest',
  'Grant',
  'BackchannelAuthenticationRequest',
] as const;

export type OidcModel = (typeof oidcModels)[number];

const epochSeconds = (date: Date): number => Math.floor(date.getTime() / 1000);

function isJsonObject(value: unknown): value is Prisma.JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

const optionalText = (value: unknown): string | null => (typeof value === 'string' ? value : null);

/**
 * The longest a row is kept. oidc-provider takes some lifetimes from what a client sent: a client
 * assertion's `exp` sets how long its replay-detection row lives, and an `exp` 300,000 years ahead is
 * no time either store can hold (the upsert failed, a 500 at the token endpoint). None of Warden's own
 * lifetimes comes near this; an assertion that claims to stay valid longer can be replayed after it.
 */
export const MAX_EXPIRES_IN_SECONDS = 10 * 365 * 24 * 60 * 60;

/** Saves one payload (parameters in column order); a save without consumedAt keeps a stored one. */
export const upsertPayload = `INSERT INTO "OidcPayload" ("model", "id", "payload", "grantId", "userCode", "uid", "expiresAt", "consumedAt", "createdAt")
  VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
  ON CONFLICT ("model", "id") DO UPDATE SET
    "payload" = excluded."payload", "grantId" = excluded."grantId", "userCode" = excluded."userCode",
    "uid" = excluded."uid", "expiresAt" = excluded."expiresAt",
    "consumedAt" = COALESCE(excluded."consumedAt", "OidcPayload"."consumedAt")`;

const selectLive = `SELECT "payload", "consumedAt" FROM "OidcPayload" WHERE "model" = ? AND ("expiresAt" IS NULL OR "expiresAt" > ?)`;

/**
 * The token-endpoint lookups that are followed, in the same request, by their grant's and their
 * account's: a refresh and a code redemption. Within a request (store/read-ahead.ts) one statement
 * reads all three, and the two later lookups take their rows instead of querying.
 */
const readsAheadFor = new Set<string>(['RefreshToken', 'AuthorizationCode']);
const ACCOUNT_PREFIX = 'account_';

/**
 * Lookups oidc-provider repeats within one request: Provider#interactionDetails and
 * #interactionResult each read the interaction by id and, when it has one, its session by uid, and a
 * hosted page's POST calls both. The first lookup leaves its row for the second (store/read-ahead.ts),
 * which then sees the row as it was a moment earlier in the same request; a write in between drops it.
 */
const keptById = new Set<string>(['Interaction']);
const keptByUid = new Set<string>(['Session']);

/**
 * Single-use values: oidc-provider checks `consumed` on the row it read, then consumes. Two requests
 * presenting the same code or refresh token at once can both read it unconsumed; the consumption's
 * own `consumedAt IS NULL` decides which one used it, and the other is a replay (RFC 6749 4.1.2,
 * RFC 9700 4.14.2): refused, and the grant revoked as for any replay.
 */
const singleUse = new Map<string, string>([['AuthorizationCode', 'authorization code'], ['RefreshToken', 'refresh token']]);
const BY_UID = ' by uid';

/** A row kept for a later lookup: the payload copied, so changes made to what the first lookup returned do not reach it. */
function keptRow(row: Record<string, unknown> | undefined): ReadAheadRow | null {
  if (!row) return null;
  return { payload: typeof row.payload === 'string' ? row.payload : structuredClone(row.payload), consumedAt: row.consumedAt };
}

function selectWithGrantAndAccount(kind: SqlRunner['kind']): string {
  const accountId = kind === 'sqlite' ? `json_extract(t."payload", '$.accountId')` : `(t."payload"->>'accountId')`;
  return `SELECT t."payload", t."consumedAt", t."grantId",
      g."id" AS "grantRowId", g."payload" AS "grantPayload", g."consumedAt" AS "grantConsumedAt",
      ${accountColumns.map((c) => `a."${c}" AS "${ACCOUNT_PREFIX}${c}"`).join(', ')}, ${accountId} AS "accountId"
    FROM "OidcPayload" t
    LEFT JOIN "OidcPayload" g ON g."model" = 'Grant' AND g."id" = t."grantId" AND (g."expiresAt" IS NULL OR g."expiresAt" > ?)
    LEFT JOIN "Account" a ON a."id" = ${accountId}
    WHERE t."model" = ? AND (t."expiresAt" IS NULL OR t."expiresAt" > ?) AND t."id" = ?`;
}

/**
 * A class oidc-provider instantiates once per model name: `adapter: prismaAdapter(db)`, where `db` comes
 * from openStore. Every call is on the token path, so each is one portable SQL statement on the store's
 * own connection rather than a Prisma model query, which costs several times more CPU per call.
 */
/** How long another instance's change to a client may take to be seen here. */
export const CLIENT_CACHE_MS = 5_000;
const CLIENT_CACHE_MAX = 10_000;

type ClientCache = Map<string, { payload: AdapterPayload; until: number }>;
const clientCaches = new WeakMap<Db, ClientCache>();

function clientCacheFor(db: Db): ClientCache {
  let cache = clientCaches.get(db);
  if (!cache) {
    cache = new Map();
    clientCaches.set(db, cache);
  }
  return cache;
}

export function prismaAdapter(db: Db): AdapterConstructor {
  const sql = withOAuthRefusals(sqlRunnerFor(db));

  /** The payload as oidc-provider saved it, with `consumed` restored from its column. */
  function toPayload(rows: Record<string, unknown>[]): AdapterPayload | undefined {
    const row = rows[0];
    if (!row) return undefined;
    const stored: unknown = typeof row.payload === 'string' ? JSON.parse(row.payload) : row.payload;
    if (!isJsonObject(stored)) throw new Error('OidcPayload row holds a non-object payload');
    // The payload is JSON this adapter wrote from an AdapterPayload; its shape is oidc-provider's to check.
    const payload = { ...stored } as AdapterPayload;
    const consumedAt = sql.readDate(row.consumedAt);
    if (consumedAt) payload.consumed = epochSeconds(consumedAt);
    return payload;
  }

  const now = () => sql.dateParam(new Date());
  const selectAhead = selectWithGrantAndAccount(sql.kind);

  /** A token row with its grant and account: the token's payload, the other two left for later. */
  async function findReadingAhead(model: string, id: string): Promise<AdapterPayload | undefined> {
    const at = now();
    const [row] = await sql.query(selectAhead, [at, model, at, id]);
    if (!row) return undefined;
    if (typeof row.grantId === 'string') {
      keepAhead('Grant', row.grantId, row.grantRowId === null ? null : { payload: row.grantPayload, consumedAt: row.grantConsumedAt });
    }
    if (typeof row.accountId === 'string') {
      const account = row[`${ACCOUNT_PREFIX}id`] === null ? null
        : Object.fromEntries(accountColumns.map((c) => [c, row[`${ACCOUNT_PREFIX}${c}`]]));
      keepAhead('Account', row.accountId, account);
    }
    return toPayload([row]);
  }

  // oidc-provider reads the client on every token, introspection and revocation request, and that read
  // was one of the two statements a client-credentials token costs. Client metadata changes rarely, so
  // reads are kept for a few seconds: a change made here is seen at once (writes drop the entry), a
  // change made by another instance within CLIENT_CACHE_MS. Nothing else is cached: tokens and codes
  // must never be served stale.
  // Shared by every adapter on this store in this process (the admin CLI and API write through their own).
  const clientCache = clientCacheFor(db);

  return class PrismaAdapter implements Adapter {
    readonly model: string;
    /** Rows keyed by the digest of the value presented (token-digest.ts), without the value inside. */
    private readonly bearer: boolean;

    constructor(model: string) {
      this.model = model;
      this.bearer = bearerModels.has(model);
    }

    private rowId(id: string): string {
      return this.bearer ? tokenDigest(id) : id;
    }

    /** The value presented is the payload's jti: put back what upsert() left out. */
    private withId(payload: AdapterPayload | undefined, id: string): AdapterPayload | undefined {
      if (!payload || !this.bearer || payload.jti !== undefined) return payload;
      return { ...payload, jti: id };
    }

    /**
     * A row written before ids were digested (keyed and holding the value itself) is found too, until
     * it expires; only a miss pays for the second lookup.
     */
    private async findStored(id: string): Promise<AdapterPayload | undefined> {
      const rows = await sql.query(`${selectLive} AND "id" = ?`, [this.model, now(), this.rowId(id)]);
      if (keptById.has(this.model)) keepAhead(this.model, id, keptRow(rows[0]));
      const stored = toPayload(rows);
      return stored ? this.withId(stored, id) : this.findUndigested(id);
    }

    /** Before a write: whatever was read ahead of this model may be what is being changed. */
    private dropAhead(): void {
      dropAheadOfKind(this.model);
      if (keptByUid.has(this.model)) dropAheadOfKind(this.model + BY_UID);
    }

    private async findUndigested(id: string): Promise<AdapterPayload | undefined> {
      return this.bearer ? toPayload(await sql.query(`${selectLive} AND "id" = ?`, [this.model, now(), id])) : undefined;
    }

    /**
     * A write by id: on the row under the digest and, when that changed nothing, on a row stored under
     * the value from before digests. (One `"id" IN (?, ?)` statement instead cost PostgreSQL four times
     * as much per consumption under its generic plan.)
     */
    private async writeById(id: string, statement: string, params: (rowId: string) => SqlValue[], options?: WriteOptions): Promise<number> {
      const changed = await sql.execute(statement, params(this.rowId(id)), options);
      return changed === 0 && this.bearer ? sql.execute(statement, params(id), options) : changed;
    }

    /** A single-use value consumed by another request first: revoke its grant, refuse this one. */
    private async replayed(id: string, label: string): Promise<never> {
      // Under the digest, or the value itself for a row from before digests (writeById).
      const [row] = await sql.query(`SELECT "grantId" FROM "OidcPayload" WHERE "model" = ? AND "id" IN (?, ?)`, [this.model, this.rowId(id), id]);
      const grantId = row?.grantId;
      if (typeof grantId === 'string') {
        await Promise.all([
          sql.execute(`DELETE FROM "OidcPayload" WHERE "grantId" = ?`, [grantId]),
          sql.execute(`DELETE FROM "OidcPayload" WHERE "model" = 'Grant' AND "id" = ?`, [grantId]),
        ]);
      }
      throw new errors.InvalidGrant(`${label} already consumed`);
    }

    async upsert(id: string, payload: AdapterPayload, expiresIn?: number): Promise<void> {
      if (this.model === 'Client') clientCache.delete(id);
      this.dropAhead();
      const { consumed, ...kept } = payload;
      // The value presented never reaches the database: the row is found by its digest.
      const { jti, ...withoutId } = kept;
      const unsealed = this.bearer && jti === id ? withoutId : kept;
      const rest = this.model === 'Client' ? sealClientSecret(db, id, unsealed) : unsealed;
      const at = new Date();
      const expiresAt = expiresIn !== undefined && expiresIn > 0 ? new Date(at.getTime() + Math.min(expiresIn, MAX_EXPIRES_IN_SECONDS) * 1000) : null;
      // oidc-provider re-saves a consumed token with `consumed` set. A save without it must not undo a
      // consumption that a concurrent request recorded meanwhile, hence COALESCE with the stored value.
      const consumedAt = typeof consumed === 'number' ? new Date(consumed * 1000) : null;
      await sql.insert(
        upsertPayload,
        [
          this.model,
          this.rowId(id),
          storableJson(rest),
          optionalText(payload.grantId),
          optionalText(payload.userCode),
          optionalText(payload.uid),
          expiresAt && sql.dateParam(expiresAt),
          consumedAt && sql.dateParam(consumedAt),
          sql.dateParam(at),
        ],
        // A token, code, session or grant lost in a database crash only means signing in again;
        // clients, and every consumption, revocation and deletion, wait for the commit to be durable.
        { durable: this.model === 'Client' },
      );
    }

    async find(id: string): Promise<AdapterPayload | undefined> {
      if (readsAheadFor.has(this.model) && readingAhead()) {
        const found = await findReadingAhead(this.model, this.rowId(id));
        return found ? this.withId(found, id) : this.findUndigested(id);
      }
      const ahead = takeAhead(this.model, id);
      if (ahead !== undefined) return ahead ? this.withId(toPayload([ahead]), id) : undefined;
      if (this.model !== 'Client') return this.findStored(id);
      const cached = clientCache.get(id);
      if (cached && cached.until > Date.now()) return { ...cached.payload };
      const stored = toPayload(await sql.query(`${selectLive} AND "id" = ?`, [this.model, now(), id]));
      const payload = stored && openClientSecret(db, id, stored);
      if (payload) {
        if (clientCache.size >= CLIENT_CACHE_MAX) clientCache.clear();
        clientCache.set(id, { payload, until: Date.now() + CLIENT_CACHE_MS });
      } else {
        clientCache.delete(id);
      }
      return payload ? { ...payload } : undefined;
    }

    async findByUid(uid: string): Promise<AdapterPayload | undefined> {
      const kind = this.model + BY_UID;
      const ahead = takeAhead(kind, uid);
      if (ahead !== undefined) return ahead ? toPayload([ahead]) : undefined;
      const rows = await sql.query(`${selectLive} AND "uid" = ? LIMIT 1`, [this.model, now(), uid]);
      if (keptByUid.has(this.model)) keepAhead(kind, uid, keptRow(rows[0]));
      return toPayload(rows);
    }

    async findByUserCode(userCode: string): Promise<AdapterPayload | undefined> {
      return toPayload(await sql.query(`${selectLive} AND "userCode" = ? LIMIT 1`, [this.model, now(), userCode]));
    }

    async consume(id: string): Promise<void> {
      this.dropAhead();
      // Only the first consumption is recorded, so the time reported for a replay is the original one.
      // Durable before the answer: a scored refresh's risk record, written after it, flushes for both
      // (store/flush-cover.ts). Which request consumed first is decided at its commit either way.
      const at = now();
      const changed = await this.writeById(
        id,
        `UPDATE "OidcPayload" SET "consumedAt" = ? WHERE "model" = ? AND "id" = ? AND "consumedAt" IS NULL`,
        (rowId) => [at, this.model, rowId],
        { durable: 'before-answer' },
      );
      const label = singleUse.get(this.model);
      if (changed === 0 && label !== undefined) await this.replayed(id, label);
    }

    async destroy(id: string): Promise<void> {
      if (this.model === 'Client') clientCache.delete(id);
      this.dropAhead();
      await this.writeById(id, `DELETE FROM "OidcPayload" WHERE "model" = ? AND "id" = ?`, (rowId) => [this.model, rowId]);
    }

    async revokeByGrantId(grantId: string): Promise<void> {
      this.dropAhead();
      // oidc-provider calls this once per token model, each covering its own rows.
      await sql.execute(`DELETE FROM "OidcPayload" WHERE "model" = ? AND "grantId" = ?`, [this.model, grantId]);
    }
  };
}

/** Deletes every expired row; returns how many. */
export async function purgeExpired(db: Db, now: Date = new Date()): Promise<number> {
  const { count } = await db.oidcPayload.deleteMany({ where: { expiresAt: { lte: now } } });
  return count;
}

/**
 * Purges expired rows every `intervalMs` without keeping the process alive. Several instances may purge
 * the same database; the deletes are idempotent. Returns a function that stops the timer.
 */
export function startPurge(db: Db, intervalMs: number, onError: (error: unknown) => void = () => {}): () => void {
  let running = false;
  const timer = setInterval(() => {
    if (running) return;
    running = true;
    purgeExpired(db)
      .catch(onError)
      .finally(() => {
        running = false;
      });
  }, intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}
