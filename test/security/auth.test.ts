import { createHash } from 'node:crypto';
import type { InjectOptions } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashPassword, verifyPassword } from '../../src/security/passwords.ts';
import { savePlatform, signUpAndLogIn, startStack, type TestStack } from '../helpers/stack.ts';
import { databaseSnapshot, documentedRoutes } from './helpers.ts';

/**
 * Authentication: memory-hard password hashes, log-in throttling per account and per address, sessions
 * that expire and end at logout (cookie and bearer alike), and CSRF protection for cookie-authenticated
 * writes (SameSite=Lax plus an Origin / Sec-Fetch-Site check) that leaves bearer-token clients alone.
 */

let stack: TestStack;
beforeAll(async () => {
  stack = await startStack({ listen: false });
});
afterAll(async () => stack?.close());

const inject = (opts: InjectOptions) => stack.app.inject(opts);
const login = (email: string, password: string, remoteAddress = '127.0.0.1') =>
  inject({ method: 'POST', url: '/api/v1/session', payload: { email, password }, remoteAddress });
const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

describe('password storage', () => {
  it('stores an scrypt hash with memory-hard parameters and a per-user salt, never the password', async () => {
    const one = await signUpAndLogIn(stack.app, 'hash1');
    const two = await signUpAndLogIn(stack.app, 'hash2'); // the same password
    const rows = await stack.database.db.selectFrom('users').select(['email', 'password_hash']).where('email', 'in', [one.email, two.email]).execute();
    expect(rows).toHaveLength(2);
    for (const row of rows) {
      const [alg, n, r, p, salt, hash, ...rest] = row.password_hash.split('$');
      expect(alg).toBe('scrypt');
      expect(rest).toEqual([]);
      const N = Number(n);
      const R = Number(r);
      expect(Number.isInteger(Math.log2(N))).toBe(true);
      expect(N).toBeGreaterThanOrEqual(16384); // OWASP minimum for scrypt: N=2^14 (16 MiB at r=8)
      expect(R).toBeGreaterThanOrEqual(8);
      expect(Number(p)).toBeGreaterThanOrEqual(1);
      expect(128 * N * R).toBeGreaterThanOrEqual(16 * 1024 * 1024); // memory per guess
      expect(Buffer.from(salt!, 'base64')).toHaveLength(16);
      expect(Buffer.from(hash!, 'base64').length).toBeGreaterThanOrEqual(32);
      expect(row.password_hash).not.toContain(one.password);
    }
    expect(rows[0]!.password_hash).not.toBe(rows[1]!.password_hash);
  });

  it('verifies the right password only, and refuses a malformed stored hash', async () => {
    const stored = await hashPassword('a long password');
    expect(await verifyPassword('a long password', stored)).toBe(true);
    expect(await verifyPassword('a long passworD', stored)).toBe(false);
    expect(await verifyPassword('a long password', 'plain$text')).toBe(false);
    expect(await verifyPassword('a long password', `md5$${sha256('a long password')}`)).toBe(false);
  });
});

describe('log-in throttling', () => {
  it('per account and address: after 5 failures even the right password gets 429 with Retry-After there; the e-mail is matched in any case; the owner elsewhere is not locked out', async () => {
    const s = await signUpAndLogIn(stack.app, 'throttleacct');
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++) {
      // Different spellings: the account is what is throttled (with the address; see brute-force.test.ts).
      const email = i % 2 ? s.email.toUpperCase() : ` ${s.email} `;
      statuses.push((await login(email, 'wrong password', '10.1.0.1')).statusCode);
    }
    expect(statuses).toEqual([401, 401, 401, 401, 401]);
    const locked = await login(s.email, s.password, '10.1.0.1');
    expect(locked.statusCode).toBe(429);
    expect(locked.json().error.code).toBe('too_many_attempts');
    expect(Number(locked.headers['retry-after'])).toBeGreaterThan(0);
    expect(Number(locked.headers['retry-after'])).toBeLessThanOrEqual(30);
    // The account's existing sessions keep working; its owner logs in from elsewhere; other accounts from there.
    expect((await inject({ url: '/api/v1/me', headers: s.auth })).statusCode).toBe(200);
    expect((await login(s.email, s.password, '10.1.0.99')).statusCode).toBe(200);
    const other = await signUpAndLogIn(stack.app, 'throttleother');
    expect((await login(other.email, other.password, '10.1.0.1')).statusCode).toBe(200);
  });

  it('per address: 50 failures over many accounts lock that address, not others', async () => {
    const victim = await signUpAndLogIn(stack.app, 'throttleaddr');
    const spray = '10.2.0.7';
    const statuses = new Set<number>();
    for (let i = 0; i < 50; i++) statuses.add((await login(`nobody${i}@example.com`, 'wrong password', spray)).statusCode);
    expect([...statuses]).toEqual([401]);
    const blocked = await login(victim.email, victim.password, spray);
    expect(blocked.statusCode).toBe(429);
    expect(Number(blocked.headers['retry-after'])).toBeGreaterThan(0);
    expect((await login(victim.email, victim.password, '10.2.0.8')).statusCode).toBe(200);
  });

  it('unknown e-mails and wrong passwords get the same answer', async () => {
    const s = await signUpAndLogIn(stack.app, 'sameanswer');
    const unknown = await login('nobody-at-all@example.com', 'wrong password', '10.3.0.1');
    const wrong = await login(s.email, 'wrong password', '10.3.0.2');
    expect(unknown.statusCode).toBe(401);
    expect(unknown.body).toBe(wrong.body);
  });
});

describe('sessions', () => {
  it('a session token is 256 random bits, stored only as its SHA-256, with a cookie that expires with it', async () => {
    const s = await signUpAndLogIn(stack.app, 'tokenshape');
    expect(s.token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(Buffer.from(s.token, 'base64url')).toHaveLength(32);
    const rows = await stack.database.db.selectFrom('sessions').select(['token_hash', 'expires_at']).execute();
    expect(rows.some((r) => r.token_hash === sha256(s.token))).toBe(true);
    expect(rows.some((r) => r.token_hash === s.token)).toBe(false);
    const r = await login(s.email, s.password);
    const cookie = String(r.headers['set-cookie']);
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Lax/);
    const expires = new Date(/Expires=([^;]+)/.exec(cookie)![1]!).getTime();
    const row = rows.find((x) => x.token_hash === sha256(s.token))!;
    expect(Math.abs(new Date(row.expires_at).getTime() - Date.now() - 30 * 86_400_000)).toBeLessThan(60_000);
    expect(Math.abs(expires - Date.now() - 30 * 86_400_000)).toBeLessThan(60_000);
  });

  it('an expired session is refused by bearer and by cookie', async () => {
    const s = await signUpAndLogIn(stack.app, 'expiry');
    expect((await inject({ url: '/api/v1/me', headers: s.auth })).statusCode).toBe(200);
    await stack.database.db
      .updateTable('sessions')
      .set({ expires_at: new Date(Date.now() - 1000) })
      .where('token_hash', '=', sha256(s.token))
      .execute();
    for (const r of [await inject({ url: '/api/v1/me', headers: s.auth }), await inject({ url: '/api/v1/me', cookies: { sf_session: s.token } })]) {
      expect(r.statusCode).toBe(401);
      expect(r.json().error.code).toBe('unauthenticated');
    }
    // Not for writes either.
    const put = await inject({
      method: 'PUT',
      url: '/api/v1/platform',
      headers: s.auth,
      payload: { platform: 'freshservice', apiUrl: 'acme', apiKey: 'Yq8nL2pWx0aB7cD3eF9g' },
    });
    expect(put.statusCode).toBe(401);
    // One second before it expires it still works: expiry is the stored time, not a guess.
    await stack.database.db
      .updateTable('sessions')
      .set({ expires_at: new Date(Date.now() + 1000) })
      .where('token_hash', '=', sha256(s.token))
      .execute();
    expect((await inject({ url: '/api/v1/me', headers: s.auth })).statusCode).toBe(200);
  });

  it('logout by cookie ends the session for cookie and bearer use; other sessions of the user live on', async () => {
    const s = await signUpAndLogIn(stack.app, 'logoutcookie');
    const second = (await login(s.email, s.password)).json().token as string;
    const out = await inject({ method: 'DELETE', url: '/api/v1/session', cookies: { sf_session: s.token } });
    expect(out.statusCode).toBe(204);
    expect(String(out.headers['set-cookie'])).toMatch(/sf_session=;.*Expires=Thu, 01 Jan 1970/);
    expect((await inject({ url: '/api/v1/me', headers: s.auth })).statusCode).toBe(401);
    expect((await inject({ url: '/api/v1/me', cookies: { sf_session: s.token } })).statusCode).toBe(401);
    expect(await stack.database.db.selectFrom('sessions').select('id').where('token_hash', '=', sha256(s.token)).executeTakeFirst()).toBeUndefined();
    expect((await inject({ url: '/api/v1/me', headers: { authorization: `Bearer ${second}` } })).statusCode).toBe(200);
  });

  it('logout by bearer ends the session for cookie use too', async () => {
    const s = await signUpAndLogIn(stack.app, 'logoutbearer');
    expect((await inject({ method: 'DELETE', url: '/api/v1/session', headers: s.auth })).statusCode).toBe(204);
    expect((await inject({ url: '/api/v1/me', cookies: { sf_session: s.token } })).statusCode).toBe(401);
    expect((await inject({ url: '/api/v1/me', headers: s.auth })).statusCode).toBe(401);
  });

  it('a token of the wrong shape or length is simply not a session', async () => {
    for (const token of ['', ' ', 'x'.repeat(201), 'a'.repeat(43), "' OR 1=1 --", '\u0000']) {
      const r = await inject({ url: '/api/v1/me', headers: { authorization: `Bearer ${token}` } });
      expect(r.statusCode).toBe(401);
    }
  });
});

describe('CSRF', () => {
  const HOST = 'sync.example.com';
  let s: Awaited<ReturnType<typeof signUpAndLogIn>>;
  let connectionId: string;
  beforeAll(async () => {
    s = await signUpAndLogIn(stack.app, 'csrf');
    const partner = await signUpAndLogIn(stack.app, 'csrfpartner');
    await savePlatform(stack.app, s);
    const c = await inject({ method: 'POST', url: '/api/v1/connections', headers: s.auth, payload: { role: 'source', contractName: 'CSRF' } });
    connectionId = c.json().id;
    await inject({ method: 'POST', url: '/api/v1/connections/accept', headers: partner.auth, payload: { verificationCode: c.json().verificationCode } });
  });

  /** A plausible request for each write route, so only the cross-site check can refuse it. */
  function writeRequests(): InjectOptions[] {
    const bodies: Record<string, unknown> = {
      'POST /api/v1/signup': { organisation: 'Forged', email: 'forged@example.com', password: 'a long password' },
      'POST /api/v1/session': { email: s.email, password: s.password },
      'PUT /api/v1/platform': { platform: 'freshservice', apiUrl: 'forged', apiKey: 'ForgedKey00000000001' },
      'POST /api/v1/connections': { role: 'source', contractName: 'Forged' },
      'POST /api/v1/connections/accept': { verificationCode: 'ABCD-EFGH-JKMN-PQRS-TVWX' },
      'PUT /api/v1/connections/{id}/automatic-sync': { enabled: false },
      'PUT /api/v1/connections/{id}/configuration': { configuration: { privateNotes: true } },
      'PUT /api/v1/connections/{id}/mappings': { mappings: {} },
      'POST /api/v1/connections/{id}/sync-runs': { since: '2024-01-01' },
    };
    return documentedRoutes(stack.app)
      .filter((r) => r.method !== 'GET' && !r.path.startsWith('/api/v1/hooks/'))
      .map((r) => {
        const key = `${r.method} ${r.path}`;
        return {
          method: r.method as InjectOptions['method'],
          url: r.path.replace('{id}', connectionId),
          ...(key in bodies ? { payload: bodies[key] as object } : {}),
        };
      });
  }

  const state = () => databaseSnapshot(stack.database.db);

  it.each([
    ['a foreign Origin', { origin: 'https://evil.example' }],
    ['a foreign Origin on a look-alike host', { origin: `https://${HOST}.evil.example` }],
    ['the same host on another port', { origin: `https://${HOST}:8443` }],
    ['Origin: null (sandboxed frame, data: URL)', { origin: 'null' }],
    ['a malformed Origin', { origin: 'not a url' }],
    ['Sec-Fetch-Site: cross-site and no Origin', { 'sec-fetch-site': 'cross-site' }],
    ['Sec-Fetch-Site: same-site and no Origin', { 'sec-fetch-site': 'same-site' }],
    ['Sec-Fetch-Site: cross-site with a same-origin Origin', { 'sec-fetch-site': 'cross-site', origin: `https://${HOST}` }],
    ['a Basic Authorization header a proxy made the browser send', { origin: 'https://evil.example', authorization: 'Basic dXNlcjpwYXNz' }],
  ])('every cookie-authenticated write with %s is refused (403) and changes nothing', async (_what, headers) => {
    const before = await state();
    const requests = writeRequests();
    expect(requests.length).toBeGreaterThanOrEqual(12);
    for (const req of requests) {
      const r = await inject({ ...req, cookies: { sf_session: s.token }, headers: { host: HOST, ...headers } });
      expect(r.statusCode, `${req.method} ${req.url}: ${r.body}`).toBe(403);
      expect(r.json().error.code).toBe('cross_site_request');
    }
    expect(await state()).toEqual(before);
    expect((await inject({ url: '/api/v1/me', headers: s.auth })).statusCode).toBe(200);
  });

  it('a cross-site write without any session is refused too (no log-in or sign-up from another site)', async () => {
    const r = await inject({
      method: 'POST',
      url: '/api/v1/session',
      payload: { email: s.email, password: s.password },
      headers: { host: HOST, origin: 'https://evil.example' },
    });
    expect(r.statusCode).toBe(403);
    expect(r.headers['set-cookie']).toBeUndefined();
  });

  it('reads are not refused (the browser keeps the answer from the other site)', async () => {
    const r = await inject({
      url: '/api/v1/me',
      cookies: { sf_session: s.token },
      headers: { host: HOST, origin: 'https://evil.example', 'sec-fetch-site': 'cross-site' },
    });
    expect(r.statusCode).toBe(200);
  });

  it('same-origin cookie writes work (Origin matching scheme and Host, or Sec-Fetch-Site: same-origin, or neither)', async () => {
    // The server here is plain http (no proxy trusted, no SF_PUBLIC_URL): https://HOST is another origin (edges.test.ts).
    for (const headers of [
      { origin: `http://${HOST}` },
      { 'sec-fetch-site': 'same-origin' },
      { 'sec-fetch-site': 'same-origin', origin: `http://${HOST}` },
      {},
    ]) {
      const r = await inject({
        method: 'PUT',
        url: `/api/v1/connections/${connectionId}/configuration`,
        cookies: { sf_session: s.token },
        headers: { host: HOST, ...headers },
        payload: { configuration: {} },
      });
      expect(r.statusCode, JSON.stringify(headers)).toBe(200);
    }
  });

  it('bearer-token calls are unaffected by Origin and Sec-Fetch-Site', async () => {
    const r = await inject({
      method: 'PUT',
      url: `/api/v1/connections/${connectionId}/configuration`,
      headers: { ...s.auth, host: HOST, origin: 'https://tool.example', 'sec-fetch-site': 'cross-site' },
      payload: { configuration: {} },
    });
    expect(r.statusCode).toBe(200);
  });

  it('webhook calls (other servers, a token in the URL) are not subject to the check', async () => {
    const url = (await inject({ url: `/api/v1/connections/${connectionId}/webhook`, headers: s.auth })).json().url as string;
    const path = new URL(url).pathname;
    stack.jobs.enqueueConnection = async () => {};
    const r = await inject({
      method: 'POST',
      url: path,
      payload: { ticket_id: 3 },
      headers: { origin: 'https://acme.freshservice.com', 'sec-fetch-site': 'cross-site' },
    });
    expect(r.statusCode).toBe(202);
  });
});
