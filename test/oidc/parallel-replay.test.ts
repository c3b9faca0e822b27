// A refresh token or an authorization code presented several times at once: exactly one request may
// succeed, whichever wins the race; the others are replays (RFC 6749 4.1.2, RFC 9700 4.14.2), refused
// with the grant revoked.
import test from 'ava';
import { storeKinds } from '../helpers/store.ts';
import { startWarden } from '../helpers/server.ts';
import { client, rpFor, postForm, basicAuth } from './_rp.ts';
import { signIn, signInAndRedeem } from './_browser.ts';

const REDIRECT = 'https://rp.example.test/cb';
const PARALLEL = 4;

/** Resolves every waiter once `n` have arrived: each request has then read the token unconsumed. */
function barrier(n: number): () => Promise<void> {
  let arrived = 0;
  let open: () => void = () => {};
  const opened = new Promise<void>((resolve) => {
    open = resolve;
  });
  return () => {
    arrived += 1;
    if (arrived === n) open();
    return opened;
  };
}

for (const kind of storeKinds) {
  test(`one refresh token used by ${PARALLEL} requests that all read it unconsumed: one rotation, the rest replays [${kind}]`, async (t) => {
    let wait: () => Promise<void> = async () => {};
    // The risk seam runs after oidc-provider has read the token and checked it unconsumed, and before
    // it consumes it: holding every request there until all have arrived makes the race certain.
    const w = await startWarden({
      kind,
      wardenOptions: { assessRefresh: async () => { await wait(); return { decision: 'allow', reasons: [] }; } },
    });
    t.teardown(() => w.stop());
    const user = await w.createAccount();
    const c = await w.createClient({ redirect_uris: [REDIRECT] });
    const rp = await rpFor(w, c);
    const { tokens } = await signInAndRedeem(w, rp, c, user, { scope: 'openid offline_access', params: { prompt: 'consent' } });
    wait = barrier(PARALLEL);
    const answers = await Promise.all(Array.from({ length: PARALLEL }, () =>
      postForm(`${w.issuer}/token`, { grant_type: 'refresh_token', refresh_token: tokens.refresh_token ?? '' }, basicAuth(c))));
    const statuses = answers.map((a) => a.status);
    t.is(statuses.filter((s) => s === 200).length, 1, `statuses: ${statuses.join(', ')}`);
    for (const answer of answers.filter((a) => a.status !== 200)) {
      t.is(answer.status, 400);
      t.is(((await answer.json()) as { error: string }).error, 'invalid_grant');
    }
    // The replay revoked the grant: the winner's new tokens are gone too.
    wait = async () => {};
    const winner = (await answers.find((a) => a.status === 200)?.json()) as { refresh_token: string; access_token: string };
    const next = await postForm(`${w.issuer}/token`, { grant_type: 'refresh_token', refresh_token: winner.refresh_token }, basicAuth(c));
    t.is(next.status, 400);
    t.false((await client.tokenIntrospection(rp, winner.access_token)).active);
  });

  test(`one authorization code redeemed 20 times at once: one redemption succeeds [${kind}]`, async (t) => {
    const w = await startWarden({ kind });
    t.teardown(() => w.stop());
    const user = await w.createAccount();
    const c = await w.createClient({ redirect_uris: [REDIRECT] });
    const rp = await rpFor(w, c);
    const { callback, codeVerifier } = await signIn(w, rp, c, user);
    const code = callback.searchParams.get('code') ?? '';
    const answers = await Promise.all(Array.from({ length: 20 }, () =>
      postForm(`${w.issuer}/token`, { grant_type: 'authorization_code', code, code_verifier: codeVerifier, redirect_uri: REDIRECT }, basicAuth(c))));
    const statuses = answers.map((a) => a.status);
    t.is(statuses.filter((s) => s === 200).length, 1, `statuses: ${statuses.join(', ')}`);
    t.is(statuses.filter((s) => s === 400).length, 19);
  });
}
