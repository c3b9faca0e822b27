// The simulator's features (models/risk/featurize.py) and the server's (src/risk/features/) agree
// on the same event stream, on both stores. Fixture: simulate.py --population parity --events-json.
import { readFileSync } from 'node:fs';
import test from 'ava';
import { z } from 'zod';
import type { ParsedRiskContext, ResolvedEvent } from '../../src/risk/events.ts';
import { computeFeatures } from '../../src/risk/features/index.ts';
import { featureNames } from '../../src/risk/spec.ts';
import { openTestStore, storeKinds } from '../helpers/store.ts';

const simEvent = z.object({
  at: z.number(), kind: z.enum(['password_login', 'refresh', 'token_exchange']), account: z.string().nullable(),
  login: z.string(), client: z.string().nullable(), ip: z.string(), prefix: z.string(), country: z.string().nullable(),
  lat: z.number().nullable(), lon: z.number().nullable(), family: z.string().nullable(), device: z.string().nullable(),
  success: z.boolean(), token: z.string().nullable(), grant: z.string().nullable(), trusted: z.boolean(),
  exchange: z.object({ age_min: z.number(), external: z.boolean(), scope_expansion: z.number(), audience_new: z.boolean(),
    actor_depth: z.number() }).optional(),
  x: z.array(z.number()),
});
const fixture = z.object({ features: z.array(z.string()), events: z.array(simEvent) })
  .parse(JSON.parse(readFileSync(new URL('./fixtures/parity-events.json', import.meta.url), 'utf8')));
type SimEvent = z.infer<typeof simEvent>;

function contextOf(e: SimEvent, at: Date): ParsedRiskContext {
  const base = { at, ip: e.ip, success: e.success, clientId: e.client ?? undefined, accountId: e.account ?? undefined };
  if (e.kind === 'refresh') return { ...base, kind: 'refresh', accountId: e.account ?? '', grantId: e.grant ?? '', tokenId: e.token ?? '' };
  if (e.kind === 'token_exchange') {
    const x = e.exchange;
    if (!x) throw new Error('exchange details missing');
    return { ...base, kind: 'token_exchange', actorDepth: x.actor_depth,
      subject: { tokenId: e.token ?? undefined, issuer: x.external ? 'https://upstream.example' : 'self',
        issuedAt: new Date(at.getTime() - x.age_min * 60_000), scopes: ['openid'], audiences: ['api'] },
      requestedScopes: ['openid', ...Array.from({ length: x.scope_expansion }, (_, i) => `extra${i}`)],
      requestedAudiences: x.audience_new ? ['elsewhere'] : ['api'] };
  }
  return { ...base, kind: 'password_login', login: e.login, deviceId: e.device ?? undefined };
}

test('fixture uses the current feature order', (t) => {
  t.deepEqual(fixture.features, [...featureNames]);
});

for (const kind of storeKinds) {
  test(`TypeScript features equal the simulator's on its event stream [${kind}]`, async (t) => {
    const s = await openTestStore(kind);
    t.teardown(() => s.dispose());
    let compared = 0;
    for (const [n, e] of fixture.events.entries()) {
      const at = new Date(Math.round(e.at * 1000));
      const ev: ResolvedEvent = {
        ctx: contextOf(e, at), kind: e.kind, at, accountId: e.account, login: e.account ? null : e.login, ip: e.ip,
        ipPrefix: e.prefix, country: e.country, latitude: e.lat, longitude: e.lon, browserFamily: e.family,
        deviceId: e.device, tokenId: e.token, grantId: e.grant,
      };
      const values = await computeFeatures(s.db, ev);
      const bad = featureNames.filter((name, i) => {
        const want = e.x[i] ?? NaN;
        // 1e-4 absolute: the fixture rebuilds issuedAt from a float age at millisecond precision.
        return Math.abs((values[name] ?? NaN) - want) > 1e-4 + 1e-6 * Math.abs(want);
      });
      if (bad.length > 0) {
        t.fail(`event ${n} (${e.kind}): ${bad.map((b) => `${b} ts=${values[b]} py=${e.x[featureNames.indexOf(b)]}`).join(', ')}`);
        return;
      }
      compared++;
      await s.db.riskEvent.create({ data: {
        id: `e${n}`, at, kind: e.kind, accountId: ev.accountId, login: ev.login, clientId: e.client, ip: e.ip,
        ipPrefix: e.prefix, country: e.country, latitude: e.lat, longitude: e.lon, browserFamily: e.family,
        deviceId: e.device, success: e.success, tokenId: e.token, grantId: e.grant, features: values, score: 0,
        decision: e.trusted ? 'allow' : 'deny', reasons: [], modelVersion: 'parity',
      } });
    }
    t.is(compared, fixture.events.length);
  });
}
