import type { FastifyInstance } from 'fastify';
import { BadCursorError, listRunsPage, retryableRows } from '../../db/repositories/run-history.ts';
import { connectionIdsOf, getRun, membership, RunInProgressError, runDetails, startRun } from '../../db/repositories/sync-runs.ts';
import type { Side } from '../../db/repositories/sync-store.ts';
import { contractNameOf } from '../../db/repositories/ticket-events.ts';
import { audit } from '../audit.ts';
import { runFailureFor } from '../run-failure.ts';
import { requireMember, requireUser } from '../auth.ts';
import type { AppContext } from '../context.ts';
import { ApiError } from '../errors.ts';
import { ticketUrlsFor } from '../ticket-urls.ts';
import { syncRunSchemas } from './sync-runs.schemas.ts';

const RUN_STATUSES = ['running', 'success', 'partial', 'failed', 'no_tickets'];
/** Runs per page of the history (also the default: callers that never page get the first 500, as before). */
export const RUNS_PAGE_MAX = 500;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;
const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/;

/** A page size from the query (digits only, by the schema): 1 to `max`, else a 400 that says so. */
export function pageLimit(value: string | undefined, fallback: number, max: number): number {
  if (value === undefined || value === '') return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > max)
    throw new ApiError(400, 'validation_failed', `limit must be a whole number from 1 to ${max}; got "${value}"`, { field: 'limit' });
  return n;
}

/** ISO 8601 date (midnight UTC) or date-time with a zone; anything else is refused with what to send. */
export function parseIsoInstant(value: string, field: string): Date {
  const v = value.trim();
  const d = DATE_ONLY.test(v) ? new Date(`${v}T00:00:00Z`) : DATE_TIME.test(v) ? new Date(v) : null;
  if (!d || Number.isNaN(d.getTime())) {
    throw new ApiError(
      400,
      'validation_failed',
      `${field} must be an ISO 8601 date (2026-11-01) or date-time with a time zone (2026-11-01T09:00:00Z); got "${value}"`,
      { field },
    );
  }
  return d;
}

/** The run's rows as the caller's side may see them, each of its own tickets with a link into its platform. */
async function detailsWithLinks(ctx: AppContext, connectionId: string, runId: string, side: Side) {
  const urls = await ticketUrlsFor(ctx.db, connectionId, side);
  const retryable = new Set((await retryableRows(ctx.db, runId, side)).map((r) => r.detailId));
  return (await runDetails(ctx.db, runId, side)).map((d) => ({
    ...d,
    sourceTicketUrl: urls('source', d.sourceTicketId),
    targetTicketUrl: urls('target', d.targetTicketId),
    retryable: retryable.has(d.id),
  }));
}

export async function syncRunRoutes(app: FastifyInstance, ctx: AppContext): Promise<void> {
  app.post('/connections/:id/sync-runs', { preHandler: requireMember, schema: syncRunSchemas.start }, async (req, reply) => {
    const { id } = req.params as { id: string };
    const { since } = req.body as { since: string };
    const member = UUID.test(id) ? await membership(ctx.db, id, req.auth!.organisationId) : null;
    if (!member) throw new ApiError(404, 'not_found', 'No such connection for your organisation');
    if (member.status !== 'active')
      throw new ApiError(409, 'connection_not_active', 'The connection is not active yet: your partner has to accept it with the verification code first');
    const sinceAt = parseIsoInstant(since, 'since');
    if (sinceAt.getTime() > Date.now())
      throw new ApiError(400, 'validation_failed', 'since is in the future; choose a start date today or earlier', { field: 'since' });
    if (!ctx.jobs) throw new ApiError(503, 'jobs_unavailable', 'The job engine is not running; restart Support Fusion');
    let run;
    try {
      run = await startRun(ctx.db, { connectionId: id, trigger: 'manual', since: sinceAt, requestedBy: req.auth!.userId });
    } catch (err) {
      if (err instanceof RunInProgressError)
        throw new ApiError(409, 'sync_in_progress', 'A sync of this connection is already running; wait for it to finish, then start another');
      throw err;
    }
    await ctx.jobs.enqueue({ runId: run.id, connectionId: id, trigger: 'manual', since: sinceAt });
    await audit(ctx.db, req, {
      action: 'connection.sync_started',
      target: { type: 'connection', id, label: await contractNameOf(ctx.db, id) },
      after: { runId: run.id, since: sinceAt.toISOString() },
    });
    return reply.code(202).send({ id: run.id, status: run.status });
  });

  app.get('/sync-runs', { preHandler: requireUser, schema: syncRunSchemas.list }, async (req) => {
    const q = req.query as { connection?: string; status?: string; from?: string; to?: string; cursor?: string; limit?: string };
    if (q.status && !RUN_STATUSES.includes(q.status)) {
      throw new ApiError(400, 'validation_failed', `status must be one of ${RUN_STATUSES.join(', ')}`, { field: 'status' });
    }
    const to = q.to ? parseIsoInstant(q.to, 'to') : new Date();
    const from = q.from ? parseIsoInstant(q.from, 'from') : new Date(to.getTime() - 7 * 86_400_000);
    if (from > to) throw new ApiError(400, 'validation_failed', 'from is after to', { field: 'from' });
    let ids = await connectionIdsOf(ctx.db, req.auth!.organisationId);
    if (q.connection) ids = ids.filter((i) => i === q.connection);
    try {
      // With a cursor, send the same filters as for the first page: the cursor only says where to go on.
      return await listRunsPage(ctx.db, {
        connectionIds: ids,
        status: q.status,
        from,
        to,
        limit: pageLimit(q.limit, RUNS_PAGE_MAX, RUNS_PAGE_MAX),
        cursor: q.cursor,
      });
    } catch (err) {
      if (err instanceof BadCursorError)
        throw new ApiError(
          400,
          'validation_failed',
          `${err.message}: send the nextCursor of the previous page unchanged, or leave cursor out to start from the newest run`,
          { field: 'cursor' },
        );
      throw err;
    }
  });

  app.get('/sync-runs/:id', { preHandler: requireUser, schema: syncRunSchemas.get }, async (req) => {
    const { id } = req.params as { id: string };
    const run = UUID.test(id) ? await getRun(ctx.db, id) : null;
    const member = run ? await membership(ctx.db, run.connectionId, req.auth!.organisationId) : null;
    if (!run || !member) throw new ApiError(404, 'not_found', 'No such sync run for your organisation');
    // As the caller's side sees it: the progress steps include the caller's own tickets (run-steps.ts).
    const progress = (await getRun(ctx.db, id, member.side))?.progress ?? run.progress;
    return {
      ...run,
      progress,
      failure: await runFailureFor(ctx.db, run, member.side),
      details: await detailsWithLinks(ctx, run.connectionId, id, member.side as Side),
    };
  });
}
