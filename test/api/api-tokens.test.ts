import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashApiToken } from '../../src/server/api-token-auth.ts';
import { inviteMember, type InvitedMember } from '../helpers/members.ts';
import { signUpAndLogIn, startStack, type TestStack } from '../helpers/stack.ts';

type Method = 'GET' | 'POST' | 'DELETE' | 'PATCH';

let stack: TestStack;
let admin: Awaited<ReturnType<typeof signUpAndLogIn>>;
let member: InvitedMember;

beforeAll(async () => {
  stack = await startStack({ listen: false });
  admin = await signUpAndLogIn(stack.app, 'tokens');
  member = await inviteMember(stack.app, admin.auth, 'member', 'tokens');
}, 120_000);
afterAll(async () => stack?.close());

const call = (method: Method, url: string, headers: Record<string, string>, payload?: unknown) =>
  stack.app.inject({ method, url: `/api/v1${url}`, headers, ...(payload === undefined ? {} : { payload: payload as object }) });
const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

async function createToken(who: Record<string, string>, body: Record<string, unknown>) {
  const r = await call('POST', '/api-tokens', who, body);
  expect(r.statusCode, r.body).toBe(201);
  return r.json() as {
    id: string;
    token: string;
    name: string;
    role: string;
    hint: string;
    expiresAt: string | null;
    lastUsedAt: string | null;
    owner: { id: string; email: string };
  };
}
const dumpOf = async (table: string) =>
  JSON.stringify((await sql<{ r: unknown }>`SELECT to_jsonb(t) AS r FROM ${sql.table(table)} t`.execute(stack.database.db)).rows);
const lastUsed = async (id: string) =>
  (await sql<{ last_used_at: Date | null }>`SELECT last_used_at FROM api_tokens WHERE id = ${id}`.execute(stack.database.db)).rows[0]!.last_used_at;

describe('API tokens', () => {
  it('the secret (sfp_ + 32 random bytes) is shown once; only its SHA-256 is stored; it authenticates as its owner', async () => {
    const t = await createToken(admin.auth, { name: 'nightly export', role: 'viewer' });
    expect(t.token).toMatch(/^sfp_[A-Za-z0-9_-]{43}$/);
    expect(t).toMatchObject({
      name: 'nightly export',
      role: 'viewer',
      hint: t.token.slice(0, 8),
      expiresAt: null,
      lastUsedAt: null,
      owner: { email: admin.email },
    });
    const stored = await dumpOf('api_tokens');
    expect(stored).not.toContain(t.token);
    expect(stored).not.toContain(t.token.slice(4));
    expect(stored).toContain(hashApiToken(t.token));
    const list = await call('GET', '/api-tokens', admin.auth);
    expect(list.body).not.toContain(t.token);
    expect(list.json().tokens).toEqual([expect.objectContaining({ id: t.id, name: 'nightly export', you: true, expired: false })]);

    const me = await call('GET', '/me', bearer(t.token));
    expect(me.statusCode, me.body).toBe(200);
    expect(me.json().user).toMatchObject({ email: admin.email, role: 'viewer' });
  });

  it('last used is recorded on use, at most once a minute', async () => {
    const t = await createToken(admin.auth, { name: 'poller', role: 'viewer' });
    expect(await lastUsed(t.id)).toBeNull();
    await call('GET', '/connections', bearer(t.token));
    const first = await lastUsed(t.id);
    expect(first).toBeInstanceOf(Date);
    await call('GET', '/connections', bearer(t.token));
    expect(await lastUsed(t.id)).toEqual(first);
    // A minute later (moved back in the database rather than waited for), the next use writes again.
    await sql`UPDATE api_tokens SET last_used_at = last_used_at - interval '61 seconds' WHERE id = ${t.id}`.execute(stack.database.db);
    const aged = await lastUsed(t.id);
    await call('GET', '/connections', bearer(t.token));
    expect((await lastUsed(t.id))!.getTime()).toBeGreaterThan(aged!.getTime());
    const listed = (await call('GET', '/api-tokens', admin.auth)).json().tokens.find((x: { id: string }) => x.id === t.id);
    expect(listed.lastUsedAt).toBe((await lastUsed(t.id))!.toISOString());
  });

  it('an optional expiry must be in the future; an expired token gets 401 api_token_expired', async () => {
    const past = await call('POST', '/api-tokens', admin.auth, { name: 'old', role: 'viewer', expiresAt: '2020-01-01T00:00:00Z' });
    expect(past.statusCode).toBe(400);
    expect(past.json().error).toMatchObject({ code: 'invalid_expiry', field: 'expiresAt' });
    const bad = await call('POST', '/api-tokens', admin.auth, { name: 'odd', role: 'viewer', expiresAt: 'tomorrow' });
    expect(bad.statusCode).toBe(400);

    const expiresAt = new Date(Date.now() + 3_600_000).toISOString();
    const t = await createToken(admin.auth, { name: 'one hour', role: 'member', expiresAt });
    expect(t.expiresAt).toBe(expiresAt);
    expect((await call('GET', '/me', bearer(t.token))).statusCode).toBe(200);
    await sql`UPDATE api_tokens SET expires_at = now() - interval '1 second' WHERE id = ${t.id}`.execute(stack.database.db);
    const r = await call('GET', '/me', bearer(t.token));
    expect(r.statusCode).toBe(401);
    expect(r.json().error.code).toBe('api_token_expired');
    expect(r.json().error.message).toMatch(/expired on .* Create a new token/);
    expect((await call('GET', '/api-tokens', admin.auth)).json().tokens.find((x: { id: string }) => x.id === t.id).expired).toBe(true);
  });

  it('a member lists and revokes only their own tokens; an admin sees and revokes every token of the organisation', async () => {
    const mine = await createToken(member.auth, { name: 'member script', role: 'member' });
    const admins = await createToken(admin.auth, { name: 'admin script', role: 'admin' });
    const memberList = (await call('GET', '/api-tokens', member.auth)).json().tokens as Array<{ id: string; you: boolean }>;
    expect(memberList.map((t) => t.id)).toEqual([mine.id]);
    const adminList = (await call('GET', '/api-tokens', admin.auth)).json().tokens as Array<{ id: string; you: boolean; owner: { email: string } }>;
    expect(adminList.map((t) => t.id)).toEqual(expect.arrayContaining([mine.id, admins.id]));
    expect(adminList.find((t) => t.id === mine.id)).toMatchObject({ you: false, owner: { email: member.email } });

    const notHers = await call('DELETE', `/api-tokens/${admins.id}`, member.auth);
    expect(notHers.statusCode).toBe(404);
    expect((await call('GET', '/me', bearer(admins.token))).statusCode).toBe(200);

    const own = await call('DELETE', `/api-tokens/${mine.id}`, member.auth);
    expect(own.json()).toEqual({ id: mine.id, revoked: true });
    const again = await call('DELETE', `/api-tokens/${mine.id}`, member.auth);
    expect(again.statusCode).toBe(404);

    const byAdmin = await createToken(member.auth, { name: 'member script 2', role: 'viewer' });
    expect((await call('DELETE', `/api-tokens/${byAdmin.id}`, admin.auth)).statusCode).toBe(200);
    const r = await call('GET', '/me', bearer(byAdmin.token));
    expect(r.statusCode).toBe(401);
    expect(r.json().error.code).toBe('api_token_revoked');
    expect((await call('GET', '/api-tokens', member.auth)).json().tokens).toEqual([]);
  });

  it('creation and revocation are audited, without the secret or its hash', async () => {
    const t = await createToken(admin.auth, { name: 'audited', role: 'member' });
    await call('DELETE', `/api-tokens/${t.id}`, admin.auth);
    const events = (await call('GET', '/audit-log?limit=200', admin.auth)).json().events as Array<{
      action: string;
      target: { id: string };
      after: unknown;
      before: unknown;
    }>;
    const mine = events.filter((e) => e.target.id === t.id);
    expect(mine.map((e) => e.action)).toEqual(['api_token.revoked', 'api_token.created']);
    expect(mine[1]!.after).toMatchObject({ name: 'audited', role: 'member', hint: t.hint, expiresAt: null });
    expect(mine[0]!.before).toMatchObject({ name: 'audited', owner: admin.email });
    const audit = await dumpOf('audit_events');
    expect(audit).not.toContain(t.token.slice(8));
    expect(audit).not.toContain(hashApiToken(t.token));
  });

  it('a request made with an API token cannot create or revoke API tokens (a token mints nothing)', async () => {
    const t = await createToken(admin.auth, { name: 'automation', role: 'admin' });
    const other = await createToken(admin.auth, { name: 'other', role: 'viewer' });
    for (const [method, url, payload] of [
      ['POST', '/api-tokens', { name: 'child', role: 'viewer' }],
      ['DELETE', `/api-tokens/${other.id}`, undefined],
    ] as const) {
      const r = await call(method, url, bearer(t.token), payload);
      expect(r.statusCode, `${method} ${url}`).toBe(403);
      expect(r.json().error.code).toBe('api_token_not_allowed');
    }
    expect((await call('GET', '/api-tokens', bearer(t.token))).statusCode).toBe(200);
    expect((await call('GET', '/me', bearer(other.token))).statusCode).toBe(200);
  });

  it('a removed member’s tokens stop working', async () => {
    const leaving = await inviteMember(stack.app, admin.auth, 'member', 'leaving');
    const t = await createToken(leaving.auth, { name: 'leaving', role: 'member' });
    expect((await call('GET', '/me', bearer(t.token))).statusCode).toBe(200);
    expect((await call('DELETE', `/members/${leaving.id}`, admin.auth)).statusCode).toBe(200);
    const r = await call('GET', '/me', bearer(t.token));
    expect(r.statusCode).toBe(401);
    expect(r.json().error.code).toBe('api_token_invalid');
  });

  it('validates the name and role', async () => {
    for (const body of [{ name: '   ', role: 'viewer' }, { name: 'x', role: 'owner' }, { role: 'viewer' }, { name: 'x'.repeat(101), role: 'viewer' }]) {
      const r = await call('POST', '/api-tokens', admin.auth, body);
      expect(r.statusCode, JSON.stringify(body)).toBe(400);
      expect(r.json().error.field).toMatch(/name|role/);
    }
  });
});
