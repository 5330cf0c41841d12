import type { FastifyInstance, FastifyRequest } from 'fastify';
import { createApiToken, listApiTokens, revokeApiToken, type ApiTokenRecord } from '../../db/repositories/api-tokens.ts';
import type { MemberRole } from '../../db/repositories/members.ts';
import { newApiToken, requireSession, ROLE_RANK } from '../api-token-auth.ts';
import { audit } from '../audit.ts';
import { requireUser } from '../auth.ts';
import type { AppContext } from '../context.ts';
import { ApiError } from '../errors.ts';
import { apiTokenSchemas as s } from './api-tokens.schemas.ts';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Per-user API tokens (docs/architecture.md, "API tokens"). Anyone signed in manages their own tokens; an
 * admin sees and revokes every token of the organisation. Creating and revoking need a logged-in session:
 * a token cannot make another token, so it can never mint more rights or a longer life than its own, and
 * revoking a leaked token is the end of it.
 */
export async function apiTokenRoutes(app: FastifyInstance, ctx: AppContext): Promise<void> {
  app.get('/api-tokens', { onRequest: requireUser, schema: s.list }, async (req) => {
    const a = req.auth!;
    const list = await listApiTokens(ctx.db, a.organisationId, a.role === 'admin' ? undefined : a.userId);
    return { tokens: list.map((t) => view(t, req)) };
  });

  app.post('/api-tokens', { onRequest: [requireUser, requireSession], schema: s.create }, async (req, reply) => {
    const a = req.auth!;
    const body = req.body as { name: string; role: MemberRole; expiresAt?: string | null };
    const name = body.name.trim();
    if (!name) throw new ApiError(400, 'validation_failed', 'Give the token a name that says where it is used, e.g. "nightly export".', { field: 'name' });
    if (ROLE_RANK[body.role] > ROLE_RANK[a.role as MemberRole]) {
      throw new ApiError(403, 'token_role_too_high', `Your role is ${a.role}: a token can have your role or a lower one, not ${body.role}.`, { field: 'role' });
    }
    const expiresAt = body.expiresAt ? new Date(body.expiresAt) : null;
    if (expiresAt && !(expiresAt.getTime() > Date.now())) {
      throw new ApiError(400, 'invalid_expiry', 'The expiry date must be in the future (or leave it empty for a token that does not expire).', {
        field: 'expiresAt',
      });
    }
    const secret = newApiToken();
    const t = await createApiToken(ctx.db, {
      organisationId: a.organisationId,
      userId: a.userId,
      name,
      role: body.role,
      tokenHash: secret.hash,
      hint: secret.hint,
      expiresAt,
    });
    // The secret and its hash stay out of the audit log; the hint is what the list shows anyway.
    await audit(ctx.db, req, {
      action: 'api_token.created',
      target: { type: 'api_token', id: t.id, label: name },
      before: null,
      after: { name, role: t.role, hint: t.hint, expiresAt: t.expiresAt?.toISOString() ?? null },
    });
    req.log.info({ apiTokenId: t.id, role: t.role }, 'API token created');
    return reply.status(201).send({ ...view(t, req), token: secret.token });
  });

  app.delete('/api-tokens/:id', { onRequest: [requireUser, requireSession], schema: s.revoke }, async (req) => {
    const a = req.auth!;
    const { id } = req.params as { id: string };
    const t = UUID.test(id) ? await revokeApiToken(ctx.db, a.organisationId, id, new Date(), a.role === 'admin' ? undefined : a.userId) : undefined;
    if (!t)
      throw new ApiError(
        404,
        'not_found',
        'There is no such API token of yours (an admin can revoke any token of the organisation); it may already have been revoked.',
      );
    await audit(ctx.db, req, {
      action: 'api_token.revoked',
      target: { type: 'api_token', id, label: t.name },
      before: { name: t.name, role: t.role, hint: t.hint, owner: t.owner.email },
      after: null,
    });
    req.log.info({ apiTokenId: id }, 'API token revoked');
    return { id, revoked: true };
  });
}

function view(t: ApiTokenRecord, req: FastifyRequest) {
  return {
    id: t.id,
    name: t.name,
    role: t.role,
    hint: t.hint,
    owner: t.owner,
    createdAt: t.createdAt.toISOString(),
    expiresAt: t.expiresAt?.toISOString() ?? null,
    lastUsedAt: t.lastUsedAt?.toISOString() ?? null,
    expired: t.expiresAt !== null && t.expiresAt.getTime() <= Date.now(),
    you: t.owner.id === req.auth!.userId,
  };
}
