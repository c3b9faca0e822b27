import test from 'ava';
import { awaitBeforeAnswering } from '../../src/oidc/pending-writes.ts';
import { serveSettling } from '../helpers/settling-app.ts';

test('the answer waits for the writes its request left pending, and fails when one of them failed', async (t) => {
  const stored: string[] = [];
  const { url, close } = await serveSettling(async (ctx) => {
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
  t.teardown(close);

  const ok = await fetch(`${url}/ok`);
  t.deepEqual(stored, ['/ok'], 'stored before the answer arrived');
  t.is(await ok.text(), 'issued');
  const failed = await fetch(`${url}/fails`);
  t.is(failed.status, 500);
  t.is(await failed.text(), 'failed');
});
