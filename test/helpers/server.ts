// A real Warden in-process on an ephemeral port over a fresh test store, for tests that talk HTTP.
//
//   const w = await startWarden({ kind });
//   t.teardown(() => w.stop());
//   const user = await w.createAccount();                     // { id, email, password }
//   const client = await w.createClient({ redirect_uris: ['http://127.0.0.1:9/cb'] });
//   // client.client_id, client.client_secret; discovery at `${w.issuer}/.well-known/openid-configuration`
//
// Two instances on one database: `const b = await startWarden({ kind, shareWith: a })`. Like two
// instances behind one load balancer, b has a's issuer (b.issuer === a.issuer) but its own b.url.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomBytes, randomUUID } from 'node:crypto';
import type { ClientMetadata } from 'oidc-provider';
import type { Middleware } from 'koa';
import { openStore, type Db, type Store, type StoreKind } from '../../src/store/index.ts';
import type { Config } from '../../src/config.ts';
import { createWarden, type Warden, type WardenOptions, type RouteContext } from '../../src/warden.ts';
import { prismaAdapter } from '../../src/oidc/prisma-adapter.ts';
import { DEFAULT_KEY_POLICY, type KeyPolicy } from '../../src/oidc/key-policy.ts';
import type { AccountRecord } from '../../src/accounts/account-service.ts';
import { openTestStore, type TestStore } from './store.ts';

/** Headers a TLS-terminating proxy would add (for httpsIssuer instances). */
export const httpsHeaders: Readonly<Record<string, string>> = { 'x-forwarded-proto': 'https' };

export interface StartWardenOptions {
  kind: StoreKind;
  /** Environment for the config (e.g. WARDEN_REGISTRATION=open). */
  env?: Record<string, string>;
  /** Run a second instance on the first one's database (same secret key, same issuer). */
  shareWith?: StartedWarden;
  keyPolicy?: Partial<KeyPolicy>;
  /**
   * Serve an https issuer (https://localhost:<port>) as if behind a TLS-terminating proxy: requests
   * must then carry `X-Forwarded-Proto: https` (see `httpsHeaders`). For https-only behaviour.
   */
  httpsIssuer?: boolean;
  /** Routers in front of the provider; by default the hosted pages. */
  routes?: ReadonlyArray<(context: RouteContext) => Middleware>;
  /** Anything else createWarden takes (risk hooks, pages...). */
  wardenOptions?: Partial<Pick<WardenOptions, 'assessExchange' | 'assessRefresh' | 'risk' | 'renderError' | 'pages' | 'allowPrivateNetworkFetch' | 'metrics' | 'logger'>>;
}

export interface TestAccount {
  id: string;
  email: string;
  password: string;
  record: AccountRecord;
}

export interface TestClient {
  client_id: string;
  client_secret?: string;
  metadata: ClientMetadata;
}

export interface StartedWarden {
  kind: StoreKind;
  /** Where this instance listens, no trailing slash. */
  url: string;
  /** The issuer: equal to url, except for a second instance (shareWith), which has the first's. */
  issuer: string;
  db: Db;
  store: Store;
  config: Config;
  warden: Warden;
  server: Server;
  /** The test store owning the database (only on the first instance). */
  testStore: TestStore | undefined;
  createAccount(input?: Partial<{ email: string; password: string; name: string; groups: string[]; roles: string[]; isAdmin: boolean }>): Promise<TestAccount>;
  /** Stores a client directly (as an administrator would). Confidential unless token_endpoint_auth_method is 'none'. */
  createClient(metadata?: Partial<ClientMetadata>): Promise<TestClient>;
  /** Stops this instance; the first instance also deletes the database once every instance stopped. */
  stop(): Promise<void>;
}

async function listenEphemeral(): Promise<Server> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  return server;
}

export async function startWarden(options: StartWardenOptions): Promise<StartedWarden> {
  const server = await listenEphemeral();
  const { port } = server.address() as AddressInfo;
  const url = `http://localhost:${port}`;

  let testStore: TestStore | undefined;
  let store: Store;
  let config: Config;
  if (options.shareWith) {
    config = { ...options.shareWith.config, port };
    store = await openStore(config);
  } else {
    testStore = await openTestStore(options.kind, { WARDEN_REGISTRATION: 'open', ...options.env });
    config = options.httpsIssuer
      ? { ...testStore.config, issuer: `https://localhost:${port}`, port, trustedProxies: 1 }
      : { ...testStore.config, issuer: url, port };
    store = testStore.store;
  }

  const warden = await createWarden({
    config,
    store,
    keyPolicy: { ...DEFAULT_KEY_POLICY, ...options.keyPolicy },
    ...(options.routes ? { routes: options.routes } : {}),
    ...options.wardenOptions,
  });
  server.on('request', warden.app.callback());

  const db = store.db;
  const ClientStore = prismaAdapter(db);
  const clients = new ClientStore('Client');

  return {
    kind: options.kind,
    url,
    issuer: config.issuer,
    db,
    store,
    config,
    warden,
    server,
    testStore,
    async createAccount(input = {}) {
      const email = input.email ?? `user-${randomUUID()}@example.test`;
      const password = input.password ?? `correct horse ${randomBytes(6).toString('hex')} staple`;
      const record = await warden.accounts.createAccount({
        email,
        password,
        emailVerified: true,
        profile: { name: input.name ?? 'Test User' },
        groups: input.groups ?? ['staff'],
        roles: input.roles ?? ['reader'],
        isAdmin: input.isAdmin ?? false,
      });
      return { id: record.id, email, password, record };
    },
    async createClient(metadata = {}) {
      const client_id = metadata.client_id ?? `client-${randomUUID()}`;
      const isPublic = metadata.token_endpoint_auth_method === 'none';
      const client_secret = isPublic ? undefined : (metadata.client_secret ?? randomBytes(32).toString('base64url'));
      const grantTypes = metadata.grant_types ?? ['authorization_code', 'refresh_token'];
      const stored: ClientMetadata = {
        grant_types: grantTypes,
        response_types: grantTypes.includes('authorization_code') ? ['code'] : [],
        redirect_uris: [],
        ...metadata,
        client_id,
        ...(client_secret === undefined ? {} : { client_secret }),
      };
      await clients.upsert(client_id, stored, 0);
      return { client_id, ...(client_secret === undefined ? {} : { client_secret }), metadata: stored };
    },
    async stop() {
      await warden.close();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      if (testStore) await testStore.dispose();
      else await store.close();
    },
  };
}
