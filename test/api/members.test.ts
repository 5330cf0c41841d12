import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashToken } from '../../src/server/auth.ts';
import { inviteMember, tokenOfUrl } from '../helpers/members.ts';
import { signUpAndLogIn, startStack, type TestStack } from '../helpers/stack.ts';

type Org = Awaited<ReturnType<typeof signUpAndLogIn>>;
type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

let stack: TestStack;
let a: Org;
let other: Org;

beforeAll(async () => {
  stack = await startStack({ listen: false });
  a = await signUpAndLogIn(stack.app, 'mema');
  other = await signUpAndLogIn(stack.app, 'memb');
});
afterAll(async () => stack?.close());

const call = (method: Method, url: string, headers: Record<string, string>, payload?: unknown) =>
  stack.app.inject({ method, url: `/api/v1${url}`, headers, ...(payload === undefined ? {} : { payload: payload as object }) });
const invite = async (payload: Record<string, unknown>, who = a.auth) => {
  const r = await call('POST', '/invitations', who, payload);
  expect(r.statusCode, r.body).toBe(201);
  return r.json() as { id: string; url: string; expiresAt: string; role: string; email: string | null };
};
const accept = (token: string, payload: Record<string, unknown>) => call('POST', `/invitations/${token}/accept`, {}, payload);
const members = async (who = a.auth) => (await call('GET', '/members', who)).json().members as Array<Record<string, any>>;

describe('members and invitations', () => {
  it('sign-up makes an admin; /me and GET /members say so', async () => {
    const me = (await call('GET', '/me', a.auth)).json();
    expect(me.user.role).toBe('admin');
    const list = await members();
    expect(list).toEqual([expect.objectContaining({ email: a.email, role: 'admin', you: true, name: null })]);
  });

  it('an invitation is a one-time link valid 7 days; only a hash of its token is stored', async () => {
    const before = Date.now();
    const inv = await invite({ role: 'viewer' });
    expect(inv.url).toMatch(/^http:\/\/localhost(:\d+)?\/invite\/[A-Za-z0-9_-]{43}$/);
    const token = tokenOfUrl(inv.url);
    const expires = new Date(inv.expiresAt).getTime();
    expect(expires - before).toBeGreaterThanOrEqual(7 * 86_400_000 - 1000);
    expect(expires - before).toBeLessThanOrEqual(7 * 86_400_000 + 5000);
    const rows = await sql<{ r: unknown }>`SELECT to_jsonb(i) AS r FROM invitations i`.execute(stack.database.db);
    const dump = JSON.stringify(rows.rows);
    expect(dump).not.toContain(token);
    expect(dump).toContain(hashToken(token));

    const pending = (await call('GET', '/invitations', a.auth)).json().invitations;
    expect(pending).toEqual([expect.objectContaining({ id: inv.id, role: 'viewer', email: null })]);
    expect(JSON.stringify(pending)).not.toContain(token);

    // Public preview: the organisation's name and the role, nothing more.
    const preview = await call('GET', `/invitations/${token}/preview`, {});
    expect(preview.statusCode).toBe(200);
    expect(preview.json()).toEqual({ organisation: { name: 'Org mema' }, role: 'viewer', email: null, expiresAt: inv.expiresAt });

    const ok = await accept(token, { email: 'Viewer.One@example.com', password: 'viewer password 1', name: 'Vera Viewer' });
    expect(ok.statusCode, ok.body).toBe(201);
    expect(ok.json().user).toEqual({ id: expect.any(String), email: 'Viewer.One@example.com', role: 'viewer' });
    expect(ok.headers['set-cookie']).toMatch(/sf_session=.*HttpOnly/);
    // Logged in like a log-in: the token works as a bearer, the cookie as a cookie.
    const me = (await call('GET', '/me', { authorization: `Bearer ${ok.json().token}` })).json();
    // The name given on the invitation page is the member's display name (GET /me shows it since issue 12 item 17).
    expect(me).toEqual({
      user: { id: ok.json().user.id, email: 'Viewer.One@example.com', role: 'viewer', name: 'Vera Viewer' },
      organisation: { id: a.organisation.id, name: 'Org mema' },
    });
    const cookie = /sf_session=([^;]+)/.exec(String(ok.headers['set-cookie']))![1]!;
    expect((await stack.app.inject({ url: '/api/v1/me', cookies: { sf_session: cookie } })).statusCode).toBe(200);
    // And with the password, later.
    expect((await call('POST', '/session', {}, { email: 'viewer.one@example.com', password: 'viewer password 1' })).statusCode).toBe(200);

    // Spent: a second accept, or a preview, finds nothing; the list no longer shows it.
    const again = await accept(token, { email: 'someone.else@example.com', password: 'another password 1' });
    expect(again.statusCode).toBe(404);
    expect(again.json().error.code).toBe('invitation_not_found');
    expect(again.json().error.message).toMatch(/Ask your administrator for a new link/);
    expect((await call('GET', `/invitations/${token}/preview`, {})).statusCode).toBe(404);
    expect((await call('GET', '/invitations', a.auth)).json().invitations).toEqual([]);
    expect((await members()).map((m) => [m.email, m.role, m.name])).toEqual([
      [a.email, 'admin', null],
      ['Viewer.One@example.com', 'viewer', 'Vera Viewer'],
    ]);
    // Only the account it created: no second user.
    expect((await members()).length).toBe(2);
  });

  it('expired, revoked and unknown links get 404 on preview and accept', async () => {
    const expired = await invite({ role: 'member' });
    await sql`UPDATE invitations SET expires_at = now() - interval '1 second' WHERE id = ${expired.id}`.execute(stack.database.db);
    const revoked = await invite({ role: 'member' });
    expect((await call('DELETE', `/invitations/${revoked.id}`, a.auth)).json()).toEqual({ id: revoked.id, revoked: true });
    // Revoking twice, or another organisation's invitation, is 404.
    expect((await call('DELETE', `/invitations/${revoked.id}`, a.auth)).statusCode).toBe(404);
    const others = await invite({ role: 'member' }, other.auth);
    expect((await call('DELETE', `/invitations/${others.id}`, a.auth)).statusCode).toBe(404);
    for (const token of [tokenOfUrl(expired.url), tokenOfUrl(revoked.url), 'A'.repeat(43), 'short', '%2e%2e']) {
      const p = await call('GET', `/invitations/${token}/preview`, {});
      expect(p.statusCode, token).toBe(404);
      const r = await accept(token, { email: `x-${Math.random()}@example.com`, password: 'long enough password' });
      expect(r.statusCode, token).toBe(404);
    }
    const names = (await members()).map((m) => m.email);
    expect(names).toHaveLength(2);
  });

  it('an invitation for an e-mail is accepted only with that e-mail (any case)', async () => {
    const inv = await invite({ role: 'member', email: 'Mia.Member@example.com' });
    const token = tokenOfUrl(inv.url);
    expect((await call('GET', `/invitations/${token}/preview`, {})).json().email).toBe('Mia.Member@example.com');
    const wrong = await accept(token, { email: 'not.mia@example.com', password: 'member password 1' });
    expect(wrong.statusCode).toBe(400);
    expect(wrong.json().error).toMatchObject({ code: 'email_mismatch', field: 'email' });
    expect(wrong.json().error.message).toContain('Mia.Member@example.com');
    // The refused attempt did not spend the link.
    const ok = await accept(token, { email: 'mia.member@EXAMPLE.com', password: 'member password 1' });
    expect(ok.statusCode, ok.body).toBe(201);
    expect(ok.json().user.role).toBe('member');
  });

  it('bad input says what to fix; a taken e-mail leaves the link usable', async () => {
    const inv = await invite({ role: 'viewer' });
    const token = tokenOfUrl(inv.url);
    const weak = await accept(token, { email: 'newbie@example.com', password: 'short' });
    expect(weak.json().error).toMatchObject({ code: 'weak_password', field: 'password' });
    const bad = await accept(token, { email: 'not-an-email', password: 'long enough password' });
    expect(bad.json().error).toMatchObject({ code: 'invalid_email', field: 'email' });
    const taken = await accept(token, { email: other.email.toUpperCase(), password: 'long enough password' });
    expect(taken.statusCode).toBe(409);
    expect(taken.json().error.code).toBe('email_taken');
    expect((await call('GET', `/invitations/${token}/preview`, {})).statusCode).toBe(200);
    expect((await accept(token, { email: 'newbie@example.com', password: 'long enough password' })).statusCode).toBe(201);
    // Invitation input: a role is required and must be known; an e-mail must look like one.
    expect((await call('POST', '/invitations', a.auth, { role: 'owner' })).statusCode).toBe(400);
    expect((await call('POST', '/invitations', a.auth, {})).json().error.field).toBe('role');
    expect((await call('POST', '/invitations', a.auth, { role: 'viewer', email: 'nope' })).json().error).toMatchObject({
      code: 'invalid_email',
      field: 'email',
    });
  });

  it('two accepts of one link at once: exactly one user is created', async () => {
    const inv = await invite({ role: 'viewer' });
    const token = tokenOfUrl(inv.url);
    const results = await Promise.all([1, 2, 3].map((i) => accept(token, { email: `racer${i}@example.com`, password: 'racing password 1' })));
    expect(results.map((r) => r.statusCode).sort()).toEqual([201, 404, 404]);
    expect((await members()).filter((m) => String(m.email).startsWith('racer'))).toHaveLength(1);
  });

  it('role changes apply to the next request; the organisation always keeps an admin', async () => {
    const m = await inviteMember(stack.app, a.auth, 'viewer', 'roles');
    expect((await call('POST', '/invitations', m.auth, { role: 'admin' })).statusCode).toBe(403);
    const changed = await call('PATCH', `/members/${m.id}`, a.auth, { role: 'admin' });
    expect(changed.json()).toMatchObject({ id: m.id, role: 'admin', you: false });
    expect((await call('GET', '/me', m.auth)).json().user.role).toBe('admin');
    expect((await call('POST', '/invitations', m.auth, { role: 'viewer' })).statusCode).toBe(201);

    // Two admins now: the first may step down; then the other one is the last and stays.
    const me = (await call('GET', '/me', a.auth)).json().user.id as string;
    expect((await call('PATCH', `/members/${me}`, a.auth, { role: 'member' })).json().role).toBe('member');
    const last = await call('PATCH', `/members/${m.id}`, m.auth, { role: 'viewer' });
    expect(last.statusCode).toBe(409);
    expect(last.json().error.code).toBe('last_admin');
    expect(last.json().error.message).toMatch(/Make another member an admin first/);
    const remove = await call('DELETE', `/members/${m.id}`, m.auth);
    expect(remove.statusCode).toBe(409);
    expect(remove.json().error.code).toBe('last_admin');
    // The former admin (now a member) cannot take the role back.
    expect((await call('PATCH', `/members/${me}`, a.auth, { role: 'admin' })).statusCode).toBe(403);
    expect((await call('PATCH', `/members/${me}`, m.auth, { role: 'admin' })).json().role).toBe('admin');
    expect(await members()).toEqual(
      expect.arrayContaining([expect.objectContaining({ id: m.id, role: 'admin' }), expect.objectContaining({ id: me, role: 'admin' })]),
    );
  });

  it('removing a member ends their sessions at once; ids of others are 404', async () => {
    const m = await inviteMember(stack.app, a.auth, 'member', 'gone');
    expect((await call('GET', '/me', m.auth)).statusCode).toBe(200);
    expect((await call('DELETE', `/members/${m.id}`, a.auth)).json()).toEqual({ id: m.id, removed: true });
    expect((await call('GET', '/me', m.auth)).statusCode).toBe(401);
    expect((await call('POST', '/session', {}, { email: m.email, password: m.password })).statusCode).toBe(401);
    expect((await call('DELETE', `/members/${m.id}`, a.auth)).statusCode).toBe(404);
    const otherId = (await call('GET', '/me', other.auth)).json().user.id;
    expect((await call('PATCH', `/members/${otherId}`, a.auth, { role: 'viewer' })).statusCode).toBe(404);
    expect((await call('DELETE', `/members/${otherId}`, a.auth)).statusCode).toBe(404);
    expect((await call('GET', '/me', other.auth)).json().user.role).toBe('admin');
    expect((await call('PATCH', '/members/not-a-uuid', a.auth, { role: 'viewer' })).statusCode).toBe(404);
  });

  it('two admins demoting each other at once: one of them stays admin', async () => {
    const org = await signUpAndLogIn(stack.app, 'duel');
    const second = await inviteMember(stack.app, org.auth, 'admin', 'duel-second');
    const firstId = (await call('GET', '/me', org.auth)).json().user.id;
    const results = await Promise.all([
      call('PATCH', `/members/${second.id}`, org.auth, { role: 'viewer' }),
      call('PATCH', `/members/${firstId}`, second.auth, { role: 'viewer' }),
    ]);
    const statuses = results.map((r) => r.statusCode);
    expect(statuses.filter((s) => s === 200)).toHaveLength(1);
    const admins = (await members(org.auth)).filter((m) => m.role === 'admin');
    expect(admins).toHaveLength(1);
  });

  // Last: it locks this address out of invitation links for the rest of the file.
  it('guessing links from one address is cut off after 30 misses (429 with Retry-After), valid links included', async () => {
    const valid = tokenOfUrl((await invite({ role: 'viewer' })).url);
    let locked: Awaited<ReturnType<typeof call>> | undefined;
    for (let i = 0; i < 40 && !locked; i++) {
      const r = await call('GET', `/invitations/${'G'.repeat(42)}${String.fromCharCode(65 + (i % 26))}/preview`, {});
      if (r.statusCode === 429) locked = r;
      else expect(r.statusCode).toBe(404);
    }
    expect(locked, 'no 429 after 40 wrong links').toBeDefined();
    expect(Number(locked!.headers['retry-after'])).toBeGreaterThan(0);
    expect(locked!.json().error.code).toBe('too_many_attempts');
    expect((await call('GET', `/invitations/${valid}/preview`, {})).statusCode).toBe(429);
    expect((await accept(valid, { email: 'late@example.com', password: 'long enough password' })).statusCode).toBe(429);
  });
});
