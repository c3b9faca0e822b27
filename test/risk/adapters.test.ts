import test from 'ava';
import { assessExchangeWith, assessRefreshWith, exchangeContext, refreshContext } from '../../src/risk/adapters.ts';
import type { RiskDecision, RiskEngine } from '../../src/risk/engine.ts';
import type { RiskContext } from '../../src/risk/events.ts';
import type { ExchangeAssessmentContext } from '../../src/oidc/token-exchange/types.ts';

const exchange: ExchangeAssessmentContext = {
  client: { clientId: 'gateway' },
  subject: { kind: 'access_token', accountId: 'acct-1', clientId: 'portal', scopes: new Set(['openid', 'email']),
    audiences: new Set(['https://api']), tokenId: 'jti-1', act: { sub: 'svc-a', act: { sub: 'svc-b' } } },
  actor: { kind: 'client_credentials', accountId: undefined, clientId: 'gateway', scopes: new Set(), audiences: new Set(),
    tokenId: undefined, act: undefined },
  scopes: ['openid'],
  target: 'https://downstream',
  ip: '8.8.8.8',
  userAgent: 'undici',
};

function fakeEngine(answer: Partial<RiskDecision>, seen: RiskContext[]): RiskEngine {
  const decide = (ctx: RiskContext): RiskDecision => {
    seen.push(ctx);
    return { decision: 'allow', policyDecision: 'allow', score: 0.9, reasons: ['new device', 'replayed'],
      hardRules: ['replayed'], userMessage: '', eventId: 'ev-1', modelVersion: 'm', ...answer };
  };
  return {
    mode: 'enforce',
    assess: async (ctx) => decide(ctx),
    assessRecordingLater: async (ctx) => ({ decision: decide(ctx), recorded: Promise.resolve() }),
    resolveStepUp: async () => {},
    linkGrant: async () => false,
  };
}

test('exchange context: scopes, target and the resulting delegation depth', (t) => {
  const c = exchangeContext(exchange, { issuedAt: new Date(0) });
  t.is(c.actorDepth, 3);
  t.deepEqual(c.requestedAudiences, ['https://downstream']);
  t.deepEqual(c.subject.scopes, ['openid', 'email']);
  t.is(c.subject.issuer, 'self');
  t.is(c.accountId, 'acct-1');
});

test('refresh context carries grant and token ids', (t) => {
  const c = refreshContext({ clientId: 'portal', accountId: 'a', grantId: 'g', tokenId: 'rt', ip: '1.2.3.4', userAgent: undefined });
  t.is(c.kind, 'refresh');
  t.is(c.grantId, 'g');
  t.is(c.tokenId, 'rt');
});

test('token-endpoint answers carry hard rules and a reference, never the model signals', async (t) => {
  const seen: RiskContext[] = [];
  const denied = await assessExchangeWith(fakeEngine({ decision: 'deny' }, seen))(exchange);
  t.deepEqual(denied, { decision: 'deny', reasons: ['replayed', 'risk event ev-1'] });
  const allowed = await assessRefreshWith(fakeEngine({}, seen))({ clientId: 'p', accountId: 'a', grantId: 'g', tokenId: 't', ip: '1.2.3.4', userAgent: undefined });
  const { recorded, ...answer } = allowed;
  t.deepEqual(answer, { decision: 'allow', reasons: [] });
  // The refresh hook hands the record's write on, for the token endpoint to await before answering.
  t.true(recorded instanceof Promise);
  t.is(seen.length, 2);
});
