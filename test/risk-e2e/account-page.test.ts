// The account page over HTTP: signed-out refusal, TOTP enrolment with a QR code, recovery codes shown
// once and usable once at a step-up, removal with a current code; CSRF and headers on every page.
import test from 'ava';
import { totpCode } from '../../src/accounts/totp.ts';
import { verifyAudit } from '../../src/audit/index.ts';
import { storeKinds } from '../helpers/store.ts';
import { formToken } from '../interactions/browser-session.ts';
import { codesOnPage, secretOnPage } from './account-flow.ts';
import { Browser, CANADA, CHROME, FIREFOX, GERMANY_HOSTING, JAPAN, attemptLogin, establishHistory, reachedClient, riskWorld, submitCode, throughConsent } from './helpers.ts';

for (const kind of storeKinds) {
  test(`account page: enrol TOTP, see recovery codes once, use one at a step-up, remove TOTP [${kind}]`, async (t) => {
    const { w, rp } = await riskWorld(kind);
    t.teardown(() => w.stop());
    const user = await w.createAccount();

    const signedOut = await new Browser(w.url, CANADA, CHROME).get(`${w.url}/account`);
    t.is(signedOut.status, 401);
    t.regex(signedOut.body, /Sign in first/);
    t.is(signedOut.headers.get('x-frame-options'), 'DENY');

    const laptop = new Browser(w.url, CANADA, CHROME);
    await establishHistory(rp, laptop, user);
    const home = await laptop.get(`${w.url}/account`);
    t.is(home.status, 200);
    t.regex(home.body, /No second factor is set up/);
    t.regex(home.body, /href="\/account\/totp"/);

    const enrol = await laptop.get(`${w.url}/account/totp`);
    t.is(enrol.status, 200);
    t.regex(enrol.body, /<svg[^>]*xmlns="http:\/\/www.w3.org\/2000\/svg"/, 'the QR code is inline SVG');
    t.notRegex(enrol.body, /<script|src="http/, 'nothing loaded from elsewhere');
    t.regex(enrol.headers.get('content-security-policy') ?? '', /default-src 'none'/);
    t.is(enrol.headers.get('cache-control'), 'no-store');
    const secret = secretOnPage(enrol.body);

    const forged = await laptop.post(`${w.url}/account/totp`, { csrf: 'forged', code: totpCode(secret) });
    t.is(forged.status, 403);
    const wrong = await laptop.post(`${w.url}/account/totp`, { csrf: formToken(enrol.body), code: '000000' });
    t.is(wrong.status, 303);
    const retry = await laptop.follow(wrong);
    t.regex(retry.body, /not right/);
    t.is(secretOnPage(retry.body), secret, 'the pending secret stays until confirmed');

    const confirmed = await laptop.post(`${w.url}/account/totp`, { csrf: formToken(retry.body), code: totpCode(secret) });
    t.is(confirmed.status, 303);
    t.is(confirmed.location, '/account/recovery-codes');
    const codesPage = await laptop.follow(confirmed);
    const codes = codesOnPage(codesPage.body);
    t.is(codes.length, 10);
    const reload = await laptop.get(`${w.url}/account/recovery-codes`);
    t.is(reload.status, 303, 'codes are shown once');
    const enabled = await laptop.get(`${w.url}/account`);
    t.regex(enabled.body, /<strong>10<\/strong> unused recovery codes/);

    // A step-up answered with a recovery code; the same code never works again.
    const stranger = new Browser(w.url, JAPAN, FIREFOX);
    const held = await attemptLogin(rp, stranger, user.email, user.password);
    t.regex(held.response.location ?? '', /\/step-up$/);
    const passed = await submitCode(stranger, held.final, (codes[0] ?? '').toUpperCase());
    t.is(passed.status, 303);
    t.true(reachedClient(await throughConsent(stranger, await stranger.follow(passed))));
    const passedAudit = await w.db.auditEvent.findFirstOrThrow({ where: { kind: 'login.step_up.passed', subject: user.id } });
    t.is(JSON.parse(passedAudit.data).method, 'recovery_code');
    t.regex((await laptop.get(`${w.url}/account`)).body, /<strong>9<\/strong> unused recovery codes/);

    // From yet another country (Japan is known history now that a step-up passed there).
    const intruder = new Browser(w.url, GERMANY_HOSTING, FIREFOX);
    const again = await attemptLogin(rp, intruder, user.email, user.password);
    t.regex(again.response.location ?? '', /\/step-up$/);
    const reused = await submitCode(intruder, again.final, codes[0] ?? '');
    t.is(reused.status, 303);
    t.false(reachedClient(await intruder.follow(reused)));

    // Removal needs a current code (a later step than the one spent at enrolment).
    const page = await laptop.get(`${w.url}/account`);
    const refused = await laptop.post(`${w.url}/account/totp/disable`, { csrf: formToken(page.body), code: '123456' });
    t.regex((await laptop.follow(refused)).body, /not right/);
    const removed = await laptop.post(`${w.url}/account/totp/disable`, { csrf: formToken(page.body), code: totpCode(secret, Date.now() + 30_000) });
    t.is(removed.status, 303);
    t.regex((await laptop.follow(removed)).body, /was removed/);
    t.is((await w.db.account.findUniqueOrThrow({ where: { id: user.id } })).totpSecret, null);

    const kinds = (await w.db.auditEvent.findMany({ where: { subject: user.id, kind: { startsWith: 'totp.' } } })).map((e) => e.kind);
    t.deepEqual(kinds.sort(), ['totp.disabled', 'totp.enrolled']);
    t.true((await verifyAudit(w.db)).ok);
  });
}
