// The risk engine in the password login, through the real pages: known device allowed, new country +
// new device stepped up to TOTP (right code completes, wrong code does not), no second factor -> the
// explanatory refusal, never an enrolment offer.
import test from 'ava';
import { totpCode } from '../../src/accounts/totp.ts';
import { verifyAudit } from '../../src/audit/index.ts';
import { startWarden } from '../helpers/server.ts';
import { storeKinds } from '../helpers/store.ts';
import { relyingParty } from '../interactions/relying-party.ts';
import { enrolTotp } from './account-flow.ts';
import {
  Browser, CANADA, CHROME, FIREFOX, JAPAN, attemptLogin, establishHistory, everyDecisionAudited, reachedClient, reasonsOf, redeem, riskWorld, submitCode, throughConsent,
} from './helpers.ts';

/** The page's own content, without the shared head (its viewport meta says "device-width"). */
const mainOf = (html: string): string => html.slice(html.indexOf('<main>'));

for (const kind of storeKinds) {
  test(`a returning user from a known device is allowed [${kind}]`, async (t) => {
    const { w, rp } = await riskWorld(kind);
    t.teardown(() => w.stop());
    const user = await w.createAccount();
    const laptop = new Browser(w.url, CANADA, CHROME);
    const first = await establishHistory(rp, laptop, user);
    t.true(laptop.cookieNames().includes('warden-device'));
    const deviceCookie = (first.response.headers.get('set-cookie') ?? '').split(/,(?=\s*[\w-]+=)/).find((c) => c.trim().startsWith('warden-device=')) ?? '';
    t.regex(deviceCookie, /httponly/i);
    t.regex(deviceCookie, /samesite=lax/i);
    t.regex(deviceCookie, /expires=/i, 'long-lived');

    const again = await attemptLogin(rp, laptop, user.email, user.password);
    t.true(reachedClient(again.final), `${again.final.status} ${again.final.body.slice(0, 200)}`);
    t.is((await redeem(rp, again)).claims()?.sub, user.id);
    const events = await w.db.riskEvent.findMany({ where: { accountId: user.id }, orderBy: { at: 'asc' } });
    t.is(events.length, 2);
    const latest = events[1];
    t.is(latest?.decision, 'allow');
    t.is(latest?.country, 'CA');
    t.is((latest?.features as Record<string, number>)['new_device'], 0);
    t.is(latest?.clientId, rp.client.client_id);
    t.true((await verifyAudit(w.db)).ok);
  });

  test(`without WARDEN_TRUST_PROXY the address is the connection's, whatever X-Forwarded-For says [${kind}]`, async (t) => {
    const w = await startWarden({ kind, wardenOptions: { risk: true } });
    t.teardown(() => w.stop());
    const rp = await relyingParty(w);
    const user = await w.createAccount();
    await establishHistory(rp, new Browser(w.url, JAPAN, CHROME), user);
    const event = await w.db.riskEvent.findFirstOrThrow({ where: { accountId: user.id } });
    t.is(event.ip, '127.0.0.1');
    t.is(event.country, null);
    const audit = await everyDecisionAudited(w);
    t.deepEqual(audit.missing, []);
    t.true(audit.chainOk);
  });

  test(`behind a proxy the address is the one the proxy added, not what the client put before it [${kind}]`, async (t) => {
    const { w, rp } = await riskWorld(kind);
    t.teardown(() => w.stop());
    const user = await w.createAccount();
    // The client sends its own X-Forwarded-For (claiming Japan); the load balancer appends the address
    // it saw. Trusting the first entry would let every request pick its address: per-address
    // throttling and velocity would see a new address each time.
    await establishHistory(rp, new Browser(w.url, `${JAPAN}, ${CANADA}`, CHROME), user);
    const event = await w.db.riskEvent.findFirstOrThrow({ where: { accountId: user.id } });
    t.is(event.ip, CANADA);
    t.is(event.country, 'CA');
  });

  test(`behind a proxy, an X-Forwarded-For that does not end in an address is refused with 400, before anything is stored [${kind}]`, async (t) => {
    const { w, rp } = await riskWorld(kind);
    t.teardown(() => w.stop());
    const user = await w.createAccount();
    // A proxy always appends an address: anything else reached Warden around it, or through a broken one.
    for (const forwarded of ['not-an-address', `${CANADA}, ${'x'.repeat(3000)}`, `${CANADA},`]) {
      const { url } = await rp.authorizationUrl({ prompt: 'login' });
      const page = await new Browser(w.url, forwarded, CHROME).request(url.href);
      t.is(page.status, 400, forwarded.slice(0, 40));
      // The honest client is served as before.
      t.true(reachedClient((await attemptLogin(rp, new Browser(w.url, CANADA, CHROME), user.email, user.password)).final));
      const token = await fetch(`${w.issuer}/token`, { method: 'POST', headers: { 'x-forwarded-for': forwarded, 'content-type': 'application/x-www-form-urlencoded' }, body: 'grant_type=client_credentials' });
      t.is(token.status, 400, forwarded.slice(0, 40));
      t.like(await token.json(), { error: 'invalid_request' });
    }
    t.is(await w.db.riskEvent.count({ where: { ip: { not: CANADA } } }), 0);
  });

  test(`behind a proxy that writes the port too, the address is kept without it [${kind}]`, async (t) => {
    const { w, rp } = await riskWorld(kind);
    t.teardown(() => w.stop());
    const user = await w.createAccount();
    await establishHistory(rp, new Browser(w.url, `${CANADA}:51234`, CHROME), user);
    await establishHistory(rp, new Browser(w.url, `[2001:db8::7]:443`, CHROME), user);
    const events = await w.db.riskEvent.findMany({ where: { accountId: user.id }, orderBy: { at: 'asc' } });
    t.deepEqual(events.map((e) => e.ip), [CANADA, '2001:db8::7']);
  });

  test(`WARDEN_TRUST_PROXY=2 takes the address the outer of two proxies added [${kind}]`, async (t) => {
    const w = await startWarden({ kind, env: { WARDEN_TRUST_PROXY: '2' }, wardenOptions: { risk: true } });
    t.teardown(() => w.stop());
    const rp = await relyingParty(w);
    const user = await w.createAccount();
    // client-forged, then the CDN's view of the client, then the CDN's own address as the inner proxy saw it.
    await establishHistory(rp, new Browser(w.url, `${JAPAN}, ${CANADA}, 10.1.2.3`, CHROME), user);
    const event = await w.db.riskEvent.findFirstOrThrow({ where: { accountId: user.id } });
    t.is(event.ip, CANADA);
  });

  test(`a new country and a new device ask for TOTP: a wrong code does not complete, the right one does [${kind}]`, async (t) => {
    const { w, rp } = await riskWorld(kind);
    t.teardown(() => w.stop());
    const user = await w.createAccount();
    const laptop = new Browser(w.url, CANADA, CHROME);
    await establishHistory(rp, laptop, user);
    const { secret } = await enrolTotp(laptop, w.url);

    const stranger = new Browser(w.url, JAPAN, FIREFOX);
    const attempt = await attemptLogin(rp, stranger, user.email, user.password);
    t.is(attempt.response.status, 303);
    t.regex(attempt.response.location ?? '', /\/step-up$/);
    const form = attempt.final;
    t.is(form.status, 200);
    t.regex(form.body, /name="code"/);
    t.notRegex(mainOf(form.body), /country|device|Japan/i, 'the page does not say which signal fired');
    t.is(form.headers.get('content-security-policy')?.includes("frame-ancestors 'none'"), true);
    const stepUpEvent = await w.db.riskEvent.findFirstOrThrow({ where: { accountId: user.id, decision: 'step_up' } });
    t.is(stepUpEvent.country, 'JP');
    t.true(reasonsOf(stepUpEvent).length > 0);

    const wrong = await submitCode(stranger, form, '000000');
    t.is(wrong.status, 303);
    const again = await stranger.follow(wrong);
    t.regex(again.body, /not right/);
    t.false(reachedClient(again));
    t.is(await w.db.auditEvent.count({ where: { kind: 'login.step_up.failed', subject: user.id } }), 1);

    // A code from the next time step: the current one was spent confirming the enrolment.
    const right = await submitCode(stranger, again, totpCode(secret, Date.now() + 30_000));
    t.is(right.status, 303);
    const final = await throughConsent(stranger, await stranger.follow(right));
    t.true(reachedClient(final), `${final.status}`);
    const tokens = await redeem(rp, { ...attempt, final });
    t.is(tokens.claims()?.sub, user.id);
    const succeeded = await w.db.auditEvent.findMany({ where: { kind: 'login.succeeded', subject: user.id }, orderBy: { seq: 'asc' } });
    t.deepEqual(JSON.parse(succeeded.at(-1)?.data ?? '{}').amr, ['pwd', 'otp', 'mfa']);

    const resolved = await w.db.riskEvent.findUniqueOrThrow({ where: { id: stepUpEvent.id } });
    t.is(resolved.decision, 'allow');
    t.true(reasonsOf(resolved).includes('second factor verified'));
    const passed = await w.db.auditEvent.findFirstOrThrow({ where: { kind: 'login.step_up.passed', subject: user.id } });
    t.is(JSON.parse(passed.data).method, 'totp');
    t.true((await verifyAudit(w.db)).ok);
  });

  test(`too many wrong codes end the held login [${kind}]`, async (t) => {
    const { w, rp } = await riskWorld(kind);
    t.teardown(() => w.stop());
    const user = await w.createAccount();
    const laptop = new Browser(w.url, CANADA, CHROME);
    await establishHistory(rp, laptop, user);
    await enrolTotp(laptop, w.url);
    const stranger = new Browser(w.url, JAPAN, FIREFOX);
    let page = (await attemptLogin(rp, stranger, user.email, user.password)).final;
    let last = page;
    let throttled = 0;
    for (let wrong = 0; wrong < 5; ) {
      last = await submitCode(stranger, page, String(100000 + wrong));
      if (last.status === 429) {
        // Codes go through the login throttle too: after three, each further one waits, doubling.
        throttled += 1;
        t.regex(last.body, /Too many codes/);
        await new Promise((resolve) => setTimeout(resolve, Number(last.headers.get('retry-after') ?? '1') * 1000 + 100));
        continue;
      }
      wrong += 1;
      if (last.status === 303) page = await stranger.follow(last);
    }
    t.true(throttled > 0, 'the fourth code in a row was throttled');
    t.is(last.status, 403);
    t.regex(last.body, /Too many codes/);
    const event = await w.db.riskEvent.findFirstOrThrow({ where: { accountId: user.id, country: 'JP' } });
    t.is(event.decision, 'deny');
    t.true(reasonsOf(event).includes('second factor failed'));
  });

  test(`a user without a second factor is refused with a page that says what to do [${kind}]`, async (t) => {
    const { w, rp } = await riskWorld(kind);
    t.teardown(() => w.stop());
    const user = await w.createAccount();
    await establishHistory(rp, new Browser(w.url, CANADA, CHROME), user);

    const stranger = new Browser(w.url, JAPAN, FIREFOX);
    const attempt = await attemptLogin(rp, stranger, user.email, user.password);
    t.is(attempt.response.status, 403);
    t.regex(attempt.response.body, /contact your administrator/);
    t.regex(attempt.response.body, /device and place you usually use/);
    t.notRegex(attempt.response.body, /\/account|set up|enrol|QR/i, 'no enrolment offer to whoever holds the password');
    t.notRegex(mainOf(attempt.response.body), /country|Japan/i);
    t.is(attempt.response.headers.get('x-frame-options'), 'DENY');
    const event = await w.db.riskEvent.findFirstOrThrow({ where: { accountId: user.id, country: 'JP' } });
    t.is(event.decision, 'deny');
    t.true(reasonsOf(event).includes('step-up required but the account has no second factor'));
    const denied = await w.db.auditEvent.findFirstOrThrow({ where: { kind: 'login.denied', subject: user.id } });
    t.is(JSON.parse(denied.data).why, 'step_up_without_second_factor');
    t.is(await w.db.auditEvent.count({ where: { kind: 'login.succeeded', subject: user.id } }), 1);
  });
}
