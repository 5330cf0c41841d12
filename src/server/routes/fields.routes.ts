import type { FastifyInstance } from 'fastify';
import { findConnectionForOrganisation, type Side } from '../../db/repositories/connections.ts';
import { requireUser } from '../auth.ts';
import type { AppContext } from '../context.ts';
import { ApiError } from '../errors.ts';
import { sideFieldsLoader } from '../side-fields.ts';
import { fieldsSchemas } from './fields.schemas.ts';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * GET /connections/:id/fields: the discovered fields of one side or both, through the field cache
 * (side-fields.ts). Who may read is as for the mappings: any member of either organisation of the connection.
 */
export async function fieldsRoutes(app: FastifyInstance, ctx: AppContext): Promise<void> {
  const loadFields = sideFieldsLoader(ctx);

  app.get('/connections/:id/fields', { onRequest: requireUser, schema: fieldsSchemas.fields }, async (req) => {
    const { id } = req.params as { id: string };
    const q = req.query as { side?: Side; refresh?: '0' | '1' };
    const c = UUID.test(id) ? await findConnectionForOrganisation(ctx.db, id, req.auth!.organisationId) : undefined;
    if (!c) throw new ApiError(404, 'not_found', 'There is no such connection for your organisation; it may have been revoked.');
    const refresh = q.refresh === '1';
    const sides: Side[] = q.side ? [q.side] : ['source', 'target'];
    const results = await Promise.all(sides.map((side) => loadFields(c, side, { refresh })));
    return Object.fromEntries(sides.map((side, i) => [side, results[i]]));
  });
}
