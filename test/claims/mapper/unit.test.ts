// Policy, redaction and claim resolution: pure functions, no store and no model.
import test from 'ava';
import { DEFAULT_THRESHOLDS, decide, redactSample } from '../../../src/claims/mapper/index.ts';
import { programTarget, validateThresholds } from '../../../src/claims/mapper/policy.ts';
import { resolveClaims, type Candidate } from '../../../src/claims/mapper/resolve.ts';

const th = DEFAULT_THRESHOLDS;

test('policy: nothing is ever mapped into sub or the other claims Warden sets itself', (t) => {
  for (const target of ['sub', 'iss', 'aud', 'exp', 'iat', 'nonce', 'acr', 'amr', 'azp', 'auth_time', 'sid']) {
    const decision = decide({ program: `${target} := v`, confidence: 1, target }, 'auto', th);
    t.false(decision.ok, target);
    t.is(decision.status, 'rejected');
    t.is(decision.program, 'drop');
    t.regex(decision.reason ?? '', new RegExp(target));
  }
  // The program's own target counts, not the proposer's label.
  const lying = decide({ program: 'sub := v | trim', confidence: 0.99, target: 'email' }, 'auto', th);
  t.is(lying.status, 'rejected');
  t.false(programTarget('sub := v').ok);
});

test('policy: a program that does not parse is refused with the parser position', (t) => {
  const decision = decide({ program: 'email := v | emial', confidence: 0.99, target: 'email' }, 'auto', th);
  t.is(decision.status, 'rejected');
  t.regex(decision.reason ?? '', /1:\d+: unknown function "emial"/);
});

test('policy: sensitive targets need the higher confidence, others the lower; programs are stored canonical', (t) => {
  for (const target of ['email_verified', 'phone_number_verified', 'groups', 'roles']) {
    const program = target.endsWith('verified') ? `${target} := v | bool` : `${target} := v | each(dn_cn)`;
    t.is(decide({ program, confidence: 0.89, target }, 'auto', th).status, 'proposed', target);
    t.is(decide({ program, confidence: 0.9, target }, 'auto', th).status, 'active', target);
  }
  t.is(decide({ program: 'email:=v|email', confidence: 0.5, target: 'email' }, 'auto', th).status, 'active');
  t.is(decide({ program: 'email:=v|email', confidence: 0.5, target: 'email' }, 'auto', th).program, 'email := v | email');
  const low = decide({ program: 'email := v | email', confidence: 0.49, target: 'email' }, 'auto', th);
  t.is(low.status, 'proposed');
  t.regex(low.reason ?? '', /below 0.5/);
  // A low-confidence drop is held too: harmless meanwhile, but an admin should see it.
  t.is(decide({ program: 'drop', confidence: 0.3, target: 'drop' }, 'auto', th).status, 'proposed');
  t.is(decide({ program: 'drop', confidence: 0.3, target: 'drop' }, 'auto', { sensitive: 0.9, other: 0.2 }).status, 'active');
  t.is(decide({ program: 'groups := v', confidence: 0.95, target: 'groups' }, 'auto', { sensitive: 0.99, other: 0.5 }).status, 'proposed');
  // Out-of-range confidences are clamped, never trusted.
  t.is(decide({ program: 'email := v | email', confidence: Number.NaN, target: 'email' }, 'auto', th).status, 'proposed');
});

test('policy: review mode holds every new program, however confident', (t) => {
  for (const program of ['email := v | email', 'drop', 'groups := v']) {
    const decision = decide({ program, confidence: 1, target: 'x' }, 'review', th);
    t.is(decision.status, 'proposed', program);
    t.regex(decision.reason ?? '', /review/);
  }
});

test('policy: thresholds are validated', (t) => {
  t.deepEqual(validateThresholds(undefined), th);
  t.deepEqual(validateThresholds({ sensitive: 0.95 }), { sensitive: 0.95, other: 0.5 });
  t.throws(() => validateThresholds({ sensitive: 1.5 }), { instanceOf: RangeError });
  t.throws(() => validateThresholds({ other: Number.NaN }), { instanceOf: RangeError });
});

test('redaction keeps the shape and masks the content', (t) => {
  t.is(redactSample('jane.doe@example.com'), '"j***@e***.com"');
  t.is(redactSample('John Smith'), '"Jxxx Xxxxx"');
  t.is(redactSample('+1 415 555 0132'), '"+9 999 999 9999"');
  t.is(redactSample('1985-04-15'), '"9999-99-99"');
  t.is(redactSample('CN=Jane Doe,OU=Sales,DC=example,DC=com'), '"CN=Xxxx Xxx,OU=Xxxxx,DC=xxxxxxx,DC=xxx"');
  t.is(redactSample('https://example.com/u/jane'), '"https://xxxxxxx.xxx/x/xxxx"');
  t.is(redactSample(1712345678), '9999999999');
  t.is(redactSample(true), 'true');
  t.is(redactSample(null), 'null');
  t.is(redactSample(['admins', 'staff', 'x', 'y', 'z']), '["axxxxx","sxxxx","x","…(2 more)"]');
  t.is(redactSample({ formatted: '1 Main St\nSpringfield', country: 'US' }), '{"formatted":"9 Xxxx Xx\\nXxxxxxxxxxx","country":"UX"}');
  t.is(redactSample([{ value: 'j@x.org', primary: true }]), '[{"value":"j***@x***.org","primary":true}]');
  // Long values are cut; no raw fragment of any of these survives.
  const long = redactSample('secret-token-'.repeat(100));
  t.true(long.length < 80);
  for (const raw of ['jane', 'doe', 'example', 'Smith', '415', 'Springfield', 'Sales', 'secret']) {
    t.false(
      [redactSample('jane.doe@example.com'), redactSample('John Smith'), redactSample('+1 415 555 0132'), redactSample('CN=Jane Doe,OU=Sales,DC=example,DC=com'), long].some((s) => s.includes(raw)),
      raw,
    );
  }
});

const cand = (attribute: string, target: string, value: Candidate['value'], order: number, extra: Partial<Candidate> = {}): Candidate => ({
  attribute,
  target,
  value,
  order,
  source: 'model',
  confidence: 0.8,
  ...extra,
});

test('resolve: conflicts go to the admin program, then the higher confidence, then the earlier attribute', (t) => {
  const byOrder = resolveClaims([cand('mail', 'email', 'a@x.org', 0), cand('emailAddress', 'email', 'b@x.org', 1)]);
  t.deepEqual(byOrder.claims, { email: 'a@x.org' });
  t.deepEqual(byOrder.dropped, [{ attribute: 'emailAddress', reason: 'conflict: email comes from "mail" (earlier attribute)' }]);

  const byConfidence = resolveClaims([cand('mail', 'email', 'a@x.org', 0), cand('emailAddress', 'email', 'b@x.org', 1, { confidence: 0.95 })]);
  t.deepEqual(byConfidence.claims, { email: 'b@x.org' });
  t.regex(byConfidence.dropped[0]?.reason ?? '', /higher confidence/);

  const byAdmin = resolveClaims([
    cand('mail', 'email', 'a@x.org', 0, { confidence: 0.99 }),
    cand('upn', 'email', 'c@x.org', 2, { source: 'admin', confidence: 0.1 }),
  ]);
  t.deepEqual(byAdmin.claims, { email: 'c@x.org' });
  t.deepEqual(byAdmin.dropped, [{ attribute: 'mail', reason: 'conflict: email comes from "upn" (an admin program wins)' }]);

  // The outcome does not depend on the order candidates arrive in.
  const reversed = resolveClaims([cand('emailAddress', 'email', 'b@x.org', 1), cand('mail', 'email', 'a@x.org', 0)]);
  t.deepEqual(reversed, byOrder);
});

test('resolve: address parts and whole addresses merge into one address object', (t) => {
  const parts = resolveClaims([
    cand('street', 'address.street_address', '1 Main St', 0),
    cand('l', 'address.locality', 'Springfield', 1),
    cand('postalCode', 'address.postal_code', '62701', 2),
    cand('c', 'address.country', 'US', 3),
    cand('mail', 'email', 'a@x.org', 4),
  ]);
  t.deepEqual(parts.claims, {
    email: 'a@x.org',
    address: { formatted: '1 Main St\nSpringfield 62701\nUS', street_address: '1 Main St', locality: 'Springfield', postal_code: '62701', country: 'US' },
  });
  t.deepEqual(parts.dropped, []);

  const merged = resolveClaims([
    cand('postalAddress', 'address', { formatted: '1 Main St, Springfield', locality: 'Springfield' }, 0),
    cand('city', 'address.locality', 'Shelbyville', 1, { source: 'admin' }),
    cand('co', 'address.country', 'US', 2),
  ]);
  t.deepEqual(merged.claims, { address: { formatted: '1 Main St, Springfield', locality: 'Shelbyville', country: 'US' } });
  t.deepEqual(merged.dropped, [{ attribute: 'postalAddress', reason: 'conflict: address.locality comes from "city" (an admin program wins)' }]);
});
