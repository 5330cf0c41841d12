import type { FastifyInstance } from 'fastify';
import { findConnectionForOrganisation, sideOf } from '../../db/repositories/connections.ts';
import { requireUser } from '../auth.ts';
import type { AppContext } from '../context.ts';
import { ApiError, errorBodySchema } from '../errors.ts';
import { sideWorkspacesLoader } from '../side-workspaces.ts';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const errors = { 400: errorBodySchema, 401: errorBodySchema, 403: errorBodySchema, 404: errorBodySchema } as const;

const workspacesSchema = {
  tags: ['connections'],
  summary: "Your own platform account's workspaces, for the configuration's workspace choice (never the partner's)",
  description:
    'Accounts with several workspaces list only the primary one unless told otherwise; the configuration chooses which this side syncs. ' +
    'An empty list means the account has no workspaces (older accounts). error says why they could not be loaded (not_configured, credentials_unreadable, ' +
    'rate_limited or a platform error kind) instead of failing the request.',
  params: { type: 'object', required: ['id'], properties: { id: { type: 'string', description: 'Connection id (uuid)' } } },
  response: {
    200: {
      type: 'object',
      required: ['workspaces', 'error'],
      properties: {
        workspaces: {
          type: 'array',
          items: {
            type: 'object',
            required: ['id', 'name', 'primary'],
            properties: { id: { type: 'string' }, name: { type: 'string' }, primary: { type: 'boolean' } },
          },
        },
        error: {
          anyOf: [{ type: 'null' }, { type: 'object', required: ['code', 'message'], properties: { code: { type: 'string' }, message: { type: 'string' } } }],
        },
      },
    },
    ...errors,
  },
} as const;

/** GET /connections/:id/workspaces — the caller's own side only: a partner's account layout is not shared. */
export async function workspaceRoutes(app: FastifyInstance, ctx: AppContext): Promise<void> {
  const loadWorkspaces = sideWorkspacesLoader(ctx);
  app.get('/connections/:id/workspaces', { onRequest: requireUser, schema: workspacesSchema }, async (req) => {
    const { id } = req.params as { id: string };
    const c = UUID.test(id) ? await findConnectionForOrganisation(ctx.db, id, req.auth!.organisationId) : undefined;
    if (!c) throw new ApiError(404, 'not_found', 'There is no such connection for your organisation; it may have been revoked.');
    return loadWorkspaces(c, sideOf(c, req.auth!.organisationId));
  });
}
