import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { credentialStoreFor, getPlatformConfig, openCredentials } from '../../src/db/repositories/platform-configs.ts';
import { decryptSecret } from '../../src/security/crypto.ts';
import { loadMasterKey } from '../../src/security/secret-key.ts';
import { signUpAndLogIn, startStack, type TestStack } from '../helpers/stack.ts';
import { FAKE_ID, fakeTests, GOOD_TOKEN } from './platform-fake.ts';

vi.mock('../../src/connectors/registry.ts', async (importOriginal) => {
  const { registryWithFake } = await import('./platform-fake.ts');
  return registryWithFake(await importOriginal());
});

type Org = Awaited<ReturnType<typeof signUpAndLogIn>>;
let stack: TestStack;
beforeAll(async () => {
  stack = await startStack({ listen: false, env: { SF_ALLOW_PRIVATE_PLATFORM_URLS: '0' } });
});
afterAll(async () => stack?.close());
beforeEach(() => {
  fakeTests.length = 0;
});

const put = (who: Org, payload: unknown) => stack.app.inject({ method: 'PUT', url: '/api/v1/platform', payload: payload as object, headers: who.auth });
const get = async (who: Org) => (await stack.app.inject({ url: '/api/v1/platform', headers: who.auth })).json();
const testConnection = (who: Org) => stack.app.inject({ method: 'POST', url: '/api/v1/platform/test', headers: who.auth });
const SITE = 'https://acme.fakedesk.test';
const KEY = 'Yq8nL2pWx0aB7cD3eF9g';

describe('GET /api/v1/platforms', () => {
  it('lists each available platform with what Settings needs from its manifest; unavailable ones by id and name', async () => {
    const r = await stack.app.inject({ url: '/api/v1/platforms' });
    expect(r.statusCode).toBe(200);
    const platforms = r.json().platforms as Array<Record<string, unknown>>;
    const fs = platforms.find((p) => p.id === 'freshservice')!;
    expect(fs).toMatchObject({
      name: 'Freshservice',
      available: true,
      apiUrl: { label: 'API URL', example: 'https://yourcompany.freshservice.com' },
      credentials: [{ name: 'apiKey', label: 'API Key', secret: true, required: true, help: expect.any(String) }],
      auth: 'basic',
      setupGuide: { path: '/guide' },
      roles: ['IT Agent', 'IT Supervisor', 'Account Admin'],
      webhook: { verification: 'url-token' },
    });
    expect((fs.troubleshooting as Record<string, string[]>).authentication_failed).toContain(
      'Verify the API key was copied completely without extra characters',
    );
    expect((fs.commentChannels as Array<{ id: string }>).map((c) => c.id)).toEqual(['private_note', 'public_note', 'reply']);
    const fake = platforms.find((p) => p.id === FAKE_ID)!;
    expect(fake.credentials).toEqual([
      expect.objectContaining({ name: 'email', secret: false, required: true, pattern: expect.objectContaining({ message: expect.any(String) }) }),
      expect.objectContaining({ name: 'token', secret: true, required: true }),
    ]);
    expect(fake.sideSettings).toEqual([expect.objectContaining({ name: 'project', required: true })]);
    expect(fake.webhook).toEqual({ verification: 'hmac-sha256' });
    const planned = platforms.find((p) => p.id === 'servicenow')!;
    expect(planned).toEqual({ id: 'servicenow', name: 'ServiceNow', available: false });
  });
});

describe('PUT /api/v1/platform with a credential set', () => {
  let org: Org;
  beforeAll(async () => {
    org = await signUpAndLogIn(stack.app, 'credset');
  });

  it('saves non-secret fields as typed and secrets as hints only; GET answers the same shape', async () => {
    const r = await put(org, { platform: FAKE_ID, apiUrl: `${SITE}/some/path`, credentials: { email: ' agent@acme.test ', token: 'first-token-0000wxyz' } });
    expect(r.statusCode, r.body).toBe(200);
    // No apiKeyHint: this platform has no apiKey field.
    expect(r.json()).toEqual({ platform: FAKE_ID, apiUrl: SITE, credentials: { email: 'agent@acme.test', tokenHint: '••••wxyz' }, lastTest: null });
    const view = await get(org);
    expect(view).toMatchObject({ platform: FAKE_ID, apiUrl: SITE, apiKeyHint: null, credentials: { email: 'agent@acme.test', tokenHint: '••••wxyz' } });
    expect(JSON.stringify(view)).not.toContain('first-token');

    const row = await stack.database.db.selectFrom('platform_configs').selectAll().where('organisation_id', '=', org.organisation.id).executeTakeFirstOrThrow();
    expect(row.api_key_ciphertext).not.toContain('first-token');
    const key = await loadMasterKey(stack.config.secretKey, stack.config.dataDir);
    expect(JSON.parse(decryptSecret(key, row.api_key_ciphertext, org.organisation.id))).toEqual({ token: 'first-token-0000wxyz' });
    expect(row.credential_values).toEqual({ values: { email: 'agent@acme.test' }, hints: { token: '••••wxyz' } });
  });

  it.each([
    [{ email: 'agent@acme.test' }, 'invalid_credential', 'credentials.token', /API token/],
    [{ email: 'not an email', token: GOOD_TOKEN }, 'invalid_credential', 'credentials.email', /account email, like agent@example.com/],
    [{ token: GOOD_TOKEN }, 'invalid_credential', 'credentials.email', /Account email/],
    [{ email: 'agent@acme.test', token: 't'.repeat(65) }, 'invalid_credential', 'credentials.token', /65 characters/],
    [{ email: 'agent@acme.test', token: GOOD_TOKEN, password: 'x' }, 'invalid_credential', 'credentials.password', /Unknown credential field "password"/],
  ])('%#: a missing, malformed or unknown field is a 400 naming it, and nothing is stored', async (credentials, code, field, message) => {
    const fresh = await signUpAndLogIn(stack.app);
    const r = await put(fresh, { platform: FAKE_ID, apiUrl: SITE, credentials });
    expect(r.statusCode).toBe(400);
    expect(r.json().error).toMatchObject({ code, field });
    expect(r.json().error.message).toMatch(message);
    expect((await get(fresh)).platform).toBeNull();
  });

  it('refuses an apiKey beside the credentials of a platform without one', async () => {
    const fresh = await signUpAndLogIn(stack.app);
    const r = await put(fresh, { platform: FAKE_ID, apiUrl: SITE, apiKey: KEY });
    expect(r.statusCode).toBe(400);
    expect(r.json().error).toMatchObject({ code: 'invalid_api_key', field: 'apiKey' });
    expect(r.json().error.message).toMatch(/FakeDesk takes: email \(Account email\), token \(API token\)/);
  });

  it('an unknown platform is a 400 on platform, whatever the body shape', async () => {
    const r = await put(org, { platform: 'myspace', apiUrl: SITE, credentials: { token: 'x' } });
    expect(r.json().error).toMatchObject({ code: 'unsupported_platform', field: 'platform' });
    expect((await get(org)).platform).toBe(FAKE_ID);
  });

  it('a saved secret left out is kept; Test Connection gets every field through the definition, with its hints', async () => {
    expect((await put(org, { platform: FAKE_ID, apiUrl: SITE, credentials: { email: 'other@acme.test' } })).json().credentials).toEqual({
      email: 'other@acme.test',
      tokenHint: '••••wxyz',
    });
    const failed = (await testConnection(org)).json();
    expect(fakeTests).toEqual([{ apiUrl: SITE, fields: { email: 'other@acme.test', token: 'first-token-0000wxyz' } }]);
    expect(failed).toMatchObject({ ok: false, error: { code: 'authentication_failed', hints: ['Check the FakeDesk API token'] } });

    expect((await put(org, { platform: FAKE_ID, apiUrl: SITE, credentials: { email: 'other@acme.test', token: GOOD_TOKEN } })).statusCode).toBe(200);
    const passed = (await testConnection(org)).json();
    expect(passed).toMatchObject({ ok: true, agent: { id: 'acct-1', email: 'other@acme.test' } });
    expect((await get(org)).lastTest).toMatchObject({ ok: true, agent: { id: 'acct-1' } });
  });

  it('over a working configuration, a new secret is tested through the definition first (409 and nothing saved when it fails)', async () => {
    fakeTests.length = 0;
    const r = await put(org, { platform: FAKE_ID, apiUrl: SITE, credentials: { email: 'other@acme.test', token: 'wrong-token-00000000' } });
    expect(r.statusCode).toBe(409);
    expect(r.json().error).toMatchObject({ code: 'replacement_failed_test', field: 'token' });
    expect(r.json().error.message).toMatch(/The new API token did not pass Test Connection/);
    expect(fakeTests).toHaveLength(1);
    expect((await get(org)).credentials.tokenHint).toBe(`••••${GOOD_TOKEN.slice(-4)}`);
  });

  it('switching to a platform with an API key takes the body from before credential sets, and answers both shapes', async () => {
    const fresh = await signUpAndLogIn(stack.app);
    const old = await put(fresh, { platform: 'freshservice', apiUrl: 'acmecorp', apiKey: KEY });
    expect(old.json()).toMatchObject({ apiKeyHint: '••••eF9g', credentials: { apiKeyHint: '••••eF9g' } });
    const kept = await put(fresh, { platform: 'freshservice', apiUrl: 'acmecorp', credentials: {} });
    expect(kept.json()).toMatchObject({ apiKeyHint: '••••eF9g', credentials: { apiKeyHint: '••••eF9g' } });
    const replaced = await put(fresh, { platform: 'freshservice', apiUrl: 'acmecorp', credentials: { apiKey: 'NewKey0000000000zz99' } });
    expect(replaced.json()).toMatchObject({ apiKeyHint: '••••zz99', credentials: { apiKeyHint: '••••zz99' } });
    const missing = await put(fresh, { platform: FAKE_ID, apiUrl: SITE, credentials: { email: 'a@b.test' } });
    // Another platform's saved secrets are never carried over.
    expect(missing.json().error).toMatchObject({ code: 'invalid_credential', field: 'credentials.token' });
    const empty = await put(await signUpAndLogIn(stack.app), { platform: 'freshservice', apiUrl: 'acmecorp', credentials: { apiKey: '' } });
    expect(empty.json().error).toMatchObject({ code: 'invalid_api_key', field: 'credentials.apiKey' });
  });
});

describe('the credential store a connector is given (rotated tokens)', () => {
  it('re-seals updated fields with the rest of the set', async () => {
    const org = await signUpAndLogIn(stack.app, 'store');
    expect((await put(org, { platform: FAKE_ID, apiUrl: SITE, credentials: { email: 'a@acme.test', token: 'before-rotation-1111' } })).statusCode).toBe(200);
    const key = await loadMasterKey(stack.config.secretKey, stack.config.dataDir);
    const owner = { kind: 'platform', organisationId: org.organisation.id } as const;
    const store = credentialStoreFor(stack.database.db, key, owner, ['token']);
    await store.update({ token: 'after-rotation-2222' });
    const saved = (await getPlatformConfig(stack.database.db, org.organisation.id))!;
    expect(openCredentials(key, saved.credentials, org.organisation.id)).toEqual({ email: 'a@acme.test', token: 'after-rotation-2222' });
    expect((await get(org)).credentials).toEqual({ email: 'a@acme.test', tokenHint: '••••2222' });
  });
});
