import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  OAUTH_TOKEN_FIELDS,
  OAuthTokenSource,
  finishAuthorization,
  refreshTokens,
  startAuthorization,
  tokenFields,
  tokensFromFields,
  type OAuthClientConfig,
} from '../../src/connector-kit/oauth.ts';
import type { CredentialStore } from '../../src/connectors/platform-definition.ts';
import { openDatabase, type DatabaseHandle } from '../../src/db/database.ts';
import { credentialStoreFor, getPlatformConfig, openCredentials, savePlatformConfig, sealCredentials } from '../../src/db/repositories/platform-configs.ts';
import { startOAuthServer, type OAuthServer } from '../../src/simulator/kit/oauth-server.ts';
import { createTempDatabase, testDatabaseUrl } from '../helpers/postgres.ts';

/**
 * Two processes (a web process and a worker, or two workers) refreshing one rotating OAuth set at once: the
 * store's refresh lock lets one call the token endpoint, the other takes what it stored. Run on PGlite and,
 * with SF_TEST_DATABASE_URL, on PostgreSQL with one database handle (pool) per process.
 */
const masterKey = randomBytes(32);
let server: OAuthServer;
let client: OAuthClientConfig;

beforeAll(async () => {
  server = await startOAuthServer({ clientId: 'cid', clientSecret: 'csecret', rotate: true });
  client = {
    settings: {
      authorizeUrl: () => server.authorizeUrl,
      tokenUrl: () => server.tokenUrl,
      scopes: [],
      pkce: false,
      refreshRotates: true,
      clientIdField: 'clientId',
      clientSecretField: 'clientSecret',
    },
    apiUrl: server.url,
    clientId: 'cid',
    clientSecret: 'csecret',
    redirectUri: 'http://localhost/cb',
    allowHttp: true,
  };
});
afterAll(async () => server?.close());

async function connect() {
  const started = await startAuthorization(client);
  const res = await fetch(started.authorizeUrl, { redirect: 'manual' });
  return finishAuthorization(client, new URL(res.headers.get('location')!).searchParams, started);
}

const modes = [
  { name: 'PGlite', open: async () => ({ handles: [await openDatabase({ dataDir: '/nonexistent', inMemory: true })], drop: async () => {} }) },
  {
    name: 'PostgreSQL',
    skip: !testDatabaseUrl,
    open: async () => {
      const temp = await createTempDatabase();
      const first = await openDatabase({ databaseUrl: temp.url, dataDir: '/nonexistent' });
      const second = await openDatabase({ databaseUrl: temp.url, dataDir: '/nonexistent' });
      return { handles: [first, second], drop: () => temp.drop() };
    },
  },
];

describe.each(modes)('OAuth refresh lock on $name', ({ open, skip }) => {
  let handles: DatabaseHandle[];
  let drop: () => Promise<void>;
  beforeAll(async () => {
    if (skip) return;
    ({ handles, drop } = await open());
  });
  afterAll(async () => {
    for (const h of handles ?? []) await h.close();
    await drop?.();
  });

  it.skipIf(skip)('two processes refreshing one set at once make one token call and both keep the live tokens', async () => {
    const db = handles[0]!.db;
    const organisationId = (await db.insertInto('organisations').values({ name: 'lock' }).returning('id').executeTakeFirstOrThrow()).id;
    const tokens = await connect();
    const fields = { clientId: 'cid', clientSecret: 'csecret', ...tokenFields(tokens) };
    await savePlatformConfig(db, organisationId, {
      platform: 'test',
      apiUrl: server.url,
      credentials: sealCredentials(masterKey, organisationId, fields, ['clientSecret', ...Object.values(OAUTH_TOKEN_FIELDS)]),
    });
    // The manifest's own secret only: the token fields stay sealed because they were sealed already.
    const storeOf = (h: DatabaseHandle) => credentialStoreFor(h.db, masterKey, { kind: 'platform', organisationId }, ['clientSecret']);
    let bAsked!: () => void;
    const bAskedForLock = new Promise<void>((r) => (bAsked = r));
    const storeB = storeOf(handles.at(-1)!);
    const signalling: CredentialStore = {
      update: (f) => storeB.update(f),
      withRefreshLock: (fn) => {
        bAsked();
        return storeB.withRefreshLock!(fn);
      },
    };
    // Separate keys: like two processes, neither sees the other's in-process queue.
    const a = new OAuthTokenSource(client, fields, `a-${organisationId}`, storeOf(handles[0]!));
    const b = new OAuthTokenSource(client, fields, `b-${organisationId}`, signalling);
    const before = server.calls.filter((c) => c.grantType === 'refresh_token').length;
    const held = server.hold();
    const refreshA = a.refresh();
    await held.waiting(1); // A holds the lock; its token call waits at the endpoint.
    const refreshB = b.refresh();
    await bAskedForLock;
    held.release();
    const [ta, tb] = await Promise.all([refreshA, refreshB]);

    expect(server.calls.filter((c) => c.grantType === 'refresh_token').length - before).toBe(1);
    expect(tb).toEqual(ta);
    const saved = (await getPlatformConfig(db, organisationId))!;
    expect(tokensFromFields(openCredentials(masterKey, saved.credentials, organisationId))).toEqual(ta);
    expect(Object.keys(saved.credentials.values!.values)).toEqual(['clientId']);
    await expect(refreshTokens(client, ta.refreshToken!)).resolves.toMatchObject({ accessToken: expect.any(String) });
  });
});
