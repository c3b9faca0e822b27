// The consent-time hook that makes a public client's grant start at the sign-in (wiring/login-stage.ts):
// which grants it links, and that a failing link never refuses the consent.
import { IncomingMessage, ServerResponse } from 'node:http';
import { Socket } from 'node:net';
import test from 'ava';
import Koa from 'koa';
import { DEVICE_COOKIE } from '../../src/risk/wiring/device-cookie.ts';
import { riskGrantOrigin } from '../../src/risk/wiring/login-stage.ts';
import type { RiskEngine } from '../../src/risk/engine.ts';

const COOKIE_VALUE = 'a'.repeat(43);

function contextWith(cookie: string | undefined) {
  const app = new Koa();
  const errors: unknown[] = [];
  app.on('error', (error) => errors.push(error));
  const req = new IncomingMessage(new Socket());
  if (cookie !== undefined) req.headers.cookie = cookie;
  return { ctx: app.createContext(req, new ServerResponse(req)), errors };
}

function engineLinking(link: RiskEngine['linkGrant']) {
  const calls: Parameters<RiskEngine['linkGrant']>[0][] = [];
  const engine = {
    linkGrant: async (input: Parameters<RiskEngine['linkGrant']>[0]) => {
      calls.push(input);
      return link(input);
    },
  } as Pick<RiskEngine, 'linkGrant'> as RiskEngine;
  return { hook: riskGrantOrigin({ engine, audit: async () => {} }), calls };
}

test('a public client with a device cookie links its grant; a confidential one, or no cookie, does not', async (t) => {
  const { hook, calls } = engineLinking(async () => true);
  const withCookie = contextWith(`${DEVICE_COOKIE}=${COOKIE_VALUE}`).ctx;
  await hook({ ctx: withCookie, accountId: 'acct-1', grantId: 'g-1', publicClient: true });
  t.is(calls.length, 1);
  t.like(calls[0], { grantId: 'g-1', accountId: 'acct-1' });
  t.regex(calls[0]?.deviceId ?? '', /^[A-Za-z0-9_-]{32}$/);
  t.not(calls[0]?.deviceId, COOKIE_VALUE, 'the engine sees a digest, never the cookie');

  await hook({ ctx: withCookie, accountId: 'acct-1', grantId: 'g-2', publicClient: false });
  const noCookie = contextWith(undefined).ctx;
  await hook({ ctx: noCookie, accountId: 'acct-1', grantId: 'g-3', publicClient: true });
  await hook({ ctx: contextWith(`${DEVICE_COOKIE}=not-a-device-value`).ctx, accountId: 'acct-1', grantId: 'g-4', publicClient: true });
  t.is(calls.length, 1);
  t.is(noCookie.response.headers['set-cookie'], undefined, 'consent never hands out a device cookie');
});

test('a failing link is reported and the consent goes on', async (t) => {
  const { hook } = engineLinking(async () => {
    throw new Error('database unavailable');
  });
  const { ctx, errors } = contextWith(`${DEVICE_COOKIE}=${COOKIE_VALUE}`);
  await t.notThrowsAsync(hook({ ctx, accountId: 'acct-1', grantId: 'g-1', publicClient: true }));
  t.is(errors.length, 1);
  t.regex(String(errors[0]), /database unavailable/);
});
