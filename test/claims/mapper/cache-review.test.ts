// The cache and review flow on both stores. These tests are about cache and review logic, so they
// use the scripted proposer (helpers.ts) to control confidences and count model calls; the real
// model's path is covered in model-path.test.ts.
import test from 'ava';
import { verifyAudit } from '../../../src/audit/index.ts';
import { ClaimMappingError, createClaimMapper } from '../../../src/claims/mapper/index.ts';
import { openTestStore, storeKinds, type TestStore } from '../../helpers/store.ts';
import { scriptedProposer, TABLE } from './helpers.ts';

async function store(t: { teardown(fn: () => Promise<void>): void }, kind: (typeof storeKinds)[number]): Promise<TestStore> {
  const s = await openTestStore(kind);
  t.teardown(() => s.dispose());
  return s;
}

async function claimsAudit(s: TestStore) {
  return s.db.auditEvent.findMany({ where: { kind: { startsWith: 'claims.' } }, orderBy: { seq: 'asc' } });
}

for (const kind of storeKinds) {
  test(`a cache hit avoids the model, and a warm mapping costs no query [${kind}]`, async (t) => {
    const s = await store(t, kind);
    const proposer = scriptedProposer(TABLE);
    const mapper = createClaimMapper({ db: s.db, proposer });
    const attrs = { mail: ['Jane.Doe@Example.com'], displayName: '  Jane   Doe ', tenantId: 'c0ffee' };
    const first = await mapper.mapClaims('corp', 'saml', attrs);
    t.deepEqual(first.claims, { email: 'jane.doe@example.com', name: 'Jane Doe' });
    t.deepEqual(first.dropped, [{ attribute: 'tenantId', reason: 'no claim fits this attribute' }]);
    t.deepEqual(first.pending, []);
    t.is(proposer.calls.length, 3);
    const queries = mapper.cache.queries;
    const again = await mapper.mapClaims('corp', 'saml', { ...attrs, mail: 'other@example.org' });
    t.is(again.claims.email, 'other@example.org');
    t.is(proposer.calls.length, 3, 'the model is not asked again');
    t.is(mapper.cache.queries, queries, 'a warm mapping costs no query');
    // Another process (a fresh memo) reads the stored programs and does not ask its model either.
    const other = createClaimMapper({ db: s.db, proposer });
    t.deepEqual((await other.mapClaims('corp', 'saml', attrs)).claims, first.claims);
    t.is(proposer.calls.length, 3);
    // Programs are per upstream and protocol: the same name elsewhere is a new sighting.
    await mapper.mapClaims('partner', 'saml', { mail: 'x@y.org' });
    await mapper.mapClaims('corp', 'oidc', { mail: 'x@y.org' });
    t.is(proposer.calls.length, 5);
    const rows = await s.db.claimMapping.findMany({ where: { upstream: 'corp', protocol: 'saml' }, orderBy: { attribute: 'asc' } });
    t.deepEqual(rows.map((r) => [r.attribute, r.program, r.source, r.status, r.modelVersion]), [
      ['displayName', 'name := v | collapse', 'model', 'active', 'scripted-test-1'],
      ['mail', 'email := v | first | email', 'model', 'active', 'scripted-test-1'],
      ['tenantId', 'drop', 'model', 'active', 'scripted-test-1'],
    ]);
  });

  test(`review changes from another process are seen within the memo TTL; preload warms a batch [${kind}]`, async (t) => {
    const s = await store(t, kind);
    let clock = 0;
    const server = createClaimMapper({ db: s.db, proposer: scriptedProposer(TABLE), cache: { ttlMs: 30_000, now: () => clock } });
    const attrs = { memberOf: ['CN=Staff,DC=x'] };
    t.deepEqual((await server.mapClaims('corp', 'saml', attrs)).claims, {});
    // The CLI (another process, its own mapper) approves the held program.
    const cli = createClaimMapper({ db: s.db, proposer: scriptedProposer(TABLE) });
    const [held] = await cli.review.list({ status: 'proposed' });
    await cli.review.approve(held?.id ?? '');
    clock += 29_000;
    t.deepEqual((await server.mapClaims('corp', 'saml', attrs)).claims, {}, 'still the memoised program');
    clock += 2_000;
    t.deepEqual((await server.mapClaims('corp', 'saml', attrs)).claims, { groups: ['Staff'] }, 'the approval is seen after the TTL');

    const batch = createClaimMapper({ db: s.db, proposer: scriptedProposer(TABLE) });
    t.is(await batch.cache.preload('corp'), 1);
    const queries = batch.cache.queries;
    await batch.mapClaims('corp', 'saml', attrs);
    t.is(batch.cache.queries, queries, 'preloaded programs cost no query');
  });

  test(`concurrent first sightings store one program and audit it once [${kind}]`, async (t) => {
    const s = await store(t, kind);
    const proposer = scriptedProposer(TABLE, { delayMs: 20 });
    const mapper = createClaimMapper({ db: s.db, proposer });
    const results = await Promise.all(Array.from({ length: 8 }, () => mapper.mapClaims('corp', 'saml', { mail: 'jane@example.com' })));
    t.true(results.every((r) => r.claims.email === 'jane@example.com'));
    t.is(proposer.calls.length, 1, 'one proposal per key in a process');
    // Two processes (two mappers, separate memos) racing: the unique key lets one insert win.
    const proposerA = scriptedProposer(TABLE, { delayMs: 50 });
    const proposerB = scriptedProposer(TABLE, { delayMs: 50 });
    const a = createClaimMapper({ db: s.db, proposer: proposerA });
    const b = createClaimMapper({ db: s.db, proposer: proposerB });
    const raced = await Promise.all([
      a.mapClaims('corp', 'saml', { displayName: 'Jane Doe', memberOf: ['CN=Staff,DC=x'] }),
      b.mapClaims('corp', 'saml', { displayName: 'Jane Doe', memberOf: ['CN=Staff,DC=x'] }),
    ]);
    t.deepEqual(raced[0], raced[1]);
    // Both saw the names as new and proposed; one insert per name lost on the unique key and read the winner's row.
    t.is(proposerA.calls.length + proposerB.calls.length, 4);
    t.is(await s.db.claimMapping.count({ where: { upstream: 'corp', attribute: 'displayName' } }), 1);
    t.is(await s.db.claimMapping.count({ where: { upstream: 'corp', attribute: 'memberOf' } }), 1);
    const proposed = (await claimsAudit(s)).filter((e) => e.kind === 'claims.proposed');
    t.deepEqual(proposed.map((e) => JSON.parse(e.data).attribute).sort(), ['displayName', 'mail', 'memberOf']);
  });

  test(`sensitive targets below their threshold are held and their claim dropped; approve and reject [${kind}]`, async (t) => {
    const s = await store(t, kind);
    const mapper = createClaimMapper({ db: s.db, proposer: scriptedProposer(TABLE) });
    const attrs = { mail: 'jane@example.com', memberOf: ['CN=Staff,OU=Groups,DC=x', 'CN=Admins,OU=Groups,DC=x'], eduPersonAffiliation: ['staff@x.edu'], verified: 'yes', mobile: '(415) 555-0132' };
    const result = await mapper.mapClaims('corp', 'saml', attrs);
    t.deepEqual(result.claims, { email: 'jane@example.com', roles: ['staff'] });
    t.deepEqual(
      result.pending.map((p) => [p.attribute, p.target, p.confidence]),
      [['memberOf', 'groups', 0.8], ['verified', 'email_verified', 0.7], ['mobile', 'phone_number', 0.4]],
    );
    t.deepEqual(result.dropped.map((d) => d.attribute), ['memberOf', 'verified', 'mobile']);
    t.regex(result.dropped[0]?.reason ?? '', /below 0\.9 for sensitive target groups/);
    t.regex(result.dropped[2]?.reason ?? '', /below 0\.5/);

    const held = await mapper.review.list({ upstream: 'corp', status: 'proposed' });
    t.deepEqual(held.map((m) => m.attribute), ['memberOf', 'mobile', 'verified']);
    const memberOf = held.find((m) => m.attribute === 'memberOf');
    const mobile = held.find((m) => m.attribute === 'mobile');
    if (!memberOf || !mobile) return t.fail();
    await mapper.review.approve(memberOf.id, 'admin-1');
    await mapper.review.reject(mobile.id, 'admin-1');
    // The same process sees the change at once (its memo is kept in step).
    const after = await mapper.mapClaims('corp', 'saml', attrs);
    t.deepEqual(after.claims.groups, ['Staff', 'Admins']);
    t.is(after.claims.phone_number, undefined);
    t.regex(after.dropped.find((d) => d.attribute === 'mobile')?.reason ?? '', /rejected/);
    t.deepEqual(after.pending.map((p) => p.attribute), ['verified']);

    const audit = await claimsAudit(s);
    t.deepEqual(audit.map((e) => e.kind), ['claims.proposed', 'claims.proposed', 'claims.proposed', 'claims.proposed', 'claims.proposed', 'claims.approved', 'claims.rejected']);
    const approved = audit[5];
    t.is(approved?.actor, 'admin-1');
    t.is(approved?.subject, memberOf.id);
    t.like(JSON.parse(approved?.data ?? '{}'), { attribute: 'memberOf', previousStatus: 'proposed', program: 'groups := v | each(dn_cn) | unique' });
    t.like(JSON.parse(audit[0]?.data ?? '{}'), { upstream: 'corp', protocol: 'saml', modelVersion: 'scripted-test-1' });
    t.true((await verifyAudit(s.db)).ok);
  });

  test(`review mode holds every new program; thresholds are configurable [${kind}]`, async (t) => {
    const s = await store(t, kind);
    const review = createClaimMapper({ db: s.db, proposer: scriptedProposer(TABLE), mode: 'review' });
    const result = await review.mapClaims('corp', 'oidc', { mail: 'jane@example.com', tenantId: 'abc' });
    t.deepEqual(result.claims, {});
    t.deepEqual(result.pending.map((p) => [p.attribute, p.target]), [['mail', 'email'], ['tenantId', 'drop']]);
    t.regex(result.dropped[0]?.reason ?? '', /claims mode is review/);
    const strict = createClaimMapper({ db: s.db, proposer: scriptedProposer(TABLE), thresholds: { sensitive: 0.99, other: 0.98 } });
    const strictResult = await strict.mapClaims('other', 'oidc', { mail: 'jane@example.com', eduPersonAffiliation: 'staff' });
    t.deepEqual(strictResult.claims, {});
    t.is(strictResult.pending.length, 2);
    t.throws(() => createClaimMapper({ db: s.db, proposer: scriptedProposer(TABLE), thresholds: { sensitive: 2 } }), { instanceOf: RangeError });
  });

  test(`an admin pin always wins, is validated, and is audited [${kind}]`, async (t) => {
    const s = await store(t, kind);
    const proposer = scriptedProposer(TABLE);
    const mapper = createClaimMapper({ db: s.db, proposer });
    // Pinned before the attribute is ever seen: the model is never asked for it.
    const pinned = await mapper.review.set({ upstream: 'corp', protocol: 'saml', attribute: 'upn' }, 'email:=v|strip_known_prefix|email', 'admin-1');
    t.like(pinned, { program: 'email := v | strip_known_prefix | email', target: 'email', source: 'admin', status: 'active', confidence: 1 });
    const result = await mapper.mapClaims('corp', 'saml', { mail: 'jane@example.com', upn: 'smtp:JANE.DOE@corp.example.com' });
    t.is(result.claims.email, 'jane.doe@corp.example.com', 'admin beats a more confident model program');
    t.deepEqual(result.dropped, [{ attribute: 'mail', reason: 'conflict: email comes from "upn" (an admin program wins)' }]);
    t.deepEqual(proposer.calls.map((c) => c.attribute), ['mail']);
    // Overriding a model program (even a rejected one) replaces it in place.
    const mail = (await mapper.review.list({ upstream: 'corp' })).find((m) => m.attribute === 'mail');
    if (!mail) return t.fail();
    await mapper.review.reject(mail.id);
    const replaced = await mapper.review.set({ upstream: 'corp', protocol: 'saml', attribute: 'mail' }, 'drop');
    t.is(replaced.id, mail.id);
    t.like(replaced, { source: 'admin', status: 'active', program: 'drop', modelVersion: null });
    t.deepEqual((await mapper.mapClaims('corp', 'saml', { mail: 'jane@example.com' })).dropped, [{ attribute: 'mail', reason: 'no claim fits this attribute' }]);

    // Bad programs: a clear error with its position, nothing stored.
    const bad = await t.throwsAsync(mapper.review.set({ upstream: 'corp', protocol: 'saml', attribute: 'x' }, 'email := v | emial'), { instanceOf: ClaimMappingError });
    t.regex(bad?.message ?? '', /^invalid program: 1:14: unknown function "emial" \(did you mean "email"\?\)/);
    await t.throwsAsync(mapper.review.set({ upstream: 'corp', protocol: 'saml', attribute: 'x' }, 'sub := v'), { message: /sub is never a mapping target/ });
    t.is(await s.db.claimMapping.count({ where: { attribute: 'x' } }), 0);
    await t.throwsAsync(mapper.review.approve('00000000-0000-0000-0000-000000000000'), { message: /no claim mapping/ });

    const sets = (await claimsAudit(s)).filter((e) => e.kind === 'claims.set').map((e) => JSON.parse(e.data) as Record<string, unknown>);
    t.is(sets.length, 2);
    t.like(sets[0], { attribute: 'upn', previousProgram: null, program: 'email := v | strip_known_prefix | email' });
    t.like(sets[1], { attribute: 'mail', previousProgram: 'email := v | first | email', previousSource: 'model', previousStatus: 'rejected', program: 'drop' });
  });

  test(`nothing reaches sub; refused proposals are stored rejected; failures store nothing [${kind}]`, async (t) => {
    const s = await store(t, kind);
    const proposer = scriptedProposer(TABLE, { fail: new Set(['flaky']) });
    const mapper = createClaimMapper({ db: s.db, proposer });
    const result = await mapper.mapClaims('corp', 'oidc', { whoami: 'jdoe', flaky: 'x' });
    t.deepEqual(result.claims, {});
    t.regex(result.dropped.find((d) => d.attribute === 'whoami')?.reason ?? '', /refused model program: .*sub is never a mapping target/);
    t.regex(result.dropped.find((d) => d.attribute === 'flaky')?.reason ?? '', /no mapping program: model unavailable/);
    const whoami = await s.db.claimMapping.findFirst({ where: { attribute: 'whoami' } });
    t.like(whoami, { program: 'drop', target: 'drop', status: 'rejected' });
    t.is(await s.db.claimMapping.count({ where: { attribute: 'flaky' } }), 0);
    await mapper.mapClaims('corp', 'oidc', { flaky: 'x' });
    t.is(proposer.calls.filter((c) => c.attribute === 'flaky').length, 2, 'a failed proposal is retried on the next sighting');
    await t.throwsAsync(mapper.mapClaims('corp', 'ldap' as 'oidc', {}), { instanceOf: ClaimMappingError, message: /protocol must be one of saml, oidc, oauth2/ });
    await t.throwsAsync(mapper.mapClaims('', 'oidc', {}), { instanceOf: ClaimMappingError });
  });

  test(`samples are redacted; address parts merge; conflicting targets are reported [${kind}]`, async (t) => {
    const s = await store(t, kind);
    const mapper = createClaimMapper({ db: s.db, proposer: scriptedProposer(TABLE) });
    const result = await mapper.mapClaims('corp', 'saml', {
      mail: 'jane.doe@example.com',
      emailAddress: 'j.doe@example.org',
      street: '1 Main St',
      l: 'Springfield',
      postalCode: 62701,
      c: 'United States',
    });
    t.deepEqual(result.claims, {
      email: 'jane.doe@example.com',
      address: { formatted: '1 Main St\nSpringfield 62701\nUS', street_address: '1 Main St', locality: 'Springfield', postal_code: '62701', country: 'US' },
    });
    t.deepEqual(result.dropped, [{ attribute: 'emailAddress', reason: 'conflict: email comes from "mail" (higher confidence)' }]);
    const samples = Object.fromEntries((await s.db.claimMapping.findMany()).map((r) => [r.attribute, r.sample]));
    t.deepEqual(samples, {
      mail: '"j***@e***.com"',
      emailAddress: '"j***@e***.org"',
      street: '"9 Xxxx Xx"',
      l: '"Sxxxxxxxxxx"',
      postalCode: '99999',
      c: '"Uxxxxx Xxxxxx"',
    });
  });
}
