// Two Warden *processes* on one PostgreSQL database, as two replicas behind a load balancer: an
// in-process instance and the real `src/main.ts` started as a child with the same issuer and master key.
import test from 'ava';
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { startWarden } from '../helpers/server.ts';
import { client, rpFor } from './_rp.ts';
import { signIn } from './_browser.ts';

const REDIRECT = 'https://rp.example.test/cb';

test('authorize on one process, redeem and refresh on another process [postgresql]', async (t) => {
  const a = await startWarden({ kind: 'postgresql' });
  t.teardown(() => a.stop());
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    env: {
      ...process.env,
      PORT: '0',
      LOG_LEVEL: 'info',
      DATABASE_URL: a.config.databaseUrl,
      WARDEN_SECRET_KEY: a.config.secretKey.toString('base64'),
      WARDEN_ISSUER: a.issuer,
      WARDEN_DATA_DIR: a.config.dataDir,
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  t.teardown(() => {
    if (child.exitCode === null) child.kill('SIGKILL');
  });
  const port = await new Promise<number>((resolve, reject) => {
    createInterface({ input: child.stdout }).on('line', (line) => {
      const entry = JSON.parse(line) as { msg?: string; port?: number };
      if (entry.msg === 'warden listening' && entry.port) resolve(entry.port);
    });
    child.once('exit', (code) => reject(new Error(`second process exited early with ${code}`)));
  });
  const b = `http://127.0.0.1:${port}`;

  const user = await a.createAccount();
  const c = await a.createClient({ redirect_uris: [REDIRECT] });
  const rpA = await rpFor(a, c);
  const login = await signIn(a, rpA, c, user, { scope: 'openid email offline_access', params: { prompt: 'consent' } });

  // The relying party's back-channel calls go to the other process; the issuer stays the same.
  const rpB = await rpFor(a, c);
  rpB[client.customFetch] = (url, options) => fetch(url.replace(a.url, b), options);
  const tokens = await client.authorizationCodeGrant(rpB, login.callback, {
    pkceCodeVerifier: login.codeVerifier,
    expectedState: login.state,
    expectedNonce: login.nonce,
  });
  t.is(tokens.claims()?.sub, user.id, 'the ID token from the second process verifies against the shared keys');
  const refreshed = await client.refreshTokenGrant(rpB, tokens.refresh_token ?? '');
  t.truthy(refreshed.access_token);
  const info = await client.fetchUserInfo(rpA, refreshed.access_token, user.id);
  t.is(info.email, user.email, 'a token issued by the second process works on the first');

  child.kill('SIGTERM');
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  t.is(code, 0);
});
