import { createHash } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { loadConfig } from '../../src/config/env.ts';
import { addSyncHint, takeSyncHints } from '../../src/db/repositories/webhooks.ts';
import { decryptSecret } from '../../src/security/crypto.ts';
import { loadMasterKey } from '../../src/security/secret-key.ts';
import { savePlatform, signUpAndLogIn, startStack, type TestStack } from '../helpers/stack.ts';

type Org = Awaited<ReturnType<typeof signUpAndLogIn>>;

let stack: TestStack;
let a: Org; // source
let b: Org; // target
let outsider: Org;
let connectionId = '';
const enqueued: Array<[string, string]> = [];

const TOKEN_URL = /^http:\/\/localhost(:\d+)?\/api\/v1\/hooks\/freshservice\/([A-Za-z0-9_-]{43})$/;
const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

const api = (method: 'GET' | 'POST' | 'DELETE', url: string, who: Org | null, payload?: unknown) =>
  stack.app.inject({ method, url: `/api/v1${url}`, headers: who ? who.auth : {}, ...(payload === undefined ? {} : { payload: payload as object }) });
const webhookUrl = async (who: Org, id = connectionId) => {
  const r = await api('GET', `/connections/${id}/webhook`, who);
  expect(r.statusCode, r.body).toBe(200);
  return r.json().url as string;
};
const tokenOf = (url: string) => TOKEN_URL.exec(url)![2]!;
const hook = (token: string, payload?: unknown, headers: Record<string, string> = {}) =>
  stack.app.inject({
    method: 'POST',
    url: `/api/v1/hooks/freshservice/${token}`,
    headers: { ...(payload === undefined || typeof payload === 'string' ? {} : { 'content-type': 'application/json' }), ...headers },
    ...(payload === undefined ? {} : { payload: typeof payload === 'string' ? payload : JSON.stringify(payload) }),
  });

async function connect(creator: Org, accepter: Org): Promise<string> {
  const created = await api('POST', '/connections', creator, { role: 'source', contractName: 'Webhooks' });
  expect(created.statusCode).toBe(201);
  const accepted = await api('POST', '/connections/accept', accepter, { verificationCode: created.json().verificationCode });
  expect(accepted.statusCode).toBe(200);
  return created.json().id;
}

beforeAll(async () => {
  stack = await startStack({ listen: false });
  // The API's contract with the job runner: a webhook queues a run of the connection. Runs themselves are not under test here.
  stack.jobs.enqueueConnection = async (id: string, trigger: 'automatic' | 'webhook') => {
    enqueued.push([id, trigger]);
  };
  a = await signUpAndLogIn(stack.app, 'hooka');
  b = await signUpAndLogIn(stack.app, 'hookb');
  outsider = await signUpAndLogIn(stack.app, 'hookc');
  await savePlatform(stack.app, a);
  connectionId = await connect(a, b);
});
afterAll(async () => {
  await stack?.close();
});
beforeEach(async () => {
  enqueued.length = 0;
  await takeSyncHints(stack.database.db, connectionId);
});

describe('webhook URL of a connection side', () => {
  it('is an absolute URL with a 32-byte token, stable across GETs, stored as a hash and an encrypted copy', async () => {
    const url = await webhookUrl(a);
    expect(url).toMatch(TOKEN_URL);
    expect(await webhookUrl(a)).toBe(url);
    const token = tokenOf(url);
    expect(Buffer.from(token, 'base64url')).toHaveLength(32);

    const side = await stack.database.db
      .selectFrom('connection_sides')
      .selectAll()
      .where('connection_id', '=', connectionId)
      .where('side', '=', 'source')
      .executeTakeFirstOrThrow();
    expect(side.webhook_token_hash).toBe(sha256(token));
    expect(side.webhook_token_ciphertext).not.toContain(token);
    const key = await loadMasterKey(stack.config.secretKey, stack.config.dataDir);
    expect(decryptSecret(key, side.webhook_token_ciphertext!, a.organisation.id)).toBe(token);
    expect(() => decryptSecret(key, side.webhook_token_ciphertext!, b.organisation.id)).toThrow();
  });

  it('each organisation has its own URL; the partner never sees the other one', async () => {
    const urlA = await webhookUrl(a);
    const urlB = await webhookUrl(b);
    expect(urlB).toMatch(TOKEN_URL);
    expect(urlB).not.toBe(urlA);
    expect(await webhookUrl(b)).toBe(urlB);
  });

  it('another organisation, a bad id, no session: 404 / 404 / 401', async () => {
    for (const path of [`/connections/${connectionId}/webhook`, `/connections/${connectionId}/webhook/rotate`]) {
      const method = path.endsWith('rotate') ? 'POST' : 'GET';
      const r = await api(method, path, outsider, method === 'POST' ? {} : undefined);
      expect(r.statusCode, path).toBe(404);
      expect(r.json().error.code).toBe('not_found');
      expect(r.body).not.toContain('hooks/freshservice');
      expect((await api(method, path, null, method === 'POST' ? {} : undefined)).statusCode).toBe(401);
    }
    expect((await api('GET', '/connections/not-a-uuid/webhook', a)).statusCode).toBe(404);
    expect((await api('GET', '/connections/00000000-0000-4000-8000-000000000000/webhook', a)).statusCode).toBe(404);
  });

  it('a pending connection has no URL yet (409 connection_not_active)', async () => {
    const created = await api('POST', '/connections', a, { role: 'source', contractName: 'Pending' });
    const r = await api('GET', `/connections/${created.json().id}/webhook`, a);
    expect(r.statusCode).toBe(409);
    expect(r.json().error.code).toBe('connection_not_active');
  });

  it('rotating gives a new URL at once; the old token stops working, the partner’s is untouched', async () => {
    const before = await webhookUrl(a);
    const partner = await webhookUrl(b);
    const r = await api('POST', `/connections/${connectionId}/webhook/rotate`, a, {});
    expect(r.statusCode).toBe(200);
    const after = r.json().url as string;
    expect(after).toMatch(TOKEN_URL);
    expect(after).not.toBe(before);
    expect(await webhookUrl(a)).toBe(after);
    expect(await webhookUrl(b)).toBe(partner);

    const old = await hook(tokenOf(before), { ticket_id: 5 });
    expect(old.statusCode).toBe(404);
    expect(old.json().error.code).toBe('not_found');
    expect((await hook(tokenOf(after), { ticket_id: 5 })).statusCode).toBe(202);
    expect((await hook(tokenOf(partner), { ticket_id: 6 })).statusCode).toBe(202);
  });

  it('uses SF_PUBLIC_URL when set, and rejects a malformed one at start-up', async () => {
    const base = { SF_DATA_DIR: stack.dataDir };
    expect(loadConfig(base).publicUrl).toBeUndefined();
    expect(loadConfig({ ...base, SF_PUBLIC_URL: 'https://sync.example.com/fusion' }).publicUrl).toBe('https://sync.example.com/fusion');
    for (const bad of ['sync.example.com', 'ftp://sync.example.com', 'https://sync.example.com/', 'https://', 'https://x.example/?a=1']) {
      expect(() => loadConfig({ ...base, SF_PUBLIC_URL: bad }), bad).toThrow(/SF_PUBLIC_URL/);
    }
    const other = await startStack({ listen: false, env: { SF_PUBLIC_URL: 'https://sync.example.com' } });
    try {
      const x = await signUpAndLogIn(other.app, 'puba');
      const y = await signUpAndLogIn(other.app, 'pubb');
      await savePlatform(other.app, x);
      const created = await other.app.inject({
        method: 'POST',
        url: '/api/v1/connections',
        headers: x.auth,
        payload: { role: 'target', contractName: 'Public' },
      });
      await other.app.inject({
        method: 'POST',
        url: '/api/v1/connections/accept',
        headers: y.auth,
        payload: { verificationCode: created.json().verificationCode },
      });
      const r = await other.app.inject({ url: `/api/v1/connections/${created.json().id}/webhook`, headers: { ...y.auth, host: 'internal:3000' } });
      expect(r.json().url).toMatch(/^https:\/\/sync\.example\.com\/api\/v1\/hooks\/freshservice\/[A-Za-z0-9_-]{43}$/);
    } finally {
      await other.close();
    }
  });
});

describe('POST /api/v1/hooks/freshservice/:token', () => {
  it('valid token + ticket_id: 202, a hint for that side, and a run of the connection queued', async () => {
    const tokenA = tokenOf(await webhookUrl(a));
    const r = await hook(tokenA, { ticket_id: 5 });
    expect(r.statusCode).toBe(202);
    expect(r.json()).toEqual({ status: 'accepted' });
    expect(enqueued).toEqual([[connectionId, 'webhook']]);
    expect(await takeSyncHints(stack.database.db, connectionId)).toEqual([{ side: 'source', ticketId: '5' }]);
    expect(await takeSyncHints(stack.database.db, connectionId)).toEqual([]); // taken hints are gone
  });

  it('accepts digit strings, ignores other fields, merges repeated hints; the partner’s token names the other side', async () => {
    const tokenA = tokenOf(await webhookUrl(a));
    const tokenB = tokenOf(await webhookUrl(b));
    for (const body of [{ ticket_id: '123' }, { ticket_id: ' 123 ' }, { ticket_id: 123, subject: 'ignored', ticket: { id: 9 } }, { ticket_id: '#INC-123' }]) {
      const r = await hook(tokenA, body);
      expect(r.statusCode, JSON.stringify(body)).toBe(202);
      expect(r.json()).toEqual({ status: 'accepted' });
    }
    expect((await hook(tokenB, { ticket_id: '7' })).statusCode).toBe(202);
    const hints = await takeSyncHints(stack.database.db, connectionId);
    expect(hints).toHaveLength(2);
    expect(hints).toEqual(
      expect.arrayContaining([
        { side: 'source', ticketId: '123' },
        { side: 'target', ticketId: '7' },
      ]),
    );
    expect(enqueued).toHaveLength(5);
  });

  it('a JSON body sent as text/plain is accepted too (some tools label it so)', async () => {
    const r = await hook(tokenOf(await webhookUrl(a)), '{"ticket_id": 42}', { 'content-type': 'text/plain' });
    expect(r.statusCode).toBe(202);
    expect(await takeSyncHints(stack.database.db, connectionId)).toEqual([{ side: 'source', ticketId: '42' }]);
  });

  it('bad bodies for a valid token: 400 with a clear message, nothing stored, nothing queued', async () => {
    const token = tokenOf(await webhookUrl(a));
    const cases: Array<[unknown, Record<string, string>, string]> = [
      [{}, {}, 'invalid_ticket_id'],
      [{ ticket_id: null }, {}, 'invalid_ticket_id'],
      [{ ticket_id: 0 }, {}, 'invalid_ticket_id'],
      [{ ticket_id: -3 }, {}, 'invalid_ticket_id'],
      [{ ticket_id: 1.5 }, {}, 'invalid_ticket_id'],
      [{ ticket_id: 'abc' }, {}, 'invalid_ticket_id'],
      [{ ticket_id: '12a' }, {}, 'invalid_ticket_id'],
      [{ ticket_id: '0' }, {}, 'invalid_ticket_id'],
      [{ ticket_id: true }, {}, 'invalid_ticket_id'],
      [{ ticket_id: [5] }, {}, 'invalid_ticket_id'],
      [{ ticket_id: '1234567890123456789' }, {}, 'invalid_ticket_id'],
      [[5], {}, 'invalid_body'],
      ['{"ticket_id": 5', { 'content-type': 'application/json' }, 'invalid_json'],
      ['not json', { 'content-type': 'text/plain' }, 'invalid_json'],
      ['', { 'content-type': 'text/plain' }, 'invalid_body'],
      [undefined, {}, 'invalid_body'],
    ];
    for (const [body, headers, code] of cases) {
      const r = await hook(token, body, headers);
      expect(r.statusCode, JSON.stringify(body)).toBe(400);
      const error = r.json().error;
      expect(error.code, JSON.stringify(body)).toBe(code);
      expect(error.message.length).toBeGreaterThan(20);
      if (code === 'invalid_ticket_id') {
        expect(error.field).toBe('ticket_id');
        expect(error.message).toMatch(/ticket_id/);
      }
    }
    expect(await takeSyncHints(stack.database.db, connectionId)).toEqual([]);
    expect(enqueued).toEqual([]);
  });

  it('a body over 64 KB is refused (413)', async () => {
    const r = await hook(tokenOf(await webhookUrl(a)), { ticket_id: 5, padding: 'x'.repeat(70 * 1024) });
    expect(r.statusCode).toBe(413);
  });

  it('unknown tokens and revoked connections get the same 404, whatever the body', async () => {
    const unknown = await hook('A'.repeat(43), { ticket_id: 5 });
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json().error.code).toBe('not_found');
    for (const odd of ['short', 'x'.repeat(44), 'x'.repeat(90), '%00', 'A'.repeat(42) + '=']) {
      const r = await hook(odd, { ticket_id: 5 });
      expect(r.statusCode, odd).toBe(404);
      expect(r.body).toBe(unknown.body);
    }
    // The token is checked before the body: a bad body does not tell a real token from a wrong one.
    expect((await hook('A'.repeat(43), '{oops', { 'content-type': 'application/json' })).body).toBe(unknown.body);

    const revokedId = await connect(a, b);
    const token = tokenOf(await webhookUrl(b, revokedId));
    expect((await hook(token, { ticket_id: 5 })).statusCode).toBe(202);
    expect((await api('DELETE', `/connections/${revokedId}`, a)).statusCode).toBe(200);
    const revoked = await hook(token, { ticket_id: 5 });
    expect(revoked.statusCode).toBe(404);
    expect(revoked.headers['content-type']).toBe(unknown.headers['content-type']);
    expect(revoked.body).toBe(unknown.body);
    expect((await hook(token, '{oops', { 'content-type': 'application/json' })).body).toBe(unknown.body);
    await takeSyncHints(stack.database.db, revokedId);
  });

  it('needs no session, and cross-site headers do not block it (while they still block session writes)', async () => {
    const token = tokenOf(await webhookUrl(a));
    const crossSite = { origin: 'https://acme.freshservice.com', cookie: `sf_session=${a.token}` };
    const r = await hook(token, { ticket_id: 8 }, crossSite);
    expect(r.statusCode).toBe(202);
    expect((await hook(token, { ticket_id: 9 }, { origin: 'https://acme.freshservice.com' })).statusCode).toBe(202);
    const write = await stack.app.inject({
      method: 'POST',
      url: '/api/v1/connections',
      headers: { ...crossSite, 'content-type': 'application/json' },
      payload: { role: 'source', contractName: 'x' },
    });
    expect(write.statusCode).toBe(403);
    expect(write.json().error.code).toBe('cross_site_request');
    const hints = await takeSyncHints(stack.database.db, connectionId);
    expect(hints.map((h) => h.ticketId).sort()).toEqual(['8', '9']);
  });
});

describe('sync hints (repository)', () => {
  it('addSyncHint keeps one hint per ticket (a repeat refreshes its time); takeSyncHints returns only that connection’s', async () => {
    const db = stack.database.db;
    const other = await connect(a, b);
    await addSyncHint(db, connectionId, 'source', '10');
    await addSyncHint(db, connectionId, 'target', 11);
    await new Promise((r) => setTimeout(r, 5));
    await addSyncHint(db, connectionId, 'source', '10');
    await addSyncHint(db, other, 'source', '12');
    const times = await db.selectFrom('sync_hints').select(['ticket_id', 'created_at']).where('connection_id', '=', connectionId).execute();
    const at = (id: string) => times.find((t) => t.ticket_id === id)!.created_at.getTime();
    expect(at('10')).toBeGreaterThan(at('11'));
    expect(await takeSyncHints(db, connectionId)).toEqual([
      { side: 'target', ticketId: '11' },
      { side: 'source', ticketId: '10' },
    ]);
    expect(await takeSyncHints(db, other)).toEqual([{ side: 'source', ticketId: '12' }]);
  });
});

it('logs never contain the token', async () => {
  const lines: string[] = [];
  const logged = await startStack({ listen: false, env: { SF_LOG_LEVEL: 'info' } });
  try {
    // The test stack builds its app without a logger; build one that writes to `lines`.
    const { buildApp } = await import('../../src/server/app.ts');
    const { Writable } = await import('node:stream');
    const stream = new Writable({
      write: (chunk, _enc, done) => {
        lines.push(String(chunk));
        done();
      },
    });
    const key = await loadMasterKey(logged.config.secretKey, logged.config.dataDir);
    const app = await buildApp(
      { config: logged.config, db: logged.database.db, masterKey: key, jobs: { ...logged.jobs, enqueueConnection: vi.fn(async () => {}) } },
      { logger: { level: 'info', stream } },
    );
    const x = await signUpAndLogIn(app, 'loga');
    const y = await signUpAndLogIn(app, 'logb');
    await savePlatform(app, x);
    const created = await app.inject({ method: 'POST', url: '/api/v1/connections', headers: x.auth, payload: { role: 'source', contractName: 'Logs' } });
    await app.inject({ method: 'POST', url: '/api/v1/connections/accept', headers: y.auth, payload: { verificationCode: created.json().verificationCode } });
    const url = (await app.inject({ url: `/api/v1/connections/${created.json().id}/webhook`, headers: x.auth })).json().url as string;
    const token = url.split('/').pop()!;
    expect((await app.inject({ method: 'POST', url: `/api/v1/hooks/freshservice/${token}`, payload: { ticket_id: 5 } })).statusCode).toBe(202);
    expect((await app.inject({ method: 'POST', url: `/api/v1/hooks/freshservice/${token}`, payload: { nope: 1 } })).statusCode).toBe(400);
    await app.close();
    expect(lines.join('')).toContain('webhook accepted');
    expect(lines.join('')).not.toContain(token);
  } finally {
    await logged.close();
  }
});

it('documents the three routes in /api/docs; the hook needs no session', async () => {
  const doc = (await stack.app.inject({ url: '/api/docs' })).json();
  expect(doc.paths['/api/v1/connections/{id}/webhook'].get).toBeDefined();
  expect(doc.paths['/api/v1/connections/{id}/webhook/rotate'].post).toBeDefined();
  // One route for every platform: /api/v1/hooks/freshservice/<token> is it with platform = freshservice.
  const hookDoc = doc.paths['/api/v1/hooks/{platform}/{token}'].post;
  expect(hookDoc.security).toEqual([]);
  expect(Object.keys(hookDoc.responses)).toEqual(expect.arrayContaining(['202', '400', '404']));
});
