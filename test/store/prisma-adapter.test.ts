import test from 'ava';
import { setTimeout as sleep } from 'node:timers/promises';
import Provider from 'oidc-provider';
import { oidcModels, prismaAdapter, purgeExpired, startPurge } from '../../src/oidc/prisma-adapter.ts';
import { bearerModels, tokenDigest } from '../../src/oidc/token-digest.ts';
import { sealStoredClientSecrets } from '../../src/oidc/client-secrets.ts';
import { openTestStore, storeKinds, type TestStore } from '../helpers/store.ts';

async function setup(t: { teardown(fn: () => Promise<void>): void }, kind: (typeof storeKinds)[number]): Promise<TestStore> {
  const s = await openTestStore(kind);
  t.teardown(() => s.dispose());
  return s;
}

for (const kind of storeKinds) {
  test(`every model round-trips, is isolated from the others, and is destroyed [${kind}]`, async (t) => {
    const { db } = await setup(t, kind);
    const Adapter = prismaAdapter(db);
    for (const model of oidcModels) {
      await new Adapter(model).upsert('same-id', { jti: 'same-id', kind: model, extra: { nested: [1, 'two'] } }, 60);
    }
    for (const model of oidcModels) {
      const adapter = new Adapter(model);
      t.deepEqual(await adapter.find('same-id'), { jti: 'same-id', kind: model, extra: { nested: [1, 'two'] } }, model);
      t.is(await adapter.find('other-id'), undefined);
    }
    await new Adapter('AccessToken').destroy('same-id');
    t.is(await new Adapter('AccessToken').find('same-id'), undefined);
    t.truthy(await new Adapter('RefreshToken').find('same-id'));
    await new Adapter('AccessToken').destroy('never-existed');
  });

  test(`a lifetime beyond what the store can hold is cut to ten years, not a failed save [${kind}]`, async (t) => {
    const { db } = await setup(t, kind);
    // What oidc-provider asks for a client assertion whose exp is far in the future.
    const replay = new (prismaAdapter(db))('ReplayDetection');
    for (const expiresIn of [1e13, 1e300, Number.MAX_SAFE_INTEGER]) {
      await replay.upsert(`jti-${expiresIn}`, { iat: 1 }, expiresIn);
      t.deepEqual(await replay.find(`jti-${expiresIn}`), { iat: 1 });
    }
    const rows = await db.oidcPayload.findMany({ where: { model: 'ReplayDetection' } });
    t.is(rows.length, 3);
    for (const row of rows) {
      const years = ((row.expiresAt?.getTime() ?? 0) - Date.now()) / (365 * 24 * 3600 * 1000);
      t.true(years > 9.99 && years <= 10, String(years));
    }
  });

  test(`upsert replaces the payload and its indexed columns [${kind}]`, async (t) => {
    const { db } = await setup(t, kind);
    const sessions = new (prismaAdapter(db))('Session');
    await sessions.upsert('s1', { uid: 'u-old', accountId: 'a1' }, 60);
    await sessions.upsert('s1', { uid: 'u-new', accountId: 'a2' }, 60);
    t.is(await sessions.findByUid('u-old'), undefined);
    t.deepEqual(await sessions.findByUid('u-new'), { uid: 'u-new', accountId: 'a2' });
    t.is(await db.oidcPayload.count(), 1);
  });

  test(`findByUid and findByUserCode look only within their model [${kind}]`, async (t) => {
    const { db } = await setup(t, kind);
    const Adapter = prismaAdapter(db);
    await new Adapter('Session').upsert('s1', { uid: 'uid-1', accountId: 'a1' }, 60);
    await new Adapter('DeviceCode').upsert('d1', { userCode: 'ABCD-EFGH', grantId: 'g1' }, 60);
    t.deepEqual(await new Adapter('Session').findByUid('uid-1'), { uid: 'uid-1', accountId: 'a1' });
    t.is(await new Adapter('Interaction').findByUid('uid-1'), undefined);
    t.deepEqual(await new Adapter('DeviceCode').findByUserCode('ABCD-EFGH'), { userCode: 'ABCD-EFGH', grantId: 'g1' });
    t.is(await new Adapter('DeviceCode').findByUserCode('ABCD-XXXX'), undefined);
    t.is(await new Adapter('Session').findByUserCode('ABCD-EFGH'), undefined);
  });

  test(`expiresIn sets the expiry; expired rows are absent on every read; no expiresIn never expires [${kind}]`, async (t) => {
    const { db } = await setup(t, kind);
    const Adapter = prismaAdapter(db);
    const before = Date.now();
    await new Adapter('Session').upsert('s1', { uid: 'uid-1' }, 60);
    await new Adapter('DeviceCode').upsert('d1', { userCode: 'CODE' }, 60);
    await new Adapter('Client').upsert('c1', { client_id: 'c1' });
    const stored = await db.oidcPayload.findUniqueOrThrow({ where: { model_id: { model: 'Session', id: tokenDigest('s1') } } });
    const expiresAt = stored.expiresAt?.getTime() ?? 0;
    t.true(expiresAt >= before + 60_000 && expiresAt <= Date.now() + 60_000);
    t.truthy(await new Adapter('Session').find('s1'));

    await db.oidcPayload.updateMany({ where: { id: { in: [tokenDigest('s1'), 'd1'] } }, data: { expiresAt: new Date(Date.now() - 1) } });
    t.is(await new Adapter('Session').find('s1'), undefined);
    t.is(await new Adapter('Session').findByUid('uid-1'), undefined);
    t.is(await new Adapter('DeviceCode').findByUserCode('CODE'), undefined);
    t.is(await new Adapter('DeviceCode').find('d1'), undefined);
    t.deepEqual(await new Adapter('Client').find('c1'), { client_id: 'c1' });
  });

  test(`a short expiresIn runs out in real time [${kind}]`, async (t) => {
    const { db } = await setup(t, kind);
    const tokens = new (prismaAdapter(db))('AccessToken');
    await tokens.upsert('a1', {}, 1);
    await sleep(1100);
    t.is(await tokens.find('a1'), undefined);
  });

  test(`consume marks the row once and keeps the first time; a later save cannot undo it [${kind}]`, async (t) => {
    const { db } = await setup(t, kind);
    // A model oidc-provider may consume more than once (not a single-use code or refresh token).
    const codes = new (prismaAdapter(db))('DeviceCode');
    await codes.upsert('c1', { grantId: 'g1', accountId: 'a1' }, 60);
    t.is((await codes.find('c1'))?.consumed, undefined);
    const before = Math.floor(Date.now() / 1000);
    await codes.consume('c1');
    const consumed = (await codes.find('c1'))?.consumed;
    t.true(typeof consumed === 'number' && consumed >= before && consumed <= before + 1);
    await db.oidcPayload.update({
      where: { model_id: { model: 'DeviceCode', id: 'c1' } },
      data: { consumedAt: new Date((before - 100) * 1000) },
    });
    await codes.consume('c1');
    t.is((await codes.find('c1'))?.consumed, before - 100);
    await codes.upsert('c1', { grantId: 'g1', accountId: 'a1' }, 60);
    t.is((await codes.find('c1'))?.consumed, before - 100);
    await codes.consume('missing');
  });

  for (const model of ['AuthorizationCode', 'RefreshToken'] as const) {
    test(`a ${model} consumed by another request first is a replay: invalid_grant, and its grant revoked [${kind}]`, async (t) => {
      const { db } = await setup(t, kind);
      const Adapter = prismaAdapter(db);
      const tokens = new Adapter(model);
      await new Adapter('Grant').upsert('g1', { accountId: 'a1' }, 60);
      await new Adapter('AccessToken').upsert('at1', { grantId: 'g1' }, 60);
      await new Adapter('AccessToken').upsert('at-other', { grantId: 'g2' }, 60);
      await tokens.upsert('v1', { grantId: 'g1', accountId: 'a1' }, 60);
      // Both requests read it unconsumed; the first consumption wins.
      t.is((await tokens.find('v1'))?.consumed, undefined);
      t.is((await tokens.find('v1'))?.consumed, undefined);
      await tokens.consume('v1');
      const error = await t.throwsAsync(tokens.consume('v1'));
      t.like(error, { error: 'invalid_grant', statusCode: 400 });
      t.is(await new Adapter('Grant').find('g1'), undefined);
      t.is(await new Adapter('AccessToken').find('at1'), undefined);
      t.is(await tokens.find('v1'), undefined);
      t.truthy(await new Adapter('AccessToken').find('at-other'), 'another grant is untouched');
      t.like(await t.throwsAsync(tokens.consume('missing')), { error: 'invalid_grant' });
    });
  }

  test(`a payload saved with consumed set is stored as consumed [${kind}]`, async (t) => {
    const { db } = await setup(t, kind);
    const tokens = new (prismaAdapter(db))('RefreshToken');
    await tokens.upsert('r1', { grantId: 'g1', consumed: 1_700_000_000 }, 60);
    t.is((await tokens.find('r1'))?.consumed, 1_700_000_000);
    const row = await db.oidcPayload.findUniqueOrThrow({ where: { model_id: { model: 'RefreshToken', id: tokenDigest('r1') } } });
    t.deepEqual(row.payload, { grantId: 'g1' });
  });

  test(`revokeByGrantId removes that grant's rows of that model only [${kind}]`, async (t) => {
    const { db } = await setup(t, kind);
    const Adapter = prismaAdapter(db);
    await new Adapter('AccessToken').upsert('at1', { grantId: 'g1' }, 60);
    await new Adapter('AccessToken').upsert('at2', { grantId: 'g1' }, 60);
    await new Adapter('AccessToken').upsert('at3', { grantId: 'g2' }, 60);
    await new Adapter('RefreshToken').upsert('rt1', { grantId: 'g1' }, 60);
    await new Adapter('AccessToken').revokeByGrantId('g1');
    t.is(await new Adapter('AccessToken').find('at1'), undefined);
    t.is(await new Adapter('AccessToken').find('at2'), undefined);
    t.truthy(await new Adapter('AccessToken').find('at3'));
    t.truthy(await new Adapter('RefreshToken').find('rt1'));
    await new Adapter('RefreshToken').revokeByGrantId('g1');
    t.is(await new Adapter('RefreshToken').find('rt1'), undefined);
  });

  test(`purgeExpired deletes expired rows only, and startPurge runs it in the background [${kind}]`, async (t) => {
    const { db } = await setup(t, kind);
    const Adapter = prismaAdapter(db);
    await new Adapter('AccessToken').upsert('live', {}, 60);
    await new Adapter('Client').upsert('forever', {});
    await new Adapter('AccessToken').upsert('old', {}, 60);
    await db.oidcPayload.updateMany({ where: { id: tokenDigest('old') }, data: { expiresAt: new Date(Date.now() - 1000) } });
    t.is(await purgeExpired(db), 1);
    t.deepEqual((await db.oidcPayload.findMany({ orderBy: { createdAt: 'asc' } })).map((row) => row.id), [tokenDigest('live'), 'forever']);

    await new Adapter('AccessToken').upsert('soon', {}, 1);
    const errors: unknown[] = [];
    const stop = startPurge(db, 200, (error) => errors.push(error));
    t.teardown(stop);
    await sleep(1600);
    t.is(await db.oidcPayload.count({ where: { id: tokenDigest('soon') } }), 0);
    t.is(await db.oidcPayload.count(), 2);
    t.deepEqual(errors, []);
    stop();
  });

  test(`oidc-provider's own models work through the adapter [${kind}]`, async (t) => {
    const { db } = await setup(t, kind);
    const provider = new Provider('http://localhost:3000', {
      adapter: prismaAdapter(db),
      clients: [{ client_id: 'rp', client_secret: 'a-long-enough-secret', redirect_uris: ['https://rp.example/cb'] }],
    });
    const client = await provider.Client.find('rp');
    if (!client) return t.fail('static client not found');
    const token = new provider.AccessToken({ accountId: 'acct-1', client, grantId: 'grant-1', gty: 'authorization_code', scope: 'openid' });
    const value = await token.save();
    const found = await provider.AccessToken.find(value);
    t.is(found?.accountId, 'acct-1');
    t.is(found?.grantId, 'grant-1');
    await provider.AccessToken.revokeByGrantId('grant-1');
    t.is(await provider.AccessToken.find(value), undefined);

    const now = Math.floor(Date.now() / 1000);
    await new (prismaAdapter(db))('Session').upsert(
      'sess-1', { jti: 'sess-1', uid: 'uid-1', accountId: 'acct-1', kind: 'Session', iat: now, exp: now + 60 }, 60,
    );
    t.is((await provider.Session.findByUid('uid-1'))?.accountId, 'acct-1');

    const code = new provider.AuthorizationCode({
      accountId: 'acct-1', client, grantId: 'grant-2', gty: 'authorization_code', redirectUri: 'https://rp.example/cb', scope: 'openid',
    });
    const codeValue = await code.save();
    const loaded = await provider.AuthorizationCode.find(codeValue);
    t.truthy(loaded);
    await loaded!.consume();
    const rows = await db.oidcPayload.findMany({ where: { model: 'AuthorizationCode' } });
    t.is(rows.length, 1);
    t.truthy(rows[0]?.consumedAt);
    t.is((await provider.AuthorizationCode.find(codeValue))?.grantId, 'grant-2');
  });

  test(`bearer values are kept as digests: the value is in no row, yet found, consumed and destroyed by it [${kind}]`, async (t) => {
    const { db } = await setup(t, kind);
    const Adapter = prismaAdapter(db);
    const value = 'rt-value-that-is-a-credential';
    const tokens = new Adapter('RefreshToken');
    await tokens.upsert(value, { jti: value, grantId: 'g1', accountId: 'a1' }, 60);
    await new Adapter('Grant').upsert('g1', { jti: 'g1', accountId: 'a1' }, 60);
    const rows = await db.oidcPayload.findMany();
    t.false(JSON.stringify(rows).includes(value));
    t.deepEqual(rows.map((row) => row.id).sort(), [tokenDigest(value), 'g1'].sort());
    t.deepEqual(await tokens.find(value), { jti: value, grantId: 'g1', accountId: 'a1' });
    await tokens.consume(value);
    t.is(typeof (await tokens.find(value))?.consumed, 'number');
    await tokens.destroy(value);
    t.is(await tokens.find(value), undefined);
    t.is(await db.oidcPayload.count({ where: { model: 'RefreshToken' } }), 0);
    // Grants and clients keep their ids: they are not credentials.
    t.deepEqual(await new Adapter('Grant').find('g1'), { jti: 'g1', accountId: 'a1' });
  });

  test(`every bearer model is stored under the digest, every other model under its id [${kind}]`, async (t) => {
    const { db } = await setup(t, kind);
    const Adapter = prismaAdapter(db);
    for (const model of oidcModels) await new Adapter(model).upsert(`value-of-${model}`, { jti: `value-of-${model}` }, 60);
    const rows = await db.oidcPayload.findMany();
    for (const model of oidcModels) {
      const row = rows.find((r) => r.model === model);
      const value = `value-of-${model}`;
      t.is(row?.id, bearerModels.has(model) ? tokenDigest(value) : value, model);
      if (bearerModels.has(model)) t.false(JSON.stringify(row).includes(value), `${model} holds no value`);
    }
    t.true(['Session', 'AccessToken', 'RefreshToken', 'AuthorizationCode', 'RegistrationAccessToken', 'PushedAuthorizationRequest'].every((m) => bearerModels.has(m)));
  });

  test(`a row stored under the value itself (before digests) is still found, consumed and destroyed [${kind}]`, async (t) => {
    const { db } = await setup(t, kind);
    const tokens = new (prismaAdapter(db))('RefreshToken');
    await db.oidcPayload.create({
      data: { model: 'RefreshToken', id: 'legacy-rt', payload: { jti: 'legacy-rt', grantId: 'g1' }, grantId: 'g1', expiresAt: new Date(Date.now() + 60_000) },
    });
    t.deepEqual(await tokens.find('legacy-rt'), { jti: 'legacy-rt', grantId: 'g1' });
    await tokens.consume('legacy-rt');
    t.is(typeof (await tokens.find('legacy-rt'))?.consumed, 'number');
    await tokens.destroy('legacy-rt');
    t.is(await tokens.find('legacy-rt'), undefined);
    t.is(await db.oidcPayload.count(), 0);
  });

  test(`a client's secret is sealed at rest and found open; one moved to another client does not open [${kind}]`, async (t) => {
    const { db } = await setup(t, kind);
    const Adapter = prismaAdapter(db);
    const secret = 'client-secret-that-authenticates-the-client';
    await new Adapter('Client').upsert('c1', { client_id: 'c1', client_secret: secret, redirect_uris: ['https://a.example/cb'] });
    const row = await db.oidcPayload.findUniqueOrThrow({ where: { model_id: { model: 'Client', id: 'c1' } } });
    t.false(JSON.stringify(row).includes(secret));
    t.like(row.payload, { client_id: 'c1', redirect_uris: ['https://a.example/cb'] });
    t.deepEqual(await new Adapter('Client').find('c1'), { client_id: 'c1', client_secret: secret, redirect_uris: ['https://a.example/cb'] });
    // The envelope is bound to its client: copied onto another client's row, it fails instead of opening.
    await db.oidcPayload.create({ data: { model: 'Client', id: 'c2', payload: { ...(row.payload as object), client_id: 'c2' } } });
    await t.throwsAsync(new Adapter('Client').find('c2'), { message: /another context/ });
  });

  test(`client secrets stored before sealing are read as they are, and sealed at start [${kind}]`, async (t) => {
    const { db } = await setup(t, kind);
    const clients = new (prismaAdapter(db))('Client');
    for (const id of ['old', 'unread']) {
      await db.oidcPayload.create({ data: { model: 'Client', id, payload: { client_id: id, client_secret: `plain-${id}-secret` } } });
    }
    await db.oidcPayload.create({ data: { model: 'Client', id: 'public', payload: { client_id: 'public', token_endpoint_auth_method: 'none' } } });
    t.deepEqual(await clients.find('old'), { client_id: 'old', client_secret: 'plain-old-secret' });
    t.is(await sealStoredClientSecrets(db), 2);
    t.is(await sealStoredClientSecrets(db), 0);
    t.false(JSON.stringify(await db.oidcPayload.findMany()).includes('-secret'));
    // Read for the first time after sealing (nothing cached): it opens.
    t.deepEqual(await clients.find('unread'), { client_id: 'unread', client_secret: 'plain-unread-secret' });
    t.deepEqual(await clients.find('public'), { client_id: 'public', token_endpoint_auth_method: 'none' });
  });
}
