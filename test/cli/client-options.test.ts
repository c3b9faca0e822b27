import test from 'ava';
import { z } from 'zod';
import { startWarden } from '../helpers/server.ts';
import { cliEnv, runCli } from './run-cli.ts';

const created = z.object({ client_id: z.string(), client_secret: z.string().optional() });
const stored = z.looseObject({
  token_endpoint_auth_method: z.string(),
  grant_types: z.array(z.string()),
  scope: z.string().optional(),
  post_logout_redirect_uris: z.array(z.string()).optional(),
  token_exchange_from: z.array(z.string()).optional(),
  client_secret: z.string().optional(),
});

test('client add: public clients, scope, post-logout URIs and token-exchange sources are stored as given', async (t) => {
  const w = await startWarden({ kind: 'sqlite' });
  t.teardown(() => w.stop());
  const env = cliEnv(w.config);
  const payloadOf = async (id: string) =>
    stored.parse((await w.db.oidcPayload.findUnique({ where: { model_id: { model: 'Client', id } } }))?.payload);

  const spa = await runCli(
    ['client', 'add', '--name', 'SPA', '--public', '--redirect-uri', 'https://spa.example.com/cb', '--scope', 'openid email',
      '--post-logout-redirect-uri', 'https://spa.example.com/bye', '--json'],
    env,
  );
  t.is(spa.code, 0, spa.stderr);
  const spaClient = created.parse(JSON.parse(spa.stdout));
  t.is(spaClient.client_secret, undefined, 'a public client has no secret');
  const spaStored = await payloadOf(spaClient.client_id);
  t.is(spaStored.token_endpoint_auth_method, 'none');
  t.is(spaStored.client_secret, undefined);
  t.is(spaStored.scope, 'openid email');
  t.deepEqual(spaStored.post_logout_redirect_uris, ['https://spa.example.com/bye']);

  const api = await runCli(
    ['client', 'add', '--name', 'API', '--grant-type', 'token-exchange', '--token-exchange-from', spaClient.client_id, '--json'],
    env,
  );
  t.is(api.code, 0, api.stderr);
  const apiStored = await payloadOf(created.parse(JSON.parse(api.stdout)).client_id);
  t.deepEqual(apiStored.grant_types, ['urn:ietf:params:oauth:grant-type:token-exchange']);
  t.deepEqual(apiStored.token_exchange_from, [spaClient.client_id]);

  const before = await w.db.oidcPayload.count({ where: { model: 'Client' } });
  const noGrant = await runCli(['client', 'add', '--name', 'X', '--grant-type', 'client_credentials', '--token-exchange-from', 'abc'], env);
  t.is(noGrant.code, 1);
  t.regex(noGrant.stderr, /token-exchange/);
  const publicService = await runCli(['client', 'add', '--name', 'Y', '--public', '--grant-type', 'client_credentials'], env);
  t.is(publicService.code, 1);
  t.regex(publicService.stderr, /public clients/);
  t.is(await w.db.oidcPayload.count({ where: { model: 'Client' } }), before, 'refused clients are not stored');
});
