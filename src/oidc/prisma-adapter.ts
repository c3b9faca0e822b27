// oidc-provider's storage contract over the OidcPayload table: one row per (model, id), the payload as
// JSON, and the columns it is looked up by (grantId, uid, userCode) plus its expiry and consumption.
// Expired rows count as absent on every read; startPurge() deletes them in the background.
import type { Adapter, AdapterConstructor, AdapterPayload } from 'oidc-provider';
import { Prisma, type Db } from '../store/index.ts';

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

interface StoredRow {
  payload: Prisma.JsonValue;
  expiresAt: Date | null;
  consumedAt: Date | null;
}

const epochSeconds = (date: Date): number => Math.floor(date.getTime() / 1000);

function isJsonObject(value: unknown): value is Prisma.JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The payload as oidc-provider saved it, with `consumed` restored from its column. */
function toPayload(row: StoredRow | undefined, now: Date): AdapterPayload | undefined {
  if (!row) return undefined;
  if (row.expiresAt && row.expiresAt <= now) return undefined;
  const stored: unknown = typeof row.payload === 'string' ? JSON.parse(row.payload) : row.payload;
  if (!isJsonObject(stored)) throw new Error('OidcPayload row holds a non-object payload');
  // The payload is JSON this adapter wrote from an AdapterPayload; its shape is oidc-provider's to check.
  const payload = { ...stored } as AdapterPayload;
  if (row.consumedAt) payload.consumed = epochSeconds(row.consumedAt);
  return payload;
}

const optionalText = (value: unknown): string | null => (typeof value === 'string' ? value : null);

/**
 * A class oidc-provider instantiates once per model name: `adapter: prismaAdapter(db)`.
 * Every call is on the token path, so each is one plain SQL statement (portable between SQLite and
 * PostgreSQL) instead of a Prisma model query, which costs several times more CPU per call here.
 */
export function prismaAdapter(db: Db): AdapterConstructor {
  return class PrismaAdapter implements Adapter {
    readonly model: string;

    constructor(model: string) {
      this.model = model;
    }

    async upsert(id: string, payload: AdapterPayload, expiresIn?: number): Promise<void> {
      const { consumed, ...rest } = payload;
      const now = new Date();
      const expiresAt = expiresIn !== undefined && expiresIn > 0 ? new Date(now.getTime() + expiresIn * 1000) : null;
      // oidc-provider re-saves a consumed token with `consumed` set. A save without it must not undo a
      // consumption that a concurrent request recorded meanwhile, hence COALESCE with the stored value.
      const consumedAt = typeof consumed === 'number' ? new Date(consumed * 1000) : null;
      await db.$executeRaw`
        INSERT INTO "OidcPayload" ("model", "id", "payload", "grantId", "userCode", "uid", "expiresAt", "consumedAt", "createdAt")
        VALUES (${this.model}, ${id}, ${JSON.stringify(rest)}, ${optionalText(payload.grantId)},
                ${optionalText(payload.userCode)}, ${optionalText(payload.uid)}, ${expiresAt}, ${consumedAt}, ${now})
        ON CONFLICT ("model", "id") DO UPDATE SET
          "payload" = excluded."payload", "grantId" = excluded."grantId", "userCode" = excluded."userCode",
          "uid" = excluded."uid", "expiresAt" = excluded."expiresAt",
          "consumedAt" = COALESCE(excluded."consumedAt", "OidcPayload"."consumedAt")`;
    }

    async find(id: string): Promise<AdapterPayload | undefined> {
      const rows = await db.$queryRaw<StoredRow[]>`
        SELECT "payload", "expiresAt", "consumedAt" FROM "OidcPayload" WHERE "model" = ${this.model} AND "id" = ${id}`;
      return toPayload(rows[0], new Date());
    }

    async findByUid(uid: string): Promise<AdapterPayload | undefined> {
      const rows = await db.$queryRaw<StoredRow[]>`
        SELECT "payload", "expiresAt", "consumedAt" FROM "OidcPayload" WHERE "model" = ${this.model} AND "uid" = ${uid}
        LIMIT 1`;
      return toPayload(rows[0], new Date());
    }

    async findByUserCode(userCode: string): Promise<AdapterPayload | undefined> {
      const rows = await db.$queryRaw<StoredRow[]>`
        SELECT "payload", "expiresAt", "consumedAt" FROM "OidcPayload"
        WHERE "model" = ${this.model} AND "userCode" = ${userCode} LIMIT 1`;
      return toPayload(rows[0], new Date());
    }

    async consume(id: string): Promise<void> {
      // Only the first consumption is recorded, so the time reported for a replay is the original one.
      await db.$executeRaw`
        UPDATE "OidcPayload" SET "consumedAt" = ${new Date()}
        WHERE "model" = ${this.model} AND "id" = ${id} AND "consumedAt" IS NULL`;
    }

    async destroy(id: string): Promise<void> {
      await db.$executeRaw`DELETE FROM "OidcPayload" WHERE "model" = ${this.model} AND "id" = ${id}`;
    }

    async revokeByGrantId(grantId: string): Promise<void> {
      // oidc-provider calls this once per token model, each covering its own rows.
      await db.$executeRaw`DELETE FROM "OidcPayload" WHERE "model" = ${this.model} AND "grantId" = ${grantId}`;
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
