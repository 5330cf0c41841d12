import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFreshserviceSimulator, type FreshserviceSimulator } from '../../src/simulator/freshservice/index.ts';
import { closedPortUrl } from '../helpers/raw-servers.ts';
import { savePlatform, signUpAndLogIn, startStack, type TestStack } from '../helpers/stack.ts';

// Issue 12: what trips an organisation up on its first real run (platform first, key replacement, webhooks).
type Org = Awaited<ReturnType<typeof signUpAndLogIn>>;

let stack: TestStack;
let sim: FreshserviceSimulator;
beforeAll(async () => {
  sim = await startFreshserviceSimulator({ seed: 'demo' });
  stack = await startStack({ listen: false });
  // Runs themselves are not under test: a webhook only has to queue one.
  stack.jobs.enqueueConnection = async () => {};
});
afterAll(async () => {
  await stack?.close();
  await sim?.close();
});

const api = (method: 'GET' | 'POST' | 'PUT', url: string, who: Org | null, payload?: unknown) =>
  stack.app.inject({ method, url: `/api/v1${url}`, headers: who ? who.auth : {}, ...(payload === undefined ? {} : { payload: payload as object }) });
const putPlatform = (who: Org, body: { apiUrl?: string; apiKey?: string }) =>
  api('PUT', '/platform', who, { platform: 'freshservice', apiUrl: body.apiUrl ?? sim.url, ...(body.apiKey ? { apiKey: body.apiKey } : {}) });

describe('a connection needs the platform saved first', () => {
  it('409 platform_not_configured saying what to do; nothing is created; after Save Configuration it works', async () => {
    const org = await signUpAndLogIn(stack.app, 'noplatform');
    const r = await api('POST', '/connections', org, { role: 'source', contractName: 'Too early' });
    expect(r.statusCode).toBe(409);
    expect(r.json().error.code).toBe('platform_not_configured');
    expect(r.json().error.message).toMatch(/Save your platform settings first/);
    expect((await api('GET', '/connections', org)).json().connections).toEqual([]);
    await savePlatform(stack.app, org);
    expect((await api('POST', '/connections', org, { role: 'source', contractName: 'In time' })).statusCode).toBe(201);
  });
});

describe('Save Configuration over a working configuration tests the new credentials first', () => {
  let org: Org;
  beforeAll(async () => {
    org = await signUpAndLogIn(stack.app, 'replace');
    // Never tested: saved as is, even a wrong key (the first save has nothing to protect).
    expect((await putPlatform(org, { apiKey: 'WrongKeyWrongKey1234' })).statusCode).toBe(200);
    expect((await putPlatform(org, { apiKey: sim.keyFor('admin') })).statusCode).toBe(200);
    expect((await api('POST', '/platform/test', org)).json().ok).toBe(true);
  });
  const view = async () => (await api('GET', '/platform', org)).json();

  it('a wrong new key is refused (409) with the reason and hints; the working key and its test stay', async () => {
    const before = await view();
    const r = await putPlatform(org, { apiKey: 'WrongKeyWrongKey1234' });
    expect(r.statusCode).toBe(409);
    const error = r.json().error;
    expect(error.code).toBe('replacement_failed_test');
    expect(error.field).toBe('apiKey');
    expect(error.message).toMatch(/did not pass Test Connection, so nothing was saved: the working configuration stays in use\. Authentication Failed: /);
    expect(error.hints).toContain('Verify the API key was copied completely without extra characters');
    const after = await view();
    expect(after.apiKeyHint).toBe(before.apiKeyHint);
    expect(after.lastTest).toMatchObject({ ok: true, testedAt: before.lastTest.testedAt });
  });

  it('a new URL where nothing listens is refused as Connection Refused, not a timeout', async () => {
    const r = await putPlatform(org, { apiUrl: await closedPortUrl() });
    expect(r.statusCode).toBe(409);
    expect(r.json().error.field).toBe('apiUrl');
    expect(r.json().error.message).toMatch(/Connection Refused: The connection was refused/);
    expect(r.json().error.message).not.toMatch(/Timeout/);
    expect((await view()).apiUrl).toBe(sim.url);
  });

  it('saving the same settings again tests nothing; a new key that passes replaces the old one with its test', async () => {
    const same = await putPlatform(org, {});
    expect(same.statusCode).toBe(200);
    expect(same.json().test).toBeUndefined();
    const before = await view();
    expect(before.lastTest).toMatchObject({ ok: true }); // still the working configuration
    const r = await putPlatform(org, { apiKey: sim.keyFor('selected') });
    expect(r.statusCode).toBe(200);
    expect(r.json()).toMatchObject({ apiUrl: sim.url, test: { ok: true, groupAccess: { scope: 'selected' } } });
    const after = await view();
    expect(after.apiKeyHint).not.toBe(before.apiKeyHint);
    expect(after.lastTest).toMatchObject({ ok: true, groupAccess: { scope: 'selected' } });
  });

  it('a configuration whose last test failed is replaced without a test (nothing working to protect)', async () => {
    const other = await signUpAndLogIn(stack.app, 'replacefail');
    await putPlatform(other, { apiKey: 'WrongKeyWrongKey1234' });
    expect((await api('POST', '/platform/test', other)).json().ok).toBe(false);
    const r = await putPlatform(other, { apiKey: 'AnotherWrongKey12345' });
    expect(r.statusCode).toBe(200);
    expect(r.json().test).toBeUndefined();
  });
});

describe('the webhook card: last event and reachability', () => {
  let a: Org;
  let b: Org;
  let id = '';
  let token = '';
  beforeAll(async () => {
    a = await signUpAndLogIn(stack.app, 'lasta');
    b = await signUpAndLogIn(stack.app, 'lastb');
    await savePlatform(stack.app, a);
    const created = await api('POST', '/connections', a, { role: 'source', contractName: 'Last event' });
    await api('POST', '/connections/accept', b, { verificationCode: created.json().verificationCode });
    id = created.json().id;
    token = new URL((await api('GET', `/connections/${id}/webhook`, a)).json().url).pathname.split('/').pop()!;
  });
  const card = async (who: Org = a) => (await api('GET', `/connections/${id}/webhook`, who)).json();
  const hook = (body: string, contentType = 'application/json') =>
    stack.app.inject({ method: 'POST', url: `/api/v1/hooks/freshservice/${token}`, headers: { 'content-type': contentType }, payload: body });

  it('no event yet: lastEvent null', async () => {
    expect((await card()).lastEvent).toBeNull();
  });

  it('the body {{ticket.id}} renders to (#INC-5, not JSON) is rejected, and the card says why', async () => {
    const r = await hook('{"ticket_id": #INC-5}');
    expect(r.statusCode).toBe(400);
    const { lastEvent } = await card();
    expect(lastEvent).toMatchObject({ accepted: false, receivedAt: expect.any(String) });
    expect(lastEvent.reason).toMatch(/not valid JSON.*\{"ticket_id": "\{\{ticket\.id_numeric\}\}"\}/);
    expect(Date.now() - Date.parse(lastEvent.receivedAt)).toBeLessThan(60_000);
    // The partner's URL had no call.
    expect((await card(b)).lastEvent).toBeNull();
  });

  it('an unreplaced placeholder says so', async () => {
    expect((await hook('{"ticket_id": "{{ticket.id_numerc}}"}')).statusCode).toBe(400);
    expect((await card()).lastEvent.reason).toMatch(/did not replace the placeholder/);
  });

  it('the suggested body, and the other forms the intake accepts, are accepted and recorded so', async () => {
    for (const body of ['{"ticket_id": "5"}', '{"ticket_id": 5}', '{"ticket_id": "INC-5"}', '{"ticket_id": "#SR-45"}']) {
      expect((await hook(body)).statusCode, body).toBe(202);
      expect((await card()).lastEvent, body).toMatchObject({ accepted: true, reason: null });
    }
  });

  it('a body over the limit is recorded as rejected too', async () => {
    expect((await hook(JSON.stringify({ ticket_id: 5, padding: 'x'.repeat(70 * 1024) }))).statusCode).toBe(413);
    expect((await card()).lastEvent).toMatchObject({ accepted: false, reason: expect.any(String) });
  });

  it('rotating the URL starts again at "no event yet"', async () => {
    const rotated = await api('POST', `/connections/${id}/webhook/rotate`, a, {});
    expect(rotated.json().lastEvent).toBeNull();
    token = new URL(rotated.json().url).pathname.split('/').pop()!;
  });

  it('a URL on a loopback or local-only address is flagged: set SF_PUBLIC_URL', async () => {
    // inject() calls come from Host: localhost:80.
    expect((await card()).unreachable).toMatch(/^Freshservice cannot reach this URL: localhost .*set SF_PUBLIC_URL/);
    const internal = await api('GET', `/connections/${id}/webhook`, a);
    expect(internal.json().url).toMatch(/^http:\/\/localhost/);
    // A public SF_PUBLIC_URL is not flagged: src/server/public-url.test.ts (each stack here costs seconds).
    for (const [publicUrl, flagged] of [['http://192.168.1.20:3000', true]] as const) {
      const other = await startStack({ listen: false, env: { SF_PUBLIC_URL: publicUrl } });
      try {
        const x = await signUpAndLogIn(other.app, 'pa');
        const y = await signUpAndLogIn(other.app, 'pb');
        await savePlatform(other.app, x);
        const created = await other.app.inject({
          method: 'POST',
          url: '/api/v1/connections',
          headers: x.auth,
          payload: { role: 'source', contractName: 'Public' },
        });
        await other.app.inject({
          method: 'POST',
          url: '/api/v1/connections/accept',
          headers: y.auth,
          payload: { verificationCode: created.json().verificationCode },
        });
        const view = (await other.app.inject({ url: `/api/v1/connections/${created.json().id}/webhook`, headers: x.auth })).json();
        expect(view.url.startsWith(publicUrl), publicUrl).toBe(true);
        if (flagged) expect(view.unreachable, publicUrl).toMatch(/Set SF_PUBLIC_URL to a public address/);
        else expect(view.unreachable, publicUrl).toBeNull();
      } finally {
        await other.close();
      }
    }
  }, 120_000);
});
