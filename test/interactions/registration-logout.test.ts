// Self-registration (off by default) and the RP-initiated logout pages.
import test from 'ava';
import * as oidc from 'openid-client';
import { providerPages, renderErrorPage } from '../../src/interactions/index.ts';
import { startWarden, type StartedWarden } from '../helpers/server.ts';
import { storeKinds } from '../helpers/store.ts';
import { BrowserSession, formToken } from './browser-session.ts';
import { openLoginPage, relyingParty, signIn } from './relying-party.ts';

function start(kind: (typeof storeKinds)[number], env: Record<string, string> = {}): Promise<StartedWarden> {
  return startWarden({ kind, env, wardenOptions: { renderError: renderErrorPage, pages: providerPages } });
}

for (const kind of storeKinds) {
  test(`self-registration is off by default [${kind}]`, async (t) => {
    const warden = await start(kind);
    t.teardown(() => warden.stop());
    const rp = await relyingParty(warden);
    const browser = new BrowserSession(warden.url);
    const loginPage = await openLoginPage(browser, (await rp.authorizationUrl()).url);
    t.notRegex(loginPage.body, /Create an account/);
    const path = new URL(loginPage.url).pathname;
    t.is((await browser.get(`${path}/register`)).status, 404);
    const posted = await browser.post(`${path}/register`, {
      csrf: formToken(loginPage.body),
      email: 'new@example.test',
      password: 'a long enough passphrase',
    });
    t.is(posted.status, 404);
    t.is(await warden.db.account.count(), 0);
  });

  test(`self-registration creates an account without revealing taken addresses [${kind}]`, async (t) => {
    const warden = await start(kind, { WARDEN_SELF_REGISTRATION: 'true' });
    t.teardown(() => warden.stop());
    const existing = await warden.createAccount();
    const rp = await relyingParty(warden);
    const browser = new BrowserSession(warden.url);
    const loginPage = await openLoginPage(browser, (await rp.authorizationUrl()).url);
    const path = new URL(loginPage.url).pathname;
    t.regex(loginPage.body, /Create an account/);
    const form = await browser.get(`${path}/register`);
    t.is(form.status, 200);
    t.regex(form.body, /<button type="submit">Create account<\/button>/);

    const weak = await browser.post(`${path}/register`, { csrf: formToken(form.body), email: 'new@example.test', password: 'short' });
    t.is(weak.status, 303);
    t.regex((await browser.follow(weak)).body, /at least 15 characters/);

    const created = await browser.post(`${path}/register`, {
      csrf: formToken(form.body),
      name: 'New Person',
      email: 'New@Example.test',
      password: 'a long enough passphrase',
    });
    const taken = await browser.post(`${path}/register`, {
      csrf: formToken(form.body),
      email: existing.email,
      password: 'another long passphrase',
    });
    t.is(created.status, 303);
    t.is(taken.status, 303);
    t.is(created.location, taken.location);
    const createdPage = await browser.follow(created);
    t.regex(createdPage.body, /Sign in to continue/);

    const account = await warden.warden.accounts.findByEmail('new@example.test');
    t.is(account?.profile.name, 'New Person');
    t.false(account?.emailVerified);
    t.true((await warden.warden.accounts.verifyPassword('new@example.test', 'a long enough passphrase')).ok);
    // The existing account's password did not change.
    t.true((await warden.warden.accounts.verifyPassword(existing.email, existing.password)).ok);

    const missingCsrf = await browser.post(`${path}/register`, { email: 'x@example.test', password: 'a long enough passphrase' });
    t.is(missingCsrf.status, 403);
  });

  test(`self-registration refuses a NUL character in the password (as \`warden user add\` does), the name or the email, with its page [${kind}]`, async (t) => {
    const warden = await start(kind, { WARDEN_SELF_REGISTRATION: 'true' });
    t.teardown(() => warden.stop());
    const rp = await relyingParty(warden);
    const browser = new BrowserSession(warden.url);
    const loginPage = await openLoginPage(browser, (await rp.authorizationUrl()).url);
    const path = new URL(loginPage.url).pathname;
    const attempts = [
      { name: 'F', email: 'nul@example.test', password: 'a long enough\u0000passphrase' },
      // A 500 on PostgreSQL before: it cannot store a NUL.
      { name: 'F\u0000', email: 'named@example.test', password: 'a long enough passphrase for this' },
      { name: 'F', email: 'nul\u0000@example.test', password: 'a long enough passphrase for this' },
    ];
    for (const fields of attempts) {
      const form = await browser.get(`${path}/register`);
      const refused = await browser.post(`${path}/register`, { csrf: formToken(form.body), ...fields });
      t.is(refused.status, 303, JSON.stringify(fields));
      const page = await browser.follow(refused);
      t.is(page.status, 200);
      t.regex(page.body, /NUL/);
    }
    t.is(await warden.warden.accounts.findByEmail('nul@example.test'), undefined);
    t.is(await warden.warden.accounts.findByEmail('named@example.test'), undefined);
  });

  test(`logout asks for confirmation on Warden's page and ends the session [${kind}]`, async (t) => {
    const warden = await start(kind);
    t.teardown(() => warden.stop());
    const account = await warden.createAccount();
    const rp = await relyingParty(warden);
    const { browser } = await signIn(warden, rp, account);
    const endSession = oidc.buildEndSessionUrl(rp.config, { client_id: rp.client.client_id });
    const page = await browser.get(endSession.href);
    t.is(page.status, 200);
    t.regex(page.headers.get('content-security-policy') ?? '', /frame-ancestors 'none'/);
    t.regex(page.body, /Do you want to sign out of Warden/);
    t.regex(page.body, /<button type="submit" form="op.logoutForm" name="logout" value="yes">Sign out<\/button>/);
    const xsrf = /name="xsrf" value="([^"]+)"/.exec(page.body)?.[1] ?? '';
    const action = /<form[^>]+action="([^"]+)"/.exec(page.body)?.[1] ?? '';
    const confirmed = await browser.post(action, { xsrf, logout: 'yes' });
    t.is(confirmed.status, 303);
    const done = await browser.follow(confirmed);
    t.regex(done.body, /You have signed out/);
    t.is(await warden.db.oidcPayload.count({ where: { model: 'Session' } }), 0);
  });
}
