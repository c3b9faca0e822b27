// The per-event feature read (src/risk/features/combined.ts) beyond what the simulator's parity
// fixture exercises: the address window's cap on a busy address, and on PostgreSQL the plan that a
// connection keeps for the statement (generic plans are made once, on an empty table or with statistics).
import { randomUUID } from 'node:crypto';
import test from 'ava';
import pg from 'pg';
import { resolveEvent } from '../../src/risk/engine.ts';
import { riskContextSchema } from '../../src/risk/events.ts';
import { loadCommon } from '../../src/risk/features/combined.ts';
import { spec } from '../../src/risk/spec.ts';
import { plannerSettings } from '../../src/store/pg-pool.ts';
import { sqlRunnerFor, type Prisma, type SqlRunner } from '../../src/store/index.ts';
import { openTestStore, storeKinds } from '../helpers/store.ts';

const NOW = Date.UTC(2026, 10, 2, 12, 0, 0);
const ADDRESS = '198.51.100.7';
const MINUTE = 60_000;

interface Spec { ago: number; kind: string; success: boolean; accountId?: string; login?: string }

function row(e: Spec): Prisma.RiskEventCreateManyInput {
  return {
    id: randomUUID(), at: new Date(NOW - e.ago), kind: e.kind, accountId: e.accountId ?? null, login: e.login ?? null, clientId: 'web',
    ip: ADDRESS, ipPrefix: '198.51.100.0/24', success: e.success, tokenId: null, grantId: null, features: {}, score: 0,
    decision: 'allow', reasons: [], modelVersion: 'test',
  };
}

/** velocity's counts straight from the definition: the newest addressTake events of the hour. */
function expected(events: readonly Spec[]) {
  const window = events.filter((e) => e.ago <= 60 * MINUTE).sort((a, b) => a.ago - b.ago).slice(0, spec.windows.addressTake);
  const logins = window.filter((e) => spec.loginKinds.includes(e.kind));
  return {
    fail10m: window.filter((e) => !e.success && e.ago <= 10 * MINUTE).length,
    fail1h: window.filter((e) => !e.success).length,
    attempts1h: logins.length,
    accounts1h: new Set(logins.map((e) => e.accountId ?? `?${e.login ?? ''}`)).size,
  };
}

const refreshAt = (sql: SqlRunner) => loadCommon(sql, resolveEvent(riskContextSchema.parse({
  kind: 'refresh', at: new Date(NOW), ip: ADDRESS, clientId: 'web', accountId: 'acct-a', success: true, tokenId: 'rt-probe', grantId: 'g-probe',
})));

for (const kind of storeKinds) {
  test(`a busy address counts failures and logins among its newest ${spec.windows.addressTake} events of the hour only [${kind}]`, async (t) => {
    const s = await openTestStore(kind);
    t.teardown(() => s.dispose());
    // Old enough to fall out of the window once the backend's refreshes arrive: failures and logins
    // 40-50 minutes ago; then 600 refreshes over the last 30 minutes with two fresh failures among them.
    const events: Spec[] = [
      ...Array.from({ length: 5 }, (_, i) => ({ ago: (50 - i) * MINUTE, kind: 'password_login', success: false, login: `guess${i}@example.org` })),
      ...Array.from({ length: 3 }, (_, i) => ({ ago: (45 - i) * MINUTE, kind: 'password_login', success: true, accountId: `acct-${i}` })),
      { ago: 2 * 3600_000, kind: 'password_login', success: false, login: 'yesterday@example.org' },
    ];
    const sql = sqlRunnerFor(s.db);
    await s.db.riskEvent.createMany({ data: events.map(row) });
    const quiet = await refreshAt(sql);
    t.deepEqual(quiet.address, expected(events), 'under the cap, the whole hour counts');
    t.deepEqual(quiet.address, { fail10m: 0, fail1h: 5, attempts1h: 8, accounts1h: 8 });

    const busy: Spec[] = [
      ...Array.from({ length: 600 }, (_, i) => ({ ago: Math.round((i * 30 * MINUTE) / 600) + 1, kind: 'refresh', success: true, accountId: 'acct-a' })),
      { ago: 3 * MINUTE + 7, kind: 'refresh', success: false, accountId: 'acct-a' },
      { ago: 20 * MINUTE + 7, kind: 'password_login', success: false, login: 'late@example.org' },
    ];
    await s.db.riskEvent.createMany({ data: busy.map(row) });
    const all = [...events, ...busy];
    const counted = await refreshAt(sql);
    t.deepEqual(counted.address, expected(all));
    t.deepEqual(counted.address, { fail10m: 1, fail1h: 2, attempts1h: 1, accounts1h: 1 }, 'the 40-50 minute old events fell out');
  });
}

for (const kind of storeKinds) {
  test(`a relying party's backend that only refreshes counts nothing, its older failures included [${kind}]`, async (t) => {
    const s = await openTestStore(kind);
    t.teardown(() => s.dispose());
    // No failure or login within the hour, so the window is not walked; the failure of two hours ago
    // and the 600 refreshes must still count for nothing.
    const events: Spec[] = [
      { ago: 2 * 3600_000, kind: 'password_login', success: false, login: 'yesterday@example.org' },
      ...Array.from({ length: 600 }, (_, i) => ({ ago: Math.round((i * 30 * MINUTE) / 600) + 1, kind: 'refresh', success: true, accountId: 'acct-a' })),
    ];
    await s.db.riskEvent.createMany({ data: events.map(row) });
    const read = await refreshAt(sqlRunnerFor(s.db));
    t.deepEqual(read.address, expected(events));
    t.deepEqual(read.address, { fail10m: 0, fail1h: 0, attempts1h: 0, accounts1h: 0 });
  });
}

for (const kind of storeKinds) {
  test(`the account history is the newest ${spec.windows.historyTake} logins of both login kinds together, in the window [${kind}]`, async (t) => {
    const s = await openTestStore(kind);
    t.teardown(() => s.dispose());
    const take = spec.windows.historyTake;
    // 270 logins of two kinds interleaved, 9 minutes apart, so the cap falls inside both kinds' runs;
    // the event's network and client appear only in trusted logins just beyond the cap. Then refreshes
    // newer than every login (not logins: they must neither count nor use up the cap) and trusted
    // logins older than the window.
    const logins = Array.from({ length: 270 }, (_, i) => ({
      at: NOW - (i + 1) * 9 * MINUTE,
      kind: i % 9 < 5 ? 'password_login' : 'federated_login',
      success: i % 7 !== 3,
      decision: i % 11 === 4 ? 'step_up' : 'allow',
      ipPrefix: i === take + 21 ? '198.51.100.0/24' : `203.0.${i}.0/24`,
      clientId: i === take + 30 ? 'web' : 'portal',
      place: i % 5 === 2 ? { latitude: i, longitude: -i } : null,
    }));
    const beyond = logins.slice(take);
    t.true(beyond.some((e) => e.ipPrefix === '198.51.100.0/24' && e.success && e.decision === 'allow'));
    t.true(beyond.some((e) => e.clientId === 'web' && e.success && e.decision === 'allow'));
    const rows: Prisma.RiskEventCreateManyInput[] = [
      ...logins.map((e) => ({
        id: randomUUID(), at: new Date(e.at), kind: e.kind, accountId: 'acct-a', clientId: e.clientId, ip: '203.0.113.9',
        ipPrefix: e.ipPrefix, latitude: e.place?.latitude ?? null, longitude: e.place?.longitude ?? null, success: e.success,
        features: {}, score: 0, decision: e.decision, reasons: [], modelVersion: 'test',
      })),
      ...Array.from({ length: 300 }, (_, i) => ({
        id: randomUUID(), at: new Date(NOW - (i + 1) * 1000), kind: 'refresh', accountId: 'acct-a', clientId: 'web', ip: ADDRESS,
        ipPrefix: '198.51.100.0/24', success: true, features: {}, score: 0, decision: 'allow', reasons: [], modelVersion: 'test',
      })),
      ...Array.from({ length: 5 }, (_, i) => ({
        id: randomUUID(), at: new Date(NOW - (spec.windows.historyDays + 1 + i) * 86_400_000), kind: 'password_login', accountId: 'acct-a',
        clientId: 'web', ip: ADDRESS, ipPrefix: '198.51.100.0/24', success: true, features: {}, score: 0, decision: 'allow', reasons: [], modelVersion: 'test',
      })),
    ];
    await s.db.riskEvent.createMany({ data: rows });
    const history = (await refreshAt(sqlRunnerFor(s.db))).history;

    const newest = logins.slice(0, take);
    const trusted = newest.filter((e) => e.success && e.decision === 'allow');
    const failedSince = (ms: number) => newest.filter((e) => !e.success && e.at >= NOW - ms).length;
    const place = trusted.find((e) => e.place !== null);
    t.is(history.trusted, trusted.length);
    t.false(history.knownPrefix, "the event's network is known only beyond the cap");
    t.false(history.knownClient, "the event's client is known only beyond the cap");
    t.is(history.lastTrustedAt?.getTime(), trusted[0]?.at);
    t.deepEqual(history.lastPlace, place?.place ? { at: new Date(place.at), ...place.place } : null);
    t.is(history.fail1h, failedSince(3_600_000));
    t.is(history.fail24h, failedSince(86_400_000));
    t.true(history.fail24h > 0);
  });
}

if (storeKinds.includes('sqlite')) {
  test('the account history reads only its covering index, merged in index order, the address counts the partial index of failures and logins [sqlite]', async (t) => {
    const s = await openTestStore('sqlite');
    t.teardown(() => s.dispose());
    let captured: { text: string; params: unknown[] } | undefined;
    const sql = sqlRunnerFor(s.db);
    await refreshAt({ ...sql, query: async (text, params) => { captured = { text, params }; return [{}]; } });
    if (!captured) throw new Error('no statement');
    const plan = await s.db.$queryRawUnsafe<Array<{ detail: string }>>(`EXPLAIN QUERY PLAN ${captured.text}`, ...captured.params);
    const details = plan.map((step) => step.detail);
    t.true(details.some((d) => d.includes('USING COVERING INDEX RiskEvent_ip_velocity_idx')), details.join('\n'));
    t.true(details.some((d) => d.includes('USING COVERING INDEX RiskEvent_ip_at_idx')), details.join('\n'));
    t.true(details.some((d) => d.includes('USING COVERING INDEX RiskEvent_prefix_failures_idx')), details.join('\n'));
    // The account's history, per login kind, without visiting any event's row.
    t.is(details.filter((d) => d.includes('USING COVERING INDEX RiskEvent_account_history_idx')).length, spec.loginKinds.length, details.join('\n'));
    // Merged in index order, not sorted again: the one ORDER BY sort is the newest place's, over the capped history.
    t.true(details.includes('MERGE (UNION ALL)'), details.join('\n'));
    t.is(details.filter((d) => d === 'USE TEMP B-TREE FOR ORDER BY').length, 1, details.join('\n'));
    t.false(details.some((d) => /SCAN "?RiskEvent"?(?! USING)/.test(d)), 'no full scan');
  });
}

if (storeKinds.includes('postgresql')) {
  test('the feature statement planned on an empty table, and again with statistics, reads RiskEvent only through index ranges [postgresql]', async (t) => {
    const s = await openTestStore('postgresql');
    t.teardown(() => s.dispose());
    const sql = sqlRunnerFor(s.db);
    // The statement as the engine sends it, prepared on a connection configured like Warden's pool
    // while the table is empty, then run (the plan is kept) once the table holds a busy address.
    let captured: { text: string; params: unknown[] } | undefined;
    const capture: SqlRunner = { ...sql, query: async (text, params) => { captured = { text, params }; return [{}]; } };
    await refreshAt(capture);
    if (!captured) throw new Error('no statement');
    let n = 0;
    const text = captured.text.replace(/\?/g, () => `$${++n}`);
    const client = new pg.Client({ connectionString: s.databaseUrl, options: plannerSettings.map((setting) => `-c ${setting}`).join(' ') });
    await client.connect();
    t.teardown(() => client.end());
    await client.query({ name: 'features', text, values: captured.params });
    await s.db.riskEvent.createMany({ data: Array.from({ length: 3000 }, (_, i) => row({ ago: i * 1000, kind: 'refresh', success: true, accountId: 'acct-a' })) });
    // Untyped literals, as the driver sends parameters: PostgreSQL reads each as its parameter's type.
    const literal = (p: unknown) => (p === null ? 'NULL' : `'${String(p)}'`);
    interface PlanNode { 'Node Type': string; 'Relation Name'?: string; 'Index Name'?: string; Filter?: string; Plans?: PlanNode[] }
    const indexesUsed = async (statement: string) => {
      const explained = await client.query<{ 'QUERY PLAN': unknown }>(`EXPLAIN (FORMAT JSON) EXECUTE ${statement}(${captured?.params.map(literal).join(', ')})`);
      const [root] = explained.rows[0]?.['QUERY PLAN'] as Array<{ Plan: PlanNode }>;
      const scans: PlanNode[] = [];
      const walk = (node: PlanNode) => {
        if (node['Relation Name'] === 'RiskEvent') scans.push(node);
        node.Plans?.forEach(walk);
      };
      if (!root) throw new Error('no plan');
      walk(root.Plan);
      return scans.map((scan) => `${scan['Node Type']} ${scan['Index Name'] ?? ''}${scan.Filter ? ' (filtered)' : ''}`).sort();
    };
    // Each lookup on the one index made for it (prisma/models.prisma), as a range that filters no
    // rows: the address's failures and logins come from the partial index, not from a walk over its
    // refreshes. The partial index is probed twice: whether the hour holds any failure or login at
    // all (only then is the busy address's window walked), and the counts themselves.
    const expectedIndexes = [
      'Index Only Scan RiskEvent_clientId_ipPrefix_success_decision_at_idx',
      'Index Only Scan RiskEvent_ip_at_idx',
      'Index Only Scan RiskEvent_ip_velocity_idx',
      'Index Only Scan RiskEvent_ip_velocity_idx',
      'Index Only Scan RiskEvent_prefix_failures_idx',
      'Index Only Scan RiskEvent_tokenId_kind_success_idx',
      'Index Only Scan RiskEvent_account_history_idx',
      'Index Only Scan RiskEvent_account_history_idx',
      'Index Scan RiskEvent_grantId_at_idx',
    ].sort();
    t.deepEqual(await indexesUsed('features'), expectedIndexes, 'planned on the empty table');
    // And planned again once there are statistics of a deployment (two relying parties, hundreds of
    // networks, 80 days of events): an index on (network, success, time) used to win the client
    // lookup there, which then walked every success of the network looking for the client.
    await s.db.riskEvent.createMany({
      data: Array.from({ length: 20000 }, (_, i) => ({
        ...row({ ago: i * 350_000, kind: 'refresh', success: i % 50 !== 0, accountId: `acct-${i % 300}` }),
        ip: `203.${i % 4}.${i % 225}.7`, ipPrefix: `203.${i % 4}.${i % 225}.0/24`, clientId: i % 10 === 0 ? 'web' : 'portal',
      })),
    });
    await client.query('ANALYZE "RiskEvent"');
    await client.query({ name: 'features_analyzed', text, values: captured.params });
    t.deepEqual(await indexesUsed('features_analyzed'), expectedIndexes, 'planned with statistics');
  });
}
