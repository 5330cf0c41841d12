import { createHash, randomBytes } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Db } from '../db/database.ts';
import { findApiTokenByHash, touchApiToken } from '../db/repositories/api-tokens.ts';
import type { MemberRole } from '../db/repositories/members.ts';
import { ApiError } from './errors.ts';
import type { ErrorCode } from './error-codes.ts';

/**
 * API tokens for automation (docs/architecture.md, "API tokens"). A token is `sfp_` + 32 random bytes in
 * base64url: 47 characters. Session tokens are 43 characters without a prefix, so the two cannot be
 * mistaken for each other, and a secret scanner can recognise a leaked API token by its prefix.
 */
export const API_TOKEN_PREFIX = 'sfp_';
const API_TOKEN_LENGTH = API_TOKEN_PREFIX.length + 43;
/** last_used_at is written at most this often per token: a busy script does not cost a write per request. */
export const LAST_USED_RESOLUTION_SECONDS = 60;

export const ROLE_RANK: Record<MemberRole, number> = { viewer: 0, member: 1, admin: 2 };

export interface ApiTokenAuth {
  id: string;
  /** The role the token was created with; `req.auth.role` holds the effective one (lower of this and the owner's). */
  role: MemberRole;
  expiresAt: Date | null;
}

declare module 'fastify' {
  interface FastifyRequest {
    /** Set when the request was authenticated by an API token (and not by a session). */
    apiToken: ApiTokenAuth | null;
    /** Why the credentials sent were refused, for requireUser's 401 (a revoked or expired API token). */
    authFailure: ApiError | null;
  }
}

export function decorateApiTokenRequest(app: FastifyInstance): void {
  app.decorateRequest('apiToken', null);
  app.decorateRequest('authFailure', null);
}

export function newApiToken(): { token: string; hash: string; hint: string } {
  const token = API_TOKEN_PREFIX + randomBytes(32).toString('base64url');
  return { token, hash: hashApiToken(token), hint: token.slice(0, API_TOKEN_PREFIX.length + 4) };
}

export function hashApiToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

export function isApiToken(token: string): boolean {
  return token.startsWith(API_TOKEN_PREFIX) && token.length === API_TOKEN_LENGTH;
}

export function lowerRole(a: MemberRole, b: MemberRole): MemberRole {
  return ROLE_RANK[a] <= ROLE_RANK[b] ? a : b;
}

const refused = (code: ErrorCode, message: string) => new ApiError(401, code, message);

/**
 * Authenticates the request by an API token: `req.auth` gets the owner with the lower of the token's role
 * and the owner's role now (a demoted owner's admin token acts with the owner's new role). A revoked,
 * expired or unknown token leaves the request unauthenticated, with the reason for requireUser's 401.
 */
export async function authenticateApiToken(db: Db, req: FastifyRequest, token: string): Promise<void> {
  const found = await findApiTokenByHash(db, hashApiToken(token));
  const now = new Date();
  if (!found) {
    req.authFailure = refused(
      'api_token_invalid',
      'This API token is not valid: it does not exist, or its owner is no longer a member of the organisation. Create a new token on the API tokens page.',
    );
    return;
  }
  if (found.revokedAt) {
    req.authFailure = refused(
      'api_token_revoked',
      `This API token was revoked on ${found.revokedAt.toISOString()}. Create a new token on the API tokens page and use it instead.`,
    );
    return;
  }
  if (found.expiresAt && found.expiresAt <= now) {
    req.authFailure = refused(
      'api_token_expired',
      `This API token expired on ${found.expiresAt.toISOString()}. Create a new token on the API tokens page and use it instead.`,
    );
    return;
  }
  req.auth = { ...found.owner, role: lowerRole(found.role, found.owner.role as MemberRole) };
  req.apiToken = { id: found.id, role: found.role, expiresAt: found.expiresAt };
  if (!found.lastUsedAt || now.getTime() - found.lastUsedAt.getTime() >= LAST_USED_RESOLUTION_SECONDS * 1000) {
    // Bookkeeping: a failed write must not fail the caller's request.
    await touchApiToken(db, found.id, LAST_USED_RESOLUTION_SECONDS).catch((err: unknown) =>
      req.log.warn({ err, apiTokenId: found.id }, 'could not record the API token use'),
    );
  }
}

/**
 * Hook for routes an API token may not use (managing API tokens; a password change): a leaked token must
 * not be able to outlive its own revocation by minting another one, nor lock its owner out.
 */
export async function requireSession(req: FastifyRequest): Promise<void> {
  if (req.apiToken) {
    throw new ApiError(
      403,
      'api_token_not_allowed',
      'An API token cannot do this (create or revoke API tokens, change a password): log in to Support Fusion and do it there.',
    );
  }
}
