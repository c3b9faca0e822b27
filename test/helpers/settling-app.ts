// A bare Koa app with settleBeforeAnswering (src/oidc/pending-writes.ts) in front of one handler, on an
// ephemeral port: for tests of what a request's answer waits for. An error the answer is refused with
// becomes a 500 whose body is "failed".
import Koa, { type Middleware } from 'koa';
import type { AddressInfo } from 'node:net';
import { settleBeforeAnswering } from '../../src/oidc/pending-writes.ts';

export async function serveSettling(handler: Middleware): Promise<{ url: string; close: () => void }> {
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
  app.use(handler);
  const server = app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, close: () => server.close() };
}
