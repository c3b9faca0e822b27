import test from 'ava';
import { CLIENT_CACHE_MS, prismaAdapter } from '../../src/oidc/prisma-adapter.ts';
import { openTestStore } from '../helpers/store.ts';

test('client reads are cached briefly: local writes are seen at once, other instances within the TTL', async (t) => {
  const s = await openTestStore('sqlite');
  t.teardown(() => s.dispose());
  const Writer = prismaAdapter(s.db);
  const Reader = prismaAdapter(s.db);
  const writer = new Writer('Client');
  const reader = new Reader('Client');

  await writer.upsert('c1', { client_id: 'c1', client_name: 'one' }, 0);
  t.is((await reader.find('c1'))?.client_name, 'one');
  await writer.upsert('c1', { client_id: 'c1', client_name: 'two' }, 0);
  t.is((await reader.find('c1'))?.client_name, 'two', 'a write in this process drops the cached entry');

  // Another instance writing straight to the database: seen once the entry expires.
  await s.db.oidcPayload.update({ where: { model_id: { model: 'Client', id: 'c1' } }, data: { payload: { client_id: 'c1', client_name: 'three' } } });
  t.is((await reader.find('c1'))?.client_name, 'two');
  await new Promise((resolve) => setTimeout(resolve, CLIENT_CACHE_MS + 100));
  t.is((await reader.find('c1'))?.client_name, 'three');

  await writer.destroy('c1');
  t.is(await reader.find('c1'), undefined, 'a deleted client is gone at once here');
  // Tokens are never cached.
  const Tokens = prismaAdapter(s.db);
  const tokens = new Tokens('AccessToken');
  await tokens.upsert('t1', { jti: 't1' }, 60);
  await tokens.destroy('t1');
  t.is(await tokens.find('t1'), undefined);
});
