// `npm start`'s entry point as a real process: it creates the SQLite database and keys in the data
// folder, serves the provider, logs JSON without secrets, and exits cleanly on SIGTERM.
import test from 'ava';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { once } from 'node:events';
import { createInterface } from 'node:readline';

test('src/main.ts serves a working provider on SQLite and shuts down gracefully on SIGTERM', async (t) => {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'warden-main-'));
  t.teardown(() => rmSync(dataDir, { recursive: true, force: true }));
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    env: { ...process.env, PORT: '0', WARDEN_DATA_DIR: dataDir, LOG_LEVEL: 'info', DATABASE_URL: '', WARDEN_SECRET_KEY: '' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  t.teardown(() => {
    if (child.exitCode === null) child.kill('SIGKILL');
  });
  const lines: string[] = [];
  const listening = new Promise<{ port: number; issuer: string }>((resolve, reject) => {
    const reader = createInterface({ input: child.stdout });
    reader.on('line', (line) => {
      lines.push(line);
      const entry = JSON.parse(line) as { msg?: string; port?: number; issuer?: string };
      if (entry.msg === 'warden listening' && entry.port) resolve({ port: entry.port, issuer: entry.issuer ?? '' });
    });
    child.once('exit', (code) => reject(new Error(`exited early with ${code}`)));
  });
  const { port } = await listening;
  t.true(existsSync(path.join(dataDir, 'warden.db')));
  t.true(existsSync(path.join(dataDir, 'secret.key')));

  const discovery = await fetch(`http://127.0.0.1:${port}/.well-known/openid-configuration`);
  t.is(discovery.status, 200);
  const jwks = (await (await fetch(`http://127.0.0.1:${port}/jwks`)).json()) as { keys: unknown[] };
  t.is(jwks.keys.length, 3);

  child.kill('SIGTERM');
  const [code] = (await once(child, 'exit')) as [number | null];
  t.is(code, 0);
  const log = lines.join('\n');
  t.regex(log, /"msg":"shutting down"/);
  t.notRegex(log, /secret(Key)?"\s*:\s*"[^[]/i, 'no secret in the logs');
});
