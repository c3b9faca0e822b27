// Every read an event needs, in one round trip: account history and the address window (both
// summarised by the database), network failures, client network, and for refreshes / exchanges their
// token and grant lookups. A Prisma query costs about 0.5 ms here whatever it reads, so the statement
// goes through the store's plain-SQL runner (sqlRunnerFor) on Prisma's own connection; and each value
// that crosses the driver costs a few microseconds, so it returns a handful of rows, not the history. Portable SQL (SQLite and PostgreSQL):
// quoted identifiers, `?` parameters, every branch an index range scan with the same caps as the
// simulator; test/risk/parity.test.ts holds the results equal to models/risk/featurize.py on both stores.
import type { SqlRunner, SqlValue } from '../../store/index.ts';
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

// Parts of the UNION, told apart by the "part" column.
const HISTORY = 1, ADDRESS = 2, CLIENT = 3, PREFIX = 4, TOKEN = 5, GRANT = 6, EXCHANGES = 7, JTI = 8, PLACE = 9;

// One column list for every branch: a few event columns and counters n1..n9. PostgreSQL resolves
// UNION types pairwise from the left and turns an untyped NULL inside a subquery into text, so every
// NULL is typed; SQLite accepts the same casts (they only set an affinity).
const COUNTERS = 9;
const nulls: Record<string, string> = {
  at: 'CAST(NULL AS TIMESTAMP)', ipPrefix: 'CAST(NULL AS TEXT)', country: 'CAST(NULL AS TEXT)', browserFamily: 'CAST(NULL AS TEXT)',
  latitude: 'CAST(NULL AS DOUBLE PRECISION)', longitude: 'CAST(NULL AS DOUBLE PRECISION)',
};
/** The select list of a branch: the given expressions by column name, typed NULLs elsewhere. */
function columns(part: number, given: Record<string, string>): string {
  const named = Object.keys(nulls).map((c) => `${given[c] ?? nulls[c]} AS "${c}"`);
  const counters = Array.from({ length: COUNTERS }, (_, i) => `CAST(${given[`n${i + 1}`] ?? 'NULL'} AS BIGINT) AS "n${i + 1}"`);
  return [`${part} AS "part"`, ...named, ...counters].join(', ');
}
const sumIf = (cond: string) => `COALESCE(SUM(CASE WHEN ${cond} THEN 1 ELSE 0 END), 0)`;
const anyIf = (cond: string) => `COALESCE(MAX(CASE WHEN ${cond} THEN 1 ELSE 0 END), 0)`;
const TRUSTED = `"success" = TRUE AND "decision" = 'allow'`;
const inList = (n: number) => Array.from({ length: n }, () => '?').join(', ');
/** The UTC hour of "at": SQLite holds Prisma's ISO text ("2026-01-02T03:04:05.678+00:00"), PostgreSQL a zone-less UTC timestamp. */
const hourOf = (kind: SqlRunner['kind']) =>
  kind === 'sqlite' ? 'CAST(substr("at", 12, 2) AS INTEGER)' : 'CAST(EXTRACT(HOUR FROM "at") AS INTEGER)';

const num = (v: unknown): number => (v === null || v === undefined ? 0 : Number(v));
const str = (v: unknown): string | null => (v === null || v === undefined ? null : String(v));

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
  // The statement's text depends only on the event's shape (which branches it has), so it is built
  // once per shape; each event only collects its parameters.
  const branches: Array<() => string> = [];
  const params: SqlValue[] = [];
  const add = (text: () => string, ...values: SqlValue[]) => {
    branches.push(text);
    params.push(...values);
  };

  // h: the account's newest historyTake login events in the window (the simulator's cap). Taken per
  // login kind on the (accountId, kind, at) index and merged, so the scan stops after historyTake
  // entries per kind instead of walking past every refresh of the account (an ordered (accountId, at)
  // scan would). Without an account it is empty and the summary row reads as no history.
  const histCols = `"at", "success", "decision", "ipPrefix", "country", "latitude", "longitude", "browserFamily", "deviceId", "clientId"`;
  const withHistory = () => {
    const perKind = kinds.map((_, i) => `SELECT * FROM (SELECT ${histCols} FROM "RiskEvent"
      WHERE "accountId" = ? AND "kind" = ? AND "at" >= ? AND "at" <= ? ORDER BY "at" DESC LIMIT ?) "k${i}"`);
    return `WITH "h" AS (SELECT * FROM (${perKind.join(' UNION ALL ')}) "hk" ORDER BY "at" DESC LIMIT ?)`;
  };
  for (const k of kinds) params.push(ev.accountId, k, histSince, now, spec.windows.historyTake);
  params.push(spec.windows.historyTake);
  // Its summary (features/history.ts). A NULL parameter (no device, browser, country or client)
  // matches nothing, and history.ts decides those cases without the flag.
  add(
    () => `SELECT ${columns(HISTORY, {
      at: `MAX(CASE WHEN ${TRUSTED} THEN "at" END)`,
      n1: sumIf(TRUSTED),
      n2: anyIf(`${TRUSTED} AND "deviceId" = ?`),
      n3: anyIf(`${TRUSTED} AND "browserFamily" = ?`),
      n4: anyIf(`${TRUSTED} AND "ipPrefix" = ?`),
      n5: anyIf(`${TRUSTED} AND "country" = ?`),
      n6: anyIf(`${TRUSTED} AND "clientId" = ?`),
      n7: sumIf(`${TRUSTED} AND ${hourOf(sql.kind)} IN (${inList(5)})`),
      n8: sumIf(`"success" = FALSE AND "at" >= ?`),
      n9: sumIf(`"success" = FALSE AND "at" >= ?`),
    })} FROM "h"`,
    ev.deviceId, ev.browserFamily, ev.ipPrefix, ev.country, clientId, ...nearHours(ev.at.getUTCHours()), hourAgo,
    at(nowMs - 86_400_000),
  );
  // The newest trusted event with a location (impossible travel).
  add(
    () => `SELECT * FROM (SELECT ${columns(PLACE, { at: '"at"', latitude: '"latitude"', longitude: '"longitude"' })} FROM "h"
      WHERE ${TRUSTED} AND "latitude" IS NOT NULL AND "longitude" IS NOT NULL ORDER BY "at" DESC LIMIT 1) p`,
  );
  // The address's newest addressTake events of the last hour, counted over exactly those rows
  // (features/velocity.ts). The distinct key is velocity's: the account, else "?" + the typed
  // identifier ("?" a parameter, since the runner numbers every question mark of the text).
  const isLogin = `"kind" IN (${inList(kinds.length)})`;
  add(
    () => `SELECT ${columns(ADDRESS, {
      n1: sumIf(`"success" = FALSE AND "at" >= ?`),
      n2: sumIf(`"success" = FALSE`),
      n3: sumIf(isLogin),
      n4: `COUNT(DISTINCT CASE WHEN ${isLogin} THEN COALESCE("accountId", CAST(? AS TEXT) || COALESCE("login", '')) END)`,
    })}
    FROM (SELECT "at", "kind", "success", "accountId", "login" FROM "RiskEvent"
      WHERE "ip" = ? AND "at" >= ? AND "at" <= ? ORDER BY "at" DESC LIMIT ?) a`,
    at(nowMs - 600_000), ...kinds, ...kinds, '?', ev.ip, hourAgo, now, spec.windows.addressTake,
  );
  if (clientId !== null) {
    add(
      () => `SELECT * FROM (SELECT ${columns(CLIENT, {})} FROM "RiskEvent"
        WHERE "ipPrefix" = ? AND "clientId" = ? AND ${TRUSTED} AND "at" >= ? AND "at" <= ? LIMIT 1) c`,
      ev.ipPrefix, clientId, histSince, now,
    );
  }
  add(
    () => `SELECT ${columns(PREFIX, { n1: 'COUNT(*)' })} FROM "RiskEvent"
      WHERE "ipPrefix" = ? AND "success" = FALSE AND "at" >= ? AND "at" <= ?`,
    ev.ipPrefix, hourAgo, now,
  );
  if (ctx.kind === 'refresh') {
    add(
      () => `SELECT * FROM (SELECT ${columns(TOKEN, {})} FROM "RiskEvent"
        WHERE "tokenId" = ? AND "kind" = 'refresh' AND "success" = TRUE LIMIT 1) t`,
      ctx.tokenId,
    );
    if (!ctx.origin) {
      add(
        () => `SELECT * FROM (SELECT ${columns(GRANT, { at: '"at"', ipPrefix: '"ipPrefix"', country: '"country"', browserFamily: '"browserFamily"' })}
          FROM "RiskEvent" WHERE "grantId" = ? AND "at" <= ? ORDER BY "at" ASC LIMIT 1) g`,
        ctx.grantId, now,
      );
    }
  }
  if (ctx.kind === 'token_exchange') {
    if (ev.accountId !== null) {
      add(
        () => `SELECT ${columns(EXCHANGES, { n1: 'COUNT(*)' })} FROM "RiskEvent"
          WHERE "accountId" = ? AND "kind" = 'token_exchange' AND "at" >= ? AND "at" <= ?`,
        ev.accountId, at(nowMs - 60_000), now,
      );
    }
    if (ctx.subject.tokenId !== undefined) {
      add(
        () => `SELECT ${columns(JTI, { n1: 'COUNT(*)' })} FROM "RiskEvent" WHERE "tokenId" = ? AND "kind" = 'token_exchange'`,
        ctx.subject.tokenId,
      );
    }
  }

  const shape = `${sql.kind}|${ctx.kind}|${clientId !== null}|${ctx.kind === 'refresh' && !ctx.origin}|${ev.accountId !== null}|${ctx.kind === 'token_exchange' && ctx.subject.tokenId !== undefined}`;
  let text = statementByShape.get(shape);
  if (text === undefined) {
    text = `${withHistory()}\n${branches.map((branch) => branch()).join('\nUNION ALL\n')}`;
    statementByShape.set(shape, text);
  }
  const rows = await sql.query(text, params);
  const out: CommonRows = {
    history: {
      trusted: 0, knownDevice: false, knownBrowser: false, knownPrefix: false, knownCountry: false, knownClient: false,
      nearHour: 0, lastTrustedAt: null, lastPlace: null, fail1h: 0, fail24h: 0,
    },
    address: { fail10m: 0, fail1h: 0, attempts1h: 0, accounts1h: 0 }, prefixFailures: 0,
    clientSeen: clientId === null ? null : false, tokenUsed: false, grantFirst: null, exchangesLastMinute: 0, jtiSeen: 0,
  };
  let place: { at: Date; latitude: number; longitude: number } | null = null;
  for (const r of rows) {
    switch (num(r.part)) {
      case HISTORY:
        out.history = {
          ...out.history, trusted: num(r.n1), knownDevice: num(r.n2) > 0, knownBrowser: num(r.n3) > 0, knownPrefix: num(r.n4) > 0,
          knownCountry: num(r.n5) > 0, knownClient: num(r.n6) > 0, nearHour: num(r.n7), lastTrustedAt: sql.readDate(r.at),
          fail1h: num(r.n8), fail24h: num(r.n9),
        };
        break;
      case PLACE: {
        const placeAt = sql.readDate(r.at);
        if (placeAt) place = { at: placeAt, latitude: num(r.latitude), longitude: num(r.longitude) };
        break;
      }
      case ADDRESS:
        out.address = { fail10m: num(r.n1), fail1h: num(r.n2), attempts1h: num(r.n3), accounts1h: num(r.n4) };
        break;
      case CLIENT:
        out.clientSeen = true;
        break;
      case PREFIX:
        out.prefixFailures = num(r.n1);
        break;
      case TOKEN:
        out.tokenUsed = true;
        break;
      case GRANT: {
        const grantAt = sql.readDate(r.at);
        if (grantAt) out.grantFirst = { at: grantAt, ipPrefix: String(r.ipPrefix), country: str(r.country), browserFamily: str(r.browserFamily) };
        break;
      }
      case EXCHANGES:
        out.exchangesLastMinute = num(r.n1);
        break;
      case JTI:
        out.jtiSeen = num(r.n1);
        break;
    }
  }
  out.history.lastPlace = place;
  return out;
}
