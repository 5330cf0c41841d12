import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { hashPassword } from '../../src/security/passwords.ts';
import { loadMasterKey } from '../../src/security/secret-key.ts';
import { buildApp } from '../../src/server/app.ts';
import { inviteMember, tokenOfUrl } from '../helpers/members.ts';
import { signUpAndLogIn, startStack, type TestStack } from '../helpers/stack.ts';

// Counts password hashes, to see that both sign-up paths do the same work.
vi.mock('../../src/security/passwords.ts', async (importOriginal) => {
  const m = await importOriginal<typeof import('../../src/security/passwords.ts')>();
  return { ...m, hashPassword: vi.fn(m.hashPassword) };
});

/**
 * Accounts: who may sign up (SF_SIGNUP), sign-up links, sign-up that does not tell more than it must,
 * invitations that die with their admin's rights, and passwords (changed by their owner, reset by an admin).
 */
let stack: TestStack;
/** The same database, as installations configured with SF_SIGNUP=invite and closed. */
let inviteApp: FastifyInstance;
let closedApp: FastifyInstance;

beforeAll(async () => {
  stack = await startStack({ listen: false });
  const masterKey = await loadMasterKey(stack.config.secretKey, stack.config.dataDir);
  const variant = async (signup: 'invite' | 'closed') => {
    const app = await buildApp({ config: { ...stack.config, signup }, db: stack.database.db, masterKey, jobs: stack.jobs }, { logger: false });
    await app.ready();
    return app;
  };
  inviteApp = await variant('invite');
  closedApp = await variant('closed');
});
afterAll(async () => {
  await inviteApp?.close();
  await closedApp?.close();
  await stack?.close();
});

const signup = (app: FastifyInstance, payload: Record<string, string>, remoteAddress = '10.50.0.1') =>
  app.inject({ method: 'POST', url: '/api/v1/signup', payload, remoteAddress });
const auditActions = async (app: FastifyInstance, auth: Record<string, string>) =>
  (await app.inject({ url: '/api/v1/audit-log?limit=200', headers: auth })).json().events as Array<{ action: string; before: unknown; after: unknown }>;
const orgCount = async () =>
  (
    await stack.database.db
      .selectFrom('organisations')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .executeTakeFirstOrThrow()
  ).n;

describe('SF_SIGNUP', () => {
  it('GET /signup says the mode, so the sign-up page can show the right thing', async () => {
    expect((await stack.app.inject({ url: '/api/v1/signup' })).json()).toEqual({ mode: 'open' });
    expect((await inviteApp.inject({ url: '/api/v1/signup' })).json()).toEqual({ mode: 'invite' });
    expect((await closedApp.inject({ url: '/api/v1/signup' })).json()).toEqual({ mode: 'closed' });
  });

  it('closed: sign-up is refused, with a message saying who creates users; nothing is created', async () => {
    const before = await orgCount();
    const r = await signup(closedApp, { organisation: 'Closed Co', email: 'closed@example.com', password: 'a long password' });
    expect(r.statusCode).toBe(403);
    expect(r.json().error).toMatchObject({ code: 'signup_closed', message: expect.stringContaining('support-fusion users create') });
    expect(await orgCount()).toBe(before);
  });

  it('invite: sign-up needs a one-time link from an admin; the link is stored as a hash, works once, and both logs record it', async () => {
    const issuer = await signUpAndLogIn(stack.app, 'linkissuer');
    const noLink = await signup(inviteApp, { organisation: 'Partner Co', email: 'partner@example.com', password: 'a long password' });
    expect(noLink.statusCode).toBe(403);
    expect(noLink.json().error).toMatchObject({ code: 'signup_link_required', message: expect.stringMatching(/sign-up link/) });
    // In open mode a link would mean nothing: refused with the reason.
    const inOpen = await stack.app.inject({ method: 'POST', url: '/api/v1/signup-links', headers: issuer.auth });
    expect(inOpen.statusCode).toBe(409);
    expect(inOpen.json().error.message).toMatch(/anyone can sign up/);

    const created = await inviteApp.inject({ method: 'POST', url: '/api/v1/signup-links', headers: issuer.auth });
    expect(created.statusCode).toBe(201);
    const url = new URL(created.json().url);
    // In the fragment: never sent to the server, so never in its logs.
    expect(url.pathname).toBe('/signup');
    expect(url.search).toBe('');
    const token = new URLSearchParams(url.hash.slice(1)).get('link')!;
    expect(Buffer.from(token, 'base64url')).toHaveLength(32);
    const expires = new Date(created.json().expiresAt).getTime() - Date.now();
    expect(expires).toBeGreaterThan(6.9 * 86_400_000);
    expect(expires).toBeLessThanOrEqual(7 * 86_400_000);
    const rows = await stack.database.db.selectFrom('signup_links').selectAll().execute();
    expect(JSON.stringify(rows)).not.toContain(token);

    const wrong = await signup(inviteApp, {
      organisation: 'Partner Co',
      email: 'partner@example.com',
      password: 'a long password',
      signupToken: 'A'.repeat(43),
    });
    expect(wrong.statusCode).toBe(404);
    expect(wrong.json().error.code).toBe('signup_link_not_found');
    const ok = await signup(inviteApp, { organisation: 'Partner Co', email: 'partner@example.com', password: 'a long password', signupToken: token });
    expect(ok.statusCode, ok.body).toBe(201);
    expect(ok.json().organisation.name).toBe('Partner Co');
    const again = await signup(inviteApp, { organisation: 'Partner Two', email: 'partner2@example.com', password: 'a long password', signupToken: token });
    expect(again.statusCode).toBe(404);
    expect(again.json().error.message).toMatch(/already used or has expired/);

    const login = await inviteApp.inject({ method: 'POST', url: '/api/v1/session', payload: { email: 'partner@example.com', password: 'a long password' } });
    expect(login.statusCode).toBe(200);
    const issuerLog = await auditActions(stack.app, issuer.auth);
    expect(issuerLog.map((e) => e.action)).toEqual(expect.arrayContaining(['signup_link.created', 'signup_link.used']));
    expect(JSON.stringify(issuerLog)).not.toContain(token);
    const partnerLog = await auditActions(stack.app, { authorization: `Bearer ${login.json().token}` });
    expect(partnerLog.map((e) => e.action)).toContain('signup_link.used');
  });

  it('invite: a link stops working when its creator is no longer an admin (410)', async () => {
    const issuer = await signUpAndLogIn(stack.app, 'linkdemoted');
    const other = await inviteMember(stack.app, issuer.auth, 'admin', 'linkdemoter');
    const token = new URLSearchParams(
      new URL((await inviteApp.inject({ method: 'POST', url: '/api/v1/signup-links', headers: issuer.auth })).json().url).hash.slice(1),
    ).get('link')!;
    const me = (await stack.app.inject({ url: '/api/v1/me', headers: issuer.auth })).json().user.id;
    expect((await stack.app.inject({ method: 'PATCH', url: `/api/v1/members/${me}`, headers: other.auth, payload: { role: 'member' } })).statusCode).toBe(200);
    const r = await signup(inviteApp, { organisation: 'Late Co', email: 'late@example.com', password: 'a long password', signupToken: token });
    expect(r.statusCode).toBe(410);
    expect(r.json().error).toMatchObject({ code: 'signup_link_withdrawn', message: expect.stringMatching(/no longer an administrator/) });
  });
});

describe('sign-up does not tell more than it must', () => {
  it('a taken e-mail costs the same work as a new one (the password is hashed either way)', async () => {
    const existing = await signUpAndLogIn(stack.app, 'takenwork');
    const hashes = vi.mocked(hashPassword);
    let before = hashes.mock.calls.length;
    const fresh = await signup(stack.app, { organisation: 'Fresh', email: 'fresh-work@example.com', password: 'a long password' }, '10.51.0.1');
    expect(fresh.statusCode).toBe(201);
    const forFresh = hashes.mock.calls.length - before;
    before = hashes.mock.calls.length;
    const taken = await signup(stack.app, { organisation: 'Copy', email: existing.email.toUpperCase(), password: 'a long password' }, '10.51.0.1');
    expect(taken.statusCode).toBe(409);
    expect(hashes.mock.calls.length - before).toBe(forFresh);
    expect(forFresh).toBe(1);
  });

  it('per address, after 10 sign-ups that created nothing, every sign-up gets 429; successful ones do not count; other addresses are unaffected', async () => {
    const existing = await signUpAndLogIn(stack.app, 'probed');
    const prober = '10.52.0.1';
    const statuses: number[] = [];
    for (let i = 0; i < 10; i++)
      statuses.push((await signup(stack.app, { organisation: `Probe ${i}`, email: existing.email, password: 'a long password' }, prober)).statusCode);
    expect(statuses).toEqual(Array(10).fill(409));
    const refused = await signup(stack.app, { organisation: 'Probe new', email: 'probe-new@example.com', password: 'a long password' }, prober);
    expect(refused.statusCode).toBe(429);
    expect(refused.json().error.code).toBe('too_many_attempts');
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(50 * 60);
    expect((await signup(stack.app, { organisation: 'Elsewhere', email: 'elsewhere@example.com', password: 'a long password' }, '10.52.0.2')).statusCode).toBe(
      201,
    );
    // A team setting up partners from one office: 11 organisations, all fine.
    for (let i = 0; i < 11; i++)
      expect(
        (await signup(stack.app, { organisation: `Office ${i}`, email: `office-${i}@example.com`, password: 'a long password' }, '10.52.0.3')).statusCode,
      ).toBe(201);
  });
});

describe('invitations of an admin who is no longer one', () => {
  it('stop working when the admin is removed or demoted (410, also on the preview); a current admin’s still work', async () => {
    const founder = await signUpAndLogIn(stack.app, 'invfounder');
    const second = await inviteMember(stack.app, founder.auth, 'admin', 'invsecond');
    const third = await inviteMember(stack.app, founder.auth, 'admin', 'invthird');
    const invite = async (auth: Record<string, string>) =>
      tokenOfUrl((await stack.app.inject({ method: 'POST', url: '/api/v1/invitations', headers: auth, payload: { role: 'member' } })).json().url);
    const byFounder = await invite(founder.auth);
    const bySecond = await invite(second.auth);
    const byThird = await invite(third.auth);
    const founderId = (await stack.app.inject({ url: '/api/v1/me', headers: founder.auth })).json().user.id;
    expect((await stack.app.inject({ method: 'DELETE', url: `/api/v1/members/${founderId}`, headers: third.auth })).statusCode).toBe(200);
    expect(
      (await stack.app.inject({ method: 'PATCH', url: `/api/v1/members/${second.id}`, headers: third.auth, payload: { role: 'viewer' } })).statusCode,
    ).toBe(200);
    const accept = (token: string, who: string) =>
      stack.app.inject({ method: 'POST', url: `/api/v1/invitations/${token}/accept`, payload: { email: `${who}@example.com`, password: 'a long password' } });
    for (const [token, who] of [
      [byFounder, 'via-removed'],
      [bySecond, 'via-demoted'],
    ] as const) {
      const preview = await stack.app.inject({ url: `/api/v1/invitations/${token}/preview` });
      expect(preview.statusCode).toBe(410);
      const r = await accept(token, who);
      expect(r.statusCode).toBe(410);
      expect(r.json().error).toMatchObject({ code: 'invitation_withdrawn', message: expect.stringMatching(/no longer an administrator/) });
    }
    expect((await accept(byThird, 'via-current')).statusCode).toBe(201);
  });
});

describe('passwords', () => {
  it('a user changes their own password with the current one; their other sessions end, this one stays; audited without the password', async () => {
    const user = await signUpAndLogIn(stack.app, 'changepw');
    const other = (await stack.app.inject({ method: 'POST', url: '/api/v1/session', payload: { email: user.email, password: user.password } })).json().token;
    const change = (payload: Record<string, string>) => stack.app.inject({ method: 'PUT', url: '/api/v1/me/password', headers: user.auth, payload });
    const wrong = await change({ currentPassword: 'not my password', newPassword: 'my new long password' });
    expect(wrong.statusCode).toBe(400);
    expect(wrong.json().error).toMatchObject({ code: 'wrong_password', field: 'currentPassword' });
    const weak = await change({ currentPassword: user.password, newPassword: 'short' });
    expect(weak.json().error).toMatchObject({ code: 'weak_password', field: 'newPassword' });
    const ok = await change({ currentPassword: user.password, newPassword: 'my new long password' });
    expect(ok.statusCode, ok.body).toBe(200);
    expect(ok.json()).toEqual({ changed: true, otherSessionsEnded: 1 });
    expect((await stack.app.inject({ url: '/api/v1/me', headers: { authorization: `Bearer ${other}` } })).statusCode).toBe(401);
    expect((await stack.app.inject({ url: '/api/v1/me', headers: user.auth })).statusCode).toBe(200);
    const login = (password: string) =>
      stack.app.inject({ method: 'POST', url: '/api/v1/session', payload: { email: user.email, password }, remoteAddress: '10.53.0.1' });
    expect((await login(user.password)).statusCode).toBe(401);
    expect((await login('my new long password')).statusCode).toBe(200);
    const log = await auditActions(stack.app, user.auth);
    expect(log.map((e) => e.action)).toContain('user.password_changed');
    expect(JSON.stringify(log)).not.toContain('my new long password');
  });

  it('an admin resets a member’s password: a temporary one, shown once; the member’s sessions end; audited without it', async () => {
    const admin = await signUpAndLogIn(stack.app, 'resetadmin');
    const member = await inviteMember(stack.app, admin.auth, 'member', 'resetmember');
    const byMember = await stack.app.inject({ method: 'POST', url: `/api/v1/members/${member.id}/password-reset`, headers: member.auth });
    expect(byMember.statusCode).toBe(403);
    const r = await stack.app.inject({ method: 'POST', url: `/api/v1/members/${member.id}/password-reset`, headers: admin.auth });
    expect(r.statusCode, r.body).toBe(200);
    const { temporaryPassword, sessionsEnded, email } = r.json();
    expect(email).toBe(member.email);
    expect(temporaryPassword.length).toBeGreaterThanOrEqual(16);
    expect(sessionsEnded).toBe(1);
    expect((await stack.app.inject({ url: '/api/v1/me', headers: member.auth })).statusCode).toBe(401);
    const login = (password: string) =>
      stack.app.inject({ method: 'POST', url: '/api/v1/session', payload: { email: member.email, password }, remoteAddress: '10.54.0.1' });
    expect((await login(member.password)).statusCode).toBe(401);
    expect((await login(temporaryPassword)).statusCode).toBe(200);
    const log = await auditActions(stack.app, admin.auth);
    expect(log.map((e) => e.action)).toContain('user.password_reset');
    expect(JSON.stringify(log)).not.toContain(temporaryPassword);
    // Their own password: the Account page, which asks for the current one.
    const adminId = (await stack.app.inject({ url: '/api/v1/me', headers: admin.auth })).json().user.id;
    const own = await stack.app.inject({ method: 'POST', url: `/api/v1/members/${adminId}/password-reset`, headers: admin.auth });
    expect(own.statusCode).toBe(409);
    expect(own.json().error.message).toMatch(/Account page/);
  });
});
