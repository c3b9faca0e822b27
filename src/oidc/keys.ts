import { createHash } from 'node:crypto';
import type { Db } from '../store/index.ts';
import { seal, open } from '../store/secret-box.ts';
import { appendAudit } from '../audit/index.ts';
import { generateSigningKey, jwkSchema, signingAlgSchema, type SigningAlg, type SigningJwk } from './key-material.ts';
import { DEFAULT_KEY_POLICY, keyPolicyFromEnv, retentionSeconds, type KeyPolicy } from './key-policy.ts';

/**
 * Signing keys live in the SigningKey table, shared by every instance on the database. Lifecycle:
 *
 *   published (in the JWKS, not signing yet; until activateAfter)
 *     -> active (the newest active key of an alg signs)
 *     -> retired (an older active key; still in the JWKS until retireUntil)
 *     -> removed.
 *
 * Transitions are driven by time and applied lazily by `settleKeys`, which every instance runs when it
 * (re)loads keys; all its writes are idempotent, so instances racing each other converge.
 */

export type KeyStatus = 'published' | 'active' | 'retired';

/** What `warden keys list` shows: never any private material. */
export interface KeyInfo {
  kid: string;
  alg: SigningAlg;
  status: KeyStatus;
  createdAt: Date;
  activateAfter: Date;
  retiredAt: Date | null;
  retireUntil: Date | null;
}

/** The private JWKS handed to oidc-provider, ordered so the key that must sign comes first per alg. */
export interface LoadedKeys {
  jwks: { keys: SigningJwk[] };
  /** Changes whenever the set of keys or their roles change: the signal to rebuild the provider. */
  fingerprint: string;
  /** The next moment a key changes role by itself (activation or removal), if any. */
  nextTransitionAt: Date | null;
}

const STATUS_ORDER: Record<KeyStatus, number> = { active: 0, published: 1, retired: 2 };

function toStatus(value: string): KeyStatus {
  if (value === 'published' || value === 'active' || value === 'retired') return value;
  throw new Error(`signing key with unknown status ${JSON.stringify(value)}`);
}

function aadFor(kid: string): string {
  // Binds each sealed private key to its kid, so sealed blobs cannot be swapped between rows.
  return `warden:signing-key:${kid}`;
}

interface KeyRow {
  kid: string;
  alg: string;
  status: string;
  privateJwk: string;
  createdAt: Date;
  activateAfter: Date;
  retiredAt: Date | null;
  retireUntil: Date | null;
}

function toInfo(row: KeyRow): KeyInfo {
  return {
    kid: row.kid,
    alg: signingAlgSchema.parse(row.alg),
    status: toStatus(row.status),
    createdAt: row.createdAt,
    activateAfter: row.activateAfter,
    retiredAt: row.retiredAt,
    retireUntil: row.retireUntil,
  };
}

/** Newest first: the key activated last wins; createdAt breaks ties between keys made in one instant. */
function newestFirst(a: KeyRow, b: KeyRow): number {
  return b.activateAfter.getTime() - a.activateAfter.getTime() || b.createdAt.getTime() - a.createdAt.getTime();
}

async function insertKey(db: Db, secretKey: Buffer, alg: SigningAlg, status: KeyStatus, activateAfter: Date): Promise<KeyInfo> {
  const key = await generateSigningKey(alg);
  const row = await db.signingKey.create({
    data: {
      kid: key.kid,
      alg,
      status,
      publicJwk: key.publicJwk,
      privateJwk: seal(secretKey, JSON.stringify(key.privateJwk), aadFor(key.kid)),
      activateAfter,
    },
  });
  return toInfo(row);
}

/**
 * Applies the time-driven transitions: activates published keys whose time has come, retires every
 * active key but the newest per alg, removes retired keys past their retention, and makes sure every
 * alg of the policy has a key that can sign (first start, or an alg added later).
 */
export async function settleKeys(db: Db, secretKey: Buffer, policy: KeyPolicy = DEFAULT_KEY_POLICY, now = new Date()): Promise<void> {
  await db.signingKey.updateMany({
    where: { status: 'published', activateAfter: { lte: now } },
    data: { status: 'active' },
  });

  const active = (await db.signingKey.findMany({ where: { status: 'active' } })).sort(newestFirst);
  const seen = new Set<string>();
  const retireUntil = new Date(now.getTime() + retentionSeconds(policy) * 1000);
  for (const row of active) {
    if (!seen.has(row.alg)) {
      seen.add(row.alg);
      continue;
    }
    // Guarded by status so a second instance doing the same work does not push retireUntil forward.
    await db.signingKey.updateMany({
      where: { kid: row.kid, status: 'active' },
      data: { status: 'retired', retiredAt: now, retireUntil },
    });
  }

  await db.signingKey.deleteMany({ where: { status: 'retired', retireUntil: { lt: now } } });

  for (const alg of policy.algs) {
    if (!seen.has(alg)) {
      // Nothing signs with this alg yet, so there is nothing to propagate ahead of: active at once.
      await insertKey(db, secretKey, alg, 'active', now);
    }
  }
}

/** Settles the key states, then loads every key (private parts opened) for the provider. */
export async function loadSigningKeys(db: Db, secretKey: Buffer, policy: KeyPolicy = DEFAULT_KEY_POLICY): Promise<LoadedKeys> {
  const now = new Date();
  await settleKeys(db, secretKey, policy, now);
  const rows = await db.signingKey.findMany();
  rows.sort((a, b) => STATUS_ORDER[toStatus(a.status)] - STATUS_ORDER[toStatus(b.status)] || newestFirst(a, b));

  const keys = rows.map((row) => jwkSchema.parse(JSON.parse(open(secretKey, row.privateJwk, aadFor(row.kid)).toString('utf8'))));
  const fingerprint = createHash('sha256')
    .update(rows.map((row) => `${row.kid}:${row.status}`).join(','))
    .digest('base64url');
  const upcoming = rows
    .flatMap((row) => [row.status === 'published' ? row.activateAfter : null, row.retireUntil])
    .filter((when): when is Date => when !== null && when.getTime() > now.getTime())
    .sort((a, b) => a.getTime() - b.getTime());
  return { jwks: { keys }, fingerprint, nextTransitionAt: upcoming[0] ?? null };
}

/** Every stored key with its lifecycle dates, newest first. */
export async function listKeys(db: Db): Promise<KeyInfo[]> {
  const rows = await db.signingKey.findMany();
  return rows.sort(newestFirst).map(toInfo);
}

export interface RotateOptions {
  /** Defaults to the policy the environment sets (WARDEN_KEY_PROPAGATION_SECONDS...), as the server's. */
  policy?: KeyPolicy;
  /** Which algs to rotate; all of the policy's by default. */
  algs?: readonly SigningAlg[];
  /** Who asked (for the audit log), e.g. "cli". */
  actor?: string;
}

/**
 * Publishes a new key per alg. It signs only after the propagation delay (so it is in every JWKS
 * first); the key it replaces is then retired and stays published until its tokens have expired.
 */
export async function rotateKeys(db: Db, secretKey: Buffer, options: RotateOptions = {}): Promise<KeyInfo[]> {
  const policy = options.policy ?? keyPolicyFromEnv(process.env);
  const activateAfter = new Date(Date.now() + policy.propagationDelaySeconds * 1000);
  const created: KeyInfo[] = [];
  for (const alg of options.algs ?? policy.algs) {
    created.push(await insertKey(db, secretKey, alg, 'published', activateAfter));
  }
  await appendAudit(db, {
    kind: 'keys.rotated',
    actor: options.actor,
    data: { keys: created.map((k) => ({ kid: k.kid, alg: k.alg, activateAfter: k.activateAfter.toISOString() })) },
  });
  return created;
}
