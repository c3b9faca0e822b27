// The adapter's lookups by grantId, uid and userCode read the partial indexes of the migration
// `oidc_payload_partial_indexes`, which hold only the rows that have the column set.
import test from 'ava';
import pg from 'pg';
import { plannerSettings } from '../../src/store/pg-pool.ts';
import { prismaAdapter } from '../../src/oidc/prisma-adapter.ts';
import { openTestStore, storeKinds } from '../helpers/store.ts';

for (const kind of storeKinds) {
  test(`lookups by grant, uid and user code find their rows through the partial indexes [${kind}]`, async (t) => {
    const s = await openTestStore(kind);
    t.teardown(() => s.dispose());
    const Adapter = prismaAdapter(s.db);
    const sessions = new Adapter('Session');
    const tokens = new Adapter('AccessToken');
    const devices = new Adapter('DeviceCode');
    await sessions.upsert('s1', { uid: 'uid-1', accountId: 'a' }, 60);
    await tokens.upsert('t1', { grantId: 'g1', accountId: 'a' }, 60);
    await tokens.upsert('t2', { accountId: 'a' }, 60);
    await devices.upsert('d1', { userCode: 'CODE-1', grantId: 'g1' }, 60);
    t.is((await sessions.findByUid('uid-1'))?.accountId, 'a');
    t.is((await devices.findByUserCode('CODE-1'))?.grantId, 'g1');
    await tokens.revokeByGrantId('g1');
    t.is(await tokens.find('t1'), undefined);
    t.truthy(await tokens.find('t2'));

    // As the adapter sends them (prisma-adapter.ts), with the expiry bound as a parameter.
    const live = new Date().toISOString();
    const statements = {
      by_uid: { text: `SELECT "payload" FROM "OidcPayload" WHERE "model" = ? AND ("expiresAt" IS NULL OR "expiresAt" > ?) AND "uid" = ? LIMIT 1`, params: ['Session', live, 'uid-1'], index: 'OidcPayload_model_uid_idx' },
      by_user_code: { text: `SELECT "payload" FROM "OidcPayload" WHERE "model" = ? AND ("expiresAt" IS NULL OR "expiresAt" > ?) AND "userCode" = ? LIMIT 1`, params: ['DeviceCode', live, 'CODE-1'], index: 'OidcPayload_model_userCode_idx' },
      by_grant: { text: `DELETE FROM "OidcPayload" WHERE "model" = ? AND "grantId" = ?`, params: ['AccessToken', 'g1'], index: 'OidcPayload_grantId_idx' },
    };
    for (const [name, { text, params, index }] of Object.entries(statements)) {
      if (kind === 'sqlite') {
        const plan = await s.db.$queryRawUnsafe<Array<{ detail: string }>>(`EXPLAIN QUERY PLAN ${text}`, ...params);
        t.true(plan.some((step) => step.detail.includes(`INDEX ${index}`)), `${name}: ${plan.map((p) => p.detail).join('; ')}`);
        continue;
      }
      // A generic plan on a connection set up like Warden's pool, as its named statements are planned.
      let n = 0;
      const numbered = text.replace(/\?/g, () => `$${++n}`);
      const client = new pg.Client({ connectionString: s.databaseUrl, options: plannerSettings.map((setting) => `-c ${setting}`).join(' ') });
      await client.connect();
      try {
        await client.query({ name, text: numbered, values: params });
        const explained = await client.query<{ 'QUERY PLAN': string }>(`EXPLAIN EXECUTE ${name}(${params.map((p) => `'${String(p)}'`).join(', ')})`);
        const plan = explained.rows.map((r) => r['QUERY PLAN']).join('\n');
        t.true(plan.includes(index), `${name}: ${plan}`);
      } finally {
        await client.end();
      }
    }
  });
}
