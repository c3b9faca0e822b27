import test from 'ava';
import { createLogger } from '../../src/ops/logger.ts';
import { startWarden } from '../helpers/server.ts';
import { logCollector } from '../helpers/log-collector.ts';


test('every request is logged once with its request id, method, path and status, never its query or secrets', async (t) => {
  const { lines, stream } = logCollector();
  const w = await startWarden({ kind: 'sqlite', wardenOptions: { logger: createLogger('info', 'warden', stream) } });
  t.teardown(() => w.stop());

  const given = await fetch(`${w.url}/healthz?code=not-for-the-logs`, { headers: { 'x-request-id': 'req-given-1' } });
  t.is(given.headers.get('x-request-id'), 'req-given-1');
  const svc = await w.createClient({ grant_types: ['client_credentials'], response_types: [], redirect_uris: [] });
  const secret = svc.client_secret ?? '';
  t.true(secret.length > 0);
  const token = await fetch(`${w.url}/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'client_credentials', client_id: svc.client_id, client_secret: secret }),
  });
  t.is(token.status, 200);
  const minted = token.headers.get('x-request-id');
  t.regex(minted ?? '', /^[0-9a-f-]{36}$/);
  await new Promise((resolve) => setImmediate(resolve));

  const requests = lines.filter((l) => l['msg'] === 'request');
  t.like(requests.find((l) => l['requestId'] === 'req-given-1'), { method: 'GET', path: '/healthz', status: 200, level: 'info' });
  t.like(requests.find((l) => l['requestId'] === minted), { method: 'POST', path: '/token', status: 200 });
  t.is(requests.filter((l) => l['requestId'] === minted).length, 1);
  const all = JSON.stringify(lines);
  t.false(all.includes('not-for-the-logs'));
  t.false(all.includes(secret));
});
