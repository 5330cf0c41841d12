import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OAUTH_TOKEN_FIELDS } from '../../src/connector-kit/oauth.ts';
import { getPlatformConfig, openCredentials } from '../../src/db/repositories/platform-configs.ts';
import { loadMasterKey } from '../../src/security/secret-key.ts';
import { startJiraSimulator, type JiraSimulator } from '../../src/simulator/jira/index.ts';
import { signUpAndLogIn, startStack, type TestStack } from '../helpers/stack.ts';

/**
 * Jira's second way in: the instance's Atlassian app (SF_JIRA_OAUTH_*), connected from Settings with 3LO
 * (audience, consent prompt, offline_access), then every call through the API gateway with the cloud id of
 * the saved site. The simulator stands in for auth.atlassian.com (the kit OAuth server) and api.atlassian.com.
 */
const JIRA = 'jira_service_management';
let sim: JiraSimulator;
let stack: TestStack;
let admin: Awaited<ReturnType<typeof signUpAndLogIn>>;
let masterKey: Buffer;

beforeAll(async () => {
  sim = await startJiraSimulator({ rateLimit: false });
  stack = await startStack({
    listen: false,
    env: {
      SF_ALLOW_PRIVATE_PLATFORM_URLS: 'true',
      SF_JIRA_OAUTH_CLIENT_ID: sim.oauth.clientId,
      SF_JIRA_OAUTH_CLIENT_SECRET: sim.oauth.clientSecret,
      SF_JIRA_OAUTH_AUTH_URL: sim.oauth.authUrl,
      SF_JIRA_API_GATEWAY_URL: sim.oauth.apiGatewayUrl,
    },
  });
  masterKey = await loadMasterKey(stack.config.secretKey, stack.config.dataDir);
  admin = await signUpAndLogIn(stack.app, 'jira-oauth');
});
afterAll(async () => {
  await stack?.close();
  await sim?.close();
});

const inject = (method: 'GET' | 'POST' | 'PUT', url: string, payload?: unknown) =>
  stack.app.inject({ method, url, headers: admin.auth, ...(payload !== undefined ? { payload: payload as object } : {}) });
const testConnection = async () => (await inject('POST', '/api/v1/platform/test')).json();
const storedFields = async () =>
  openCredentials(masterKey, (await getPlatformConfig(stack.database.db, admin.organisation.id))!.credentials, admin.organisation.id);

/** Start, the person's consent at the simulated Atlassian, and the browser's return to the callback. */
async function connect(): Promise<{ authorizeUrl: URL; location: string }> {
  const started = await inject('POST', '/api/v1/platform/oauth/start');
  expect(started.statusCode, started.body).toBe(200);
  const authorizeUrl = new URL(started.json().authorizeUrl);
  const consent = await fetch(authorizeUrl, { redirect: 'manual' });
  const back = new URL(consent.headers.get('location')!);
  const done = await stack.app.inject({ url: `${back.pathname}${back.search}`, headers: { cookie: `sf_session=${admin.token}` } });
  return { authorizeUrl, location: String(done.headers.location) };
}

describe('Jira Service Management with OAuth 2.0 (3LO)', () => {
  it('Settings offers Connect for Jira when the instance has an Atlassian app; e-mail and API token may then stay empty', async () => {
    const platforms = (await inject('GET', '/api/v1/platforms')).json().platforms as Array<{ id: string; auth: string; oauthConnect?: boolean }>;
    expect(platforms.find((p) => p.id === JIRA)).toMatchObject({ auth: 'basic', oauthConnect: true });
    expect(platforms.find((p) => p.id === 'freshservice')?.oauthConnect).toBe(false);
    const half = await inject('PUT', '/api/v1/platform', { platform: JIRA, apiUrl: sim.url, credentials: { email: sim.emailFor('admin') } });
    expect(half.statusCode, half.body).toBe(400);
    expect(half.json().error.field).toBe('credentials.apiToken');
    expect((await inject('PUT', '/api/v1/platform', { platform: JIRA, apiUrl: sim.url, credentials: {} })).statusCode).toBe(200);
    const before = await testConnection();
    expect(before).toMatchObject({ ok: false, error: { code: 'authentication_failed' } });
    expect(JSON.stringify(before)).toMatch(/Not connected/);
  });

  it('connects with audience, consent prompt and offline_access, then tests through the gateway with a bearer token', async () => {
    const { authorizeUrl, location } = await connect();
    expect(authorizeUrl.origin + authorizeUrl.pathname).toBe(`${sim.oauth.authUrl}/authorize`);
    expect(Object.fromEntries(authorizeUrl.searchParams)).toMatchObject({
      audience: 'api.atlassian.com',
      prompt: 'consent',
      client_id: sim.oauth.clientId,
      response_type: 'code',
    });
    expect(authorizeUrl.searchParams.get('scope')!.split(' ')).toEqual(expect.arrayContaining(['read:jira-work', 'write:jira-work', 'offline_access']));
    expect(location).toBe('/settings?oauth=connected');
    const fields = await storedFields();
    expect(fields[OAUTH_TOKEN_FIELDS.refreshToken]).toMatch(/^rt_/);

    sim.clearRequests();
    const result = await testConnection();
    expect(result).toMatchObject({ ok: true, agent: { name: sim.accounts.find((a) => a.profile === 'admin')!.displayName } });
    const paths = sim.requests.map((r) => r.path);
    expect(paths.filter((p) => p.startsWith('/rest/'))).toEqual([]);
    expect(paths).toContain(`/ex/jira/${sim.cloudId}/rest/api/3/myself`);
  });

  it('a refused access token is refreshed once, and the rotated refresh token is stored', async () => {
    const before = await storedFields();
    sim.oauth.server.validAccessTokens.delete(before[OAUTH_TOKEN_FIELDS.accessToken]!);
    const refreshes = sim.oauth.server.calls.filter((c) => c.grantType === 'refresh_token').length;
    expect(await testConnection()).toMatchObject({ ok: true });
    expect(sim.oauth.server.calls.filter((c) => c.grantType === 'refresh_token').length - refreshes).toBe(1);
    const after = await storedFields();
    expect(after[OAUTH_TOKEN_FIELDS.refreshToken]).not.toBe(before[OAUTH_TOKEN_FIELDS.refreshToken]);
    expect(after[OAUTH_TOKEN_FIELDS.accessToken]).not.toBe(before[OAUTH_TOKEN_FIELDS.accessToken]);
  });

  it('saving the same settings again keeps the connection (the tokens are never typed in Settings)', async () => {
    const before = await storedFields();
    const put = await inject('PUT', '/api/v1/platform', { platform: JIRA, apiUrl: sim.url, credentials: {} });
    expect(put.statusCode, put.body).toBe(200);
    expect(JSON.stringify(put.json())).not.toContain(before[OAUTH_TOKEN_FIELDS.refreshToken]!);
    expect((await storedFields())[OAUTH_TOKEN_FIELDS.refreshToken]).toBe(before[OAUTH_TOKEN_FIELDS.refreshToken]);
    const row = await stack.database.db
      .selectFrom('platform_configs')
      .select('credential_values')
      .where('organisation_id', '=', admin.organisation.id)
      .executeTakeFirstOrThrow();
    expect(JSON.stringify(row.credential_values)).not.toContain(before[OAUTH_TOKEN_FIELDS.accessToken]!);
    expect(await testConnection()).toMatchObject({ ok: true });
  });

  it('a site the app was not granted: a clear error naming the site', async () => {
    sim.oauth.grantedSites = ['https://other-company.atlassian.net'];
    try {
      const result = await testConnection();
      expect(result.ok).toBe(false);
      expect(JSON.stringify(result)).toContain(`not granted access to ${sim.url}`);
      expect(JSON.stringify(result)).toContain('https://other-company.atlassian.net');
    } finally {
      sim.oauth.grantedSites = null;
    }
  });

  it('the e-mail and API token way keeps working as before', async () => {
    const put = await inject('PUT', '/api/v1/platform', {
      platform: JIRA,
      apiUrl: sim.url,
      credentials: { email: sim.emailFor('admin'), apiToken: sim.tokenFor('admin') },
    });
    expect(put.statusCode).toBe(200);
    sim.clearRequests();
    expect(await testConnection()).toMatchObject({ ok: true });
    expect(sim.requests.map((r) => r.path)).toContain('/rest/api/3/myself');
  });
});
