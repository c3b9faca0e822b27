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

function isJsonObject(value: Prisma.JsonValue): value is Prisma.JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The payload as oidc-provider saved it, with `consumed` restored from its column. */
function toPayload(row: StoredRow | null, now: Date): AdapterPayload | undefined {
  if (!row) return undefined;
  if (row.expiresAt && row.expiresAt <= now) return undefined;
  if (!isJsonObject(row.payload)) throw new Error('OidcPayload row holds a non-object payload');
  // The payload is JSON this adapter wrote from an AdapterPayload; its shape is oidc-provider's to check.
  const payload = { ...row.payload } as AdapterPayload;
  if (row.consumedAt) payload.consumed = epochSeconds(row.consumedAt);
  return payload;
}

/** AdapterPayload -> a JSON column value: what JSON.stringify keeps (no undefined, no functions). */
function toJson(payload: AdapterPayload): Prisma.InputJsonObject {
  const json: unknown = JSON.parse(JSON.stringify(payload));
  if (typeof json !== 'object' || json === null || Array.isArray(json)) throw new TypeError('payload must be an object');
  return json as Prisma.InputJsonObject;
}

const rowColumns = { payload: true, expiresAt: true, consumedAt: true } as const;

/** A class oidc-provider instantiates once per model name: `adapter: prismaAdapter(db)`. */
export function prismaAdapter(db: Db): AdapterConstructor {
  return class PrismaAdapter implements Adapter {
    readonly model: string;

    constructor(model: string) {
      this.model = model;
    }

    async upsert(id: string, payload: AdapterPayload, expiresIn?: number): Promise<void> {
      const { consumed, ...rest } = payload;
      const columns = {
        payload: toJson(rest),
        grantId: typeof payload.grantId === 'string' ? payload.grantId : null,
        userCode: typeof payload.userCode === 'string' ? payload.userCode : null,
        uid: typeof payload.uid === 'string' ? payload.uid : null,
        expiresAt: expiresIn !== undefined && expiresIn > 0 ? new Date(Date.now() + expiresIn * 1000) : null,
      };
      // oidc-provider re-saves a consumed token with `consumed` set. A save without it must not undo a
      // consumption that a concurrent request recorded meanwhile, so an update never clears the column.
      const consumedAt = typeof consumed === 'number' ? new Date(consumed * 1000) : undefined;
      await db.oidcPayload.upsert({
        where: { model_id: { model: this.model, id } },
        create: { model: this.model, id, ...columns, consumedAt: consumedAt ?? null },
        update: { ...columns, ...(consumedAt ? { consumedAt } : {}) },
      });
    }

    async find(id: string): Promise<AdapterPayload | undefined> {
      const row = await db.oidcPayload.findUnique({ where: { model_id: { model: this.model, id } }, select: rowColumns });
      return toPayload(row, new Date());
    }

    async findByUid(uid: string): Promise<AdapterPayload | undefined> {
      const row = await db.oidcPayload.findFirst({ where: { model: this.model, uid }, select: rowColumns });
      return toPayload(row, new Date());
    }

    async findByUserCode(userCode: string): Promise<AdapterPayload | undefined> {
      const row = await db.oidcPayload.findFirst({ where: { model: this.model, userCode }, select: rowColumns });
      return toPayload(row, new Date());
    }

    async consume(id: string): Promise<void> {
      // Only the first consumption is recorded, so the time reported for a replay is the original one.
      await db.oidcPayload.updateMany({
        where: { model: this.model, id, consumedAt: null },
        data: { consumedAt: new Date() },
      });
    }

    async destroy(id: string): Promise<void> {
      await db.oidcPayload.deleteMany({ where: { model: this.model, id } });
    }

    async revokeByGrantId(grantId: string): Promise<void> {
      // oidc-provider calls this once per token model, each covering its own rows.
      await db.oidcPayload.deleteMany({ where: { model: this.model, grantId } });
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
