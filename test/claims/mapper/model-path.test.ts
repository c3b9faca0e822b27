// The mapper with the real claim-mapping model (no stand-in): what it stores and issues must obey
// policy whatever the model proposes, and the model runs once per new attribute.
import test from 'ava';
import { createClaimMapper, DEFAULT_THRESHOLDS, SENSITIVE_TARGETS, type ProgramProposer, type ProposalInput } from '../../../src/claims/mapper/index.ts';
import { loadModelProposer } from '../../../src/claims/mapper/model-proposer.ts';
import { programTarget } from '../../../src/claims/mapper/policy.ts';
import { TARGET_NAMES, warmUpLanguage } from '../../../src/claims/language/index.ts';
import { openTestStore, storeKinds } from '../../helpers/store.ts';

/** The real model, with a counter around it (the proposals themselves are the model's). */
async function countedModel(): Promise<ProgramProposer & { calls: ProposalInput[] }> {
  const model = await loadModelProposer();
  const calls: ProposalInput[] = [];
  return {
    modelVersion: model.modelVersion,
    calls,
    propose(input) {
      calls.push(input);
      return model.propose(input);
    },
  };
}

const SAML_ATTRIBUTES: Record<string, unknown> = {
  'urn:oid:0.9.2342.19200300.100.1.3': 'Jane.Doe@Example.com',
  'urn:oid:2.5.4.42': 'Jane',
  'urn:oid:2.5.4.4': 'Doe',
  'http://schemas.xmlsoap.org/ws/2005/05/identity/claims/name': 'Doe, Jane',
  memberOf: ['CN=Staff,OU=Groups,DC=example,DC=com', 'CN=VPN Users,OU=Groups,DC=example,DC=com'],
  'urn:oid:1.3.6.1.4.1.5923.1.1.1.9': ['staff@example.edu', 'member@example.edu'],
  telephoneNumber: '+1 415 555 0132',
  emailVerified: 'true',
  tenantId: '72f988bf-86f1-41af-91ab-2d7cd011db47',
  SessionIndex: '_be9967abd904ddcae3c0eb4189adbe3f71e327cf93',
  postalAddress: '1 Main St$Springfield, IL 62701$US',
  preferredLanguage: 'en_US',
};

warmUpLanguage();

for (const kind of storeKinds) {
  test(`the real model's proposals pass through policy, cache and redaction [${kind}]`, async (t) => {
    const s = await openTestStore(kind);
    t.teardown(() => s.dispose());
    const model = await countedModel();
    const mapper = createClaimMapper({ db: s.db, proposer: model });
    const result = await mapper.mapClaims('campus', 'saml', SAML_ATTRIBUTES);
    t.is(model.calls.length, Object.keys(SAML_ATTRIBUTES).length);
    t.log(JSON.stringify(result.claims), JSON.stringify(result.pending));

    const rows = await s.db.claimMapping.findMany({ where: { upstream: 'campus' } });
    t.is(rows.length, Object.keys(SAML_ATTRIBUTES).length);
    for (const row of rows) {
      const checked = programTarget(row.program);
      t.true(checked.ok, `${row.attribute}: ${row.program}`);
      if (checked.ok) t.is(checked.target, row.target);
      t.is(row.modelVersion, model.modelVersion);
      t.is(row.source, 'model');
      const needed = SENSITIVE_TARGETS.has(row.target) ? DEFAULT_THRESHOLDS.sensitive : DEFAULT_THRESHOLDS.other;
      t.is(row.status, row.confidence >= needed ? 'active' : 'proposed', `${row.attribute}: ${row.target} at ${row.confidence}`);
      for (const raw of ['Jane', 'Doe', 'Example', 'Staff', '415', 'Springfield', '72f988bf', 'be9967']) t.false(row.sample?.includes(raw), `${row.attribute} sample ${row.sample}`);
    }
    // Only OIDC claims; never sub; sensitive claims only from confident programs.
    for (const claim of Object.keys(result.claims)) t.true((TARGET_NAMES as readonly string[]).includes(claim), claim);
    t.false('sub' in result.claims);
    for (const target of SENSITIVE_TARGETS) {
      if (!(target in result.claims)) continue;
      t.true(rows.some((r) => r.target === target && r.status === 'active' && r.confidence >= DEFAULT_THRESHOLDS.sensitive), target);
    }
    // Standard vocabulary names are settled by the tables, whatever the model would say.
    const byAttribute = new Map(rows.map((r) => [r.attribute, r]));
    t.is(byAttribute.get('urn:oid:0.9.2342.19200300.100.1.3')?.target, 'email');
    t.is(byAttribute.get('urn:oid:2.5.4.42')?.target, 'given_name');
    t.is(byAttribute.get('urn:oid:2.5.4.4')?.target, 'family_name');
    t.is(await s.db.auditEvent.count({ where: { kind: 'claims.proposed' } }), rows.length);

    // The second login from the same upstream does not run the model.
    const again = await mapper.mapClaims('campus', 'saml', SAML_ATTRIBUTES);
    t.is(model.calls.length, Object.keys(SAML_ATTRIBUTES).length);
    t.deepEqual(again, result);
  });
}
