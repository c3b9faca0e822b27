// findAccount and the stale-session check, against a stub account service.
import test from 'ava';
import type { KoaContextWithOIDC } from 'oidc-provider';
import type { AccountRecord } from '../../src/accounts/account-service.ts';
import { createFindAccount, staleSessionCheck } from '../../src/accounts/oidc-account.ts';
import { loginTimestamp, nextSessionEpoch, toUnixSeconds } from '../../src/accounts/session-epoch.ts';

function record(overrides: Partial<AccountRecord> = {}): AccountRecord {
  return {
    id: 'acc-1',
    email: 'ivy@example.org',
    emailVerified: true,
    profile: { name: 'Ivy' },
    groups: ['g'],
    roles: ['r'],
    isAdmin: false,
    disabled: false,
    sessionEpoch: 0,
    hasPassword: true,
    hasSecondFactor: false,
    createdAt: new Date(),
    updatedAt: new Date(),
    ...overrides,
  };
}

// Only the parts of oidc-provider's context that findAccount and the check read.
function context(session?: { accountId?: string; loginTs?: number }, account?: object): KoaContextWithOIDC {
  return { oidc: { session, account } } as unknown as KoaContextWithOIDC;
}

test('findAccount returns every claim for an active account', async (t) => {
  const find = createFindAccount({ findById: async () => record() });
  const found = await find(context(), 'acc-1');
  t.is(found?.accountId, 'acc-1');
  const claims = await found?.claims('id_token', 'openid', {}, []);
  t.like(claims, { sub: 'acc-1', email: 'ivy@example.org', name: 'Ivy', groups: ['g'], roles: ['r'] });
});

test('findAccount refuses unknown and disabled accounts', async (t) => {
  t.is(await createFindAccount({ findById: async () => undefined })(context(), 'x'), undefined);
  t.is(await createFindAccount({ findById: async () => record({ disabled: true }) })(context(), 'acc-1'), undefined);
});

test('findAccount refuses a browser session from before the session epoch', async (t) => {
  const epoch = nextSessionEpoch(0);
  const find = createFindAccount({ findById: async () => record({ sessionEpoch: epoch }) });
  const staleTs = toUnixSeconds(epoch) - 10;
  t.is(await find(context({ accountId: 'acc-1', loginTs: staleTs }), 'acc-1'), undefined);
  t.truthy(await find(context({ accountId: 'acc-1', loginTs: loginTimestamp(epoch) }), 'acc-1'));
});

test('findAccount refuses codes and refresh tokens authenticated before the epoch', async (t) => {
  const epoch = nextSessionEpoch(0);
  const find = createFindAccount({ findById: async () => record({ sessionEpoch: epoch }) });
  const oldToken = { authTime: toUnixSeconds(epoch) - 60 } as unknown as Parameters<typeof find>[2];
  const newToken = { authTime: toUnixSeconds(epoch) } as unknown as Parameters<typeof find>[2];
  t.is(await find(context(), 'acc-1', oldToken), undefined);
  t.truthy(await find(context(), 'acc-1', newToken));
});

test('the stale-session check asks for a login when the session account was refused', async (t) => {
  const check = staleSessionCheck();
  t.is(check.reason, 'stale_session');
  t.true(await check.check(context({ accountId: 'acc-1' }, undefined)));
  t.false(await check.check(context({ accountId: 'acc-1' }, { accountId: 'acc-1' })));
  t.false(await check.check(context({}, undefined)));
});
