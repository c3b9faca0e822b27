// The relying-party side of the protocol tests: openid-client v6 over real HTTP (http://localhost, so
// insecure requests are allowed explicitly).
import * as client from 'openid-client';
import type { StartedWarden, TestClient } from '../helpers/server.ts';

export { client };

export async function rpFor(w: StartedWarden, c: TestClient, auth?: client.ClientAuth): Promise<client.Configuration> {
  const authentication =
    auth ?? (c.client_secret === undefined ? client.None() : client.ClientSecretBasic(c.client_secret));
  return client.discovery(new URL(w.issuer), c.client_id, undefined, authentication, {
    execute: [client.allowInsecureRequests],
  });
}

/** A raw form POST (for requests openid-client would refuse to make). */
export async function postForm(url: string, form: Record<string, string>, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
    body: new URLSearchParams(form),
    redirect: 'manual',
  });
}

export function basicAuth(c: TestClient): Record<string, string> {
  const id = encodeURIComponent(c.client_id);
  const secret = encodeURIComponent(c.client_secret ?? '');
  return { authorization: `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}` };
}

export async function discoveryDocument(w: StartedWarden): Promise<Record<string, unknown>> {
  const response = await fetch(`${w.issuer}/.well-known/openid-configuration`);
  return (await response.json()) as Record<string, unknown>;
}
