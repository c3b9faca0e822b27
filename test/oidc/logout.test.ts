import test from 'ava';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRemoteJWKSet, jwtVerify } from 'jose';
import { storeKinds } from '../helpers/store.ts';
import { startWarden } from '../helpers/server.ts';
import { client, rpFor } from './_rp.ts';
import { formOf, signInAndRedeem } from './_browser.ts';

const REDIRECT = 'https://rp.example.test/cb';
const AFTER_LOGOUT = 'https://rp.example.test/bye';
const BACKCHANNEL_EVENT = 'http://schemas.openid.net/event/backchannel-logout';

/** The relying party's back-channel logout endpoint: collects the logout tokens it receives. */
async function logoutReceiver() {
  const received: string[] = [];
  let notify: (() => void) | undefined;
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => {
      const token = new URLSearchParams(body).get('logout_token');
      if (token) received.push(token);
      res.writeHead(200).end();
      notify?.();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/backchannel-logout`,
    received,
    next: () => new Promise<void>((resolve) => (received.length > 0 ? resolve() : (notify = resolve))),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

for (const kind of storeKinds) {
  test(`RP-initiated logout ends the session and sends a verifiable back-channel logout token [${kind}]`, async (t) => {
    const receiver = await logoutReceiver();
    // The test RP listens on loopback, which the provider's SSRF guard refuses unless exempted.
    const w = await startWarden({ kind, wardenOptions: { allowPrivateNetworkFetch: (url) => url.href === receiver.url } });
    t.teardown(async () => {
      await receiver.close();
      await w.stop();
    });
    const user = await w.createAccount();
    const c = await w.createClient({
      redirect_uris: [REDIRECT],
      post_logout_redirect_uris: [AFTER_LOGOUT],
      backchannel_logout_uri: receiver.url,
      backchannel_logout_session_required: true,
    });
    const rp = await rpFor(w, c);
    const { tokens, browser } = await signInAndRedeem(w, rp, c, user);
    const sid = tokens.claims()?.sid;
    t.truthy(sid);

    const endSession = client.buildEndSessionUrl(rp, {
      id_token_hint: tokens.id_token ?? '',
      post_logout_redirect_uri: AFTER_LOGOUT,
      state: 'bye-state',
    });
    const page = await browser.get(endSession);
    t.is(page.status, 200);
    const form = formOf(await page.text(), /\/session\/end\/confirm/);
    const confirmed = await browser.post(new URL(form.action, w.issuer), { ...form.fields, logout: 'yes' });
    t.true([302, 303].includes(confirmed.status));
    const location = new URL(confirmed.headers.get('location') ?? '');
    t.is(location.origin + location.pathname, AFTER_LOGOUT);
    t.is(location.searchParams.get('state'), 'bye-state');

    await Promise.race([receiver.next(), new Promise((r) => setTimeout(r, 5000))]);
    t.is(receiver.received.length, 1, 'the logout token arrived');
    const [logoutToken] = receiver.received;
    const { payload, protectedHeader } = await jwtVerify(logoutToken ?? '', createRemoteJWKSet(new URL(`${w.issuer}/jwks`)), {
      issuer: w.issuer,
      audience: c.client_id,
    });
    t.is(protectedHeader.typ, 'logout+jwt');
    t.is(payload.sub, user.id);
    t.is(payload.sid, sid);
    t.deepEqual(payload.events, { [BACKCHANNEL_EVENT]: {} });
    t.is(payload.nonce, undefined);

    // The session is gone: a silent authorization now needs a login.
    const silent = client.buildAuthorizationUrl(rp, {
      redirect_uri: REDIRECT,
      scope: 'openid',
      prompt: 'none',
      code_challenge: await client.calculatePKCECodeChallenge(client.randomPKCECodeVerifier()),
      code_challenge_method: 'S256',
    });
    const after = await browser.get(silent);
    t.is(new URL(after.headers.get('location') ?? '').searchParams.get('error'), 'login_required');
  });
}

for (const kind of storeKinds) {
  test(`back-channel logout never reaches a private address that was not exempted (SSRF guard) [${kind}]`, async (t) => {
    const receiver = await logoutReceiver();
    const w = await startWarden({ kind });
    t.teardown(async () => {
      await receiver.close();
      await w.stop();
    });
    const user = await w.createAccount();
    const c = await w.createClient({ redirect_uris: [REDIRECT], post_logout_redirect_uris: [AFTER_LOGOUT], backchannel_logout_uri: receiver.url });
    const rp = await rpFor(w, c);
    const { tokens, browser } = await signInAndRedeem(w, rp, c, user);
    const page = await browser.get(client.buildEndSessionUrl(rp, { id_token_hint: tokens.id_token ?? '', post_logout_redirect_uri: AFTER_LOGOUT }));
    const form = formOf(await page.text(), /\/session\/end\/confirm/);
    const confirmed = await browser.post(new URL(form.action, w.issuer), { ...form.fields, logout: 'yes' });
    t.true([302, 303].includes(confirmed.status), 'the logout itself still completes');
    await new Promise((resolve) => setTimeout(resolve, 1000));
    t.is(receiver.received.length, 0);
  });
}
