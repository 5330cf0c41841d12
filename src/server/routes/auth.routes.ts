import { randomBytes } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import {
  createOrganisationWithAdmin,
  setUserName,
  userName,
  createSession,
  createSignupLink,
  deleteSession,
  findUserForLogin,
  passwordHashOf,
  setPassword,
  signUpWithLink,
} from '../../db/repositories/accounts.ts';
import { recordAuditEvent } from '../../db/repositories/audit-log.ts';
import { reserveAttempt, settleAttempt, type Counter } from '../../db/repositories/throttles.ts';
import { hashPassword, verifyPassword } from '../../security/passwords.ts';
import { requireSession } from '../api-token-auth.ts';
import { audit } from '../audit.ts';
import { hashToken, newSessionToken, requireAdmin, requireUser, SESSION_COOKIE, SESSION_DAYS, tokenFrom } from '../auth.ts';
import type { AppContext } from '../context.ts';
import { ApiError, errorBodySchema } from '../errors.ts';
import {
  LOGIN_IN_FLIGHT_MS,
  LOGIN_PER_ACCOUNT,
  LOGIN_PER_ACCOUNT_AND_ADDRESS,
  LOGIN_PER_ADDRESS,
  SIGNUP_FAILURES_PER_ADDRESS,
  SIGNUP_PER_ADDRESS,
  tooManyAttempts,
} from '../throttles.ts';

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
// Verifying against a fixed hash when the e-mail is unknown keeps both answers equally slow.
const DUMMY_HASH = hashPassword('not-a-real-password-for-timing');
/** Sign-up links are 32 random bytes in base64url: 43 characters. */
const LINK_TOKEN = /^[A-Za-z0-9_-]{43}$/;
/** In the fragment, which browsers never send: the token stays out of server and proxy logs and Referer headers. */
export const SIGNUP_LINK_PATH = '/signup#link=';
export const SIGNUP_LINK_VALIDITY_MS = 7 * 24 * 60 * 60_000;

const orgUser = {
  organisation: { type: 'object', properties: { id: { type: 'string' }, name: { type: 'string' } } },
  user: {
    type: 'object',
    properties: {
      id: { type: 'string' },
      email: { type: 'string' },
      role: { type: 'string', enum: ['admin', 'member', 'viewer'] },
      name: { type: ['string', 'null'], description: 'Display name shown to colleagues (Members, Audit log); null: the e-mail is shown' },
    },
  },
} as const;

/** An optional display name: trimmed, empty means none. */
function displayName(raw: string | undefined): string | null {
  const name = raw?.trim() ?? '';
  if (name.length > NAME_MAX)
    throw new ApiError(400, 'invalid_name', `The name is ${name.length} characters long; use at most ${NAME_MAX}.`, { field: 'name' });
  if (/[\u0000-\u001f\u007f]/.test(name))
    throw new ApiError(400, 'invalid_name', 'The name contains control characters; type it as plain text.', { field: 'name' });
  return name === '' ? null : name;
}
const NAME_MAX = 100;

const signupModeBody = {
  type: 'object',
  required: ['mode'],
  properties: {
    mode: {
      type: 'string',
      enum: ['open', 'invite', 'closed'],
      description:
        'open: anyone may create an organisation; invite: only with a one-time sign-up link from an existing organisation’s admin; closed: only the command line creates users.',
    },
  },
} as const;

export async function authRoutes(app: FastifyInstance, ctx: AppContext): Promise<void> {
  app.get(
    '/signup',
    {
      schema: {
        tags: ['auth'],
        summary: 'How new organisations may sign up on this installation (SF_SIGNUP)',
        security: [],
        response: { 200: signupModeBody },
      },
    },
    async () => ({ mode: ctx.config.signup }),
  );

  app.post(
    '/signup',
    {
      schema: {
        tags: ['auth'],
        summary: 'Create an organisation and its first administrator',
        description:
          'With SF_SIGNUP=invite a one-time sign-up link (signupToken: the `link` part of the URL an admin created) is required; with closed, sign-up is refused (403). Errors: 400 invalid input, 403 signup_closed / signup_link_required, 404 signup_link_not_found, 409 email_taken, 410 signup_link_withdrawn, 429 too_many_attempts (per address: 10 sign-ups an hour that created nothing, 200 in all).',
        body: {
          type: 'object',
          required: ['organisation', 'email', 'password'],
          additionalProperties: false,
          properties: {
            organisation: { type: 'string' },
            email: { type: 'string' },
            password: { type: 'string' },
            signupToken: { type: 'string', maxLength: 100 },
            name: { type: 'string', maxLength: 200, description: 'Optional: your name as colleagues see it' },
          },
        },
        response: {
          201: { type: 'object', properties: orgUser },
          400: errorBodySchema,
          403: errorBodySchema,
          404: errorBodySchema,
          409: errorBodySchema,
          410: errorBodySchema,
          429: errorBodySchema,
        },
      },
    },
    async (req, reply) => {
      const body = req.body as { organisation: string; email: string; password: string; signupToken?: string; name?: string };
      const mode = ctx.config.signup;
      if (mode === 'closed') {
        throw new ApiError(
          403,
          'signup_closed',
          'Sign-up is closed on this installation. Ask its operator for an account (they create users with `support-fusion users create`).',
        );
      }
      if (mode === 'invite' && !body.signupToken) {
        throw new ApiError(
          403,
          'signup_link_required',
          'Sign-up on this installation needs a sign-up link. Ask an administrator of the organisation you will work with to create one for you (Members page).',
        );
      }
      const organisation = body.organisation.trim();
      const email = body.email.trim();
      if (!organisation) throw new ApiError(400, 'invalid_organisation', 'Enter your organisation name.', { field: 'organisation' });
      if (organisation.length > 100)
        throw new ApiError(400, 'invalid_organisation', 'The organisation name is longer than 100 characters.', { field: 'organisation' });
      if (!EMAIL.test(email) || email.length > 254)
        throw new ApiError(400, 'invalid_email', 'Enter a valid e-mail address, e.g. name@company.com.', { field: 'email' });
      if (body.password.length < 10) throw new ApiError(400, 'weak_password', 'The password must be at least 10 characters long.', { field: 'password' });
      if (body.password.length > 200) throw new ApiError(400, 'invalid_password', 'The password is longer than 200 characters.', { field: 'password' });
      const name = displayName(body.name);
      // Counted before the e-mail is looked at, so parallel probes cannot slip under the limit; a sign-up
      // that created its organisation is taken back from the failures' count.
      const failures: Counter = { rule: SIGNUP_FAILURES_PER_ADDRESS, subject: req.ip };
      const r = await reserveAttempt(ctx.db, [failures, { rule: SIGNUP_PER_ADDRESS, subject: req.ip }]);
      if (r.outcome !== 'allowed')
        throw tooManyAttempts(r.outcome === 'wait' ? r.retryAfterMs : 1000, (wait) => `Too many sign-ups from this address; try again in ${wait}.`);
      const created = () => settleAttempt(ctx.db, { refund: [failures] });
      const taken = () => new ApiError(409, 'email_taken', 'An account with this e-mail already exists; log in instead.', { field: 'email' });
      // The same work whether or not the e-mail exists: the password is hashed and the insert tried either
      // way; the unique index says "taken". (That the answer says so is a documented limit: SECURITY.md.)
      const passwordHash = await hashPassword(body.password);
      if (mode === 'invite') {
        const token = body.signupToken!;
        const link = LINK_TOKEN.test(token)
          ? await signUpWithLink(ctx.db, { tokenHash: hashToken(token), organisation, email, passwordHash, name, now: new Date() })
          : { outcome: 'unusable' as const };
        switch (link.outcome) {
          case 'unusable':
            throw new ApiError(
              404,
              'signup_link_not_found',
              'This sign-up link is not valid: it was already used or has expired (links work once, for 7 days). Ask the administrator who sent it for a new one.',
            );
          case 'withdrawn':
            throw new ApiError(
              410,
              'signup_link_withdrawn',
              'This sign-up link no longer works: the administrator who created it is no longer an administrator of their organisation. Ask a current administrator for a new link.',
            );
          case 'email_taken':
            throw taken();
        }
        await created();
        const u = link.user;
        // In the issuing organisation's log (who came in through its link) and in the new organisation's.
        const actor = { userId: u.userId, email: u.email };
        await recordAuditEvent(ctx.db, {
          organisationId: link.link.organisationId,
          actor,
          action: 'signup_link.used',
          target: { type: 'signup_link', id: link.link.id, label: u.organisationName },
          before: null,
          after: { organisation: u.organisationName, email: u.email },
        });
        await recordAuditEvent(ctx.db, {
          organisationId: u.organisationId,
          actor,
          action: 'signup_link.used',
          target: { type: 'organisation', id: u.organisationId, label: u.organisationName },
          before: null,
          after: { signupLinkId: link.link.id },
        });
        return reply.status(201).send({ organisation: { id: u.organisationId, name: u.organisationName }, user: { id: u.userId, email: u.email } });
      }
      try {
        const u = await createOrganisationWithAdmin(ctx.db, { organisation, email, passwordHash, name });
        await created();
        return reply.status(201).send({ organisation: { id: u.organisationId, name: u.organisationName }, user: { id: u.userId, email: u.email } });
      } catch (err) {
        if ((err as { code?: string }).code === '23505') throw taken();
        throw err;
      }
    },
  );

  app.post(
    '/signup-links',
    {
      onRequest: [requireAdmin, requireSession],
      schema: {
        tags: ['auth'],
        summary: 'Create a one-time sign-up link for a partner’s new organisation (admins; SF_SIGNUP=invite)',
        description:
          'Only a hash of the token is stored: the link is shown once. It works once, for 7 days, and only while its creator is an admin. Errors: 409 signup_links_unused when the installation is not in invite mode.',
        response: {
          201: {
            type: 'object',
            required: ['id', 'url', 'expiresAt'],
            properties: { id: { type: 'string' }, url: { type: 'string' }, expiresAt: { type: 'string', format: 'date-time' } },
          },
          401: errorBodySchema,
          403: errorBodySchema,
          409: errorBodySchema,
        },
      },
    },
    async (req, reply) => {
      if (ctx.config.signup !== 'invite') {
        const why = ctx.config.signup === 'open' ? 'anyone can sign up without a link' : 'sign-up is closed (only the command line creates users)';
        throw new ApiError(409, 'signup_links_unused', `Sign-up links are not used on this installation: ${why}. The operator sets this with SF_SIGNUP.`);
      }
      const token = randomBytes(32).toString('base64url');
      const link = await createSignupLink(ctx.db, {
        organisationId: req.auth!.organisationId,
        tokenHash: hashToken(token),
        createdBy: req.auth!.userId,
        expiresAt: new Date(Date.now() + SIGNUP_LINK_VALIDITY_MS),
      });
      await audit(ctx.db, req, {
        action: 'signup_link.created',
        target: { type: 'signup_link', id: link.id },
        before: null,
        after: { expiresAt: link.expiresAt.toISOString() },
      });
      const base = ctx.config.publicUrl ?? `${req.protocol}://${req.host}`;
      return reply.status(201).send({ id: link.id, url: `${base}${SIGNUP_LINK_PATH}${token}`, expiresAt: link.expiresAt.toISOString() });
    },
  );

  app.post(
    '/session',
    {
      schema: {
        tags: ['auth'],
        summary: 'Log in: returns a bearer token and sets the session cookie',
        description:
          'The same 401 for an unknown e-mail and a wrong password. Throttled (429 with Retry-After): per account and address 5 attempts, then a wait doubling from 30 s to 15 min; per account from all addresses 20, then up to 5 min; per address 50 per 15 min; and one attempt per account at a time (login_in_progress).',
        body: {
          type: 'object',
          required: ['email', 'password'],
          additionalProperties: false,
          properties: { email: { type: 'string', maxLength: 254 }, password: { type: 'string', maxLength: 200 } },
        },
        response: { 200: { type: 'object', properties: { token: { type: 'string' } } }, 401: errorBodySchema, 429: errorBodySchema },
      },
    },
    async (req, reply) => {
      const { email, password } = req.body as { email: string; password: string };
      const account: Counter = { rule: LOGIN_PER_ACCOUNT, subject: email.trim().toLowerCase() };
      const accountAddress: Counter = { rule: LOGIN_PER_ACCOUNT_AND_ADDRESS, subject: `${account.subject}\n${req.ip}` };
      const address: Counter = { rule: LOGIN_PER_ADDRESS, subject: req.ip };
      // Counted before the password is looked at, one attempt per account at a time: parallel guesses
      // cannot all be checked before the first failure is recorded.
      const r = await reserveAttempt(ctx.db, [accountAddress, account, address], { exclusive: account, inFlightMs: LOGIN_IN_FLIGHT_MS });
      if (r.outcome === 'wait') throw tooManyAttempts(r.retryAfterMs, (wait) => `Too many failed log-ins. Try again in ${wait}.`);
      if (r.outcome === 'in_flight') {
        throw new ApiError(429, 'login_in_progress', 'Another log-in to this account is being checked at this moment; try again in a second.', {
          headers: { 'retry-after': '1' },
        });
      }
      let ok = false;
      try {
        const user = await findUserForLogin(ctx.db, email.trim());
        ok = await verifyPassword(password, user?.passwordHash ?? (await DUMMY_HASH));
        if (!user || !ok) throw new ApiError(401, 'invalid_credentials', 'E-mail or password is incorrect.');
        const { token, hash } = newSessionToken();
        const expires = new Date(Date.now() + SESSION_DAYS * 86_400_000);
        await createSession(ctx.db, user.userId, hash, expires);
        reply.setCookie(SESSION_COOKIE, token, { httpOnly: true, sameSite: 'lax', path: '/', expires, secure: req.protocol === 'https' });
        return { token };
      } finally {
        // A success was no guess: this address's count for the account starts again, the others take it back.
        await settleAttempt(ctx.db, ok ? { clear: [accountAddress], refund: [account, address], release: account } : { release: account });
      }
    },
  );

  app.put(
    '/me/password',
    {
      onRequest: [requireUser, requireSession],
      schema: {
        tags: ['auth'],
        summary: 'Change your own password (the current one is required); your other sessions end',
        body: {
          type: 'object',
          required: ['currentPassword', 'newPassword'],
          additionalProperties: false,
          properties: { currentPassword: { type: 'string', maxLength: 200 }, newPassword: { type: 'string', maxLength: 200 } },
        },
        response: {
          200: {
            type: 'object',
            required: ['changed', 'otherSessionsEnded'],
            properties: { changed: { type: 'boolean' }, otherSessionsEnded: { type: 'integer' } },
          },
          400: errorBodySchema,
          401: errorBodySchema,
          429: errorBodySchema,
        },
      },
    },
    async (req) => {
      const a = req.auth!;
      const { currentPassword, newPassword } = req.body as { currentPassword: string; newPassword: string };
      if (newPassword.length < 10) throw new ApiError(400, 'weak_password', 'The new password must be at least 10 characters long.', { field: 'newPassword' });
      // A stolen session must not turn into guessing the password: the same counters as log-in.
      const account: Counter = { rule: LOGIN_PER_ACCOUNT, subject: a.email.toLowerCase() };
      const accountAddress: Counter = { rule: LOGIN_PER_ACCOUNT_AND_ADDRESS, subject: `${account.subject}\n${req.ip}` };
      const r = await reserveAttempt(ctx.db, [accountAddress, account], { exclusive: account, inFlightMs: LOGIN_IN_FLIGHT_MS });
      if (r.outcome === 'wait') throw tooManyAttempts(r.retryAfterMs, (wait) => `Too many wrong passwords. Try again in ${wait}.`);
      if (r.outcome === 'in_flight')
        throw new ApiError(429, 'login_in_progress', 'A log-in to this account is being checked at this moment; try again in a second.', {
          headers: { 'retry-after': '1' },
        });
      let ok = false;
      try {
        ok = await verifyPassword(currentPassword, (await passwordHashOf(ctx.db, a.userId)) ?? (await DUMMY_HASH));
        if (!ok) throw new ApiError(400, 'wrong_password', 'Your current password is not correct.', { field: 'currentPassword' });
      } finally {
        await settleAttempt(ctx.db, ok ? { clear: [accountAddress], refund: [account], release: account } : { release: account });
      }
      const ended = await setPassword(ctx.db, a.userId, await hashPassword(newPassword), { sessionTokenHash: hashToken(tokenFrom(req)!) });
      await audit(ctx.db, req, {
        action: 'user.password_changed',
        target: { type: 'member', id: a.userId, label: a.email },
        before: null,
        after: { otherSessionsEnded: ended },
      });
      req.log.info({ userId: a.userId, otherSessionsEnded: ended }, 'password changed');
      return { changed: true, otherSessionsEnded: ended };
    },
  );

  app.delete('/session', { schema: { tags: ['auth'], summary: 'Log out', response: { 204: { type: 'null' } } } }, async (req, reply) => {
    const token = tokenFrom(req);
    if (token) await deleteSession(ctx.db, hashToken(token));
    reply.clearCookie(SESSION_COOKIE, { path: '/' });
    return reply.status(204).send();
  });

  app.get(
    '/me',
    {
      preHandler: requireUser,
      schema: {
        tags: ['auth'],
        summary: 'The logged-in user and organisation',
        response: { 200: { type: 'object', properties: orgUser }, 401: errorBodySchema },
      },
    },
    async (req) => {
      const a = req.auth!;
      return {
        user: { id: a.userId, email: a.email, role: a.role, name: await userName(ctx.db, a.userId) },
        organisation: { id: a.organisationId, name: a.organisationName },
      };
    },
  );

  app.put(
    '/me/name',
    {
      onRequest: requireUser,
      schema: {
        tags: ['auth'],
        summary: 'Set your own display name (shown to colleagues on Members and in the Audit log); an empty name removes it',
        body: { type: 'object', required: ['name'], additionalProperties: false, properties: { name: { type: 'string', maxLength: 200 } } },
        response: {
          200: { type: 'object', required: ['name'], properties: { name: { type: ['string', 'null'] } } },
          400: errorBodySchema,
          401: errorBodySchema,
        },
      },
    },
    async (req) => {
      const a = req.auth!;
      const name = displayName((req.body as { name: string }).name);
      const before = await userName(ctx.db, a.userId);
      if (before !== name) {
        await setUserName(ctx.db, a.userId, name);
        await audit(ctx.db, req, {
          action: 'member.name_changed',
          target: { type: 'member', id: a.userId, label: a.email },
          before: { name: before },
          after: { name },
        });
      }
      return { name };
    },
  );
}
