// The risk engine at the real token endpoint: a replayed refresh token and a replayed or over-scoped
// token exchange are refused, with the reasons in RiskEvent rows, the audit log and `warden risk events`.
import test from 'ava';
import * as oidc from 'openid-client';
import { storeKinds } from '../helpers/store.ts';
import { cliEnv, runCli } from '../cli/run-cli.ts';
import { relyingParty, type RelyingParty } from '../interactions/relying-party.ts';
import { Browser, CANADA, CHROME, FIREFOX, JAPAN, attemptLogin, everyDecisionAudited, reachedClient, reasonsOf, redeem, riskWorld, waitFor } from './helpers.ts';

const GRANT = 'urn:ietf:params:oauth:grant-type:token-exchange';
const ACCESS_TOKEN = 'urn:ietf:params:oauth:token-type:access_token';

async function publicTokenRequest(issuer: string, clientId: string, form: Record<string, string>, headers: Record<string, string> = {}) {
  const response = await fetch(`${issuer}/token`, {
    method: 'POST',
    headers: { ...headers, 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ ...form, client_id: clientId }).toString(),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

async function tokenRequest(issuer: string, clientId: string, secret: string, form: Record<string, string>, headers: Record<string, string> = {}) {
  const response = await fetch(`${issuer}/token`, {
    method: 'POST',
    headers: {
      ...headers,
      'content-type': 'application/x-www-form-urlencoded',
      authorization: `Basic ${Buffer.from(`${encodeURIComponent(clientId)}:${encodeURIComponent(secret)}`).toString('base64')}`,
    },
    body: new URLSearchParams(form).toString(),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

for (const kind of storeKinds) {
  test(`a replayed refresh token is refused and recorded with its reason [${kind}]`, async (t) => {
    const { w, rp } = await riskWorld(kind);
    t.teardown(() => w.stop());
    const user = await w.createAccount();
    const attempt = await attemptLogin(rp, new Browser(w.url, CANADA, CHROME), user.email, user.password, {
      scope: 'openid offline_access', prompt: 'login consent',
    });
    t.true(reachedClient(attempt.final));
    const tokens = await redeem(rp, attempt);
    const first = tokens.refresh_token ?? '';
    t.truthy(first);
    const rotated = await oidc.refreshTokenGrant(rp.config, first);
    t.truthy(rotated.access_token);

    const replay = await t.throwsAsync(() => oidc.refreshTokenGrant(rp.config, first));
    t.is((replay as { error?: string } | undefined)?.error, 'invalid_grant');
    t.regex((replay as { error_description?: string } | undefined)?.error_description ?? '', /.+/);

    // Recorded after the response (from the provider's grant.error event): wait for the row and its audit entry.
    const denied = await waitFor(() => w.db.riskEvent.findFirst({ where: { kind: 'refresh', decision: 'deny', accountId: user.id } }));
    await waitFor(() => w.db.auditEvent.findFirst({ where: { kind: 'risk.decision', subject: denied.id } }));
    t.regex(reasonsOf(denied)[0] ?? '', /already used was presented again/);
    const allowed = await w.db.riskEvent.findFirstOrThrow({ where: { kind: 'refresh', decision: 'allow', accountId: user.id } });
    t.is(allowed.success, true);

    const cli = await runCli(['risk', 'events', '--kind', 'refresh', '--account', user.email, '--json'], cliEnv(w.config));
    t.is(cli.code, 0, cli.stderr);
    const listed = JSON.parse(cli.stdout) as { decision: string; reasons: string[]; model_version: string }[];
    t.true(listed.some((e) => e.decision === 'deny' && e.reasons.some((r) => /already used/.test(r))), cli.stdout);
    const audit = await everyDecisionAudited(w);
    t.deepEqual(audit.missing, []);
    t.true(audit.chainOk);
  });

  test(`a public client's first refresh is compared with the login that signed its session in; a confidential client's is not [${kind}]`, async (t) => {
    const { w, rp: confidential } = await riskWorld(kind);
    t.teardown(() => w.stop());
    // A browser app: no client secret, so it refreshes from the user's own device.
    const spa = await relyingParty(w, { token_endpoint_auth_method: 'none' });
    const user = await w.createAccount();
    const signIn = async (rp: RelyingParty) => {
      const attempt = await attemptLogin(rp, new Browser(w.url, CANADA, CHROME), user.email, user.password, {
        scope: 'openid offline_access', prompt: 'login consent',
      });
      t.true(reachedClient(attempt.final));
      const login = await w.db.riskEvent.findFirstOrThrow({ where: { kind: 'password_login', accountId: user.id }, orderBy: { at: 'desc' } });
      return { refreshToken: (await redeem(rp, attempt)).refresh_token ?? '', loginId: login.id };
    };
    const refreshFrom = async (rp: RelyingParty, refreshToken: string, headers: Record<string, string>) => {
      const before = new Date();
      const form = { grant_type: 'refresh_token', refresh_token: refreshToken };
      const response = rp.client.client_secret
        ? await tokenRequest(w.issuer, rp.client.client_id, rp.client.client_secret, form, headers)
        : await publicTokenRequest(w.issuer, rp.client.client_id, form, headers);
      const event = await w.db.riskEvent.findFirstOrThrow({ where: { kind: 'refresh', accountId: user.id, at: { gte: before } }, orderBy: { at: 'desc' } });
      return { status: response.status, event, features: event.features as Record<string, number> };
    };
    const loginGrant = async (id: string) => (await w.db.riskEvent.findUniqueOrThrow({ where: { id } })).grantId;

    // From where the user signed in: the origin is known on the very first refresh, and it matches.
    const first = await signIn(spa);
    const usual = await refreshFrom(spa, first.refreshToken, { 'x-forwarded-for': CANADA, 'user-agent': CHROME });
    t.is(usual.status, 200);
    t.truthy(usual.event.grantId);
    t.is(await loginGrant(first.loginId), usual.event.grantId);
    t.is(usual.features['origin_prefix_diff'], 0);
    t.is(usual.features['origin_browser_diff'], 0);
    t.true((usual.features['grant_age_h'] ?? -1) >= 0);

    // A refresh token whose first use comes from another country and browser (taken from the app):
    // that first use is compared with the sign-in instead of becoming the grant's origin itself.
    const second = await signIn(spa);
    const stolen = await refreshFrom(spa, second.refreshToken, { 'x-forwarded-for': JAPAN, 'user-agent': FIREFOX });
    t.is(await loginGrant(second.loginId), stolen.event.grantId);
    t.is(stolen.features['origin_prefix_diff'], 1);
    t.is(stolen.features['origin_country_diff'], 1);
    t.is(stolen.features['origin_browser_diff'], 1);
    t.not(stolen.event.decision, 'allow');
    t.is(stolen.status, 400);

    // A confidential client refreshes from its own servers: its first refresh is its grant's origin.
    const third = await signIn(confidential);
    const backend = await refreshFrom(confidential, third.refreshToken, {});
    t.is(backend.status, 200);
    t.is(await loginGrant(third.loginId), null);
    // Its servers' network is not the browser's, and it is not compared with it.
    t.is(backend.features['origin_prefix_diff'], 0);
  });

  test(`a replayed or over-scoped token exchange is refused and recorded with its reason [${kind}]`, async (t) => {
    const { w, rp } = await riskWorld(kind);
    t.teardown(() => w.stop());
    const user = await w.createAccount();
    const backend = await w.createClient({ grant_types: [GRANT], scope: 'openid profile email', token_exchange_from: [rp.client.client_id] });
    const attempt = await attemptLogin(rp, new Browser(w.url, CANADA, CHROME), user.email, user.password);
    const subject = (await redeem(rp, attempt)).access_token;
    const exchange = (form: Record<string, string>) =>
      tokenRequest(w.issuer, backend.client_id, backend.client_secret ?? '', { grant_type: GRANT, subject_token: subject, subject_token_type: ACCESS_TOKEN, ...form });

    const once = await exchange({ scope: 'openid email' });
    t.is(once.status, 200, JSON.stringify(once.body));
    const replay = await exchange({ scope: 'openid email' });
    t.is(replay.status, 400);
    t.is(replay.body['error'], 'invalid_grant');
    t.regex(String(replay.body['error_description']), /already exchanged/);
    const replayEvent = await w.db.riskEvent.findFirstOrThrow({ where: { kind: 'token_exchange', decision: 'deny', clientId: backend.client_id } });
    t.regex(reasonsOf(replayEvent)[0] ?? '', /subject token already exchanged 1 time/);

    const wide = await exchange({ scope: 'openid email address' });
    t.is(wide.status, 400);
    t.is(wide.body['error'], 'invalid_scope');
    const wideEvent = await waitFor(async () => {
      const rows = await w.db.riskEvent.findMany({ where: { kind: 'token_exchange', decision: 'deny' } });
      return rows.find((r) => reasonsOf(r).some((x) => /beyond the subject token/.test(x)));
    });
    t.regex(reasonsOf(wideEvent)[0] ?? '', /1 scope\(s\) requested beyond the subject token/);
    await waitFor(() => w.db.auditEvent.findFirst({ where: { kind: 'risk.decision', subject: wideEvent.id } }));
    t.is(await w.db.auditEvent.count({ where: { kind: 'token.exchanged' } }), 1);
    const audit = await everyDecisionAudited(w);
    t.deepEqual(audit.missing, []);
    t.true(audit.chainOk);
  });

  test(`a refresh and an exchange from a client with a very long user agent are scored, not failed [${kind}]`, async (t) => {
    const { w, rp } = await riskWorld(kind);
    t.teardown(() => w.stop());
    const user = await w.createAccount();
    const backend = await w.createClient({ grant_types: [GRANT], scope: 'openid profile email', token_exchange_from: [rp.client.client_id] });
    const attempt = await attemptLogin(rp, new Browser(w.url, CANADA, CHROME), user.email, user.password, {
      scope: 'openid offline_access', prompt: 'login consent',
    });
    const tokens = await redeem(rp, attempt);
    // Longer than any limit of the risk context; Node accepts headers up to 16 KiB.
    const userAgent = `Mozilla/5.0 ${'x'.repeat(5000)}`;

    const refreshed = await tokenRequest(w.issuer, rp.client.client_id, rp.client.client_secret ?? '',
      { grant_type: 'refresh_token', refresh_token: tokens.refresh_token ?? '' }, { 'user-agent': userAgent });
    t.is(refreshed.status, 200, JSON.stringify(refreshed.body));
    const exchanged = await tokenRequest(w.issuer, backend.client_id, backend.client_secret ?? '',
      { grant_type: GRANT, subject_token: tokens.access_token, subject_token_type: ACCESS_TOKEN, scope: 'openid' }, { 'user-agent': userAgent });
    t.is(exchanged.status, 200, JSON.stringify(exchanged.body));

    for (const eventKind of ['refresh', 'token_exchange']) {
      const event = await w.db.riskEvent.findFirstOrThrow({ where: { kind: eventKind, decision: 'allow' } });
      t.true(event.userAgent?.startsWith('Mozilla/5.0 xxx'), eventKind);
      t.true((event.userAgent?.length ?? 0) <= 512, eventKind);
    }
  });

  test(`concurrent exchanges of one subject token: exactly one is issued, the others are denied and recorded [${kind}]`, async (t) => {
    const { w, rp } = await riskWorld(kind);
    t.teardown(() => w.stop());
    const user = await w.createAccount();
    const backend = await w.createClient({ grant_types: [GRANT], scope: 'openid profile email', token_exchange_from: [rp.client.client_id] });
    const browser = new Browser(w.url, CANADA, CHROME);
    const rounds = 3;
    const parallel = 20;
    for (let round = 0; round < rounds; round += 1) {
      const subject = (await redeem(rp, await attemptLogin(rp, browser, user.email, user.password))).access_token;
      // All of them may read the subject token's history before any has recorded its exchange.
      const answers = await Promise.all(Array.from({ length: parallel }, () =>
        tokenRequest(w.issuer, backend.client_id, backend.client_secret ?? '', { grant_type: GRANT, subject_token: subject, subject_token_type: ACCESS_TOKEN, scope: 'openid' })));
      t.is(answers.filter((a) => a.status === 200).length, 1, JSON.stringify(answers.map((a) => a.status)));
      for (const refused of answers.filter((a) => a.status !== 200)) {
        t.is(refused.status, 400);
        t.is(refused.body['error'], 'invalid_grant');
      }
    }
    const events = await w.db.riskEvent.findMany({ where: { kind: 'token_exchange' } });
    t.is(events.length, rounds * parallel);
    t.is(events.filter((e) => e.decision === 'allow').length, rounds);
    t.true(events.filter((e) => e.decision === 'deny').every((e) => reasonsOf(e).some((r) => /already exchanged|concurrent request/.test(r))));
    t.is(await w.db.auditEvent.count({ where: { kind: 'token.exchanged' } }), rounds);
  });
}
