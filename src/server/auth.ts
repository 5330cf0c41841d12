import { createHash, randomBytes } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { findSession } from '../db/repositories/accounts.ts';
import { authenticateApiToken, decorateApiTokenRequest, isApiToken } from './api-token-auth.ts';
import type { AppContext } from './context.ts';
import { ApiError } from './errors.ts';

export const SESSION_COOKIE = 'sf_session';
export const SESSION_DAYS = 30;

export function newSessionToken(): { token: string; hash: string } {
  const token = randomBytes(32).toString('base64url');
  return { token, hash: hashToken(token) };
}

/** Only a hash of the token is stored: a leaked database does not hand out sessions. */
export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

export function tokenFrom(req: FastifyRequest): string | undefined {
  return bearerToken(req) ?? (req.cookies[SESSION_COOKIE] || undefined);
}

/** The token of an `Authorization: Bearer` header: a header a page on another site cannot make a browser send. */
function bearerToken(req: FastifyRequest): string | undefined {
  const header = req.headers.authorization;
  if (header?.startsWith('Bearer ')) return header.slice(7).trim() || undefined;
  return undefined;
}

export function registerAuth(app: FastifyInstance, ctx: AppContext): void {
  app.decorateRequest('auth', null);
  decorateApiTokenRequest(app);
  app.addHook('onRequest', async (req) => {
    // SameSite=Lax already keeps the cookie off most cross-site writes; the Origin / Sec-Fetch-Site check
    // closes the rest. Only a bearer token skips it: any other Authorization header (e.g. Basic from a
    // proxy in front, which browsers send by themselves) leaves the request authenticated by the cookie.
    if (!bearerToken(req) && isCrossSiteWrite(req, ctx.config.publicUrl)) {
      throw new ApiError(403, 'cross_site_request', 'This request came from another site; it was refused.');
    }
    const token = tokenFrom(req);
    if (!token || token.length > 200) return;
    if (isApiToken(token)) return authenticateApiToken(ctx.db, req, token);
    req.auth = (await findSession(ctx.db, hashToken(token))) ?? null;
  });
}

/** preHandler for every /api/v1 route except health, signup and login. */
export async function requireUser(req: FastifyRequest, _reply: FastifyReply): Promise<void> {
  if (!req.auth)
    throw req.authFailure ?? new ApiError(401, 'unauthenticated', 'Log in first: send the session cookie or an Authorization: Bearer <token> header.');
}

/**
 * Roles (docs/architecture.md, "Members and roles"): viewer reads; member also operates syncs (Sync now,
 * dry runs, automatic sync, retries) and edits field mappings; admin does everything, including platform
 * credentials, connections, configuration, webhook URLs, members and the audit log.
 */
export async function requireAdmin(req: FastifyRequest, reply: FastifyReply): Promise<void> {
  await requireUser(req, reply);
  if (req.auth!.role !== 'admin')
    throw new ApiError(
      403,
      'forbidden',
      'Only an administrator of your organisation can do this; ask one of your admins (Members page) to do it or to change your role.',
    );
}

/** Members and admins: operating syncs and editing mappings. Viewers get 403. */
export async function requireMember(req: FastifyRequest, reply: FastifyReply): Promise<void> {
  await requireUser(req, reply);
  if (req.auth!.role !== 'admin' && req.auth!.role !== 'member') {
    throw new ApiError(
      403,
      'forbidden',
      'Your role is viewer: you can look but not change anything. Ask an administrator of your organisation (Members page) to make you a member.',
    );
  }
}

/**
 * An origin is scheme, host and port: http://host and https://host are different sites (a page served
 * by plain http, e.g. on a hostile network, must not write to the HTTPS app). Our own origin is what
 * the request says (the scheme believes X-Forwarded-Proto only from a trusted proxy, SF_TRUST_PROXY) and,
 * behind a proxy that does not say, the public URL.
 */
export function isCrossSiteWrite(req: FastifyRequest, publicUrl?: string): boolean {
  if (req.method === 'GET' || req.method === 'HEAD' || req.method === 'OPTIONS') return false;
  // Webhooks are called by other servers with a token in the URL, never on the strength of a session.
  if (req.routeOptions.url?.startsWith('/api/v1/hooks/')) return false;
  // Browsers say where a request comes from; only the app's own pages (or the user, typing) may write.
  const site = req.headers['sec-fetch-site'];
  if (site !== undefined && site !== 'same-origin' && site !== 'none') return true;
  const origin = req.headers.origin;
  if (!origin) return false;
  let from: URL;
  try {
    from = new URL(origin);
  } catch {
    return true;
  }
  const own = new Set([`${req.protocol}://${req.host}`.toLowerCase()]);
  if (publicUrl) own.add(new URL(publicUrl).origin.toLowerCase());
  if (own.has(from.origin.toLowerCase())) return false;
  if (from.host.toLowerCase() === req.host.toLowerCase()) {
    // Same host, other scheme: most likely TLS ends at a proxy we were not told about. Say how to fix it.
    req.log.warn(
      { origin: from.origin, seen: `${req.protocol}://${req.host}` },
      "write refused: the browser's Origin differs from this server's only by scheme; behind an HTTPS reverse proxy set SF_PUBLIC_URL (or SF_TRUST_PROXY so X-Forwarded-Proto is believed)",
    );
  }
  return true;
}
