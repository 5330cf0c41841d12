import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CredentialStore, LockedCredentials } from '../connectors/platform-definition.ts';
import type { OAuthSettings, PlatformManifest } from '../core/platform-manifest.ts';
import { startOAuthServer, type OAuthServer } from '../simulator/kit/oauth-server.ts';
import {
  finishAuthorization,
  OAUTH_TOKEN_FIELDS,
  OAuthError,
  OAuthTokenSource,
  oauthTokenSourceFor,
  refreshTokens,
  refreshUnderLock,
  startAuthorization,
  tokenFields,
  tokensFromFields,
  type OAuthClientConfig,
  type OAuthTokens,
} from './oauth.ts';

const REDIRECT = 'http://localhost:3000/api/v1/platform/oauth/callback';
let server: OAuthServer;
let client: OAuthClientConfig;

beforeAll(async () => {
  server = await startOAuthServer({ clientId: 'cid', clientSecret: 'csecret', requirePkce: true, rotate: true });
  const settings: OAuthSettings = {
    authorizeUrl: () => server.authorizeUrl,
    tokenUrl: () => server.tokenUrl,
    scopes: ['read', 'write'],
    pkce: true,
    refreshRotates: true,
    clientIdField: 'clientId',
    clientSecretField: 'clientSecret',
  };
  client = { settings, apiUrl: server.url, clientId: 'cid', clientSecret: 'csecret', redirectUri: REDIRECT, allowHttp: true };
});
afterAll(async () => server?.close());

/** Follows the test server's authorize redirect and returns the callback's query. */
async function authorize(authorizeUrl: string): Promise<URLSearchParams> {
  const res = await fetch(authorizeUrl, { redirect: 'manual' });
  return new URL(res.headers.get('location')!).searchParams;
}

async function connect(): Promise<OAuthTokens> {
  const started = await startAuthorization(client);
  return finishAuthorization(client, await authorize(started.authorizeUrl), started);
}

/** A CredentialStore that keeps what it is given, like the data layer's. */
function memoryStore(initial: Record<string, string>) {
  const fields = { ...initial };
  return {
    fields,
    updates: 0,
    async update(f: Record<string, string>) {
      this.updates += 1;
      Object.assign(fields, f);
    },
  };
}

describe('authorization code with PKCE', () => {
  it('builds an authorize URL with state, scopes and an S256 challenge', async () => {
    const { authorizeUrl, state, codeVerifier } = await startAuthorization(client);
    const q = new URL(authorizeUrl).searchParams;
    expect(q.get('state')).toBe(state);
    expect(q.get('code_challenge_method')).toBe('S256');
    expect(q.get('code_challenge')).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(codeVerifier).toBeTruthy();
    expect(q.get('scope')).toBe('read write');
    expect(q.get('redirect_uri')).toBe(REDIRECT);
  });

  it('exchanges the code for tokens', async () => {
    const tokens = await connect();
    expect(server.validAccessTokens.has(tokens.accessToken)).toBe(true);
    expect(tokens.refreshToken).toMatch(/^rt_/);
    expect(Date.parse(tokens.expiresAt!)).toBeGreaterThan(Date.now());
  });

  it.each([
    ['a wrong verifier', (s: { state: string; codeVerifier: string | null }) => ({ ...s, codeVerifier: 'x'.repeat(43) }), 'invalid_grant'],
    ['another state', (s: { state: string; codeVerifier: string | null }) => ({ ...s, state: 'forged' }), 'protocol'],
  ])('refuses %s', async (_what, change, kind) => {
    const started = await startAuthorization(client);
    const callback = await authorize(started.authorizeUrl);
    await expect(finishAuthorization(client, callback, change(started))).rejects.toMatchObject({ kind });
  });

  it('says when the person declined', async () => {
    server.declineNext();
    const started = await startAuthorization(client);
    const err = await finishAuthorization(client, await authorize(started.authorizeUrl), started).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OAuthError);
    expect(err).toMatchObject({ kind: 'denied', message: expect.stringContaining('access_denied') });
  });
});

describe('refresh with rotation', () => {
  it('replaces the refresh token in the store; the old one no longer works', async () => {
    const first = await connect();
    const store = memoryStore({ ...tokenFields({ ...first, expiresAt: new Date(Date.now() - 1000).toISOString() }) });
    const source = new OAuthTokenSource(client, store.fields, 'rotation-1', store);
    const access = await source.accessToken();
    expect(access).not.toBe(first.accessToken);
    expect(store.fields[OAUTH_TOKEN_FIELDS.refreshToken]).not.toBe(first.refreshToken);
    expect(store.fields[OAUTH_TOKEN_FIELDS.accessToken]).toBe(access);
    await expect(refreshTokens(client, first.refreshToken!)).rejects.toMatchObject({ kind: 'invalid_grant' });
    // The stored one is the live one.
    await expect(refreshTokens(client, store.fields[OAUTH_TOKEN_FIELDS.refreshToken]!)).resolves.toMatchObject({ accessToken: expect.any(String) });
  });

  it('uses a valid access token without refreshing', async () => {
    const tokens = await connect();
    const before = server.calls.length;
    const source = new OAuthTokenSource(client, tokenFields(tokens), 'rotation-2');
    expect(await source.accessToken()).toBe(tokens.accessToken);
    expect(server.calls.length).toBe(before);
  });

  it('serialises concurrent refreshes of one credential set: one call, no rotated token lost', async () => {
    const tokens = await connect();
    const store = memoryStore(tokenFields(tokens));
    // Two connectors of the same set (a sync run and a Test Connection) hold the same refresh token.
    const a = new OAuthTokenSource(client, { ...store.fields }, 'concurrent-1', store);
    const b = new OAuthTokenSource(client, { ...store.fields }, 'concurrent-1', store);
    const before = server.calls.filter((c) => c.grantType === 'refresh_token').length;
    const held = server.hold();
    const both = Promise.all([a.refresh(), b.refresh()]);
    await held.waiting(1);
    held.release();
    const [ta, tb] = await both;
    expect(ta).toEqual(tb);
    expect(server.calls.filter((c) => c.grantType === 'refresh_token').length - before).toBe(1);
    expect(store.fields[OAUTH_TOKEN_FIELDS.refreshToken]).toBe(ta.refreshToken);
    // The rotated token survives: the next refresh works.
    await expect(a.refresh()).resolves.toMatchObject({ accessToken: expect.any(String) });
  });

  it('a connector builds its token source from its credentials and keeps rotations through its CredentialStore', async () => {
    const tokens = await connect();
    const fields = { clientId: 'cid', clientSecret: 'csecret', ...tokenFields({ ...tokens, expiresAt: new Date(Date.now() - 1000).toISOString() }) };
    const store = memoryStore(fields);
    const manifest = { name: 'Test', auth: 'oauth', oauth: client.settings, credentials: [] } as unknown as PlatformManifest;
    const source = oauthTokenSourceFor(manifest, { apiUrl: server.url, fields }, { credentialStore: store, allowHttp: true });
    const access = await source.accessToken();
    expect(server.validAccessTokens.has(access)).toBe(true);
    expect(store.updates).toBe(1);
    expect(store.fields[OAUTH_TOKEN_FIELDS.refreshToken]).not.toBe(tokens.refreshToken);
    expect(() => oauthTokenSourceFor({ ...manifest, auth: 'basic' } as PlatformManifest, { apiUrl: server.url, fields })).toThrow(
      /does not sign in with OAuth/,
    );
    expect(() => oauthTokenSourceFor(manifest, { apiUrl: server.url, fields: { clientId: 'cid' } })).toThrow(/clientSecret/);
  });

  it('says to connect again when there is no token', async () => {
    await expect(new OAuthTokenSource(client, {}, 'none').accessToken()).rejects.toMatchObject({ kind: 'not_configured' });
  });
});

/** A set as the database keeps it, shared by stores of several "processes"; the lock is a queue like a row lock. */
function lockedRow(initial: Record<string, string>) {
  const row = { fields: { ...initial }, locks: 0 };
  let tail: Promise<unknown> = Promise.resolve();
  const store = (onLockRequested?: () => void): CredentialStore => {
    return {
      async update(f) {
        Object.assign(row.fields, f);
      },
      withRefreshLock<T>(fn: (locked: LockedCredentials) => Promise<T>): Promise<T> {
        onLockRequested?.();
        const run = tail.then(() => {
          row.locks += 1;
          return fn({ fields: { ...row.fields }, update: async (f) => void Object.assign(row.fields, f) });
        });
        tail = run.catch(() => undefined);
        return run;
      },
    };
  };
  return { row, store };
}

describe('refresh across processes (the store refresh lock)', () => {
  const at = (n: number): OAuthTokens => ({ accessToken: `at${n}`, refreshToken: `rt${n}`, expiresAt: null });
  it.each([
    { name: 'the stored set is the one held: refreshed and stored', stored: at(1), held: at(1), calls: 1, result: at(2) },
    { name: 'another process rotated: its tokens, no call', stored: at(5), held: at(1), calls: 0, result: at(5) },
    {
      name: 'another process refreshed the access token (no rotation): its token, no call',
      stored: { ...at(1), accessToken: 'at9' },
      held: at(1),
      calls: 0,
      result: { ...at(1), accessToken: 'at9' },
    },
    { name: 'nothing stored any more: refreshed', stored: null, held: at(1), calls: 1, result: at(2) },
  ])('$name', async ({ stored, held, calls, result }) => {
    const { row, store } = lockedRow(stored ? tokenFields(stored) : {});
    const refreshed: string[] = [];
    const tokens = await refreshUnderLock(
      held,
      async (t) => {
        refreshed.push(t);
        return at(2);
      },
      store(),
    );
    expect(tokens).toEqual(result);
    expect(refreshed).toHaveLength(calls);
    expect(row.locks).toBe(1);
    if (calls > 0) expect(tokensFromFields(row.fields)).toEqual(at(2));
  });

  it('stores the refresh through update() when the store has no lock', async () => {
    const store = memoryStore(tokenFields(at(1)));
    await expect(refreshUnderLock(at(1), async () => at(2), store)).resolves.toEqual(at(2));
    expect(store.fields[OAUTH_TOKEN_FIELDS.refreshToken]).toBe('rt2');
  });

  it('two processes refreshing one set at once: one token call, both end with the live tokens', async () => {
    const tokens = await connect();
    const { row, store } = lockedRow(tokenFields(tokens));
    let bAsked!: () => void;
    const bAskedForLock = new Promise<void>((r) => (bAsked = r));
    // Separate keys: the in-process queue of one process does not see the other's refresh.
    const a = new OAuthTokenSource(client, { ...row.fields }, 'process-a', store());
    const b = new OAuthTokenSource(client, { ...row.fields }, 'process-b', store(bAsked));
    const before = server.calls.filter((c) => c.grantType === 'refresh_token').length;
    const held = server.hold();
    const refreshA = a.refresh();
    await held.waiting(1); // A holds the lock and its call is at the token endpoint.
    const refreshB = b.refresh();
    await bAskedForLock;
    held.release();
    const [ta, tb] = await Promise.all([refreshA, refreshB]);
    expect(tb).toEqual(ta);
    expect(server.calls.filter((c) => c.grantType === 'refresh_token').length - before).toBe(1);
    expect(tokensFromFields(row.fields)).toEqual(ta);
    await expect(refreshTokens(client, ta.refreshToken!)).resolves.toMatchObject({ accessToken: expect.any(String) });
  });
});
