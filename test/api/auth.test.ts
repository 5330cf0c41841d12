import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signUpAndLogIn, startStack, type TestStack } from '../helpers/stack.ts';

let stack: TestStack;
beforeAll(async () => {
  stack = await startStack({ listen: false });
});
afterAll(async () => stack?.close());

const post = (url: string, payload: unknown, headers: Record<string, string> = {}) =>
  stack.app.inject({ method: 'POST', url, payload: payload as object, headers });

describe('health and docs', () => {
  it('answers health without login', async () => {
    const r = await stack.app.inject('/api/v1/health');
    expect(r.statusCode).toBe(200);
    expect(r.json()).toEqual({ status: 'ok', version: expect.stringMatching(/^\d+\.\d+\.\d+/) });
  });

  it('serves the OpenAPI document naming the contract routes', async () => {
    const r = await stack.app.inject('/api/docs');
    expect(r.statusCode).toBe(200);
    const doc = r.json();
    expect(doc.openapi).toMatch(/^3\./);
    for (const p of ['/api/v1/health', '/api/v1/signup', '/api/v1/session', '/api/v1/platform', '/api/v1/platform/test']) expect(doc.paths).toHaveProperty([p]);
  });

  it('answers unknown API routes with the error shape', async () => {
    const r = await stack.app.inject('/api/v1/nope');
    expect(r.statusCode).toBe(404);
    expect(r.json().error.code).toBe('not_found');
  });
});

describe('sign-up', () => {
  it('creates an organisation and its admin', async () => {
    const r = await post('/api/v1/signup', { organisation: '  Acme Ltd ', email: 'Owner@Acme.example', password: 'a long password' });
    expect(r.statusCode).toBe(201);
    const body = r.json();
    expect(body.organisation).toEqual({ id: expect.any(String), name: 'Acme Ltd' });
    expect(body.user).toEqual({ id: expect.any(String), email: 'Owner@Acme.example' });
  });

  it('refuses a second sign-up with the same e-mail in any case, creating nothing', async () => {
    const before = await stack.database.db
      .selectFrom('organisations')
      .select(({ fn }) => fn.countAll().as('n'))
      .executeTakeFirstOrThrow();
    const r = await post('/api/v1/signup', { organisation: 'Other', email: 'owner@ACME.example', password: 'a long password' });
    expect(r.statusCode).toBe(409);
    expect(r.json().error).toMatchObject({ code: 'email_taken', field: 'email' });
    const after = await stack.database.db
      .selectFrom('organisations')
      .select(({ fn }) => fn.countAll().as('n'))
      .executeTakeFirstOrThrow();
    expect(after.n).toBe(before.n);
  });

  it.each([
    [{ organisation: '', email: 'a@b.co', password: 'long enough pw' }, 400, 'invalid_organisation', 'organisation'],
    [{ organisation: 'x'.repeat(101), email: 'a@b.co', password: 'long enough pw' }, 400, 'invalid_organisation', 'organisation'],
    [{ organisation: 'X', email: 'not-an-email', password: 'long enough pw' }, 400, 'invalid_email', 'email'],
    [{ organisation: 'X', email: 'a@b.co', password: 'short' }, 400, 'weak_password', 'password'],
    [{ organisation: 'X', email: 'a@b.co' }, 400, 'validation_failed', 'password'],
    [{ organisation: 'X', email: 'a@b.co', password: 'long enough pw', admin: true }, 400, 'validation_failed', 'admin'],
    [{ organisation: 5, email: 'a@b.co', password: 'long enough pw' }, 400, 'validation_failed', 'organisation'],
  ])('%#: refuses bad input with %i %s on %s', async (payload, status, code, field) => {
    const r = await post('/api/v1/signup', payload);
    expect(r.statusCode).toBe(status);
    expect(r.json().error).toMatchObject({ code, field, message: expect.any(String) });
  });

  it('refuses bad JSON, other media types and oversized bodies', async () => {
    const bad = await stack.app.inject({
      method: 'POST',
      url: '/api/v1/signup',
      payload: '{"organisation": ',
      headers: { 'content-type': 'application/json' },
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.code).toBe('invalid_json');
    const xml = await stack.app.inject({ method: 'POST', url: '/api/v1/signup', payload: '<x/>', headers: { 'content-type': 'application/xml' } });
    expect(xml.statusCode).toBe(415);
    expect(xml.json().error.code).toBe('unsupported_media_type');
    const big = await post('/api/v1/signup', { organisation: 'Big', email: 'big@b.co', password: 'p'.repeat(100_000) });
    expect(big.statusCode).toBe(413);
    expect(big.json().error.code).toBe('body_too_large');
  });
});

describe('sessions', () => {
  it('logs in with a token and an HttpOnly SameSite=Lax cookie, both of which authenticate', async () => {
    const s = await signUpAndLogIn(stack.app, 'sess');
    const login = await post('/api/v1/session', { email: s.email, password: s.password });
    expect(login.statusCode).toBe(200);
    const cookie = login.headers['set-cookie'] as string;
    expect(cookie).toMatch(/sf_session=/);
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Lax/);
    const viaBearer = await stack.app.inject({ url: '/api/v1/me', headers: s.auth });
    expect(viaBearer.json().organisation.name).toBe('Org sess');
    const viaCookie = await stack.app.inject({ url: '/api/v1/me', cookies: { sf_session: login.json().token } });
    expect(viaCookie.statusCode).toBe(200);
  });

  it('answers 401 without credentials or with a wrong token', async () => {
    expect((await stack.app.inject('/api/v1/platform')).statusCode).toBe(401);
    const r = await stack.app.inject({ url: '/api/v1/platform', headers: { authorization: 'Bearer nope' } });
    expect(r.statusCode).toBe(401);
    expect(r.json().error.code).toBe('unauthenticated');
  });

  it('refuses a cookie-authenticated write from another origin, but not from its own', async () => {
    const s = await signUpAndLogIn(stack.app, 'csrf');
    const payload = { platform: 'freshservice', apiUrl: 'acme', apiKey: 'Yq8nL2pWx0aB7cD3eF9g' };
    const cross = await stack.app.inject({
      method: 'PUT',
      url: '/api/v1/platform',
      payload,
      cookies: { sf_session: s.token },
      headers: { origin: 'https://evil.example', host: 'localhost:3000' },
    });
    expect(cross.statusCode).toBe(403);
    expect(cross.json().error.code).toBe('cross_site_request');
    expect((await stack.app.inject({ url: '/api/v1/platform', headers: s.auth })).json().platform).toBeNull();
    const same = await stack.app.inject({
      method: 'PUT',
      url: '/api/v1/platform',
      payload,
      cookies: { sf_session: s.token },
      headers: { origin: 'http://localhost:3000', host: 'localhost:3000' },
    });
    expect(same.statusCode).toBe(200);
  });

  it('logs out: the token stops working', async () => {
    const s = await signUpAndLogIn(stack.app, 'logout');
    const out = await stack.app.inject({ method: 'DELETE', url: '/api/v1/session', headers: s.auth });
    expect(out.statusCode).toBe(204);
    expect((await stack.app.inject({ url: '/api/v1/me', headers: s.auth })).statusCode).toBe(401);
  });

  it('refuses wrong passwords with one message, then rate-limits the e-mail', async () => {
    const s = await signUpAndLogIn(stack.app, 'throttle');
    const unknown = await post('/api/v1/session', { email: 'nobody@example.com', password: 'whatever123' });
    expect(unknown.statusCode).toBe(401);
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++)
      statuses.push((await post('/api/v1/session', { email: s.email, password: 'wrong password' }, { 'x-test': String(i) })).statusCode);
    expect(statuses.slice(0, 4)).toEqual([401, 401, 401, 401]);
    expect(statuses).toContain(429);
    const locked = await post('/api/v1/session', { email: s.email, password: s.password });
    expect(locked.statusCode).toBe(429);
    expect(locked.json().error.code).toBe('too_many_attempts');
    expect(Number(locked.headers['retry-after'])).toBeGreaterThan(0);
  });
});
