// The extension point the risk engine's step-up uses: a login stage that holds the login after the
// password and an extra form under /interaction/:uid that finishes it.
import test from 'ava';
import * as oidc from 'openid-client';
import {
  completeLogin,
  csrfToken,
  hostedPages,
  holdLogin,
  interactionPath,
  pendingLoginOf,
  sendPage,
  type LoginStage,
} from '../../src/interactions/index.ts';
import { startWarden } from '../helpers/server.ts';
import { storeKinds } from '../helpers/store.ts';
import { BrowserSession, formToken } from './browser-session.ts';
import { openLoginPage, REDIRECT_URI, relyingParty, submitConsent, submitLogin } from './relying-party.ts';

const kind = storeKinds[0] ?? 'sqlite';
const CODE = '246810';

/** Warden with these hosted pages and one account; signIn() opens a fresh login page and submits the password. */
async function startWithPages(t: { teardown(fn: () => Promise<void>): void }, pages: ReturnType<typeof hostedPages>) {
  const warden = await startWarden({ kind, routes: pages.routes, wardenOptions: { renderError: pages.renderError, pages: pages.pages } });
  t.teardown(() => warden.stop());
  const account = await warden.createAccount();
  const rp = await relyingParty(warden);
  const signIn = async () => {
    const browser = new BrowserSession(warden.url);
    const loginPage = await openLoginPage(browser, (await rp.authorizationUrl()).url);
    return { browser, loginPage, answer: await submitLogin(browser, loginPage, account.email, account.password) };
  };
  return { warden, signIn };
}

// Holds every login and shows a one-field form; stands in for TOTP.
const stepUp: LoginStage = async ({ ctx, interaction, account, amr }) => {
  await holdLogin(interaction, { accountId: account.id, amr: [...amr], reason: 'step_up' });
  sendPage(ctx, 'error', { title: 'Step up' });
  ctx.body = `<form method="post" action="${interactionPath(interaction.uid, 'code')}"><input type="hidden" name="csrf" value="${csrfToken(ctx, interaction.uid)}"><input name="code"><button type="submit">Verify</button></form>`;
  return { action: 'responded' };
};

test(`a login stage can hold the login and an extra form can finish it [${kind}]`, async (t) => {
  const pages = hostedPages({
    loginStages: [stepUp],
    extraRoutes: (router, { deps, form }) => {
      router.post(
        '/interaction/:uid/code',
        ...form(async (ctx, d, interaction, body) => {
          const pending = pendingLoginOf(interaction);
          const code = typeof body === 'object' && body !== null && 'code' in body ? body.code : undefined;
          const account = pending ? await d.accounts.findById(pending.accountId) : undefined;
          if (!pending || !account || code !== CODE) {
            ctx.status = 401;
            ctx.body = 'wrong code';
            return;
          }
          await completeLogin(ctx, deps, interaction, account, [...pending.amr, 'otp']);
        }, ['login']),
      );
    },
  });
  const warden = await startWarden({ kind, routes: pages.routes, wardenOptions: { renderError: pages.renderError, pages: pages.pages } });
  t.teardown(() => warden.stop());
  const account = await warden.createAccount();
  const rp = await relyingParty(warden);
  const browser = new BrowserSession(warden.url);
  const { url, verifier, state } = await rp.authorizationUrl();
  const loginPage = await openLoginPage(browser, url);
  const held = await submitLogin(browser, loginPage, account.email, account.password);
  t.is(held.status, 200);
  t.regex(held.body, /name="code"/);

  // The held login is not a login: the interaction still asks for one.
  const again = await browser.get(loginPage.url);
  t.regex(again.body, /name="password"/);
  const action = `${new URL(loginPage.url).pathname}/code`;
  const wrong = await browser.post(action, { csrf: formToken(held.body), code: '000000' });
  t.is(wrong.status, 401);

  const finished = await browser.post(action, { csrf: formToken(held.body), code: CODE });
  t.is(finished.status, 303);
  const consentPage = await browser.follow(finished);
  const callback = await browser.follow(await submitConsent(browser, consentPage));
  t.true(callback.location?.startsWith(REDIRECT_URI));
  const tokens = await oidc.authorizationCodeGrant(rp.config, new URL(callback.location ?? ''), {
    pkceCodeVerifier: verifier,
    expectedState: state,
  });
  t.is(tokens.claims()?.sub, account.id);
  const success = await warden.db.auditEvent.findFirst({ where: { kind: 'login.succeeded', subject: account.id } });
  t.deepEqual(JSON.parse(success?.data ?? '{}').amr, ['pwd', 'otp']);
});

test(`a throttle release that fails while the stages run fails the sign-in, and the server lives on [${kind}]`, async (t) => {
  let releases = 0;
  const pages = hostedPages({
    throttle: {
      reserve: async () => ({ allowed: true, reservation: { keys: { pair: 'p', account: 'a', address: 'i' } } }),
      // Fails while the stage below is still waiting: the rejection must be neither lost nor unhandled.
      succeeded: () => {
        releases += 1;
        return new Promise((_, reject) => setTimeout(() => reject(new Error('the database went away')), 10));
      },
      purgeStale: async () => 0,
    },
    loginStages: [
      async () => {
        await new Promise((resolve) => setTimeout(resolve, 50));
        return { action: 'continue' };
      },
    ],
  });
  const { warden, signIn } = await startWithPages(t, pages);
  const { answer } = await signIn();
  t.is(releases, 1);
  t.true(answer.status >= 500, `answered ${answer.status}`);
  t.is(answer.location, undefined, 'no way on to the authorization');
  t.is((await fetch(`${warden.url}/healthz`)).status, 200);
});

test(`a stage's recording is awaited with the login's audit entry: when it fails, the login does not complete [${kind}]`, async (t) => {
  let fail = true;
  let settled = false;
  const pages = hostedPages({
    loginStages: [
      async () => ({
        action: 'continue',
        recording: new Promise<void>((resolve, reject) => setTimeout(() => {
          settled = true;
          if (fail) reject(new Error('the risk record could not be stored'));
          else resolve();
        }, 30)),
      }),
    ],
  });
  const { signIn } = await startWithPages(t, pages);
  const { answer: refused, browser, loginPage } = await signIn();
  t.true(settled);
  t.true(refused.status >= 500, `answered ${refused.status}`);
  t.is(refused.location, undefined, 'no way on to the authorization');
  // The interaction holds no login result: the login page is what it still asks for.
  t.regex((await browser.get(loginPage.url)).body, /name="password"/);

  fail = false;
  settled = false;
  const { answer } = await signIn();
  t.true(settled);
  t.is(answer.status, 303);
});
