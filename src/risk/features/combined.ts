// Every read an event needs, in one round trip: account history and the address window (both
// summarised by the database), network failures, client network, and for refreshes / exchanges their
// token and grant lookups. It goes through the store's plain-SQL runner (a Prisma query costs several
// times the statement), as one statement returning one row of about twenty values: each value that
// crosses the driver costs microseconds, and so does each branch of a UNION. Portable SQL (SQLite and
// PostgreSQL): quoted identifiers, `?` parameters, every lookup an index range scan with the same caps
// as the simulator; test/risk/parity.test.ts holds the results equal to models/risk/featurize.py on
// both stores.
import type { SqlRunner, SqlValue } from '../../store/index.ts';
import { TRUSTED } from '../event-rows.ts';
import type { ResolvedEvent } from '../events.ts';
import { spec } from '../spec.ts';
import { nearHours, type HistorySummary } from './history.ts';

export interface AddressCounts {
  fail10m: number;
  fail1h: number;
  /** Login-kind events from the address. */
  attempts1h: number;
  /** Distinct accounts (or typed identifiers) among those logins. */
  accounts1h: number;
}

export interface GrantOrigin {
  at: Date;
  ipPrefix: string;
  country: string | null;
  browserFamily: string | null;
}

export interface CommonRows {
  history: HistorySummary;
  address: AddressCounts;
  prefixFailures: number;
  /** null when the event has no client. */
  clientSeen: boolean | null;
  /** Refresh: a successful earlier use of the same token id. */
  tokenUsed: boolean;
  /** Refresh without a caller-supplied origin: the grant's first event. */
  grantFirst: GrantOrigin | null;
  /** Exchange: exchanges for the account in the last minute, earlier exchanges of the subject jti. */
  exchangesLastMinute: number;
  jtiSeen: number;
}

const sumIf = (cond: string) => `COALESCE(SUM(CASE WHEN ${cond} THEN 1 ELSE 0 END), 0)`;
const anyIf = (cond: string) => `COALESCE(MAX(CASE WHEN ${cond} THEN 1 ELSE 0 END), 0)`;
const exists = (query: string) => `CASE WHEN EXISTS (${query}) THEN 1 ELSE 0 END`;
const inList = (n: number) => Array.from({ length: n }, () => '?').join(', ');
/** The UTC hour of "at": SQLite holds Prisma's ISO text ("2026-01-02T03:04:05.678+00:00"), PostgreSQL a zone-less UTC timestamp. */
const hourOf = (kind: SqlRunner['kind']) =>
  kind === 'sqlite' ? 'CAST(substr("at", 12, 2) AS INTEGER)' : 'CAST(EXTRACT(HOUR FROM "at") AS INTEGER)';

// The login kinds as literals, not parameters: the planners use the partial index
// "RiskEvent_ip_velocity_idx" (migration risk_address_velocity) only for a condition that reads
// exactly like its own, which names them. They come from models/risk/features.json, never from input.
const loginKindList = spec.loginKinds
  .map((kind) => {
    if (!/^[a-z_]+$/.test(kind)) throw new Error(`unexpected login kind in features.json: ${kind}`);
    return `'${kind}'`;
  })
  .join(', ');
const IS_LOGIN = `"kind" IN (${loginKindList})`;
/** The partial index's condition, verbatim. */
const VELOCITY_EVENT = `"success" = FALSE OR ${IS_LOGIN}`;

const num = (v: unknown): number => (v === null || v === undefined ? 0 : Number(v));
const str = (v: unknown): string | null => (v === null || v === undefined ? null : String(v));

/**
 * The statement in three parts, each a list of pieces in text order: the WITH clause, the select
 * list (scalar lookups) and the FROM clause (summaries of one row each). The text of a piece depends
 * only on the event's shape, so it is built once per shape; each event only collects parameters.
 */
class Statement {
  readonly ctes: Array<() => string> = [];
  readonly values: Array<() => string> = [];
  readonly sources: Array<() => string> = [];
  private readonly withParams: SqlValue[] = [];
  private readonly valueParams: SqlValue[] = [];
  private readonly sourceParams: SqlValue[] = [];
  cte(text: () => string, ...params: SqlValue[]): void {
    this.ctes.push(text);
    this.withParams.push(...params);
  }
  value(text: () => string, ...params: SqlValue[]): void {
    this.values.push(text);
    this.valueParams.push(...params);
  }
  source(text: () => string, ...params: SqlValue[]): void {
    this.sources.push(text);
    this.sourceParams.push(...params);
  }
  params(): SqlValue[] {
    return [...this.withParams, ...this.valueParams, ...this.sourceParams];
  }
  text(): string {
    return `WITH ${this.ctes.map((c) => c()).join(',\n')}
SELECT ${['*', ...this.values.map((v) => v())].join(',\n  ')}
FROM ${this.sources.map((s) => s()).join('\n')}`;
  }
}

const statementByShape = new Map<string, string>();

export async function loadCommon(sql: SqlRunner, ev: ResolvedEvent): Promise<CommonRows> {
  const at = (ms: number) => sql.dateParam(new Date(ms));
  const nowMs = ev.at.getTime();
  const now = at(nowMs);
  const histSince = at(nowMs - spec.windows.historyDays * 86_400_000);
  const hourAgo = at(nowMs - 3_600_000);
  const clientId = ev.ctx.clientId ?? null;
  const ctx = ev.ctx;
  const kinds = spec.loginKinds;
  const q = new Statement();

  // h: the account's newest historyTake login events in the window (the simulator's cap). Taken per
  // login kind on the (accountId, kind, at, ...) index and merged, so the scan stops after historyTake
  // entries per kind instead of walking past every refresh of the account (an ordered (accountId, at)
  // scan would). The index holds every column read here (RiskEvent_account_history_idx), so no event's
  // row is visited. Without an account it is empty and the summary reads as no history.
  // The two planners need the merge written differently. SQLite merges a compound SELECT's branches
  // in index order and stops at the LIMIT, but sorts each branch again when it is a subquery with an
  // ORDER BY of its own (a quarter of the whole read, measured in test/bench/risk-scoring.bench.ts).
  // PostgreSQL sorts a compound's branches whole when it expects few rows, as its generic plan does,
  // so each branch there carries its own limit.
  const histCols = `"at", "success", "decision", "ipPrefix", "country", "latitude", "longitude", "browserFamily", "deviceId", "clientId"`;
  const histBranch = `SELECT ${histCols} FROM "RiskEvent" WHERE "accountId" = ? AND "kind" = ? AND "at" >= ? AND "at" <= ?`;
  const take = spec.windows.historyTake;
  if (sql.kind === 'sqlite') {
    q.cte(
      () => `"h" AS (${kinds.map(() => histBranch).join('\n      UNION ALL ')}\n      ORDER BY "at" DESC LIMIT ?)`,
      ...kinds.flatMap((k) => [ev.accountId, k, histSince, now]), take,
    );
  } else {
    q.cte(
      () => `"h" AS (SELECT * FROM (${kinds.map((_, i) => `SELECT * FROM (${histBranch} ORDER BY "at" DESC LIMIT ?) "k${i}"`).join(' UNION ALL ')}) "hk"
      ORDER BY "at" DESC LIMIT ?)`,
      ...kinds.flatMap((k) => [ev.accountId, k, histSince, now, take]), take,
    );
  }
  // w: the address's window, its newest addressTake events of the last hour (features/velocity.ts).
  // "lo" is the time of the addressTake-th newest, found by stepping over (ip, at) index entries
  // without reading them; the counts below then read only the failures and logins since lo. A busy
  // address (a relying party's backend refreshing for all its users) costs a walk over addressTake
  // small entries, not addressTake rows aggregated. Events sharing lo's exact millisecond all count,
  // where LIMIT would have kept an arbitrary few of them.
  // The walk only matters when the hour holds a failure or a login from the address: otherwise every
  // count below is zero wherever lo falls. A relying party's backend, which only refreshes, then costs
  // one probe of the partial index instead of the walk (a third of a refresh's feature read).
  q.cte(
    () => `"w" AS (SELECT CASE WHEN EXISTS (SELECT 1 FROM "RiskEvent" WHERE "ip" = ? AND "at" >= ? AND "at" <= ? AND (${VELOCITY_EVENT}))
      THEN COALESCE((SELECT "at" FROM "RiskEvent" WHERE "ip" = ? AND "at" >= ? AND "at" <= ?
        ORDER BY "at" DESC LIMIT 1 OFFSET ?), ?) ELSE ? END AS "lo")`,
    ev.ip, hourAgo, now, ev.ip, hourAgo, now, spec.windows.addressTake - 1, hourAgo, hourAgo,
  );

  // The history's summary (features/history.ts). A NULL parameter (no device, browser, country or
  // client) matches nothing, and history.ts decides those cases without the flag.
  q.source(
    () => `(SELECT MAX(CASE WHEN ${TRUSTED} THEN "at" END) AS "lastTrustedAt", ${sumIf(TRUSTED)} AS "trusted",
      ${anyIf(`${TRUSTED} AND "deviceId" = ?`)} AS "knownDevice", ${anyIf(`${TRUSTED} AND "browserFamily" = ?`)} AS "knownBrowser",
      ${anyIf(`${TRUSTED} AND "ipPrefix" = ?`)} AS "knownPrefix", ${anyIf(`${TRUSTED} AND "country" = ?`)} AS "knownCountry",
      ${anyIf(`${TRUSTED} AND "clientId" = ?`)} AS "knownClient",
      ${sumIf(`${TRUSTED} AND ${hourOf(sql.kind)} IN (${inList(5)})`)} AS "nearHour",
      ${sumIf(`"success" = FALSE AND "at" >= ?`)} AS "accountFail1h", ${sumIf(`"success" = FALSE AND "at" >= ?`)} AS "accountFail24h"
      FROM "h") "hs"`,
    ev.deviceId, ev.browserFamily, ev.ipPrefix, ev.country, clientId, ...nearHours(ev.at.getUTCHours()), hourAgo,
    at(nowMs - 86_400_000),
  );
  // The newest trusted event with a location (impossible travel).
  q.source(
    () => `LEFT JOIN (SELECT "at" AS "placeAt", "latitude" AS "placeLatitude", "longitude" AS "placeLongitude" FROM "h"
      WHERE ${TRUSTED} AND "latitude" IS NOT NULL AND "longitude" IS NOT NULL ORDER BY "at" DESC LIMIT 1) "p" ON TRUE`,
  );
  // Both counts are one range since lo of the partial index that holds only failures and logins, so
  // a busy address's refreshes are not walked a second time (PostgreSQL would visit each one's row to
  // check its visibility).
  q.source(
    () => `CROSS JOIN (SELECT ${sumIf('"success" = FALSE AND "at" >= ?')} AS "addressFail10m", ${sumIf('"success" = FALSE')} AS "addressFail1h",
      ${sumIf(IS_LOGIN)} AS "addressAttempts1h",
      COUNT(DISTINCT CASE WHEN ${IS_LOGIN} THEN COALESCE("accountId", CAST(? AS TEXT) || COALESCE("login", '')) END) AS "addressAccounts1h"
      FROM "RiskEvent" WHERE "ip" = ? AND "at" >= (SELECT "lo" FROM "w") AND "at" <= ? AND (${VELOCITY_EVENT})) "a"`,
    at(nowMs - 600_000), '?', ev.ip, now,
  );
  if (clientId !== null) {
    q.value(
      () => `${exists(`SELECT 1 FROM "RiskEvent" WHERE "clientId" = ? AND "ipPrefix" = ? AND ${TRUSTED} AND "at" >= ? AND "at" <= ?`)} AS "clientSeen"`,
      clientId, ev.ipPrefix, histSince, now,
    );
  }
  // The literal matches the partial index "RiskEvent_prefix_failures_idx" (failures only, by network
  // and time), so both planners count the range in it; the address's failures-and-logins index is
  // eligible too, but offers no range on the network.
  q.value(
    () => `(SELECT COUNT(*) FROM "RiskEvent" WHERE "ipPrefix" = ? AND "success" = FALSE AND "at" >= ? AND "at" <= ?) AS "prefixFailures"`,
    ev.ipPrefix, hourAgo, now,
  );
  if (ctx.kind === 'refresh') {
    q.value(
      () => `${exists(`SELECT 1 FROM "RiskEvent" WHERE "tokenId" = ? AND "kind" = 'refresh' AND "success" = TRUE`)} AS "tokenUsed"`,
      ev.tokenId,
    );
    if (!ctx.origin) {
      q.source(
        () => `LEFT JOIN (SELECT "at" AS "grantAt", "ipPrefix" AS "grantPrefix", "country" AS "grantCountry", "browserFamily" AS "grantBrowser"
          FROM "RiskEvent" WHERE "grantId" = ? AND "at" <= ? ORDER BY "at" ASC LIMIT 1) "g" ON TRUE`,
        ctx.grantId, now,
      );
    }
  }
  if (ctx.kind === 'token_exchange') {
    if (ev.accountId !== null) {
      q.value(
        () => `(SELECT COUNT(*) FROM "RiskEvent" WHERE "accountId" = ? AND "kind" = 'token_exchange' AND "at" >= ? AND "at" <= ?) AS "exchangesLastMinute"`,
        ev.accountId, at(nowMs - 60_000), now,
      );
    }
    if (ctx.subject.tokenId !== undefined) {
      q.value(
        () => `(SELECT COUNT(*) FROM "RiskEvent" WHERE "tokenId" = ? AND "kind" = 'token_exchange') AS "jtiSeen"`,
        ev.tokenId,
      );
    }
  }

  const shape = `${sql.kind}|${ctx.kind}|${clientId !== null}|${ctx.kind === 'refresh' && !ctx.origin}|${ev.accountId !== null}|${ctx.kind === 'token_exchange' && ctx.subject.tokenId !== undefined}`;
  let text = statementByShape.get(shape);
  if (text === undefined) {
    text = q.text();
    statementByShape.set(shape, text);
  }
  const [r] = await sql.query(text, q.params());
  if (!r) throw new Error('the risk feature read returned no row');
  const placeAt = sql.readDate(r.placeAt);
  const grantAt = sql.readDate(r.grantAt);
  return {
    history: {
      trusted: num(r.trusted), knownDevice: num(r.knownDevice) > 0, knownBrowser: num(r.knownBrowser) > 0,
      knownPrefix: num(r.knownPrefix) > 0, knownCountry: num(r.knownCountry) > 0, knownClient: num(r.knownClient) > 0,
      nearHour: num(r.nearHour), lastTrustedAt: sql.readDate(r.lastTrustedAt),
      lastPlace: placeAt ? { at: placeAt, latitude: num(r.placeLatitude), longitude: num(r.placeLongitude) } : null,
      fail1h: num(r.accountFail1h), fail24h: num(r.accountFail24h),
    },
    address: { fail10m: num(r.addressFail10m), fail1h: num(r.addressFail1h), attempts1h: num(r.addressAttempts1h), accounts1h: num(r.addressAccounts1h) },
    prefixFailures: num(r.prefixFailures),
    clientSeen: clientId === null ? null : num(r.clientSeen) > 0,
    tokenUsed: num(r.tokenUsed) > 0,
    grantFirst: grantAt ? { at: grantAt, ipPrefix: String(r.grantPrefix), country: str(r.grantCountry), browserFamily: str(r.grantBrowser) } : null,
    exchangesLastMinute: num(r.exchangesLastMinute),
    jtiSeen: num(r.jtiSeen),
  };
}
