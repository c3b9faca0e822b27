// The token-endpoint loads the benchmarks drive (autocannon, 8 connections), shared by the throughput
// bench and the interleaved A/B.
import autocannon from 'autocannon';
import { basic } from './harness.ts';
import type { BenchFixture } from './servers/mint.ts';

const CONNECTIONS = 8;
const FORM = 'application/x-www-form-urlencoded';

/** Completed 2xx requests of one run; non-2xx answers are reported and not counted. */
function completed(result: Awaited<ReturnType<typeof autocannon>>): number {
  if (result.non2xx > 0) console.error(`  ${result.non2xx} non-2xx responses`);
  return result.requests.total - result.non2xx;
}

/** The same POST over and over as the client-credentials client (`body`: the form; `path`: /token by default). */
export async function tokenEndpointLoad(f: BenchFixture, body: string, seconds: number, path = '/token'): Promise<number> {
  const result = await autocannon({
    url: `${f.url}${path}`,
    connections: CONNECTIONS,
    duration: seconds,
    requests: [{ method: 'POST', headers: { authorization: basic(f.cc.client_id, f.cc.client_secret), 'content-type': FORM }, body }],
  });
  return completed(result);
}

export const clientCredentialsBody = (f: BenchFixture, format: 'opaque' | 'jwt'): string =>
  format === 'opaque' ? 'grant_type=client_credentials' : `grant_type=client_credentials&scope=api%3Aread&resource=${encodeURIComponent(f.jwtResource)}`;

/**
 * Refreshes from `live`, a queue of live refresh tokens: each request takes one and puts back the
 * rotated one it gets. (autocannon's per-request context is fresh for every request, so it cannot
 * hold a chain.) A request still in flight when the run ends loses its token: pass the same queue to
 * later runs, and mint enough for them.
 */
export async function refreshLoad(f: BenchFixture, live: string[], seconds: number): Promise<number> {
  const result = await autocannon({
    url: `${f.url}/token`,
    connections: Math.min(CONNECTIONS, live.length),
    duration: seconds,
    requests: [
      {
        method: 'POST',
        setupRequest(request) {
          return {
            ...request,
            headers: { authorization: basic(f.web.client_id, f.web.client_secret), 'content-type': FORM },
            body: `grant_type=refresh_token&refresh_token=${live.shift() ?? 'exhausted'}`,
          };
        },
        onResponse(status, body) {
          if (status === 200) live.push((JSON.parse(body) as { refresh_token: string }).refresh_token);
        },
      },
    ],
  });
  return completed(result);
}
