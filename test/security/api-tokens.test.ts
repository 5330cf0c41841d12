import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inviteMember, type InvitedMember } from '../helpers/members.ts';
import { signUpAndLogIn, startStack, type TestStack } from '../helpers/stack.ts';

/**
 * Escalation attempts with API tokens: a token never does more than its owner may do now, nor more than
 * the role it was created with; revoked tokens stop at once; another organisation's tokens are out of reach.
 */

type Method = 'GET' | 'POST' | 'PUT' | 'DELETE' | 'PATCH';

let stack: TestStack;
let acme: Awaited<ReturnType<typeof signUpAndLogIn>>;
let globex: Awaited<ReturnType<typeof signUpAndLogIn>>;
let member: InvitedMember;
let viewer: InvitedMember;

beforeAll(async () => {
  stack = await startStack({ listen: false });
  acme = await signUpAndLogIn(stack.app, 'sec-acme');
  globex = await signUpAndLogIn(stack.app, 'sec-globex');
  member = await inviteMember(stack.app, acme.auth, 'member', 'sec-tokens');
  viewer = await inviteMember(stack.app, acme.auth, 'viewer', 'sec-tokens');
}, 120_000);
afterAll(async () => stack?.close());

const call = (method: Method, url: string, headers: Record<string, string>, payload?: unknown) =>
  stack.app.inject({ method, url: `/api/v1${url}`, headers, ...(payload === undefined ? {} : { payload: payload as object }) });
const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

async function createToken(who: Record<string, string>, role: string, name = `${role} token`) {
  const r = await call('POST', '/api-tokens', who, { name, role });
  expect(r.statusCode, r.body).toBe(201);
  return r.json() as { id: string; token: string };
}

/** What the token may do, probed on one read, one member route and one admin route (each refused before any change). */
async function powersOf(token: string) {
  const read = await call('GET', '/members', bearer(token));
  // A member may switch automatic sync: an unknown connection is 404 for a member, 403 for a viewer.
  const memberRoute = await call('PUT', '/connections/00000000-0000-4000-8000-000000000000/automatic-sync', bearer(token), { enabled: false });
  // Admins may revoke invitations: an unknown one is 404 for an admin, 403 for anyone else.
  const adminRoute = await call('DELETE', '/invitations/00000000-0000-4000-8000-000000000000', bearer(token));
  return { read: read.statusCode, member: memberRoute.statusCode, admin: adminRoute.statusCode };
}

describe('API token escalation attempts', () => {
  it('a member asking for an admin token gets 403, a viewer asking for a member token too; nothing is created', async () => {
    for (const [who, role] of [
      [member, 'admin'],
      [viewer, 'member'],
      [viewer, 'admin'],
    ] as const) {
      const r = await call('POST', '/api-tokens', who.auth, { name: 'escalate', role });
      expect(r.statusCode, `${who.role} → ${role}`).toBe(403);
      expect(r.json().error).toMatchObject({ code: 'token_role_too_high', field: 'role' });
      expect(r.json().error.message).toContain(`Your role is ${who.role}`);
    }
    const all = (await call('GET', '/api-tokens', acme.auth)).json().tokens as Array<{ name: string }>;
    expect(all.filter((t) => t.name === 'escalate')).toEqual([]);
  });

  it('a token acts with its own role when that is lower than its owner’s', async () => {
    const asViewer = await createToken(acme.auth, 'viewer');
    expect(await powersOf(asViewer.token)).toEqual({ read: 200, member: 403, admin: 403 });
    const asMember = await createToken(acme.auth, 'member');
    expect(await powersOf(asMember.token)).toEqual({ read: 200, member: 404, admin: 403 });
    const asAdmin = await createToken(acme.auth, 'admin');
    expect(await powersOf(asAdmin.token)).toEqual({ read: 200, member: 404, admin: 404 });
  });

  it('the admin token of an owner demoted to viewer acts as a viewer, and as an admin again once re-promoted', async () => {
    const second = await inviteMember(stack.app, acme.auth, 'admin', 'sec-second-admin');
    const t = await createToken(second.auth, 'admin');
    expect(await powersOf(t.token)).toEqual({ read: 200, member: 404, admin: 404 });
    expect((await call('PATCH', `/members/${second.id}`, acme.auth, { role: 'viewer' })).statusCode).toBe(200);
    expect(await powersOf(t.token)).toEqual({ read: 200, member: 403, admin: 403 });
    expect((await call('GET', '/me', bearer(t.token))).json().user.role).toBe('viewer');
    // The demoted owner cannot use the token to win the role back either.
    expect((await call('PATCH', `/members/${second.id}`, bearer(t.token), { role: 'admin' })).statusCode).toBe(403);
    expect((await call('PATCH', `/members/${second.id}`, acme.auth, { role: 'admin' })).statusCode).toBe(200);
    expect(await powersOf(t.token)).toEqual({ read: 200, member: 404, admin: 404 });
  });

  it('a revoked token gets 401 saying it was revoked, on every kind of route', async () => {
    const t = await createToken(acme.auth, 'admin');
    expect((await call('DELETE', `/api-tokens/${t.id}`, acme.auth)).statusCode).toBe(200);
    for (const [method, url, payload] of [
      ['GET', '/me', undefined],
      ['GET', '/members', undefined],
      ['POST', '/invitations', { role: 'admin' }],
    ] as const) {
      const r = await call(method, url, bearer(t.token), payload);
      expect(r.statusCode, `${method} ${url}`).toBe(401);
      expect(r.json().error.code).toBe('api_token_revoked');
      expect(r.json().error.message).toMatch(/revoked on \d{4}-/);
    }
    // A made-up token with the prefix is simply not valid.
    const forged = await call('GET', '/me', bearer(`sfp_${'A'.repeat(43)}`));
    expect(forged.statusCode).toBe(401);
    expect(forged.json().error.code).toBe('api_token_invalid');
  });

  it('another organisation’s token id is 404 to an admin, who can neither see nor revoke it', async () => {
    const theirs = await createToken(globex.auth, 'admin', 'globex automation');
    const r = await call('DELETE', `/api-tokens/${theirs.id}`, acme.auth);
    expect(r.statusCode).toBe(404);
    const missing = await call('DELETE', '/api-tokens/00000000-0000-4000-8000-000000000000', acme.auth);
    expect(r.body).toBe(missing.body);
    expect(JSON.stringify((await call('GET', '/api-tokens', acme.auth)).json())).not.toContain(theirs.id);
    expect((await call('GET', '/me', bearer(theirs.token))).json().organisation.name).toBe(globex.organisation.name);
  });

  it('a token cannot mint a token, not even a lesser one, so it never outlives or outranks itself', async () => {
    const t = await createToken(acme.auth, 'admin');
    const r = await call('POST', '/api-tokens', bearer(t.token), { name: 'child', role: 'viewer' });
    expect(r.statusCode).toBe(403);
    expect(r.json().error.code).toBe('api_token_not_allowed');
    expect((await call('GET', '/api-tokens', acme.auth)).json().tokens.filter((x: { name: string }) => x.name === 'child')).toEqual([]);
  });
  it('a token cannot make other credentials either: invitations, sign-up links, password changes and resets', async () => {
    const t = await createToken(acme.auth, 'admin');
    for (const [method, url, payload] of [
      ['POST', '/invitations', { role: 'admin' }],
      ['POST', '/signup-links', {}],
      ['PUT', '/me/password', { currentPassword: 'whatever-password-1', newPassword: 'another-password-22' }],
      ['POST', `/members/${member.id}/password-reset`, {}],
    ] as const) {
      const r = await call(method, url, bearer(t.token), payload);
      expect(r.statusCode, `${method} ${url}: ${r.body}`).toBe(403);
      expect(r.json().error.code).toBe('api_token_not_allowed');
    }
    expect((await call('GET', '/invitations', acme.auth)).json().invitations).toEqual([]);
  });

  it('an admin resetting a member’s password also revokes that member’s API tokens', async () => {
    const victim = await inviteMember(stack.app, acme.auth, 'member', 'sec-reset');
    const t = await createToken(victim.auth, 'member');
    expect((await call('GET', '/me', bearer(t.token))).statusCode).toBe(200);
    const reset = await call('POST', `/members/${victim.id}/password-reset`, acme.auth, {});
    expect(reset.statusCode, reset.body).toBe(200);
    const after = await call('GET', '/me', bearer(t.token));
    expect(after.statusCode).toBe(401);
    expect(after.json().error.code).toBe('api_token_revoked');
  });
});
