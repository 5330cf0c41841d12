import fastifyCookie from '@fastify/cookie';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OAUTH_TOKEN_FIELDS } from '../../src/connector-kit/oauth.ts';
import type { PlatformDefinition } from '../../src/connectors/platform-definition.ts';
import { requirePlatform } from '../../src/connectors/registry.ts';
import { saveOAuthState } from '../../src/db/repositories/oauth-states.ts';
import { getPlatformConfig, openCredentials, savePlatformConfig, sealCredentials } from '../../src/db/repositories/platform-configs.ts';
import { loadMasterKey } from '../../src/security/secret-key.ts';
import { registerAuth } from '../../src/server/auth.ts';
import type { AppContext } from '../../src/server/context.ts';
import { registerErrorHandling } from '../../src/server/errors.ts';
import { oauthRedirectUri, oauthRoutes } from '../../src/server/routes/oauth.routes.ts';
import { startOAuthServer, type OAuthServer } from '../../src/simulator/kit/oauth-server.ts';
import { savePlatform, signUpAndLogIn, startStack, type TestStack } from '../helpers/stack.ts';

const PLATFORM = 'oauth_test';
let stack: TestStack;
let ctx: AppContext;
let oauthServer: OAuthServer;
/** The OAuth routes with a test-only OAuth platform besides the registry's. */
let app: FastifyInstance;
let admin: Awaited<ReturnType<typeof signUpAndLogIn>>;

function testDefinition(server: OAuthServer): PlatformDefinition {
  const base = requirePlatform('freshservice');
  return {
    ...base,
    manifest: {
      ...base.manifest,
      id: PLATFORM,
      name: 'OAuth Test Desk',
      auth: 'oauth',
      credentials: [
        { name: 'clientId', label: 'Client id', secret: false, required: true, help: '', maxLength: 200 },
        { name: 'clientSecret', label: 'Client secret', secret: true, required: true, help: '', maxLength: 200 },
      ],
      oauth: {
        authorizeUrl: () => server.authorizeUrl,
        tokenUrl: () => server.tokenUrl,
        scopes: ['read', 'write'],
        pkce: true,
        refreshRotates: true,
        clientIdField: 'clientId',
        clientSecretField: 'clientSecret',
      },
    },
  };
}

async function saveOAuthPlatform(organisationId: string, fields: Record<string, string> = { clientId: 'cid', clientSecret: 'csecret' }) {
  await savePlatformConfig(ctx.db, organisationId, {
    platform: PLATFORM,
    apiUrl: oauthServer.url,
    credentials: sealCredentials(ctx.masterKey, organisationId, fields, ['clientSecret']),
  });
}

beforeAll(async () => {
  stack = await startStack({ listen: false });
  // The same key file the stack loaded: what the stack's routes seal, these open.
  ctx = { config: stack.config, db: stack.database.db, masterKey: await loadMasterKey(stack.config.secretKey, stack.config.dataDir) };
  oauthServer = await startOAuthServer({ clientId: 'cid', clientSecret: 'csecret', requirePkce: true });
  admin = await signUpAndLogIn(stack.app, 'oauth');
});
afterAll(async () => {
  await app?.close();
  await oauthServer?.close();
  await stack?.close();
});

/** The routes as app.ts registers them, with the test platform known to their lookup. */
async function buildOAuthApp(): Promise<FastifyInstance> {
  const definition = testDefinition(oauthServer);
  const a = Fastify({ logger: false });
  registerErrorHandling(a);
  await a.register(fastifyCookie);
  registerAuth(a, ctx);
  await a.register(async (api) => oauthRoutes(api, ctx, { lookup: (id) => (id === PLATFORM ? definition : undefined) }), { prefix: '/api/v1' });
  await a.ready();
  return a;
}

const start = (headers: Record<string, string> = admin.auth) => app.inject({ method: 'POST', url: '/api/v1/platform/oauth/start', headers });
const callback = (query: string, token = admin.token) =>
  app.inject({ url: `/api/v1/platform/oauth/callback?${query}`, headers: { cookie: `sf_session=${token}` } });

/** What the platform's authorize page does when the person approves: redirect back with code and state. */
async function approve(authorizeUrl: string): Promise<string> {
  const res = await fetch(authorizeUrl, { redirect: 'manual' });
  return new URL(res.headers.get('location')!).search.slice(1);
}

describe('OAuth connect flow', () => {
  beforeAll(async () => {
    app = await buildOAuthApp();
    await saveOAuthPlatform(admin.organisation.id);
  });

  it('start answers an authorize URL with a state and an S256 challenge, to the callback on SF_PUBLIC_URL or SF_PORT', async () => {
    const r = await start();
    expect(r.statusCode).toBe(200);
    const url = new URL(r.json().authorizeUrl);
    expect(url.origin + url.pathname).toBe(oauthServer.authorizeUrl);
    expect(url.searchParams.get('state')).toMatch(/^[A-Za-z0-9_-]{20,}$/);
    expect(url.searchParams.get('code_challenge_method')).toBe('S256');
    expect(url.searchParams.get('code_challenge')).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(url.searchParams.get('client_id')).toBe('cid');
    expect(url.searchParams.get('redirect_uri')).toBe(oauthRedirectUri(stack.config));
    expect(oauthRedirectUri({ publicUrl: undefined, port: 3000 })).toBe('http://localhost:3000/api/v1/platform/oauth/callback');
    expect(oauthRedirectUri({ publicUrl: 'https://sync.example.com/', port: 3000 })).toBe('https://sync.example.com/api/v1/platform/oauth/callback');
    // Each start has its own state.
    const again = new URL((await start()).json().authorizeUrl);
    expect(again.searchParams.get('state')).not.toBe(url.searchParams.get('state'));
  });

  it('the callback with the code stores the tokens as secret credential fields and returns to Settings; the state works once', async () => {
    const query = await approve((await start()).json().authorizeUrl);
    const r = await callback(query);
    expect(r.statusCode).toBe(302);
    expect(r.headers.location).toBe('/settings?oauth=connected');
    const cfg = (await getPlatformConfig(ctx.db, admin.organisation.id))!;
    const fields = openCredentials(ctx.masterKey, cfg.credentials, admin.organisation.id);
    expect(oauthServer.validAccessTokens.has(fields[OAUTH_TOKEN_FIELDS.accessToken]!)).toBe(true);
    expect(fields[OAUTH_TOKEN_FIELDS.refreshToken]).toMatch(/^rt_/);
    expect(fields.clientId).toBe('cid');
    // Tokens are sealed, not kept in the readable values.
    expect(JSON.stringify(cfg.credentials.values)).not.toContain(fields[OAUTH_TOKEN_FIELDS.accessToken]!);

    const reused = await callback(query);
    expect(reused.headers.location).toBe('/settings?oauth=error&reason=invalid_state');
  });

  it.each([
    ['a forged state', () => Promise.resolve('code=abc&state=forged-state-that-was-never-issued'), 'invalid_state'],
    ['no state', () => Promise.resolve('code=abc'), 'invalid_state'],
    [
      'an expired state',
      async () => {
        await saveOAuthState(ctx.db, 'expired-state-0123456789', {
          organisationId: admin.organisation.id,
          userId: (await getUserId()) ?? '',
          platform: PLATFORM,
          codeVerifier: 'v'.repeat(43),
          redirectUri: oauthRedirectUri(stack.config),
          expiresAt: new Date(Date.now() - 1000),
        });
        return 'code=abc&state=expired-state-0123456789';
      },
      'expired_state',
    ],
    [
      'the person declining',
      async () => {
        oauthServer.declineNext();
        return approve((await start()).json().authorizeUrl);
      },
      'denied',
    ],
  ])('refuses %s', async (_what, query, reason) => {
    const before = (await getPlatformConfig(ctx.db, admin.organisation.id))!.credentials.ciphertext;
    const r = await callback(await query());
    expect(r.statusCode).toBe(302);
    expect(r.headers.location).toBe(`/settings?oauth=error&reason=${reason}`);
    expect((await getPlatformConfig(ctx.db, admin.organisation.id))!.credentials.ciphertext).toBe(before);
  });

  it('refuses a state started by someone else', async () => {
    const other = await signUpAndLogIn(stack.app, 'oauth-other');
    const query = await approve((await start()).json().authorizeUrl);
    const r = await callback(query, other.token);
    expect(r.headers.location).toBe('/settings?oauth=error&reason=wrong_user');
    const anonymous = await app.inject({ url: `/api/v1/platform/oauth/callback?${await approve((await start()).json().authorizeUrl)}` });
    expect(anonymous.headers.location).toBe('/settings?oauth=error&reason=not_logged_in');
  });

  it('needs the client id and secret saved', async () => {
    const org = await signUpAndLogIn(stack.app, 'oauth-noclient');
    await saveOAuthPlatform(org.organisation.id, { clientId: 'cid', clientSecret: '' });
    const r = await start(org.auth);
    expect(r.statusCode).toBe(409);
    expect(r.json().error).toMatchObject({ code: 'oauth_client_missing', message: expect.stringContaining('clientSecret') });
  });

  it('needs a saved platform, and an OAuth one', async () => {
    const org = await signUpAndLogIn(stack.app, 'oauth-none');
    const none = await start(org.auth);
    expect(none.statusCode).toBe(409);
    expect(none.json().error.code).toBe('platform_not_configured');
    await savePlatform(stack.app, org);
    const basic = await stack.app.inject({ method: 'POST', url: '/api/v1/platform/oauth/start', headers: org.auth });
    expect(basic.statusCode).toBe(400);
    expect(basic.json().error).toMatchObject({ code: 'not_oauth_platform', message: expect.stringContaining('does not sign in with OAuth') });
  });
});

async function getUserId(): Promise<string | undefined> {
  const row = await ctx.db.selectFrom('users').select('id').where('email', '=', admin.email).executeTakeFirst();
  return row?.id;
}
