import test from 'ava';
import { ConfigError } from '../../src/config.ts';
import { privateNetworkPolicyFromEnv } from '../../src/oidc/outbound-fetch.ts';

const policyFor = (origins: string) => privateNetworkPolicyFromEnv({ WARDEN_PRIVATE_FETCH_ORIGINS: origins });

test('WARDEN_PRIVATE_FETCH_ORIGINS: origins separated by spaces, commas or both', (t) => {
  for (const raw of [
    'http://rp.internal:8080 https://other.internal',
    'http://rp.internal:8080,https://other.internal',
    ' http://rp.internal:8080 ,  https://other.internal, ',
    'http://rp.internal:8080\n\thttps://other.internal',
  ]) {
    const allow = policyFor(raw);
    t.true(allow?.(new URL('http://rp.internal:8080/backchannel')), JSON.stringify(raw));
    t.true(allow?.(new URL('https://other.internal/jwks')), JSON.stringify(raw));
  }
});

test('WARDEN_PRIVATE_FETCH_ORIGINS: only the listed origins are exempt, paths ignored', (t) => {
  const allow = policyFor('http://rp.internal:8080/logout https://other.internal');
  if (!allow) return t.fail('a policy for a non-empty list');
  t.true(allow(new URL('http://rp.internal:8080/backchannel')));
  t.false(allow(new URL('http://rp.internal:8081/backchannel')), 'another port is another origin');
  t.false(allow(new URL('https://rp.internal:8080/backchannel')), 'another scheme is another origin');
  t.false(allow(new URL('http://elsewhere.internal/')));
  t.is(privateNetworkPolicyFromEnv({}), undefined);
  t.is(policyFor(''), undefined);
});

test('WARDEN_PRIVATE_FETCH_ORIGINS: an entry that is not an http(s) URL is a configuration error naming it', (t) => {
  for (const entry of ['rp.internal', 'ftp://rp.internal', 'file:///etc/passwd']) {
    const error = t.throws(() => policyFor(`https://ok.internal ${entry}`), { instanceOf: ConfigError });
    t.regex(error?.message ?? '', /WARDEN_PRIVATE_FETCH_ORIGINS/);
    t.true(error?.message.includes(JSON.stringify(entry)), entry);
  }
});
