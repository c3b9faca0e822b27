import test from 'ava';
import { Knowledge, type KnowledgeFile } from '../../../src/claims/model/knowledge.ts';
import { evidence, isApiEndpoint, targetAllowed } from '../../../src/claims/model/evidence.ts';
import { evidenceTargets, type WordEvidence } from '../../../src/claims/model/override.ts';
import { isDictionaryWord } from '../../../src/claims/model/normalize.ts';
import { IDENTITY_CLAIMS } from '../../../src/claims/model/mapper.ts';

// A small table where `primary` and `user` keep a claim and `manager` turns it into drop.
const file: KnowledgeFile = {
  entries: {
    'email': { '*': 'email' }, 'primary email': { '*': 'email' }, 'user email': { '*': 'email' },
    'phone': { '*': 'phone_number' }, 'primary phone': { '*': 'phone_number' }, 'user phone': { '*': 'phone_number' },
    'manager email': { '*': 'drop' }, 'pager': { '*': 'drop' }, 'revocation list': { '*': 'drop' },
    'modified at': { '*': 'updated_at' }, 'dg identity': { '*': 'drop' }, 'group': { '*': 'groups' },
  },
  heldOut: [],
  oidNames: {},
};
const k = new Knowledge(file);

test('a known name plus modifiers the tables show to be neutral is decided like the known name', (t) => {
  t.is(k.backoff(['primary', 'user', 'email']), 'email');
  t.is(k.backoff(['user', 'phone']), 'phone_number');
  // `manager` changed a claim, so it is no neutral modifier and nothing is decided.
  t.is(k.backoff(['manager', 'phone']), undefined);
  t.is(k.backoff(['email']), undefined, 'exact names are the exact lookup, not the back-off');
});

test('only words that name something else, flip a claim, or are internal codes veto the model', (t) => {
  t.true(k.wordVetoes('manager', true, isDictionaryWord), 'turned email into drop');
  t.true(k.wordVetoes('pager', true, isDictionaryWord), 'a dropped attribute of its own');
  t.true(k.wordVetoes('dg', true, isDictionaryWord), 'not an ordinary word');
  t.true(k.wordVetoes('never-seen', true, isDictionaryWord), 'unknown words still veto');
  t.false(k.wordVetoes('list', true, isDictionaryWord), 'an ordinary word seen only inside dropped names');
  t.true(k.wordVetoes('list', true), 'the strict reading, without a dictionary');
});

test('API endpoints are never a website, profile or picture', (t) => {
  for (const url of ['https://api.github.com/users/octocat/followers', 'https://graph.microsoft.com/v1.0/users/42',
    'https://example.okta.com/api/v1/users/00u1', 'https://login.example.com/callback', 'https://idp.example.com/.well-known/jwks.json']) {
    t.true(isApiEndpoint(url), url);
    t.false(targetAllowed('website', evidence(url)), url);
  }
  for (const url of ['https://www.example.org/~jd', 'https://github.com/octocat', 'https://avatars.example.com/u/1a2b.png']) {
    t.false(isApiEndpoint(url), url);
    t.true(targetAllowed('website', evidence(url)), url);
  }
});

test('value evidence overrules drop only for non-identity claims and under the strict veto', (t) => {
  const strict: WordEvidence = { supports: (w, c) => k.wordSupports(w, c), vetoes: (w) => k.wordVetoes(w, true) };
  const all = ['updated_at', 'email', 'groups', 'zoneinfo'];
  t.deepEqual(evidenceTargets(all, evidence('1558654836'), ['modified'], strict, IDENTITY_CLAIMS), ['updated_at']);
  t.deepEqual(evidenceTargets(all, evidence('a@example.com'), ['email'], strict, IDENTITY_CLAIMS), [], 'identity claims are never forced');
  t.deepEqual(evidenceTargets(all, evidence(['cn=a,ou=g,dc=x', 'cn=b,ou=g,dc=x']), ['group'], strict, IDENTITY_CLAIMS), []);
  t.deepEqual(evidenceTargets(all, evidence('1558654836'), ['list', 'modified'], strict, IDENTITY_CLAIMS), [], 'a dropped-only word');
  t.deepEqual(evidenceTargets(all, evidence('hello'), ['modified'], strict, IDENTITY_CLAIMS), [], 'no timestamp shape');
});
