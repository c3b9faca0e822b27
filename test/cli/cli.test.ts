import { randomBytes } from 'node:crypto';
import test from 'ava';
import { z } from 'zod';
import { startWarden } from '../helpers/server.ts';
import { storeKinds } from '../helpers/store.ts';
import { cliEnv, runCli } from './run-cli.ts';

const PASSWORD = 'a sufficiently long passphrase\n';

for (const kind of storeKinds) {
  test(`user add, client add/list, keys, audit, migrate, risk events [${kind}]`, async (t) => {
    const w = await startWarden({ kind });
    t.teardown(() => w.stop());
    const env = cliEnv(w.config);

    const user = await runCli(['user', 'add', '--email', 'Alice@Example.com', '--name', 'Alice', '--password-stdin'], env, PASSWORD);
    t.is(user.code, 0, user.stderr);
    const accountId = user.stdout.trim();
    t.regex(accountId, /^[0-9a-f-]{36}$/);
    const stored = await w.db.account.findUnique({ where: { id: accountId } });
    t.is(stored?.email, 'alice@example.com');
    // One trailing newline on stdin is not part of the password.
    t.true((await w.warden.accounts.verifyPassword('alice@example.com', 'a sufficiently long passphrase')).ok);

    const dup = await runCli(['user', 'add', '--email', 'alice@example.com', '--password-stdin'], env, PASSWORD);
    t.not(dup.code, 0);
    t.regex(dup.stderr, /already/i);

    const weak = await runCli(['user', 'add', '--email', 'bob@example.com', '--password-stdin'], env, 'password\n');
    t.not(weak.code, 0);
    t.is(await w.db.account.count({ where: { email: 'bob@example.com' } }), 0);

    const web = await runCli(['client', 'add', '--name', 'Web', '--redirect-uri', 'https://app.example.com/cb', '--json'], env);
    t.is(web.code, 0, web.stderr);
    const webClient = z.object({ client_id: z.string(), client_secret: z.string() }).parse(JSON.parse(web.stdout));

    const svc = await runCli(['client', 'add', '--name', 'Service', '--grant-type', 'client_credentials', '--json'], env);
    t.is(svc.code, 0, svc.stderr);
    const svcClient = z.object({ client_id: z.string(), client_secret: z.string() }).parse(JSON.parse(svc.stdout));
    // The client the CLI made works against the running server.
    const token = await fetch(`${w.url}/token`, {
      method: 'POST',
      headers: {
        authorization: `Basic ${Buffer.from(`${svcClient.client_id}:${svcClient.client_secret}`).toString('base64')}`,
        'content-type': 'application/x-www-form-urlencoded',
      },
      body: 'grant_type=client_credentials',
    });
    t.is(token.status, 200);

    const list = await runCli(['client', 'list', '--json'], env);
    t.is(list.code, 0, list.stderr);
    const ids = z.array(z.object({ client_id: z.string() })).parse(JSON.parse(list.stdout)).map((c) => c.client_id);
    t.true(ids.includes(webClient.client_id) && ids.includes(svcClient.client_id));
    t.false(list.stdout.includes(webClient.client_secret), 'client list never prints secrets');

    const before = z.array(z.object({ kid: z.string() })).parse(JSON.parse((await runCli(['keys', 'list', '--json'], env)).stdout));
    const rotated = await runCli(['keys', 'rotate', '--json'], env);
    t.is(rotated.code, 0, rotated.stderr);
    const created = z.array(z.object({ kid: z.string(), status: z.string() })).parse(JSON.parse(rotated.stdout));
    t.true(created.length > 0 && created.every((k) => k.status === 'published'));
    const after = z.array(z.object({ kid: z.string() })).parse(JSON.parse((await runCli(['keys', 'list', '--json'], env)).stdout));
    t.is(after.length, before.length + created.length);

    const verify = await runCli(['audit', 'verify'], env);
    t.is(verify.code, 0, verify.stderr);
    t.regex(verify.stdout, /intact/);
    const sealed = await runCli(['audit', 'seal'], env);
    t.is(sealed.code, 0, sealed.stderr);
    t.regex(sealed.stdout, /already sealed/);
    // Under another master key no seal verifies: whoever lacks the key cannot forge one.
    const otherKey = await runCli(['audit', 'verify'], { ...env, WARDEN_SECRET_KEY: randomBytes(32).toString('base64') });
    t.is(otherKey.code, 3);
    t.regex(otherKey.stderr, /audit log broken at entry 1: its content does not match its seal/);

    const migrate = await runCli(['migrate'], env);
    t.is(migrate.code, 0, migrate.stderr);
    t.regex(migrate.stdout, /up to date/);

    const events = await runCli(['risk', 'events', '--json', '--limit', '5'], env);
    t.is(events.code, 0, events.stderr);
    t.true(Array.isArray(JSON.parse(events.stdout)));

    // A changed audit entry is found, with a non-zero exit and the entry named.
    const first = await w.db.auditEvent.findFirst({ orderBy: { seq: 'asc' } });
    t.truthy(first);
    await w.db.auditEvent.update({ where: { seq: first!.seq }, data: { data: '{"tampered":true}' } });
    const broken = await runCli(['audit', 'verify'], env);
    t.not(broken.code, 0);
    t.regex(broken.stderr, new RegExp(`entry ${first!.seq}`));
    // Sealing never accepts an altered entry: it refuses, names it and changes nothing.
    const refused = await runCli(['audit', 'seal'], env);
    t.is(refused.code, 3);
    t.regex(refused.stderr, new RegExp(`not sealed, nothing changed: entry ${first!.seq}`));
  });
}

test('bad input gets a readable message and a non-zero exit', async (t) => {
  const w = await startWarden({ kind: 'sqlite' });
  t.teardown(() => w.stop());
  const env = cliEnv(w.config);
  const cases: Array<{ args: string[]; stdin?: string; code: number; message: RegExp }> = [
    { args: [], code: 2, message: /usage/ },
    { args: ['frobnicate'], code: 2, message: /unknown command "frobnicate"/ },
    { args: ['user'], code: 2, message: /subcommand/ },
    { args: ['user', 'add', '--password-stdin'], stdin: PASSWORD, code: 2, message: /--email: is required/ },
    { args: ['user', 'add', '--email', 'x@example.com'], code: 2, message: /--password-stdin/ },
    { args: ['user', 'add', '--email', 'not-an-email', '--password-stdin'], stdin: PASSWORD, code: 1, message: /email/i },
    { args: ['user', 'add', '--email', 'x@example.com', '--bogus', '--password-stdin'], stdin: PASSWORD, code: 2, message: /bogus/ },
    { args: ['client', 'add', '--name', 'No redirect'], code: 1, message: /redirect/ },
    { args: ['client', 'add', '--name', 'Frag', '--redirect-uri', 'https://a.example/cb#x'], code: 1, message: /fragment/ },
    { args: ['client', 'add', '--name', 'Implicit', '--grant-type', 'implicit'], code: 1, message: /grant type/ },
    { args: ['client', 'add', '--name', 'Pw', '--grant-type', 'password'], code: 1, message: /grant type/ },
    { args: ['audit', 'seal', '--force'], code: 2, message: /force/ },
    { args: ['risk', 'events', '--limit', '0'], code: 2, message: /--limit/ },
    { args: ['risk', 'events', '--kind', 'teleport'], code: 2, message: /--kind/ },
    { args: ['risk', 'events', '--account', 'nobody@example.com'], code: 1, message: /no account/ },
  ];
  for (const c of cases) {
    const result = await runCli(c.args, env, c.stdin);
    t.is(result.code, c.code, `${c.args.join(' ')}: ${result.stderr}`);
    t.regex(result.stderr + result.stdout, c.message, c.args.join(' '));
    t.false(/\n\s+at /.test(result.stderr), `no stack trace for ${c.args.join(' ')}`);
  }
  t.is(await w.db.account.count({ where: { email: 'x@example.com' } }), 0);

  const badEnv = await runCli(['client', 'list'], { ...env, WARDEN_RISK_MODE: 'sometimes' });
  t.not(badEnv.code, 0);
  t.regex(badEnv.stderr, /WARDEN_RISK_MODE/);
});

test('client add refuses redirect and logout URIs with control characters as a usage error, storing nothing', async (t) => {
  const w = await startWarden({ kind: 'sqlite' });
  t.teardown(() => w.stop());
  const env = cliEnv(w.config);
  const before = await w.db.oidcPayload.count({ where: { model: 'Client' } });
  // A NUL cannot be passed as an argument at all (argv strings end at one), so the rest of the controls.
  for (const uri of ['https://a.example/cb\r\nSet-Cookie: x=1', 'https://a.example/\x01cb', 'https://a.example/cb\x7f', '\thttps://a.example/cb']) {
    for (const option of ['--redirect-uri', '--post-logout-redirect-uri']) {
      const args = ['client', 'add', '--name', 'Tainted', '--redirect-uri', 'https://a.example/ok', option, uri];
      const result = await runCli(args, env);
      t.is(result.code, 2, `${option} ${JSON.stringify(uri)}: ${result.stderr}`);
      t.regex(result.stderr, new RegExp(`${option}: must not contain control characters`));
      t.false(/\n\s+at /.test(result.stderr), 'no stack trace');
    }
  }
  t.is(await w.db.oidcPayload.count({ where: { model: 'Client' } }), before, 'nothing was stored');
});

test('user add --password-stdin refuses input that is not UTF-8, and a password with a NUL as the sign-up page does', async (t) => {
  const w = await startWarden({ kind: 'sqlite' });
  t.teardown(() => w.stop());
  const env = cliEnv(w.config);
  const add = (email: string, stdin: string | Uint8Array) => runCli(['user', 'add', '--email', email, '--password-stdin'], env, stdin);

  // Each of these would otherwise become U+FFFD: a password the user never typed.
  const passphrase = Buffer.from('a sufficiently long passphrase ', 'utf8');
  for (const [label, bytes] of [
    ['a lone continuation byte', [0x80]],
    ['a truncated sequence', [0xe2, 0x82]],
    ['an overlong encoding', [0xc0, 0xaf]],
    ['a Latin-1 byte', [0xe9]],
  ] as const) {
    const email = `bytes-${bytes.join('-')}@example.com`;
    const result = await add(email, Buffer.concat([passphrase, Buffer.from(bytes), Buffer.from('\n')]));
    t.is(result.code, 2, `${label}: ${result.stderr}`);
    t.regex(result.stderr, /not valid UTF-8/, label);
    t.false(/\n\s+at /.test(result.stderr), `no stack trace for ${label}`);
    t.is(await w.db.account.count({ where: { email } }), 0, label);
  }

  const nul = await add('nul@example.com', 'a sufficiently long\u0000passphrase\n');
  t.is(nul.code, 1, nul.stderr);
  t.regex(nul.stderr, /NUL/);
  t.is(await w.db.account.count({ where: { email: 'nul@example.com' } }), 0);

  const accented = await add('accented@example.com', 'une phrase de passe assez longue, ça va\n');
  t.is(accented.code, 0, accented.stderr);
  t.true((await w.warden.accounts.verifyPassword('accented@example.com', 'une phrase de passe assez longue, ça va')).ok);
});
