import test from 'ava';
import Koa from 'koa';
import type { AddressInfo } from 'node:net';
import { awaitBeforeAnswering, settleBeforeAnswering } from '../../src/oidc/pending-writes.ts';

async function serve(app: Koa): Promise<{ url: string; close: () => void }> {
  const server = app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, close: () => server.close() };
}

test('the answer waits for the writes its request left pending, and fails when one of them failed', async (t) => {
  const stored: string[] = [];
  const app = new Koa();
  app.use(async (ctx, next) => {
    try {
      await next();
    } catch {
      ctx.status = 500;
      ctx.body = 'failed';
    }
  });
  app.use(settleBeforeAnswering);
  app.use(async (ctx) => {
    const fails = ctx.path === '/fails';
    awaitBeforeAnswering(ctx, new Promise<void>((resolve, reject) => setTimeout(() => {
      if (fails) reject(new Error('disk full'));
      else {
        stored.push(ctx.path);
        resolve();
      }
    }, 50)));
    // The handler answers at once; the middleware holds the answer back.
    ctx.body = 'issued';
  });
  const { url, close } = await serve(app);
  t.teardown(close);

  const ok = await fetch(`${url}/ok`);
  t.deepEqual(stored, ['/ok'], 'stored before the answer arrived');
  t.is(await ok.text(), 'issued');
  const failed = await fetch(`${url}/fails`);
  t.is(failed.status, 500);
  t.is(await failed.text(), 'failed');
});
