import { randomBytes } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { createSession, setPassword } from '../../db/repositories/accounts.ts';
import {
  acceptInvitation,
  changeMemberRole,
  createInvitation,
  findMember,
  findPendingInvitation,
  listMembers,
  listPendingInvitations,
  removeMember,
  revokeInvitation,
  type InvitationRecord,
  type MemberRecord,
  type MemberRole,
} from '../../db/repositories/members.ts';
import { hashPassword } from '../../security/passwords.ts';
import { requireSession } from '../api-token-auth.ts';
import { revokeAllApiTokensOf } from '../../db/repositories/api-tokens.ts';
import { audit } from '../audit.ts';
import { hashToken, newSessionToken, requireAdmin, requireUser, SESSION_COOKIE, SESSION_DAYS } from '../auth.ts';
import type { AppContext } from '../context.ts';
import { ApiError } from '../errors.ts';
import { peekWait, recordAttempt } from '../../db/repositories/throttles.ts';
import { LINK_TOKENS_PER_ADDRESS, tooManyAttempts } from '../throttles.ts';
import { memberSchemas as s } from './members.schemas.ts';

export const INVITATION_VALIDITY_MS = 7 * 24 * 60 * 60_000;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
/** Tokens are 32 random bytes in base64url: 43 characters. */
const TOKEN = /^[A-Za-z0-9_-]{43}$/;
export const INVITE_PATH = '/invite/';

const notFound = () => new ApiError(404, 'not_found', 'There is no such member in your organisation; reload the Members page.');
const lastAdmin = (what: string) =>
  new ApiError(409, 'last_admin', `${what} would leave your organisation without an administrator. Make another member an admin first.`);
const unusableInvitation = () =>
  new ApiError(
    404,
    'invitation_not_found',
    'This invitation link is not valid: it was already used, revoked or has expired (links work once, for 7 days). Ask your administrator for a new link.',
  );
const withdrawnInvitation = () =>
  new ApiError(
    410,
    'invitation_withdrawn',
    'This invitation link no longer works: the administrator who created it is no longer an administrator of the organisation. Ask a current administrator for a new link.',
  );

/**
 * Members (admin, member, viewer) and one-time invitation links. Who may do what is in auth.ts; every
 * change is recorded in the audit log of the organisation.
 */
export async function memberRoutes(app: FastifyInstance, ctx: AppContext): Promise<void> {
  // Tokens carry 256 bits, so guessing is hopeless; this keeps a scanner from costing a lookup per try.
  const failedTokens = (req: FastifyRequest) => [{ rule: LINK_TOKENS_PER_ADDRESS, subject: req.ip }];

  app.get('/members', { onRequest: requireUser, schema: s.list }, async (req) => {
    const list = await listMembers(ctx.db, req.auth!.organisationId);
    return { members: list.map((m) => memberView(m, req.auth!.userId)) };
  });

  app.patch('/members/:id', { onRequest: requireAdmin, schema: s.patch }, async (req) => {
    const { id } = req.params as { id: string };
    const { role } = req.body as { role: MemberRole };
    if (!UUID.test(id)) throw notFound();
    const r = await changeMemberRole(ctx.db, req.auth!.organisationId, id, role);
    if (r.outcome === 'not_found') throw notFound();
    if (r.outcome === 'last_admin') throw lastAdmin('Changing the role of your only administrator');
    if (r.before.role !== role) {
      await audit(ctx.db, req, {
        action: 'member.role_changed',
        target: { type: 'member', id, label: r.before.email },
        before: { role: r.before.role },
        after: { role },
      });
    }
    req.log.info({ memberId: id, role }, 'member role changed');
    return memberView(r.after, req.auth!.userId);
  });

  app.delete('/members/:id', { onRequest: requireAdmin, schema: s.remove }, async (req) => {
    const { id } = req.params as { id: string };
    if (!UUID.test(id)) throw notFound();
    const r = await removeMember(ctx.db, req.auth!.organisationId, id);
    if (r.outcome === 'not_found') throw notFound();
    if (r.outcome === 'last_admin') throw lastAdmin('Removing your only administrator');
    await audit(ctx.db, req, {
      action: 'member.removed',
      target: { type: 'member', id, label: r.before.email },
      before: { email: r.before.email, name: r.before.name, role: r.before.role },
      after: null,
    });
    req.log.info({ memberId: id }, 'member removed');
    return { id, removed: true };
  });

  // A temporary password shown once to the admin (who passes it on), rather than a reset link: the
  // product sends no e-mail. The member's sessions end; they change it on their Account page.
  app.post('/members/:id/password-reset', { onRequest: [requireAdmin, requireSession], schema: s.resetPassword }, async (req) => {
    const { id } = req.params as { id: string };
    if (!UUID.test(id)) throw notFound();
    if (id === req.auth!.userId) {
      throw new ApiError(409, 'own_password', 'To change your own password use your Account page: it asks for your current password.');
    }
    const m = await findMember(ctx.db, req.auth!.organisationId, id);
    if (!m) throw notFound();
    const temporaryPassword = randomBytes(12).toString('base64url');
    const sessionsEnded = await setPassword(ctx.db, m.id, await hashPassword(temporaryPassword));
    // A reset is what an admin does when an account may be in someone else's hands: its API tokens go too.
    const apiTokensRevoked = await revokeAllApiTokensOf(ctx.db, req.auth!.organisationId, m.id, new Date());
    await audit(ctx.db, req, {
      action: 'user.password_reset',
      target: { type: 'member', id: m.id, label: m.email },
      before: null,
      after: { password: '•••• (temporary, shown once to the admin)', sessionsEnded, apiTokensRevoked },
    });
    req.log.info({ memberId: m.id, sessionsEnded }, 'member password reset');
    return { id: m.id, email: m.email, temporaryPassword, sessionsEnded };
  });

  app.post('/invitations', { onRequest: [requireAdmin, requireSession], schema: s.invite }, async (req, reply) => {
    const body = req.body as { role: MemberRole; email?: string };
    const email = body.email?.trim() || null;
    if (email !== null && !EMAIL.test(email))
      throw new ApiError(400, 'invalid_email', 'Enter a valid e-mail address, e.g. name@company.com, or leave it empty so anyone with the link can join.', {
        field: 'email',
      });
    const token = randomBytes(32).toString('base64url');
    const inv = await createInvitation(ctx.db, {
      organisationId: req.auth!.organisationId,
      role: body.role,
      email,
      tokenHash: hashToken(token),
      createdBy: req.auth!.userId,
      expiresAt: new Date(Date.now() + INVITATION_VALIDITY_MS),
    });
    await audit(ctx.db, req, {
      action: 'invitation.created',
      target: { type: 'invitation', id: inv.id, label: email },
      before: null,
      after: { role: inv.role, email, expiresAt: inv.expiresAt.toISOString() },
    });
    req.log.info({ invitationId: inv.id, role: inv.role }, 'invitation created');
    const base = ctx.config.publicUrl ?? `${req.protocol}://${req.host}`;
    return reply.status(201).send({ id: inv.id, url: `${base}${INVITE_PATH}${token}`, role: inv.role, email, expiresAt: inv.expiresAt.toISOString() });
  });

  app.get('/invitations', { onRequest: requireAdmin, schema: s.invitations }, async (req) => {
    const list = await listPendingInvitations(ctx.db, req.auth!.organisationId, new Date());
    return { invitations: list.map(invitationView) };
  });

  app.delete('/invitations/:id', { onRequest: requireAdmin, schema: s.revoke }, async (req) => {
    const { id } = req.params as { id: string };
    const inv = UUID.test(id) ? await revokeInvitation(ctx.db, req.auth!.organisationId, id, new Date()) : undefined;
    if (!inv)
      throw new ApiError(
        404,
        'not_found',
        'There is no such pending invitation for your organisation; it may already have been used, revoked or have expired.',
      );
    await audit(ctx.db, req, {
      action: 'invitation.revoked',
      target: { type: 'invitation', id, label: inv.email },
      before: { role: inv.role, email: inv.email },
      after: null,
    });
    return { id, revoked: true };
  });

  /** The token from the URL, checked for shape and against the failure throttle of the caller's address. */
  async function tokenOf(req: FastifyRequest): Promise<string> {
    const wait = await peekWait(ctx.db, failedTokens(req));
    if (wait > 0) throw tooManyAttempts(wait, (w) => `Too many invalid invitation links from this address; try again in ${w}.`);
    const { token } = req.params as { token: string };
    if (!TOKEN.test(token)) {
      await recordAttempt(ctx.db, failedTokens(req));
      throw unusableInvitation();
    }
    return token;
  }

  // The URL holds the token: keep Fastify's per-request lines (which print it) out of the log.
  app.get('/invitations/:token/preview', { schema: s.preview, logLevel: 'warn' }, async (req) => {
    const inv = await findPendingInvitation(ctx.db, hashToken(await tokenOf(req)), new Date());
    if (!inv) {
      await recordAttempt(ctx.db, failedTokens(req));
      throw unusableInvitation();
    }
    if (!inv.creatorIsAdmin) throw withdrawnInvitation();
    return { organisation: { name: inv.organisationName }, role: inv.role, email: inv.email, expiresAt: inv.expiresAt.toISOString() };
  });

  app.post('/invitations/:token/accept', { schema: s.accept, logLevel: 'warn' }, async (req, reply) => {
    const token = await tokenOf(req);
    const body = req.body as { email: string; password: string; name?: string };
    const email = body.email.trim();
    const name = body.name?.trim() || null;
    if (!EMAIL.test(email)) throw new ApiError(400, 'invalid_email', 'Enter a valid e-mail address, e.g. name@company.com.', { field: 'email' });
    if (body.password.length < 10) throw new ApiError(400, 'weak_password', 'The password must be at least 10 characters long.', { field: 'password' });
    const passwordHash = await hashPassword(body.password);
    const r = await acceptInvitation(ctx.db, { tokenHash: hashToken(token), email, name, passwordHash, now: new Date() });
    switch (r.outcome) {
      case 'unusable':
        await recordAttempt(ctx.db, failedTokens(req));
        throw unusableInvitation();
      case 'withdrawn':
        throw withdrawnInvitation();
      case 'email_mismatch':
        throw new ApiError(
          400,
          'email_mismatch',
          `This invitation is for ${r.invitedEmail}; enter that address, or ask your administrator for a link for yours.`,
          { field: 'email' },
        );
      case 'email_taken':
        throw new ApiError(
          409,
          'email_taken',
          'An account with this e-mail already exists (an e-mail belongs to one organisation); use another address or log in.',
          { field: 'email' },
        );
    }
    const u = r.user;
    req.auth = u; // the new member is the actor of their own acceptance
    await audit(ctx.db, req, {
      action: 'invitation.accepted',
      target: { type: 'member', id: u.userId, label: u.email },
      before: null,
      after: { email: u.email, name, role: u.role, invitationId: r.invitation.id },
    });
    const session = newSessionToken();
    const expires = new Date(Date.now() + SESSION_DAYS * 86_400_000);
    await createSession(ctx.db, u.userId, session.hash, expires);
    reply.setCookie(SESSION_COOKIE, session.token, { httpOnly: true, sameSite: 'lax', path: '/', expires, secure: req.protocol === 'https' });
    return reply
      .status(201)
      .send({ organisation: { id: u.organisationId, name: u.organisationName }, user: { id: u.userId, email: u.email, role: u.role }, token: session.token });
  });
}

function memberView(m: MemberRecord, callerId: string) {
  return { id: m.id, email: m.email, name: m.name, role: m.role, createdAt: m.createdAt.toISOString(), you: m.id === callerId };
}

function invitationView(i: InvitationRecord) {
  return { id: i.id, role: i.role, email: i.email, createdAt: i.createdAt.toISOString(), expiresAt: i.expiresAt.toISOString() };
}
