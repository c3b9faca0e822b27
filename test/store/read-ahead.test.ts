// A refresh token or code lookup inside a request reads its grant and account in the same statement
// (store/read-ahead.ts); the lookups after it take those rows once, and outside a request nothing is
// read ahead. Deleting rows between the lookups shows which ones ran against the database.
import test from 'ava';
import { accountRowReaders } from '../../src/accounts/account-rows.ts';
import { prismaAdapter } from '../../src/oidc/prisma-adapter.ts';
import { readingAhead, withReadAhead } from '../../src/store/read-ahead.ts';
import { openTestStore, storeKinds } from '../helpers/store.ts';

for (const kind of storeKinds) {
  test(`a refresh token lookup leaves its grant and account for the lookups after it, once [${kind}]`, async (t) => {
    const s = await openTestStore(kind);
    t.teardown(() => s.dispose());
    const Adapter = prismaAdapter(s.db);
    const [tokens, grants] = [new Adapter('RefreshToken'), new Adapter('Grant')];
    const accounts = accountRowReaders(s.db);
    await s.db.account.create({ data: { id: 'acct-1', email: 'ada@example.org', profile: { name: 'Ada' }, groups: ['staff'], roles: [] } });
    await grants.upsert('grant-1', { jti: 'grant-1', accountId: 'acct-1', kind: 'Grant' }, 600);
    await tokens.upsert('rt-1', { jti: 'rt-1', accountId: 'acct-1', grantId: 'grant-1', kind: 'RefreshToken' }, 600);

    t.false(readingAhead());
    await withReadAhead(async () => {
      t.true(readingAhead());
      t.deepEqual(await tokens.find('rt-1'), { jti: 'rt-1', accountId: 'acct-1', grantId: 'grant-1', kind: 'RefreshToken' });
      // Gone from the database now: what the next lookups return was read with the token.
      await s.db.oidcPayload.deleteMany({ where: { model: 'Grant' } });
      await s.db.account.update({ where: { id: 'acct-1' }, data: { profile: { name: 'Changed' } } });
      t.deepEqual(await grants.find('grant-1'), { jti: 'grant-1', accountId: 'acct-1', kind: 'Grant' });
      const account = await accounts.byId('acct-1');
      t.is(account?.email, 'ada@example.org');
      t.deepEqual(account?.profile, { name: 'Ada' });
      t.deepEqual(account?.groups, ['staff']);
      // Taken once: asked again, both come from the database.
      t.is(await grants.find('grant-1'), undefined);
      t.deepEqual((await accounts.byId('acct-1'))?.profile, { name: 'Changed' });
    });
  });

  test(`what a token lookup reads ahead is absent when the grant expired or the account is gone, and a write drops it [${kind}]`, async (t) => {
    const s = await openTestStore(kind);
    t.teardown(() => s.dispose());
    const Adapter = prismaAdapter(s.db);
    const [codes, grants] = [new Adapter('AuthorizationCode'), new Adapter('Grant')];
    const accounts = accountRowReaders(s.db);
    await grants.upsert('grant-old', { jti: 'grant-old', accountId: 'nobody' }, 600);
    await s.db.oidcPayload.update({ where: { model_id: { model: 'Grant', id: 'grant-old' } }, data: { expiresAt: new Date(Date.now() - 1000) } });
    await codes.upsert('code-1', { jti: 'code-1', accountId: 'nobody', grantId: 'grant-old' }, 600);
    await withReadAhead(async () => {
      t.truthy(await codes.find('code-1'));
      // Known absent: restored rows are not seen, because nothing is queried.
      await grants.upsert('grant-old', { jti: 'grant-old', accountId: 'nobody', restored: true }, 600);
      t.deepEqual(await grants.find('grant-old'), { jti: 'grant-old', accountId: 'nobody', restored: true }, 'the write dropped the row read ahead');
      await s.db.account.create({ data: { id: 'nobody', email: 'late@example.org', profile: {}, groups: [], roles: [] } });
      t.is(await accounts.byId('nobody'), undefined, 'absent when the code was read');
      t.is((await accounts.byId('nobody'))?.email, 'late@example.org');
    });
    // Outside a request every lookup is its own statement.
    await s.db.oidcPayload.deleteMany({ where: { model: 'Grant' } });
    t.truthy(await codes.find('code-1'));
    t.is(await grants.find('grant-old'), undefined);
  });

  test(`a grant revoked or consumed in the same request is looked up again, not served from the read-ahead [${kind}]`, async (t) => {
    const s = await openTestStore(kind);
    t.teardown(() => s.dispose());
    const Adapter = prismaAdapter(s.db);
    const [tokens, grants] = [new Adapter('RefreshToken'), new Adapter('Grant')];
    await grants.upsert('grant-2', { jti: 'grant-2', accountId: 'acct-2' }, 600);
    await tokens.upsert('rt-2', { jti: 'rt-2', accountId: 'acct-2', grantId: 'grant-2' }, 600);
    await withReadAhead(async () => {
      t.truthy(await tokens.find('rt-2'));
      // A replayed refresh token revokes its grant: what was read ahead must not outlive that.
      await grants.destroy('grant-2');
      t.is(await grants.find('grant-2'), undefined);
    });
    await grants.upsert('grant-2', { jti: 'grant-2', accountId: 'acct-2' }, 600);
    await withReadAhead(async () => {
      t.truthy(await tokens.find('rt-2'));
      await grants.consume('grant-2');
      t.is(typeof (await grants.find('grant-2'))?.consumed, 'number', 'the consumption is seen');
    });
  });
}

for (const kind of storeKinds) {
  test(`an interaction and a session by uid read twice in one request are read once; a write in between drops them [${kind}]`, async (t) => {
    const s = await openTestStore(kind);
    t.teardown(() => s.dispose());
    const Adapter = prismaAdapter(s.db);
    const [interactions, sessions] = [new Adapter('Interaction'), new Adapter('Session')];
    await interactions.upsert('int-1', { jti: 'int-1', kind: 'Interaction', params: { scope: 'openid' } }, 600);
    await sessions.upsert('sess-cookie', { jti: 'sess-cookie', uid: 'sess-uid', accountId: 'acct-1', kind: 'Session' }, 600);

    await withReadAhead(async () => {
      const first = await interactions.find('int-1');
      t.deepEqual((await sessions.findByUid('sess-uid'))?.accountId, 'acct-1');
      // What the first lookup returned is the caller's to change; the kept row is not.
      if (first?.params && typeof first.params === 'object') Object.assign(first.params, { scope: 'changed' });
      await s.db.oidcPayload.deleteMany({ where: { model: { in: ['Interaction', 'Session'] } } });
      t.deepEqual(await interactions.find('int-1'), { jti: 'int-1', kind: 'Interaction', params: { scope: 'openid' } });
      t.is((await sessions.findByUid('sess-uid'))?.accountId, 'acct-1');
      // Taken once: the third lookup is the database's answer.
      t.is(await interactions.find('int-1'), undefined);
      t.is(await sessions.findByUid('sess-uid'), undefined);
    });

    await interactions.upsert('int-2', { jti: 'int-2', kind: 'Interaction', result: {} }, 600);
    await withReadAhead(async () => {
      t.truthy(await interactions.find('int-2'));
      await interactions.upsert('int-2', { jti: 'int-2', kind: 'Interaction', result: { login: { accountId: 'acct-1' } } }, 600);
      t.deepEqual((await interactions.find('int-2'))?.result, { login: { accountId: 'acct-1' } });
    });
    // Outside a request nothing is kept.
    t.truthy(await interactions.find('int-2'));
    await s.db.oidcPayload.deleteMany({ where: { model: 'Interaction' } });
    t.is(await interactions.find('int-2'), undefined);
  });
}
