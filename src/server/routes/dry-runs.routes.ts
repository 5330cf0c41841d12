import type { FastifyInstance } from 'fastify';
import { membership } from '../../db/repositories/sync-runs.ts';
import { createSyncStore } from '../../db/repositories/sync-store.ts';
import { DRY_RUN_BUDGET_SHARE, dryRunDeps } from '../../sync/dry-run/dry-run-deps.ts';
import { dryRun } from '../../sync/dry-run/dry-run.ts';
import { readsOf } from '../../sync/dry-run/memory-store.ts';
import { contractNameOf } from '../../db/repositories/ticket-events.ts';
import { audit } from '../audit.ts';
import { requireMember } from '../auth.ts';
import type { AppContext } from '../context.ts';
import { ApiError } from '../errors.ts';
import { dryRunSchemas } from './dry-runs.schemas.ts';
import { parseIsoInstant } from './sync-runs.routes.ts';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * POST /connections/:id/dry-runs — the writes a sync from `since` would make, made by nobody.
 *
 * Synchronous, in the request: the user waits for the answer anyway, nothing is stored that a job
 * would have to hand back, and the engine is bounded (500 tickets, no new ticket after 40 s, each
 * platform call bounded by its own timeout), so the request stays well under proxy timeouts.
 * `truncated` says when a real sync would go on. One dry run per connection at a time in this process:
 * a second click waits for nothing and costs the platforms no second set of reads.
 */
export async function dryRunRoutes(app: FastifyInstance, ctx: AppContext): Promise<void> {
  const inFlight = new Set<string>();

  app.post('/connections/:id/dry-runs', { preHandler: requireMember, schema: dryRunSchemas.create }, async (req) => {
    const { id } = req.params as { id: string };
    const { since } = req.body as { since: string };
    const member = UUID.test(id) ? await membership(ctx.db, id, req.auth!.organisationId) : null;
    if (!member) throw new ApiError(404, 'not_found', 'No such connection for your organisation');
    if (member.status !== 'active')
      throw new ApiError(409, 'connection_not_active', 'The connection is not active yet: your partner has to accept it with the verification code first');
    const sinceAt = parseIsoInstant(since, 'since');
    if (sinceAt.getTime() > Date.now())
      throw new ApiError(400, 'validation_failed', 'since is in the future; choose a start date today or earlier', { field: 'since' });
    if (inFlight.has(id)) throw new ApiError(409, 'dry_run_in_progress', 'A dry run of this connection is already being prepared; wait for its result');
    inFlight.add(id);
    try {
      const log = (msg: string, data?: Record<string, unknown>) => req.log.info({ connectionId: id, ...data }, `dry run: ${msg}`);
      const deps = dryRunDeps(ctx, ctx.config.dryRunBudgetShare ?? DRY_RUN_BUDGET_SHARE, readsOf(createSyncStore(ctx.db)), log);
      const result = await dryRun(deps, { connectionId: id, since: sinceAt, viewerSide: member.side as 'source' | 'target' });
      // Audited whatever its outcome: it read both platforms on the caller's behalf.
      await audit(ctx.db, req, {
        action: 'connection.dry_run',
        target: { type: 'connection', id, label: await contractNameOf(ctx.db, id) },
        after: { since: sinceAt.toISOString(), ok: !('error' in result) },
      });
      if ('error' in result) throw new ApiError(409, 'dry_run_failed', `The dry run could not read what a sync would: ${result.error}`);
      return result;
    } finally {
      inFlight.delete(id);
    }
  });
}
