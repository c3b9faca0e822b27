// Environment -> typed configuration, validated once at start. See design.md's interface contract for the
// variables; every default here is the embedded (SQLite, single data folder) mode.
import { chmodSync, linkSync, mkdirSync, readFileSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { inspect } from 'node:util';
import { pathToFileURL, fileURLToPath } from 'node:url';
import { z } from 'zod';
import type { Durability } from './store/db.ts';

export type StoreKind = 'sqlite' | 'postgresql';
export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';

export interface Config {
  port: number;
  /** Issuer identifier, without a trailing slash. */
  issuer: string;
  /** Absolute path of the data folder (SQLite database, generated secret key). */
  dataDir: string;
  /** `file:` URL (absolute path) for SQLite, or the `postgresql://` URL as given. */
  databaseUrl: string;
  storeKind: StoreKind;
  /** 32-byte master key for secrets at rest. Serialises as "[redacted]" so it never reaches a log. */
  secretKey: Buffer;
  secretKeySource: 'env' | 'file';
  logLevel: LogLevel;
  riskMode: 'enforce' | 'monitor' | 'off';
  claimsMode: 'auto' | 'review';
  /**
   * Proxies in front of Warden that each append the address they saw to X-Forwarded-For; the client
   * address is the entry the outermost of them added. 0: the connection's address, headers ignored.
   */
  trustedProxies: number;
  selfRegistration: boolean;
  /** Dynamic client registration: open to anyone, or gated by initial access tokens. */
  registration: 'open' | 'initial_access_token';
  /** What a crash of the machine or database server may cost (README, "Durability"). */
  durability: Durability;
}

export class ConfigError extends Error {
  override name = 'ConfigError';
}

const booleanText = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'], { error: 'must be true or false' })
  .transform((value) => value === 'true' || value === '1' || value === 'yes');

const envSchema = z.object({
  PORT: z.coerce
    .number({ error: 'must be a port number' })
    .int('must be a whole number')
    .min(0, 'must be between 0 and 65535')
    .max(65535, 'must be between 0 and 65535')
    .default(3000),
  WARDEN_ISSUER: z
    .url({ protocol: /^https?$/, error: 'must be an http(s) URL' })
    .refine((value) => !value.includes('?') && !value.includes('#'), 'must not contain a query or fragment')
    .optional(),
  WARDEN_DATA_DIR: z.string().default('./data'),
  DATABASE_URL: z
    .string()
    .refine((value) => /^(file:|postgres(ql)?:\/\/)/.test(value), 'must be a file: URL or a postgresql:// URL')
    .optional(),
  WARDEN_SECRET_KEY: z.string().optional(),
  LOG_LEVEL: z
    .enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], {
      error: 'must be one of fatal, error, warn, info, debug, trace, silent',
    })
    .default('info'),
  WARDEN_RISK_MODE: z.enum(['enforce', 'monitor', 'off'], { error: 'must be one of enforce, monitor, off' }).default('enforce'),
  WARDEN_CLAIMS_MODE: z.enum(['auto', 'review'], { error: 'must be one of auto, review' }).default('auto'),
  // true is one proxy (a load balancer); a number counts a chain of them (a CDN in front of it: 2).
  WARDEN_TRUST_PROXY: z
    .string()
    .regex(/^(true|false|1|0|yes|no|[1-9])$/, 'must be true, false or the number of proxies (1 to 9)')
    .transform((value) => (value === 'true' || value === 'yes' ? 1 : value === 'false' || value === 'no' ? 0 : Number(value)))
    .default(0),
  WARDEN_SELF_REGISTRATION: booleanText.default(false),
  WARDEN_REGISTRATION: z
    .enum(['open', 'initial_access_token'], { error: 'must be one of open, initial_access_token' })
    .default('initial_access_token'),
  WARDEN_DURABILITY: z.enum(['fast', 'full'], { error: 'must be one of fast, full' }).default('fast'),
});

type Env = Record<string, string | undefined>;

export function loadConfig(env: Env = process.env): Config {
  // An empty variable (common in compose files) means "use the default".
  const present = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== undefined && value !== ''));
  const parsed = envSchema.safeParse(present);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((issue) => {
      const name = String(issue.path[0] ?? 'environment');
      const value = present[name];
      return `  ${name}: ${issue.message}${value === undefined ? '' : ` (got ${JSON.stringify(withoutPassword(value))})`}`;
    });
    throw new ConfigError(`Invalid configuration:\n${lines.join('\n')}`);
  }
  const vars = parsed.data;
  const dataDir = path.resolve(vars.WARDEN_DATA_DIR);
  const databaseUrl = normaliseDatabaseUrl(vars.DATABASE_URL ?? pathToFileURL(path.join(dataDir, 'warden.db')).href);
  const storeKind: StoreKind = databaseUrl.startsWith('file:') ? 'sqlite' : 'postgresql';
  const secret = resolveSecretKey(vars.WARDEN_SECRET_KEY, storeKind, dataDir);
  return {
    port: vars.PORT,
    issuer: (vars.WARDEN_ISSUER ?? `http://localhost:${vars.PORT}`).replace(/\/+$/, ''),
    dataDir,
    databaseUrl,
    storeKind,
    secretKey: secret.key,
    secretKeySource: secret.source,
    logLevel: vars.LOG_LEVEL,
    riskMode: vars.WARDEN_RISK_MODE,
    claimsMode: vars.WARDEN_CLAIMS_MODE,
    trustedProxies: vars.WARDEN_TRUST_PROXY,
    selfRegistration: vars.WARDEN_SELF_REGISTRATION,
    registration: vars.WARDEN_REGISTRATION,
    durability: vars.WARDEN_DURABILITY,
  };
}

/** Error messages echo the bad value, but never a password embedded in a URL. */
function withoutPassword(value: string): string {
  return value.replace(/(\/\/[^/:@]*:)[^@/]*@/, '$1***@');
}

/** SQLite URLs become absolute `file:` URLs so the database does not move with the working directory. */
function normaliseDatabaseUrl(url: string): string {
  if (!url.startsWith('file:')) return url;
  if (url.startsWith('file://')) return pathToFileURL(fileURLToPath(url)).href;
  return pathToFileURL(path.resolve(decodeURIComponent(url.slice('file:'.length)))).href;
}

export function decodeSecretKey(text: string): Buffer {
  const trimmed = text.trim();
  const key = /^[0-9a-fA-F]{64}$/.test(trimmed)
    ? Buffer.from(trimmed, 'hex')
    : /^[A-Za-z0-9+/_-]+={0,2}$/.test(trimmed)
      ? Buffer.from(trimmed, 'base64')
      : undefined;
  if (!key || key.length !== 32) {
    throw new ConfigError(
      'Invalid configuration:\n  WARDEN_SECRET_KEY: must be 32 bytes in base64 or hex (generate one with: openssl rand -base64 32)',
    );
  }
  return redacted(key);
}

function resolveSecretKey(
  fromEnv: string | undefined,
  storeKind: StoreKind,
  dataDir: string,
): { key: Buffer; source: 'env' | 'file' } {
  if (fromEnv !== undefined) return { key: decodeSecretKey(fromEnv), source: 'env' };
  if (storeKind === 'postgresql') {
    // Every instance on one database must share the key, so it cannot be generated locally.
    throw new ConfigError(
      'Invalid configuration:\n  WARDEN_SECRET_KEY: required with PostgreSQL, the same on every instance ' +
        '(generate one with: openssl rand -base64 32)',
    );
  }
  return { key: readOrCreateKeyFile(path.join(dataDir, 'secret.key')), source: 'file' };
}

function readOrCreateKeyFile(file: string): Buffer {
  mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  // Write a complete file aside, then link it into place: link() fails when the target exists, so two
  // processes starting at once agree on one key and neither can read a half-written file.
  const candidate = `${file}.${process.pid}.${randomBytes(4).toString('hex')}`;
  writeFileSync(candidate, `${randomBytes(32).toString('base64')}\n`, { flag: 'wx', mode: 0o600 });
  try {
    chmodSync(candidate, 0o600);
    linkSync(candidate, file);
  } catch (error) {
    if (!(error instanceof Error && 'code' in error && error.code === 'EEXIST')) throw error;
  } finally {
    unlinkSync(candidate);
  }
  if ((statSync(file).mode & 0o077) !== 0) {
    throw new ConfigError(`${file} must be readable by its owner only (chmod 600 ${file})`);
  }
  const text = readFileSync(file, 'utf8');
  try {
    return decodeSecretKey(text);
  } catch {
    throw new ConfigError(`${file} does not hold a 32-byte base64 or hex key`);
  }
}

function redacted(key: Buffer): Buffer {
  Object.defineProperty(key, 'toJSON', { value: () => '[redacted]' });
  Object.defineProperty(key, inspect.custom, { value: () => 'Buffer [redacted]' });
  return key;
}
