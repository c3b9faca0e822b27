import test from 'ava';
import { chmodSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { inspect } from 'node:util';
import { ConfigError, loadConfig } from '../../src/config.ts';

const hexKey = 'ab'.repeat(32);
const tempDir = () => mkdtempSync(path.join(os.tmpdir(), 'warden-cfg-'));

test('defaults are the embedded mode of the contract', (t) => {
  const dir = tempDir();
  const config = loadConfig({ WARDEN_DATA_DIR: dir });
  t.like(config, {
    port: 3000,
    issuer: 'http://localhost:3000',
    dataDir: dir,
    databaseUrl: `file://${dir}/warden.db`,
    storeKind: 'sqlite',
    secretKeySource: 'file',
    logLevel: 'info',
    riskMode: 'enforce',
    claimsMode: 'auto',
    trustedProxies: 0,
    selfRegistration: false,
    registration: 'initial_access_token',
    durability: 'fast',
  });
  t.is(config.secretKey.length, 32);
});

test('the data folder defaults to ./data, resolved against the working directory', (t) => {
  const config = loadConfig({ WARDEN_SECRET_KEY: hexKey });
  t.is(config.dataDir, path.resolve('data'));
  t.is(config.databaseUrl, `file://${path.resolve('data')}/warden.db`);
});

test('the issuer follows PORT unless given, and loses a trailing slash', (t) => {
  t.is(loadConfig({ PORT: '8080', WARDEN_SECRET_KEY: hexKey }).issuer, 'http://localhost:8080');
  t.is(loadConfig({ WARDEN_ISSUER: 'https://id.example.com/', WARDEN_SECRET_KEY: hexKey }).issuer, 'https://id.example.com');
  t.is(loadConfig({ WARDEN_ISSUER: 'https://example.com/idp', WARDEN_SECRET_KEY: hexKey }).issuer, 'https://example.com/idp');
});

test('every variable is read', (t) => {
  const config = loadConfig({
    PORT: '4000',
    WARDEN_ISSUER: 'https://id.example.com',
    WARDEN_DATA_DIR: '/var/lib/warden',
    DATABASE_URL: 'postgresql://warden:pw@db:5432/warden',
    WARDEN_SECRET_KEY: hexKey,
    LOG_LEVEL: 'debug',
    WARDEN_RISK_MODE: 'monitor',
    WARDEN_CLAIMS_MODE: 'review',
    WARDEN_TRUST_PROXY: 'true',
    WARDEN_SELF_REGISTRATION: '1',
    WARDEN_REGISTRATION: 'open',
    WARDEN_DURABILITY: 'full',
  });
  t.like(config, {
    port: 4000,
    issuer: 'https://id.example.com',
    dataDir: '/var/lib/warden',
    databaseUrl: 'postgresql://warden:pw@db:5432/warden',
    storeKind: 'postgresql',
    secretKeySource: 'env',
    logLevel: 'debug',
    riskMode: 'monitor',
    claimsMode: 'review',
    trustedProxies: 1,
    selfRegistration: true,
    registration: 'open',
    durability: 'full',
  });
  t.deepEqual(config.secretKey, Buffer.from(hexKey, 'hex'));
});

test('WARDEN_TRUST_PROXY counts the proxies whose X-Forwarded-For entries are trusted', (t) => {
  const proxies = (value: string) => loadConfig({ WARDEN_TRUST_PROXY: value, WARDEN_SECRET_KEY: hexKey }).trustedProxies;
  t.is(proxies('false'), 0);
  t.is(proxies('no'), 0);
  t.is(proxies('true'), 1);
  t.is(proxies('1'), 1);
  t.is(proxies('2'), 2);
  for (const bad of ['10', '-1', '2.5', 'on']) {
    t.throws(() => proxies(bad), { instanceOf: ConfigError, message: /WARDEN_TRUST_PROXY: must be true, false or the number of proxies/ }, bad);
  }
});

test('empty variables mean the default', (t) => {
  const config = loadConfig({ PORT: '', WARDEN_RISK_MODE: '', WARDEN_SECRET_KEY: hexKey });
  t.is(config.port, 3000);
  t.is(config.riskMode, 'enforce');
});

test('postgres:// also selects PostgreSQL; relative file: URLs become absolute', (t) => {
  t.is(loadConfig({ DATABASE_URL: 'postgres://h/db', WARDEN_SECRET_KEY: hexKey }).storeKind, 'postgresql');
  t.is(loadConfig({ DATABASE_URL: 'file:./x/w.db', WARDEN_SECRET_KEY: hexKey }).databaseUrl, `file://${path.resolve('x/w.db')}`);
});

test('the secret key is accepted as base64, base64url or hex, and only at 32 bytes', (t) => {
  const bytes = Buffer.from(hexKey, 'hex');
  t.deepEqual(loadConfig({ WARDEN_SECRET_KEY: bytes.toString('base64') }).secretKey, bytes);
  t.deepEqual(loadConfig({ WARDEN_SECRET_KEY: bytes.toString('base64url') }).secretKey, bytes);
  for (const bad of ['ab'.repeat(16), Buffer.alloc(16).toString('base64'), 'not a key!', 'zz'.repeat(32)]) {
    const error = t.throws(() => loadConfig({ WARDEN_SECRET_KEY: bad }), { instanceOf: ConfigError });
    t.regex(error.message, /WARDEN_SECRET_KEY: must be 32 bytes/);
    t.false(error.message.includes(bad), 'the bad key is not echoed');
  }
});

test('PostgreSQL without WARDEN_SECRET_KEY is a clear error', (t) => {
  t.throws(() => loadConfig({ DATABASE_URL: 'postgresql://h/db' }), {
    instanceOf: ConfigError,
    message: /WARDEN_SECRET_KEY: required with PostgreSQL/,
  });
});

test('the embedded key file is created once with mode 0600 and reused', (t) => {
  const dir = tempDir();
  const first = loadConfig({ WARDEN_DATA_DIR: dir });
  const file = path.join(dir, 'secret.key');
  t.is(statSync(file).mode & 0o777, 0o600);
  t.deepEqual(Buffer.from(readFileSync(file, 'utf8').trim(), 'base64'), first.secretKey);
  t.deepEqual(loadConfig({ WARDEN_DATA_DIR: dir }).secretKey, first.secretKey);
});

test('a key file readable by others, or holding garbage, is refused', (t) => {
  const dir = tempDir();
  loadConfig({ WARDEN_DATA_DIR: dir });
  const file = path.join(dir, 'secret.key');
  chmodSync(file, 0o644);
  t.throws(() => loadConfig({ WARDEN_DATA_DIR: dir }), { message: /readable by its owner only/ });
  writeFileSync(file, 'garbage', { mode: 0o600 });
  chmodSync(file, 0o600);
  t.throws(() => loadConfig({ WARDEN_DATA_DIR: dir }), { message: /does not hold a 32-byte/ });
});

test('the secret key never shows up in JSON or inspect output', (t) => {
  const config = loadConfig({ WARDEN_SECRET_KEY: hexKey });
  t.false(JSON.stringify(config).includes(hexKey));
  t.false(JSON.stringify(config).includes('171,171'));
  t.true(JSON.stringify(config).includes('[redacted]'));
  t.false(inspect(config).includes('ab ab'));
});

test('bad values give one error naming each variable and the value', (t) => {
  const error = t.throws(
    () =>
      loadConfig({
        PORT: '70000',
        WARDEN_ISSUER: 'ftp://x',
        DATABASE_URL: 'mysql://x',
        LOG_LEVEL: 'loud',
        WARDEN_RISK_MODE: 'block',
        WARDEN_CLAIMS_MODE: 'manual',
        WARDEN_TRUST_PROXY: 'maybe',
        WARDEN_SELF_REGISTRATION: 'sometimes',
        WARDEN_REGISTRATION: 'closed',
        WARDEN_DURABILITY: 'paranoid',
      }),
    { instanceOf: ConfigError },
  );
  for (const line of [
    'PORT: must be between 0 and 65535 (got "70000")',
    'WARDEN_ISSUER: must be an http(s) URL (got "ftp://x")',
    'DATABASE_URL: must be a file: URL or a postgresql:// URL (got "mysql://x")',
    'LOG_LEVEL: must be one of fatal, error, warn, info, debug, trace, silent (got "loud")',
    'WARDEN_RISK_MODE: must be one of enforce, monitor, off (got "block")',
    'WARDEN_CLAIMS_MODE: must be one of auto, review (got "manual")',
    'WARDEN_TRUST_PROXY: must be true, false or the number of proxies (1 to 9) (got "maybe")',
    'WARDEN_SELF_REGISTRATION: must be true or false (got "sometimes")',
    'WARDEN_REGISTRATION: must be one of open, initial_access_token (got "closed")',
    'WARDEN_DURABILITY: must be one of fast, full (got "paranoid")',
  ]) {
    t.true(error.message.includes(line), line);
  }
  const withPassword = t.throws(() => loadConfig({ DATABASE_URL: 'mysql://user:hunter2@db/x' }));
  t.regex(withPassword.message, /got "mysql:\/\/user:\*\*\*@db\/x"/);
  t.false(withPassword.message.includes('hunter2'));
  t.throws(() => loadConfig({ PORT: '3.5' }), { message: /PORT: must be a whole number/ });
  t.throws(() => loadConfig({ WARDEN_ISSUER: 'https://x/?a=1' }), { message: /WARDEN_ISSUER: must not contain a query/ });
});
