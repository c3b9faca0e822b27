import test from 'ava';
import { createMetrics, routeLabel } from '../../src/ops/metrics.ts';
import { wardenMetrics } from '../../src/ops/warden-metrics.ts';
import { startWarden } from '../helpers/server.ts';
import { BrowserSession } from '../interactions/browser-session.ts';
import { openLoginPage, relyingParty, signIn, submitLogin } from '../interactions/relying-party.ts';

function sample(text: string, name: string, labels: string): number {
  const line = text.split('\n').find((l) => l.startsWith(`${name}{${labels}}`));
  return line ? Number(line.split(' ').pop()) : 0;
}

test('/metrics counts requests per route, logins by outcome and tokens by grant', async (t) => {
  const metrics = createMetrics();
  const w = await startWarden({ kind: 'sqlite', wardenOptions: { metrics: wardenMetrics(metrics) } });
  t.teardown(() => w.stop());
  const account = await w.createAccount();
  const rp = await relyingParty(w);

  const browser = new BrowserSession(w.url);
  const { url } = await rp.authorizationUrl();
  const loginPage = await openLoginPage(browser, url);
  const wrong = await submitLogin(browser, loginPage, account.email, 'not the password at all, sorry');
  t.not(wrong.status, 500);
  await signIn(w, rp, account);

  const svc = await w.createClient({ grant_types: ['client_credentials'], response_types: [], redirect_uris: [] });
  const token = await fetch(`${w.url}/token`, {
    method: 'POST',
    headers: {
      authorization: `Basic ${Buffer.from(`${svc.client_id}:${svc.client_secret ?? ''}`).toString('base64')}`,
      'content-type': 'application/x-www-form-urlencoded',
    },
    body: 'grant_type=client_credentials',
  });
  t.is(token.status, 200);

  const response = await fetch(`${w.url}/metrics`);
  t.is(response.status, 200);
  t.regex(response.headers.get('content-type') ?? '', /text\/plain/);
  const text = await response.text();
  t.is(sample(text, 'warden_logins_total', 'outcome="failed"'), 1);
  t.is(sample(text, 'warden_logins_total', 'outcome="succeeded"'), 1);
  t.is(sample(text, 'warden_tokens_issued_total', 'grant_type="client_credentials"'), 1);
  t.true(sample(text, 'warden_http_requests_total', 'method="POST",route="/token",status="200"') >= 1);
  t.true(sample(text, 'warden_http_requests_total', 'method="GET",route="/interaction/:uid",status="200"') >= 1);
});

test('route labels stay bounded whatever the path', (t) => {
  t.is(routeLabel('/interaction/abc123/login'), '/interaction/:uid');
  t.is(routeLabel('/reg/some-client'), '/reg/:client_id');
  t.is(routeLabel('/token'), '/token');
  t.is(routeLabel('/wp-admin/../../etc/passwd'), 'other');
});
