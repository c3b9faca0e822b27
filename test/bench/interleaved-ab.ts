// Interleaved A/B of two Warden servers under the same token-endpoint load, for changes smaller than
// this machine's drift: its speed moves by 20-50 % within minutes, so two benchmark runs a minute
// apart cannot tell a 10 % change from noise. Both servers run at once, pinned to the same core, and
// the load alternates between them in short slots (A then B, then B then A, ...); each slot's server
// CPU per request is compared with the other side's in the same round, and the median of those
// ratios is the result. Two identical servers gave a median B/A of 1.004 over 40 one-second rounds of
// refresh (an earlier prototype of this script: 0.993); runs of 12 rounds gave 0.94 and 1.11, so run 30 or more.
//
//   AB_B_ENV=WARDEN_RISK_MODE=off taskset -c 0 node --import tsx test/bench/interleaved-ab.ts
//
// With AB_A_SERVER=bare, side A is the bare oidc-provider of the throughput bench, and the median B/A
// of requests per second is Warden's ratio to the ceiling measured in the same minute, slot by slot
// (the throughput bench does the same for its ratio scenarios, over its measured seconds).
//
// AB_SCENARIO     refresh (default) | cc_opaque | cc_jwt
// AB_STORE        sqlite (default) | postgresql (also reports each side's PostgreSQL backends: the
//                 CPU of the sessions open on that side's database, and the ratio of server + backends)
// AB_ROUNDS       rounds of two slots (default 30); AB_SLOT_SECONDS: one slot (default 1)
// AB_A_SERVER     warden (default) | bare: the in-memory oidc-provider ceiling (B likewise)
// AB_A_CHECKOUT   the working tree side A runs from (default this one; B likewise): a `git worktree`
//                 of another commit, with node_modules linked and src/store/generated copied in
// AB_A_ENV        extra environment for side A's server, "NAME=value,NAME=value" (B likewise)
// AB_A_NODE_ARGS  Node.js options for side A's server, e.g. "--single-threaded-gc" (B likewise; default
//                 BENCH_SERVER_NODE_ARGS)
// AB_PRELOAD_REFRESH_SECONDS  a refresh load on each side first (A, then B), as the throughput bench
//                 runs refresh before client credentials on the same server and database
// BENCH_SERVER_CORE the servers' core (default 1); run this script on another one, as above.
import pg from 'pg';
import { createTestDatabase, testPostgresAdminUrl, type StoreKind } from '../helpers/store.ts';
import { processCpuSeconds, root, sessionPids, startPinned, wardenServerEnv, type RunningServer } from './harness.ts';
import { clientCredentialsBody, refreshLoad, tokenEndpointLoad } from './loads.ts';

type Scenario = 'refresh' | 'cc_opaque' | 'cc_jwt';
const scenario = (process.env.AB_SCENARIO ?? 'refresh') as Scenario;
if (!['refresh', 'cc_opaque', 'cc_jwt'].includes(scenario)) throw new Error('AB_SCENARIO is one of refresh, cc_opaque, cc_jwt');
const store = (process.env.AB_STORE ?? 'sqlite') as StoreKind;
if (store !== 'sqlite' && store !== 'postgresql') throw new Error('AB_STORE is sqlite or postgresql');
const rounds = Number(process.env.AB_ROUNDS ?? 30);
const slotSeconds = Number(process.env.AB_SLOT_SECONDS ?? 1);
if (!(rounds >= 1) || !(slotSeconds > 0)) throw new Error('AB_ROUNDS and AB_SLOT_SECONDS are positive numbers');

function envList(value: string | undefined, name: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const pair of (value ?? '').split(',').filter(Boolean)) {
    const at = pair.indexOf('=');
    if (at <= 0) throw new Error(`${name}: "${pair}" is not NAME=value`);
    out[pair.slice(0, at)] = pair.slice(at + 1);
  }
  return out;
}

interface Side {
  name: 'A' | 'B';
  server: RunningServer;
  /** Live refresh tokens, kept across slots. */
  live: string[];
  /** PostgreSQL: the database's name, whose sessions' CPU counts as this side's backends. */
  database?: string;
  dispose(): Promise<void>;
}

type ServerKind = 'warden' | 'bare';

function serverKind(name: 'A' | 'B'): ServerKind {
  const kind = process.env[`AB_${name}_SERVER`] ?? 'warden';
  if (kind !== 'warden' && kind !== 'bare') throw new Error(`AB_${name}_SERVER is warden or bare`);
  return kind;
}

// A request in flight when its slot ends takes its refresh token with it.
const refreshTokenCount = String(64 + 10 * (rounds + 1));
// oidc-provider's in-memory adapter keeps its newest 1,000 entries: with more live refresh chains
// than about 200, a grant is evicted between two refreshes of its chain and the refresh fails.
if (scenario === 'refresh' && (serverKind('A') === 'bare' || serverKind('B') === 'bare') && Number(refreshTokenCount) > 200) {
  throw new Error('refresh against the bare provider runs at most 12 rounds (its in-memory adapter drops older grants)');
}

async function startSide(name: 'A' | 'B', port: number): Promise<Side> {
  const checkout = process.env[`AB_${name}_CHECKOUT`] ?? root;
  const core = Number(process.env.BENCH_SERVER_CORE ?? 1);
  const extraEnv = envList(process.env[`AB_${name}_ENV`], `AB_${name}_ENV`);
  const nodeArgs = process.env[`AB_${name}_NODE_ARGS`] ?? process.env.BENCH_SERVER_NODE_ARGS ?? '';
  if (serverKind(name) === 'bare') {
    const server = await startPinned('test/bench/servers/bare.ts', { PORT: String(port), BENCH_REFRESH_TOKENS: refreshTokenCount, ...extraEnv }, core, checkout, nodeArgs);
    return { name, server, live: [...server.fixture.refreshTokens], dispose: () => server.stop() };
  }
  const database = await createTestDatabase(store);
  const server = await startPinned(
    'test/bench/servers/warden.ts',
    { ...wardenServerEnv(database, port), BENCH_REFRESH_TOKENS: refreshTokenCount, ...extraEnv },
    core,
    checkout,
    nodeArgs,
  );
  return {
    name,
    server,
    live: [...server.fixture.refreshTokens],
    database: store === 'postgresql' ? new URL(database.databaseUrl).pathname.slice(1) : undefined,
    dispose: async () => {
      await server.stop();
      await database.dispose();
    },
  };
}

function load(side: Side): Promise<number> {
  const f = side.server.fixture;
  if (scenario === 'refresh') return refreshLoad(f, side.live, slotSeconds);
  return tokenEndpointLoad(f, clientCredentialsBody(f, scenario === 'cc_opaque' ? 'opaque' : 'jwt'), slotSeconds);
}

// PostgreSQL: the sessions open on each side's database, looked up at every slot (the pool may open
// more under load); their CPU over the slot is that side's backends'.
const admin = store === 'postgresql' ? new pg.Client({ connectionString: testPostgresAdminUrl }) : undefined;
await admin?.connect();

async function backendCpu(side: Side): Promise<Map<number, number>> {
  const out = new Map<number, number>();
  if (!admin || !side.database) return out;
  for (const pid of await sessionPids(admin, side.database)) {
    const cpu = processCpuSeconds(pid);
    if (Number.isFinite(cpu)) out.set(pid, cpu);
  }
  return out;
}

/** One slot: requests completed, and the CPU seconds they took in the server (all threads) and its backends. */
async function slot(side: Side): Promise<{ requests: number; cpu: number; backends: number }> {
  const backendsBefore = await backendCpu(side);
  const before = side.server.cpuSeconds();
  const requests = await load(side);
  const cpu = side.server.cpuSeconds() - before;
  let backends = 0;
  // A session that ended during the slot is lost; one that started counts whole.
  for (const [pid, seconds] of await backendCpu(side)) backends += seconds - (backendsBefore.get(pid) ?? 0);
  return { requests, cpu, backends };
}

const median = (values: number[]) => [...values].sort((x, y) => x - y)[values.length >> 1] ?? Number.NaN;

const a = await startSide('A', 3301);
const b = await startSide('B', 3302);
try {
  const preload = Number(process.env.AB_PRELOAD_REFRESH_SECONDS ?? 0);
  if (preload > 0) {
    for (const side of [a, b]) await refreshLoad(side.server.fixture, side.live, preload);
  }
  await slot(a);
  await slot(b);
  const totals = { A: { requests: 0, cpu: 0, backends: 0 }, B: { requests: 0, cpu: 0, backends: 0 } };
  const cpuRatios: number[] = [];
  const withBackendRatios: number[] = [];
  const rateRatios: number[] = [];
  for (let round = 1; round <= rounds; round += 1) {
    const perRequest = { A: Number.NaN, B: Number.NaN };
    const withBackends = { A: Number.NaN, B: Number.NaN };
    const completed = { A: 0, B: 0 };
    for (const side of round % 2 ? [a, b] : [b, a]) {
      const { requests, cpu, backends } = await slot(side);
      totals[side.name].requests += requests;
      totals[side.name].cpu += cpu;
      totals[side.name].backends += backends;
      completed[side.name] = requests;
      perRequest[side.name] = requests > 0 ? (cpu / requests) * 1e6 : Number.NaN;
      withBackends[side.name] = requests > 0 ? ((cpu + backends) / requests) * 1e6 : Number.NaN;
    }
    cpuRatios.push(perRequest.B / perRequest.A);
    withBackendRatios.push(withBackends.B / withBackends.A);
    rateRatios.push(completed.B / completed.A);
    const backendText = admin ? ` (with backends: A ${withBackends.A.toFixed(0)}, B ${withBackends.B.toFixed(0)})` : '';
    console.log(`round ${round}: A ${perRequest.A.toFixed(0)} µs, B ${perRequest.B.toFixed(0)} µs per request${backendText} (B/A ${(perRequest.B / perRequest.A).toFixed(3)}); A ${completed.A}, B ${completed.B} requests (B/A ${(completed.B / completed.A).toFixed(3)})`);
  }
  const summary = (s: 'A' | 'B') => {
    const backends = admin ? ` + backends ${((totals[s].backends / totals[s].requests) * 1e6).toFixed(0)} µs` : '';
    return `${s} (${serverKind(s)}) ${((totals[s].cpu / totals[s].requests) * 1e6).toFixed(0)} µs per request${backends}, ${(totals[s].requests / (rounds * slotSeconds)).toFixed(0)}/s`;
  };
  console.log(`${scenario} on ${store}, ${rounds} rounds of ${slotSeconds} s: ${summary('A')}; ${summary('B')}`);
  const backendMedian = admin ? `, server + backends ${median(withBackendRatios).toFixed(3)}` : '';
  console.log(`median B/A: CPU per request ${median(cpuRatios).toFixed(3)}${backendMedian}, requests per second ${median(rateRatios).toFixed(3)}`);
} finally {
  await admin?.end();
  await a.dispose();
  await b.dispose();
}
