// Issue 2's throughput targets: Warden (SQLite, PostgreSQL) against a bare oidc-provider with its
// in-memory adapter as the ceiling, server pinned to one core and this load generator to the other,
// with PostgreSQL's sessions for the server (harness.ts, pinDatabaseSessions).
// Warden runs as `npm start` does (risk scoring on); refresh and login run again with it off.
//   BENCH_SERVER_CORE=1 taskset -c 0 npm run bench -- oidc-throughput
import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import argon2 from 'argon2';
import { createTestDatabase, testPostgresAdminUrl } from '../helpers/store.ts';
import { BrowserSession, formAction, formToken } from '../interactions/browser-session.ts';
import { basic, cpuBetween, cpuByProcess, formatRate, pinDatabaseSessions, root, startPinned, wardenServerEnv, type RunningServer } from './harness.ts';
import type { BenchFixture } from './servers/mint.ts';
import { clientCredentialsBody, refreshLoad, tokenEndpointLoad } from './loads.ts';

const DURATION_S = Number(process.env.BENCH_SECONDS ?? 10);
// Each scenario first runs unmeasured this long: V8 keeps compiling the request path (Maglev, then
// TurboFan) for the first 20 s or so of load. Measured 2026-12-04 on SQLite, in 5 s rounds of scored
// refreshes: V8's helper threads took 136-166 µs per refresh in the first 15 s, 32-65 µs from the
// twentieth second on, and the server's CPU per refresh fell from 1,135-1,205 µs to 1,036-1,120.
// A server runs for days: the targets are about its steady state.
const WARMUP_S = Number(process.env.BENCH_WARMUP_SECONDS ?? 10);
if (!Number.isFinite(DURATION_S) || DURATION_S <= 0) throw new Error('BENCH_SECONDS is a positive number');
if (!Number.isFinite(WARMUP_S) || WARMUP_S < 0) throw new Error('BENCH_WARMUP_SECONDS is a number of seconds, 0 or more');
const FORM = 'application/x-www-form-urlencoded';

type Scenario = 'cc_opaque' | 'cc_jwt' | 'refresh' | 'introspection' | 'password_login';
// The same two scenarios on a Warden with WARDEN_RISK_MODE=off: the core provider without the risk
// engine's per-event read, model, RiskEvent row and audit entry.
type RiskOffScenario = 'refresh_risk_off' | 'password_login_risk_off';
type Rates = Partial<Record<Scenario | RiskOffScenario, number>>;
/**
 * CPU per completed request (µs): the server process (all threads), and for PostgreSQL its backends.
 * A CPU-bound server's figure is the inverse of its rate (and as noisy); it says directly what one
 * core allows (1,000 refreshes/s needs at most 1,000 µs each), and the database's figure shows what
 * PostgreSQL spends beside it, on the core it shares with the load generator.
 */
interface Cost {
  server: number;
  /**
   * The server's main thread alone: the event loop, without argon2's pool or the threads that help
   * V8 collect garbage. A login's argon2 runs beside it on the same core.
   */
  mainThread: number;
  database?: number;
}
type Costs = Partial<Record<Scenario | RiskOffScenario, Cost>>;

async function introspectionLoad(f: BenchFixture, seconds: number): Promise<number> {
  const response = await fetch(`${f.url}/token`, {
    method: 'POST',
    headers: { authorization: basic(f.cc.client_id, f.cc.client_secret), 'content-type': FORM },
    body: 'grant_type=client_credentials',
  });
  const { access_token: token } = (await response.json()) as { access_token: string };
  return (await tokenEndpointLoad(f, `token=${token}`, seconds, '/token/introspection')) / seconds;
}

/** One full sign-in: authorize, login page, argon2 check, consent, code, token. */
async function oneLogin(f: BenchFixture, account: { email: string; password: string }): Promise<void> {
  const browser = new BrowserSession(f.url);
  const verifier = randomBytes(32).toString('base64url');
  const { createHash } = await import('node:crypto');
  const challenge = createHash('sha256').update(verifier).digest('base64url');
  const auth = new URL(`${f.url}/auth`);
  auth.search = new URLSearchParams({
    client_id: f.web.client_id, response_type: 'code', scope: 'openid email', redirect_uri: f.web.redirect_uri,
    code_challenge: challenge, code_challenge_method: 'S256', state: randomBytes(8).toString('hex'),
  }).toString();
  const loginPage = await browser.follow(await browser.get(auth.href));
  let page = await browser.follow(await browser.post(formAction(loginPage.body, 'login'), { csrf: formToken(loginPage.body), login: account.email, password: account.password }));
  if (page.status === 200 && page.body.includes('/confirm"')) {
    page = await browser.follow(await browser.post(formAction(page.body, 'confirm'), { csrf: formToken(page.body) }));
  }
  const code = page.location ? new URL(page.location).searchParams.get('code') : null;
  if (!code) throw new Error(`no code (status ${page.status})`);
  const token = await fetch(`${f.url}/token`, {
    method: 'POST',
    headers: { authorization: basic(f.web.client_id, f.web.client_secret), 'content-type': FORM },
    body: new URLSearchParams({ grant_type: 'authorization_code', code, redirect_uri: f.web.redirect_uri, code_verifier: verifier }).toString(),
  });
  if (token.status !== 200) throw new Error(`token endpoint answered ${token.status}`);
}

async function loginLoad(f: BenchFixture, seconds: number): Promise<number> {
  const deadline = Date.now() + seconds * 1000;
  let done = 0;
  let failed = 0;
  await Promise.all(
    f.accounts.slice(0, 4).map(async (account) => {
      while (Date.now() < deadline) {
        try {
          await oneLogin(f, account);
          done += 1;
        } catch (error) {
          failed += 1;
          if (failed === 1) console.error(`  login failed: ${(error as Error).message}`);
        }
      }
    }),
  );
  return done / seconds;
}

// BENCH_SCENARIOS=refresh,password_login and BENCH_STORES=sqlite narrow a run (for profiling).
const selected = (name: string, list: string | undefined) => !list || list.split(',').includes(name);

const SERVER_CORE = Number(process.env.BENCH_SERVER_CORE ?? 0);

type Load = (seconds: number) => Promise<number>;

/** CPU seconds and requests of measured load. */
interface Spent {
  requests: number;
  server: number;
  mainThread: number;
  database: number;
}

const nothingSpent = (): Spent => ({ requests: 0, server: 0, mainThread: 0, database: 0 });

/**
 * Pins PostgreSQL's sessions (`database`: its name) off the server's core, runs the warm-up, and pins
 * again: the pool opens sessions under load.
 */
async function warmUp(database: string | undefined, load: Load): Promise<void> {
  if (database) await pinDatabaseSessions(testPostgresAdminUrl, database, SERVER_CORE);
  if (WARMUP_S > 0) await load(WARMUP_S);
  if (database) await pinDatabaseSessions(testPostgresAdminUrl, database, SERVER_CORE);
}

/** Runs `seconds` of load, adding the requests it completed and the CPU they took to `spent`. */
async function spend(spent: Spent, server: RunningServer, database: string | undefined, load: Load, seconds: number): Promise<void> {
  const serverBefore = server.cpuSeconds();
  const mainBefore = server.mainThreadCpuSeconds();
  const databaseBefore = database ? cpuByProcess('postgres') : undefined;
  spent.requests += (await load(seconds)) * seconds;
  spent.server += server.cpuSeconds() - serverBefore;
  spent.mainThread += server.mainThreadCpuSeconds() - mainBefore;
  if (databaseBefore) spent.database += cpuBetween(databaseBefore, cpuByProcess('postgres'));
}

/** CPU per completed request, in µs. */
function costOf(spent: Spent, database: string | undefined): Cost {
  const perRequest = (seconds: number) => Math.round((seconds / Math.max(1, spent.requests)) * 1e6);
  const cost: Cost = { server: perRequest(spent.server), mainThread: perRequest(spent.mainThread) };
  if (database) cost.database = perRequest(spent.database);
  return cost;
}

/** Runs one scenario's load and charges the CPU it took to the requests it completed. */
async function costed(server: RunningServer, database: string | undefined, load: Load): Promise<{ rate: number; cost: Cost }> {
  await warmUp(database, load);
  const spent = nothingSpent();
  await spend(spent, server, database, load, DURATION_S);
  return { rate: spent.requests / DURATION_S, cost: costOf(spent, database) };
}

interface Measured {
  rates: Rates;
  costs: Costs;
  /** The bare provider's rate in the same minutes, for the scenarios measured beside it. */
  ceilings: Rates;
}


/** Each load answers requests per second. */
function loadsFor(f: BenchFixture): Record<Scenario, Load> {
  // The warm-up's refreshes and the measured ones share one queue of live tokens (each run loses the
  // few still in flight when it ends).
  const live = [...f.refreshTokens];
  return {
    refresh: async (seconds) => (await refreshLoad(f, live, seconds)) / seconds,
    cc_opaque: async (seconds) => (await tokenEndpointLoad(f, clientCredentialsBody(f, 'opaque'), seconds)) / seconds,
    cc_jwt: async (seconds) => (await tokenEndpointLoad(f, clientCredentialsBody(f, 'jwt'), seconds)) / seconds,
    introspection: (seconds) => introspectionLoad(f, seconds),
    password_login: (seconds) => loginLoad(f, seconds),
  };
}

/**
 * The scenarios whose target is a ratio to the bare provider. Measured once each, minutes apart, the
 * two sides of a ratio carried this machine's drift: three passes gave 0.61, 0.53 and 0.66 for client
 * credentials on SQLite, where bare's CPU per token against Warden's said 0.63, 0.60 and 0.68. So
 * Warden and the bare provider (kept running, on the same core) take turns in one-second slots,
 * A B B A ..., and each side's rate is its requests over its own slots: both from the same minutes.
 */
const BESIDE_BARE: ReadonlySet<Scenario> = new Set(['cc_opaque', 'cc_jwt', 'introspection']);
const SLOT_S = 1;

/** costed(), the bare provider's load taking turns with Warden's. */
async function costedBesideBare(server: RunningServer, database: string | undefined, load: Load, bareLoad: Load): Promise<{ rate: number; cost: Cost; ceiling: number }> {
  await warmUp(database, load);
  // The bare provider ran this scenario earlier in the pass: a short warm-up brings it back.
  await bareLoad(Math.min(WARMUP_S, 3) || 1);
  const spent = nothingSpent();
  let bareRequests = 0;
  // Warden's own background work (SQLite's checkpoints, its timers) in the bare provider's slots
  // takes from the bare side's core: reported, so a ratio it flattered would show.
  let wardenDuringBare = 0;
  const slots = Math.max(2, Math.round(DURATION_S / SLOT_S));
  for (let slot = 0; slot < slots; slot += 1) {
    for (const side of slot % 2 ? ['bare', 'warden'] : ['warden', 'bare']) {
      if (side === 'warden') {
        await spend(spent, server, database, load, SLOT_S);
        continue;
      }
      const before = server.cpuSeconds();
      bareRequests += (await bareLoad(SLOT_S)) * SLOT_S;
      wardenDuringBare += server.cpuSeconds() - before;
    }
  }
  console.log(`  beside bare: Warden used ${((wardenDuringBare / (slots * SLOT_S)) * 1000).toFixed(1)} ms of CPU per second of the bare provider's slots`);
  return { rate: spent.requests / (slots * SLOT_S), cost: costOf(spent, database), ceiling: bareRequests / (slots * SLOT_S) };
}

/** `bare`: the bare provider, still running, for the scenarios measured beside it. */
async function measure(server: RunningServer, scenarios: ReadonlyArray<Scenario | RiskOffScenario>, database?: string, bare?: RunningServer): Promise<Measured> {
  const loads = loadsFor(server.fixture);
  const bareLoads = bare ? loadsFor(bare.fixture) : undefined;
  const out: Measured = { rates: {}, costs: {}, ceilings: {} };
  // In this order. Refresh first: the bare provider's in-memory adapter is a bounded LRU, and the tens
  // of thousands of client-credentials tokens issued later would evict the refresh tokens minted at start.
  for (const scenario of scenarios) {
    const base = scenario.replace('_risk_off', '') as Scenario;
    if (!selected(base, process.env.BENCH_SCENARIOS)) continue;
    if (bareLoads && BESIDE_BARE.has(base)) {
      const { rate, cost, ceiling } = await costedBesideBare(server, database, loads[base], bareLoads[base]);
      out.rates[scenario] = rate;
      out.costs[scenario] = cost;
      out.ceilings[scenario] = ceiling;
      continue;
    }
    const { rate, cost } = await costed(server, database, loads[base]);
    out.rates[scenario] = rate;
    out.costs[scenario] = cost;
  }
  return out;
}

async function argon2Ceiling(): Promise<number> {
  const started = Date.now();
  let n = 0;
  while (Date.now() - started < 3000) {
    await argon2.hash('bench passphrase that is long enough', { type: argon2.argon2id, memoryCost: 19456, timeCost: 2, parallelism: 1 });
    n += 1;
  }
  return n / ((Date.now() - started) / 1000);
}

interface Pass {
  results: Record<string, Rates>;
  costs: Record<string, Costs>;
  argon2PerSecond: number;
}

/** Where a pass keeps the bare provider's rates measured beside Warden on `kind`. */
const besideKey = (kind: string) => `bare beside ${kind}`;

/** One pass over every selected server and scenario. */
async function measureAll(): Promise<Pass> {
  const results: Record<string, Rates> = {};
  const costs: Record<string, Costs> = {};
  const keep = (server: string, m: Measured) => {
    results[server] = { ...results[server], ...m.rates };
    costs[server] = { ...costs[server], ...m.costs };
    if (Object.keys(m.ceilings).length > 0) results[besideKey(server)] = { ...results[besideKey(server)], ...m.ceilings };
  };
  let bare: RunningServer | undefined;
  if (selected('bare', process.env.BENCH_STORES)) {
    bare = await startPinned('test/bench/servers/bare.ts', { PORT: '3190' });
    console.log('bare oidc-provider (in-memory adapter)');
    keep('bare', await measure(bare, ['refresh', 'cc_opaque', 'cc_jwt', 'introspection']));
  }
  try {
    for (const kind of (['sqlite', 'postgresql'] as const).filter((k) => selected(k, process.env.BENCH_STORES))) {
      for (const riskMode of ['enforce', 'off'] as const) {
        const scenarios: Array<Scenario | RiskOffScenario> = riskMode === 'enforce'
          ? ['refresh', 'cc_opaque', 'cc_jwt', 'introspection', 'password_login']
          : ['refresh_risk_off', 'password_login_risk_off'];
        if (!scenarios.some((s) => selected(s.replace('_risk_off', ''), process.env.BENCH_SCENARIOS))) continue;
        const database = await createTestDatabase(kind);
        const port = kind === 'sqlite' ? 3191 : 3192;
        const server = await startPinned('test/bench/servers/warden.ts', { ...wardenServerEnv(database, port), WARDEN_RISK_MODE: riskMode });
        console.log(`warden on ${kind}, risk ${riskMode}`);
        try {
          keep(kind, await measure(server, scenarios, kind === 'postgresql' ? new URL(database.databaseUrl).pathname.slice(1) : undefined, bare));
        } finally {
          // Also after a failed run: a server left behind holds its port and database for the next one.
          await server.stop();
          await database.dispose();
        }
      }
    }
  } finally {
    await bare?.stop();
  }
  return { results, costs, argon2PerSecond: await argon2Ceiling() };
}

const SCENARIOS: Array<Scenario | RiskOffScenario> = ['cc_opaque', 'cc_jwt', 'refresh', 'refresh_risk_off', 'introspection', 'password_login', 'password_login_risk_off'];

/**
 * Rates and ratios. A ratio is to the bare provider measured beside Warden in the same minutes where
 * it was (BESIDE_BARE; its rates follow the table), else to its own run at the start of the pass.
 */
function table({ results, argon2PerSecond }: Pass): string {
  const rows = [['scenario', 'bare/s', 'sqlite/s', 'ratio', 'postgresql/s', 'ratio'].join('\t')];
  for (const s of SCENARIOS) {
    // A risk-off row compares with the same bare scenario.
    const b = results.bare?.[s.replace('_risk_off', '') as Scenario];
    const isLogin = s.startsWith('password_login');
    const cells = [s, b === undefined ? (isLogin ? `argon2 ${formatRate(argon2PerSecond)}` : '-') : formatRate(b)];
    for (const kind of ['sqlite', 'postgresql']) {
      const v = results[kind]?.[s];
      cells.push(v === undefined ? '-' : formatRate(v));
      const ceiling = isLogin ? argon2PerSecond : (results[besideKey(kind)]?.[s] ?? b);
      cells.push(v !== undefined && ceiling ? `${(v / ceiling).toFixed(2)}x` : '-');
    }
    rows.push(cells.join('\t'));
  }
  for (const kind of ['sqlite', 'postgresql']) {
    const beside = results[besideKey(kind)];
    if (!beside) continue;
    const rates = SCENARIOS.flatMap((s) => (beside[s] === undefined ? [] : [`${s} ${formatRate(beside[s])}`]));
    rows.push(`bare/s beside ${kind}: ${rates.join(', ')}`);
  }
  return rows.join('\n');
}

function costTable({ costs }: Pass): string {
  const rows = [['CPU µs per request: server (its main thread)', 'bare', 'sqlite', 'postgresql (+ database)'].join('\t')];
  const cell = (c: Cost | undefined) => {
    if (c === undefined) return '-';
    const server = `${c.server} (${c.mainThread})`;
    return c.database === undefined ? server : `${server} + ${c.database}`;
  };
  for (const s of SCENARIOS) {
    rows.push([s, cell(costs.bare?.[s]), cell(costs.sqlite?.[s]), cell(costs.postgresql?.[s])].join('\t'));
  }
  return rows.join('\n');
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? (sorted[mid] ?? NaN) : ((sorted[mid - 1] ?? NaN) + (sorted[mid] ?? NaN)) / 2;
};

/** Per server and scenario, the median over the passes (this shared machine moves by 20 % run to run). */
function medianPass(passes: Pass[]): Pass {
  const results: Record<string, Rates> = {};
  const costs: Record<string, Costs> = {};
  const valuesOf = <T>(pick: (p: Pass) => T | undefined) => passes.flatMap((p) => { const v = pick(p); return v === undefined ? [] : [v]; });
  for (const server of new Set(passes.flatMap((p) => Object.keys(p.results)))) {
    const rates: Rates = {};
    const serverCosts: Costs = {};
    for (const s of SCENARIOS) {
      const values = valuesOf((p) => p.results[server]?.[s]);
      if (values.length) rates[s] = median(values);
      const spent = valuesOf((p) => p.costs[server]?.[s]);
      if (spent.length) {
        const databases = valuesOf((p) => p.costs[server]?.[s]?.database);
        serverCosts[s] = {
          server: median(spent.map((c) => c.server)),
          mainThread: median(spent.map((c) => c.mainThread)),
          ...(databases.length ? { database: median(databases) } : {}),
        };
      }
    }
    results[server] = rates;
    costs[server] = serverCosts;
  }
  return { results, costs, argon2PerSecond: median(passes.map((p) => p.argon2PerSecond)) };
}

async function main(): Promise<void> {
  // BENCH_RUNS=3 repeats the whole pass and reports medians.
  const runs = Math.max(1, Number(process.env.BENCH_RUNS ?? 1));
  const passes: Pass[] = [];
  for (let run = 1; run <= runs; run += 1) {
    if (runs > 1) console.log(`\n-- pass ${run} of ${runs}`);
    passes.push(await measureAll());
    console.log(table(passes[passes.length - 1]!));
    console.log(costTable(passes[passes.length - 1]!));
  }
  const result = medianPass(passes);
  if (runs > 1) console.log(`\nmedian of ${runs} passes\n${table(result)}\n${costTable(result)}`);
  if (process.env.BENCH_SCENARIOS || process.env.BENCH_STORES) return; // a partial run keeps the full results
  const outDir = path.join(root, 'test/bench/results');
  mkdirSync(outDir, { recursive: true });
  writeFileSync(
    path.join(outDir, 'oidc-throughput.json'),
    `${JSON.stringify({ at: new Date().toISOString(), cpus: os.cpus().length, durationSeconds: DURATION_S, warmupSeconds: WARMUP_S, databaseOffServerCore: process.env.BENCH_PIN_DATABASE !== '0', median: result, passes }, null, 2)}\n`,
  );
}

await main();
