import type { FastifyInstance } from 'fastify';
import {
  createOrganisationWithAdmin,
  createSession,
  deleteSession,
  emailTaken,
  findUserForLogin,
} from '../../db/repositories/accounts.ts';
import { hashPassword, verifyPassword } from '../../security/passwords.ts';
import { hashToken, newSessionToken, requireUser, SESSION_COOKIE, SESSION_DAYS, tokenFrom } from '../auth.ts';
import type { AppContext } from '../context.ts';
import { ApiError, errorBodySchema } from '../errors.ts';
import { LoginThrottle } from '../login-throttle.ts';

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
// Verifying against a fixed hash when the e-mail is unknown keeps both answers equally slow.
const DUMMY_HASH = hashPassword('not-a-real-password-for-timing');

const orgUser = {
  organisation: { type: 'object', properties: { id: { type: 'string' }, name: { type: 'string' } } },
  user: { type: 'object', properties: { id: { type: 'string' }, email: { type: 'string' }, role: { type: 'string', enum: ['admin', 'member', 'viewer'] } } },
} as const;

export async function authRoutes(app: FastifyInstance, ctx: AppContext): Promise<void> {
  // Per e-mail: slows guessing one account. Per address: slows spraying many accounts, looser for shared NATs.
  const byEmail = new LoginThrottle(5);
  const byAddress = new LoginThrottle(50);

  app.post('/signup', {
    schema: {
      tags: ['auth'],
      summary: 'Create an organisation and its first administrator',
      body: {
        type: 'object',
        required: ['organisation', 'email', 'password'],
        additionalProperties: false,
        properties: { organisation: { type: 'string' }, email: { type: 'string' }, password: { type: 'string' } },
      },
      response: { 201: { type: 'object', properties: orgUser }, 400: errorBodySchema, 409: errorBodySchema },
    },
  }, async (req, reply) => {
    const body = req.body as { organisation: string; email: string; password: string };
    const organisation = body.organisation.trim();
    const email = body.email.trim();
    if (!organisation) throw new ApiError(400, 'invalid_organisation', 'Enter your organisation name.', { field: 'organisation' });
    if (organisation.length > 100) throw new ApiError(400, 'invalid_organisation', 'The organisation name is longer than 100 characters.', { field: 'organisation' });
    if (!EMAIL.test(email) || email.length > 254) throw new ApiError(400, 'invalid_email', 'Enter a valid e-mail address, e.g. name@company.com.', { field: 'email' });
    if (body.password.length < 10) throw new ApiError(400, 'weak_password', 'The password must be at least 10 characters long.', { field: 'password' });
    if (body.password.length > 200) throw new ApiError(400, 'invalid_password', 'The password is longer than 200 characters.', { field: 'password' });
    const taken = () => new ApiError(409, 'email_taken', 'An account with this e-mail already exists; log in instead.', { field: 'email' });
    if (await emailTaken(ctx.db, email)) throw taken();
    const passwordHash = await hashPassword(body.password);
    try {
      const u = await createOrganisationWithAdmin(ctx.db, { organisation, email, passwordHash });
      return reply.status(201).send({ organisation: { id: u.organisationId, name: u.organisationName }, user: { id: u.userId, email: u.email } });
    } catch (err) {
      if ((err as { code?: string }).code === '23505') throw taken(); // two sign-ups raced on the unique index
      throw err;
    }
  });

  app.post('/session', {
    schema: {
      tags: ['auth'],
      summary: 'Log in: returns a bearer token and sets the session cookie',
      body: {
        type: 'object',
        required: ['email', 'password'],
        additionalProperties: false,
        properties: { email: { type: 'string', maxLength: 254 }, password: { type: 'string', maxLength: 200 } },
      },
      response: { 200: { type: 'object', properties: { token: { type: 'string' } } }, 401: errorBodySchema, 429: errorBodySchema },
    },
  }, async (req, reply) => {
    const { email, password } = req.body as { email: string; password: string };
    const emailKey = [email.trim().toLowerCase()];
    const ipKey = [req.ip];
    const wait = Math.max(byEmail.retryAfterSeconds(emailKey), byAddress.retryAfterSeconds(ipKey));
    if (wait > 0) {
      throw new ApiError(429, 'too_many_attempts', `Too many failed log-ins. Try again in ${Math.ceil(wait / 60)} minute(s).`, { headers: { 'retry-after': String(wait) } });
    }
    const user = await findUserForLogin(ctx.db, email.trim());
    const ok = await verifyPassword(password, user?.passwordHash ?? (await DUMMY_HASH));
    if (!user || !ok) {
      byEmail.fail(emailKey);
      byAddress.fail(ipKey);
      throw new ApiError(401, 'invalid_credentials', 'E-mail or password is incorrect.');
    }
    byEmail.succeed(emailKey);
    const { token, hash } = newSessionToken();
    const expires = new Date(Date.now() + SESSION_DAYS * 86_400_000);
    await createSession(ctx.db, user.userId, hash, expires);
    reply.setCookie(SESSION_COOKIE, token, { httpOnly: true, sameSite: 'lax', path: '/', expires, secure: req.protocol === 'https' });
    return { token };
  });

  app.delete('/session', { schema: { tags: ['auth'], summary: 'Log out', response: { 204: { type: 'null' } } } }, async (req, reply) => {
    const token = tokenFrom(req);
    if (token) await deleteSession(ctx.db, hashToken(token));
    reply.clearCookie(SESSION_COOKIE, { path: '/' });
    return reply.status(204).send();
  });

  app.get('/me', {
    preHandler: requireUser,
    schema: { tags: ['auth'], summary: 'The logged-in user and organisation', response: { 200: { type: 'object', properties: orgUser }, 401: errorBodySchema } },
  }, async (req) => {
    const a = req.auth!;
    return { user: { id: a.userId, email: a.email, role: a.role }, organisation: { id: a.organisationId, name: a.organisationName } };
  });
}
