import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { takeSyncHints, webhookLastEvent } from '../../src/db/repositories/webhooks.ts';
import { decryptSecret } from '../../src/security/crypto.ts';
import { loadMasterKey } from '../../src/security/secret-key.ts';
import { savePlatform, signUpAndLogIn, startStack, type TestStack } from '../helpers/stack.ts';
import { FAKE_ID, fakeConnectors, fakeSignature, SIGNATURE_HEADER } from './platform-fake.ts';
import { credentialFingerprint } from '../../src/connector-kit/budget-account.ts';
import { connectorForSide, sideCredentials } from '../../src/sync/side-connector.ts';

vi.mock('../../src/connectors/registry.ts', async (importOriginal) => {
  const { registryWithFake } = await import('./platform-fake.ts');
  return registryWithFake(await importOriginal());
});

type Org = Awaited<ReturnType<typeof signUpAndLogIn>>;
let stack: TestStack;
let fake: Org; // source, on the signed test platform
let fresh: Org; // target, on Freshservice
let connectionId = '';
const enqueued: string[] = [];

const api = (method: 'GET' | 'POST' | 'PUT', url: string, who: Org, payload?: unknown) =>
  stack.app.inject({ method, url: `/api/v1${url}`, headers: who.auth, ...(payload === undefined ? {} : { payload: payload as object }) });
const view = async (who: Org) => {
  const r = await api('GET', `/connections/${connectionId}/webhook`, who);
  expect(r.statusCode, r.body).toBe(200);
  return r.json() as { url: string; setup: { steps: string[]; body: string | null; verification: string } | null; signingSecret?: string };
};
const post = (path: string, body: string, headers: Record<string, string> = {}) =>
  stack.app.inject({ method: 'POST', url: new URL(path, 'http://x').pathname, headers: { 'content-type': 'application/json', ...headers }, payload: body });
const signed = (url: string, body: string, secret: string) => post(url, body, { [SIGNATURE_HEADER]: fakeSignature(body, secret) });

beforeAll(async () => {
  stack = await startStack({ listen: false });
  stack.jobs.enqueueConnection = async (id: string) => {
    enqueued.push(id);
  };
  fake = await signUpAndLogIn(stack.app, 'hookfake');
  fresh = await signUpAndLogIn(stack.app, 'hookfresh');
  const saved = await api('PUT', '/platform', fake, {
    platform: FAKE_ID,
    apiUrl: 'https://acme.fakedesk.test',
    credentials: { email: 'a@acme.test', token: 't0ken-0000-abcd' },
  });
  expect(saved.statusCode, saved.body).toBe(200);
  await savePlatform(stack.app, fresh);
  const created = await api('POST', '/connections', fake, { role: 'source', contractName: 'Generic hooks' });
  expect((await api('POST', '/connections/accept', fresh, { verificationCode: created.json().verificationCode })).statusCode).toBe(200);
  connectionId = created.json().id;
});
afterAll(async () => stack?.close());
beforeEach(async () => {
  enqueued.length = 0;
  await takeSyncHints(stack.database.db, connectionId);
});

describe('the webhook view names the side’s platform and says how to set the hook up there', () => {
  it('a signed platform: its id in the URL, its setup, and a signing secret kept encrypted', async () => {
    const v = await view(fake);
    expect(v.url).toMatch(new RegExp(`/api/v1/hooks/${FAKE_ID}/[A-Za-z0-9_-]{43}$`));
    expect(v.setup).toEqual({ steps: [`In FakeDesk, add a webhook to ${v.url}`, 'Paste the signing secret.'], body: null, verification: 'hmac-sha256' });
    expect(v.signingSecret).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect((await view(fake)).signingSecret).toBe(v.signingSecret);
    const side = await stack.database.db
      .selectFrom('connection_sides')
      .select('webhook_secret_ciphertext')
      .where('connection_id', '=', connectionId)
      .where('side', '=', 'source')
      .executeTakeFirstOrThrow();
    expect(side.webhook_secret_ciphertext).not.toContain(v.signingSecret);
    const key = await loadMasterKey(stack.config.secretKey, stack.config.dataDir);
    expect(decryptSecret(key, side.webhook_secret_ciphertext!, fake.organisation.id)).toBe(v.signingSecret);
  });

  it('Freshservice: the same route under /hooks/freshservice, the workflow steps with the URL in place and the body to type; no secret', async () => {
    const v = await view(fresh);
    expect(v.url).toMatch(/\/api\/v1\/hooks\/freshservice\/[A-Za-z0-9_-]{43}$/);
    expect(v.setup?.verification).toBe('url-token');
    expect(v.setup?.body).toBe('{"ticket_id": "{{ticket.id_numeric}}"}');
    expect(v.setup?.steps.some((s) => s.includes(v.url) && s.includes('Trigger Webhook'))).toBe(true);
    expect(v.setup?.steps[0]).toMatch(/Workflow Automator/);
    expect(v.signingSecret).toBeUndefined();
  });
});

describe('POST /api/v1/hooks/:platform/:token', () => {
  it('a correctly signed call is accepted: opaque ticket keys become hints and a run is queued', async () => {
    const v = await view(fake);
    const r = await signed(v.url, JSON.stringify({ issues: [{ key: 'PROJ-1' }, { key: 'PROJ-22' }, { key: 'PROJ-1' }] }), v.signingSecret!);
    expect(r.statusCode, r.body).toBe(202);
    expect(enqueued).toEqual([connectionId]);
    const hints = await takeSyncHints(stack.database.db, connectionId);
    expect(hints.map((h) => [h.side, h.ticketId]).sort()).toEqual([
      ['source', 'PROJ-1'],
      ['source', 'PROJ-22'],
    ]);
  });

  it('a tampered body, a wrong or missing signature: 401 invalid_signature, nothing stored, and the card says why', async () => {
    const v = await view(fake);
    const body = JSON.stringify({ issues: [{ key: 'PROJ-3' }] });
    const good = fakeSignature(body, v.signingSecret!);
    for (const [payload, headers] of [
      [body.replace('PROJ-3', 'PROJ-4'), { [SIGNATURE_HEADER]: good }],
      [body, { [SIGNATURE_HEADER]: fakeSignature(body, 'not-the-secret') }],
      [body, {}],
    ] as Array<[string, Record<string, string>]>) {
      const r = await post(v.url, payload, headers);
      expect(r.statusCode).toBe(401);
      expect(r.json().error.code).toBe('invalid_signature');
      expect(r.json().error.message).toMatch(/signing secret/);
    }
    expect(await takeSyncHints(stack.database.db, connectionId)).toEqual([]);
    expect(enqueued).toEqual([]);
    expect(await webhookLastEvent(stack.database.db, connectionId, 'source')).toMatchObject({
      accepted: false,
      reason: expect.stringMatching(/signing secret/),
    });
  });

  it('a token under another platform’s path is as unknown as a made-up token (404, same answer)', async () => {
    const fakeToken = (await view(fake)).url.split('/').pop()!;
    const freshToken = (await view(fresh)).url.split('/').pop()!;
    const unknown = await post(`/api/v1/hooks/${FAKE_ID}/${'A'.repeat(43)}`, '{}');
    expect(unknown.statusCode).toBe(404);
    for (const path of [
      `/api/v1/hooks/freshservice/${fakeToken}`,
      `/api/v1/hooks/${FAKE_ID}/${freshToken}`,
      `/api/v1/hooks/zendesk/${freshToken}`,
      `/api/v1/hooks/No-Such!/${freshToken}`,
    ]) {
      const r = await post(path, '{"ticket_id": 5}');
      expect(r.statusCode, path).toBe(404);
      expect(r.body, path).toBe(unknown.body);
    }
    expect(await takeSyncHints(stack.database.db, connectionId)).toEqual([]);
    // The right path still works for both.
    expect((await post(`/api/v1/hooks/freshservice/${freshToken}`, '{"ticket_id": 5}')).statusCode).toBe(202);
  });

  it('ticket ids are bounded (length, count) whatever the platform reads', async () => {
    const v = await view(fake);
    const long = JSON.stringify({ issues: [{ key: 'K'.repeat(256) }] });
    const many = JSON.stringify({ issues: Array.from({ length: 101 }, (_, i) => ({ key: `P-${i}` })) });
    const none = JSON.stringify({ issues: [] });
    for (const body of [long, many, none]) {
      const r = await signed(v.url, body, v.signingSecret!);
      expect(r.statusCode).toBe(400);
      expect(r.json().error).toMatchObject({ code: 'invalid_ticket_id', field: 'ticket_id' });
    }
    const unreadable = await signed(v.url, '{"nope": 1}', v.signingSecret!);
    expect(unreadable.json().error).toMatchObject({ code: 'invalid_body', message: expect.stringMatching(/issues/) });
    expect(await takeSyncHints(stack.database.db, connectionId)).toEqual([]);
  });

  it('rotating replaces the signing secret too: calls signed with the old one are refused', async () => {
    const before = await view(fake);
    const rotated = (await api('POST', `/connections/${connectionId}/webhook/rotate`, fake, {})).json();
    expect(rotated.signingSecret).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(rotated.signingSecret).not.toBe(before.signingSecret);
    const body = JSON.stringify({ issues: [{ key: 'PROJ-9' }] });
    expect((await signed(rotated.url, body, before.signingSecret!)).statusCode).toBe(401);
    expect((await signed(rotated.url, body, rotated.signingSecret)).statusCode).toBe(202);
  });
});

describe('a side connector of a platform with a credential set', () => {
  it('gets every field, the side settings and a credential store; the budget fingerprint covers the secrets only', async () => {
    const current = (await api('GET', `/connections/${connectionId}/configuration`, fake)).json().configuration;
    const saved = await api('PUT', `/connections/${connectionId}/configuration`, fake, { configuration: { ...current, sideSettings: { project: 'PROJ' } } });
    expect(saved.statusCode, saved.body).toBe(200);
    const key = await loadMasterKey(stack.config.secretKey, stack.config.dataDir);
    const ctx = { db: stack.database.db, masterKey: key, config: { platformTimeoutMs: 1000 } };
    fakeConnectors.length = 0;
    await expect(connectorForSide(ctx, connectionId, 'source')).rejects.toThrow(/no connector in these tests/);
    expect(fakeConnectors).toHaveLength(1);
    const { creds, opts } = fakeConnectors[0]!;
    expect(creds).toEqual({ apiUrl: 'https://acme.fakedesk.test', fields: { email: 'a@acme.test', token: 't0ken-0000-abcd' } });
    expect(opts.sideSettings).toEqual({ project: 'PROJ' });
    expect(opts.credentialStore).toBeDefined();
    expect(opts.budgetAccount).toBe(`acme.fakedesk.test~untested-${credentialFingerprint('https://acme.fakedesk.test', 't0ken-0000-abcd').slice(0, 16)}`);
  });
});

describe('an API override of a platform with a credential set', () => {
  it('takes the platform’s fields, names a wrong one, keeps a secret left out, and answers the set’s view', async () => {
    const configuration = (await api('GET', `/connections/${connectionId}/configuration`, fake)).json().configuration;
    const save = (apiOverride: unknown) => api('PUT', `/connections/${connectionId}/configuration`, fake, { configuration, apiOverride });
    const missing = await save({ apiUrl: 'https://other.fakedesk.test', credentials: { email: 'b@other.test' } });
    expect(missing.statusCode).toBe(400);
    expect(missing.json().error).toMatchObject({ code: 'invalid_credential', field: 'apiOverride.credentials.token' });
    expect((await save({ apiUrl: 'not a url', credentials: { email: 'b@other.test', token: 'x' } })).json().error).toMatchObject({
      code: 'invalid_api_url',
      field: 'apiOverride.apiUrl',
    });
    expect((await api('GET', `/connections/${connectionId}/configuration`, fake)).json().apiOverride).toBeNull();

    const saved = await save({ apiUrl: 'https://other.fakedesk.test/x', credentials: { email: 'b@other.test', token: 'override-token-9876' } });
    expect(saved.statusCode, saved.body).toBe(200);
    expect(saved.json().apiOverride).toEqual({
      apiUrl: 'https://other.fakedesk.test',
      apiKeyHint: '••••9876',
      credentials: { email: 'b@other.test', tokenHint: '••••9876' },
    });
    const kept = await save({ apiUrl: 'https://other.fakedesk.test', credentials: { email: 'c@other.test' } });
    expect(kept.json().apiOverride.credentials).toEqual({ email: 'c@other.test', tokenHint: '••••9876' });
    const key = await loadMasterKey(stack.config.secretKey, stack.config.dataDir);
    const creds = await sideCredentials(stack.database.db, key, connectionId, 'source');
    expect(creds).toMatchObject({ platform: FAKE_ID, apiUrl: 'https://other.fakedesk.test', fields: { email: 'c@other.test', token: 'override-token-9876' } });
  });
});
