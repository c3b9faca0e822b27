// Legitimate automation through the real pages: an end-to-end suite signing in many test accounts
// from one machine with a headless browser, each with a fresh cookie jar. The model used to read
// "HeadlessChrome" as an attack on its own; it must judge by what distinguishes attacks (failures,
// new networks and countries), so a CI runner on loopback is let through, first sign-ins and
// returning ones alike. (The stuffing test in stuffing-and-modes.test.ts checks the other side.)
import test from 'ava';
import { startWarden } from '../helpers/server.ts';
import { storeKinds } from '../helpers/store.ts';
import { BrowserSession, type PageResponse } from '../interactions/browser-session.ts';
import { relyingParty } from '../interactions/relying-party.ts';
import { attemptLogin, reachedClient, reasonsOf } from './helpers.ts';
import { thresholdsFor } from '../../src/risk/policy.ts';

const HEADLESS = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/131.0.0.0 Safari/537.36';

/**
 * A headless browser context on this machine: no X-Forwarded-For (the server does not trust a proxy
 * here, so the address is loopback), its own cookie jar, the headless user agent on every request.
 * `address` and `userAgent` make it usable wherever the helpers take a Browser.
 */
class HeadlessContext extends BrowserSession {
  readonly address = '127.0.0.1';
  readonly userAgent = HEADLESS;

  override request(url: string, init: { method?: string; form?: Record<string, string>; headers?: Record<string, string> } = {}): Promise<PageResponse> {
    return super.request(url, { ...init, headers: { 'user-agent': this.userAgent, ...init.headers } });
  }
}

for (const kind of storeKinds) {
  test(`a CI runner signing in 30 test accounts with a headless browser from loopback is allowed [${kind}]`, async (t) => {
    const w = await startWarden({ kind, wardenOptions: { risk: true } });
    t.teardown(() => w.stop());
    const rp = await relyingParty(w);
    const accounts = [];
    for (let i = 0; i < 30; i++) accounts.push(await w.createAccount());

    // (a) Every test account signs in once, each from a fresh browser context, correct passwords.
    for (const account of accounts) {
      const attempt = await attemptLogin(rp, new HeadlessContext(w.url), account.email, account.password);
      t.true(reachedClient(attempt.final), `${account.email}: ${attempt.final.status} ${attempt.final.body.slice(0, 200)}`);
    }
    const firsts = await w.db.riskEvent.findMany({ where: { kind: 'password_login', success: true }, orderBy: { at: 'asc' } });
    t.is(firsts.length, 30);
    t.true(firsts.every((e) => e.decision === 'allow' && e.browserFamily === 'HeadlessChrome'));
    t.log(`first sign-ins: scores ${Math.min(...firsts.map((e) => e.score)).toFixed(4)}-${Math.max(...firsts.map((e) => e.score)).toFixed(4)}, `
      + `${firsts.filter((e) => reasonsOf(e).some((r) => /^first sign-in of this account/.test(r))).length} lifted by trust on first use`);
    t.true(firsts.every((e) => e.score < thresholdsFor('password_login').deny), 'no first sign-in is deny-level');

    // (b) One of them again, from a new context (a new device): a returning account, not a first use,
    // so nothing but the score lets it through.
    const again = accounts[7];
    if (!again) throw new Error('no account');
    const attempt = await attemptLogin(rp, new HeadlessContext(w.url), again.email, again.password);
    t.true(reachedClient(attempt.final), `${attempt.final.status} ${attempt.final.body.slice(0, 200)}`);
    const second = await w.db.riskEvent.findFirstOrThrow({ where: { accountId: again.id, success: true }, orderBy: { at: 'desc' } });
    t.log(`returning sign-in: score ${second.score.toFixed(5)} (step-up at ${thresholdsFor('password_login').stepUp}): ${reasonsOf(second).join('; ')}`);
    t.is(second.decision, 'allow');
    t.false(reasonsOf(second).some((r) => /first sign-in/.test(r)));
    t.true(second.score < thresholdsFor('password_login').stepUp);
  });
}
