import test from 'ava';
import { normalizeName, segment, singular } from '../../../src/claims/model/normalize.ts';
import { Knowledge } from '../../../src/claims/model/knowledge.ts';
import { evidence, targetAllowed } from '../../../src/claims/model/evidence.ts';

const knowledge = Knowledge.load();

test('spellings of one attribute share a key', (t) => {
  const keys = ['mobilePhone', 'mobile_phone', 'MobilePhones', 'mobile-phone', 'MOBILE_PHONE', 'mobilephone'].map((n) => normalizeName(n).key);
  t.deepEqual(new Set(keys), new Set(['mobile phone']));
});

test('URI claim types, URNs and SCIM paths lose their namespace', (t) => {
  t.is(normalizeName('http://schemas.xmlsoap.org/ws/2005/05/identity/claims/emailaddress').key, 'email address');
  t.is(normalizeName('http://schemas.xmlsoap.org/ws/2005/05/identity/claims/stateorprovince').key, 'state or province');
  t.is(normalizeName('urn:mace:dir:attribute-def:givenName').key, 'given name');
  t.is(normalizeName('phoneNumbers[type eq "mobile"].value').key, 'phone number mobile');
  t.is(normalizeName('emails[0].value').key, 'email');
  t.is(normalizeName('facebook.first_name').key, 'first name');
  t.is(normalizeName('extension_1a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d_costCenter').key, 'cost center');
});

test('OIDs in every form resolve to the registered name', (t) => {
  for (const form of ['urn:oid:2.5.4.42', '2.5.4.42', 'URN:OID:2.5.4.42']) {
    const n = normalizeName(form, knowledge.oidNames);
    t.is(n.key, 'given name');
    t.is(n.oid, '2.5.4.42');
  }
  t.is(normalizeName('urn:oid:1.3.6.1.4.1.5923.1.1.1.6', knowledge.oidNames).key, 'edu person principal name');
  t.is(normalizeName('urn:oid:1.2.3.4.999', knowledge.oidNames).key, 'oid 1.2.3.4.999');
});

test('run-together words are split with the dictionary, plurals folded', (t) => {
  t.deepEqual(segment('dateofbirth'), ['date', 'of', 'birth']);
  t.deepEqual(segment('givenname'), ['given', 'name']);
  t.is(singular('addresses'), 'address');
  t.is(singular('groups'), 'group');
  t.is(singular('status'), 'status');
});

test('exact lookups decide standard names', (t) => {
  const cases: Array<[string, string, string]> = [
    ['mail', 'ldap', 'email'],
    ['http://schemas.xmlsoap.org/ws/2005/05/identity/claims/surname', 'wsfed', 'family_name'],
    ['urn:oid:0.9.2342.19200300.100.1.41', 'saml', 'phone_number'],
    ['memberOf', 'ldap', 'groups'],
    ['tenantId', 'oidc', 'drop'],
  ];
  for (const [name, protocol, target] of cases) {
    const n = normalizeName(name, knowledge.oidNames);
    const got = knowledge.exact(n.key, protocol);
    // A name may be held out of the evaluation tables but the runtime tables know it.
    t.is(got, target, name);
  }
});

test('sub-phrase hints carry knowledge to unseen names', (t) => {
  const hints = knowledge.hints(normalizeName('managerEmailAddress').words);
  t.true(hints.includes('email'));
});

test('value evidence gates identity-bearing claims', (t) => {
  t.true(targetAllowed('email', evidence('John.Doe@Example.com')));
  t.false(targetAllowed('email', evidence('72f988bf-86f1-41af-91ab-2d7cd011db47')));
  t.true(targetAllowed('phone_number', evidence('+33 6 12 34 56 78')));
  t.false(targetAllowed('phone_number', evidence('2024-01-02')));
  t.false(targetAllowed('given_name', evidence('12345')));
  t.true(targetAllowed('email_verified', evidence(true)));
  t.false(targetAllowed('email_verified', evidence('maybe later')));
  t.true(evidence('(415) 555-0132').shapes.has('phone_us'));
  t.true(evidence('06 12 34 56 78').shapes.has('phone_fr'));
});
