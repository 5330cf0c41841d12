import type { FastifyInstance, FastifyRequest } from 'fastify';
import { RunInProgressError, membership, startRun } from '../../db/repositories/sync-runs.ts';
import type { Side } from '../../db/repositories/sync-store.ts';
import {
  contractNameOf,
  findTicketLink,
  forgetHandledVersion,
  hasRunningRun,
  queueRetry,
  recordRequestEvent,
  ticketTimeline,
} from '../../db/repositories/ticket-events.ts';
import { partnerVisibleRuns } from '../../db/repositories/run-history.ts';
import { addSyncHint } from '../../db/repositories/webhooks.ts';
import { audit } from '../audit.ts';
import { requireMember, requireUser } from '../auth.ts';
import type { AppContext } from '../context.ts';
import { ApiError } from '../errors.ts';
import { ticketUrlsFor } from '../ticket-urls.ts';
import { ticketTimelineSchemas } from './ticket-timeline.schemas.ts';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const TICKET_ID = /^[A-Za-z0-9_.-]{1,64}$/;
const other = (s: Side): Side => (s === 'source' ? 'target' : 'source');

const notFound = () => new ApiError(404, 'not_found', 'No such ticket in the sync records of this connection for your organisation');
const inProgress = () => new ApiError(409, 'sync_in_progress', 'A sync of this connection is already running; wait for it to finish, then start another');

/**
 * The caller's connection and the ticket asked about. A ticket that never travelled (no link) is the
 * business of its own organisation only: the partner learns nothing of it, not even that it exists.
 */
async function resolve(ctx: AppContext, req: FastifyRequest) {
  const { id, side, ticketId } = req.params as { id: string; side: string; ticketId: string };
  const member = UUID.test(id) ? await membership(ctx.db, id, req.auth!.organisationId) : null;
  if (!member) throw new ApiError(404, 'not_found', 'No such connection for your organisation');
  if (side !== 'source' && side !== 'target') throw new ApiError(400, 'validation_failed', 'side must be source or target', { field: 'side' });
  if (!TICKET_ID.test(ticketId))
    throw new ApiError(400, 'validation_failed', 'ticketId must be a ticket id as the platform shows it (letters, digits, - _ .)', { field: 'ticketId' });
  const link = await findTicketLink(ctx.db, id, side, ticketId);
  // The partner's ticket without a copy: seen (and retried) by this side only when the filters had admitted it
  // and the write into this side's platform is what failed — this side is the one that can fix it.
  const onlyRuns = !link && member.side !== side ? await partnerVisibleRuns(ctx.db, id, side as Side, ticketId) : undefined;
  if (onlyRuns === null) throw notFound();
  return { connectionId: id, side: side as Side, ticketId, link, member, onlyRuns };
}

/**
 * A run for the tickets a person asked for: what it should work is stored, then the run row (409 while
 * another runs), then `record` (the timeline step, so it comes before the run's own), then the queue.
 */
export async function startTicketRun(
  ctx: AppContext,
  req: FastifyRequest,
  connectionId: string,
  prepare: () => Promise<void>,
  record: (runId: string) => Promise<void>,
) {
  if (!ctx.jobs) throw new ApiError(503, 'jobs_unavailable', 'The job engine is not running; restart Support Fusion');
  // Checked before anything is changed, so a 409 leaves everything as it was.
  if (await hasRunningRun(ctx.db, connectionId)) throw inProgress();
  await prepare();
  let run;
  try {
    run = await startRun(ctx.db, { connectionId, trigger: 'ticket', since: null, requestedBy: req.auth!.userId });
  } catch (err) {
    if (err instanceof RunInProgressError) throw inProgress();
    throw err;
  }
  await record(run.id);
  await ctx.jobs.enqueue({ runId: run.id, connectionId, trigger: 'ticket', since: null });
  return run;
}

export async function ticketTimelineRoutes(app: FastifyInstance, ctx: AppContext): Promise<void> {
  app.get('/connections/:id/tickets/:side/:ticketId/timeline', { preHandler: requireUser, schema: ticketTimelineSchemas.timeline }, async (req) => {
    const t = await resolve(ctx, req);
    const timeline = await ticketTimeline(ctx.db, t.connectionId, t.side, t.ticketId, t.onlyRuns);
    if (!timeline) throw notFound();
    // Links into the platforms: the caller's own side's, the partner's while it shares ticket links.
    const urls = await ticketUrlsFor(ctx.db, t.connectionId, t.member.side as Side);
    const linked = timeline.ticket.linked ? { ...timeline.ticket.linked, url: urls(timeline.ticket.linked.side, timeline.ticket.linked.id) } : null;
    return { ...timeline, ticket: { ...timeline.ticket, url: urls(t.side, t.ticketId), linked } };
  });

  app.post('/connections/:id/tickets/:side/:ticketId/retry', { preHandler: requireMember, schema: ticketTimelineSchemas.retry }, async (req, reply) => {
    const t = await resolve(ctx, req);
    if (t.member.status !== 'active') throw new ApiError(409, 'connection_not_active', 'The connection is not active: it was revoked or not yet accepted');
    const timeline = await ticketTimeline(ctx.db, t.connectionId, t.side, t.ticketId, t.onlyRuns);
    if (!timeline) throw notFound();
    // The ticket that failed is retried: the one asked about, or its counterpart when that is the one in the retry set.
    const target = timeline.ticket.retry
      ? { side: timeline.ticket.retry.side, ticketId: timeline.ticket.retry.ticketId }
      : { side: t.side, ticketId: t.ticketId };
    const linked = timeline.ticket.linked;
    const linkedOfTarget = target.side === t.side ? (linked?.id ?? null) : t.ticketId;
    const run = await startTicketRun(
      ctx,
      req,
      t.connectionId,
      () => queueRetry(ctx.db, t.connectionId, target.side, target.ticketId),
      (runId) =>
        recordRequestEvent(ctx.db, {
          connectionId: t.connectionId,
          runId,
          side: target.side,
          ticketId: target.ticketId,
          linkedTicketId: linkedOfTarget,
          summary: `Retry requested by ${req.auth!.email}`,
        }),
    );
    const contract = await contractNameOf(ctx.db, t.connectionId);
    await audit(ctx.db, req, {
      action: 'ticket.retry_requested',
      target: { type: 'ticket', id: `${target.side}:${target.ticketId}`, label: `${contract ?? 'Connection'}: ${target.side} ticket #${target.ticketId}` },
      after: { connectionId: t.connectionId, runId: run.id },
    });
    return reply.code(202).send({ id: run.id, status: run.status });
  });

  app.post('/connections/:id/tickets/:side/:ticketId/resync', { preHandler: requireMember, schema: ticketTimelineSchemas.resync }, async (req, reply) => {
    const t = await resolve(ctx, req);
    if (t.member.status !== 'active') throw new ApiError(409, 'connection_not_active', 'The connection is not active: it was revoked or not yet accepted');
    if (!t.link)
      throw new ApiError(409, 'not_linked', 'This ticket has no linked copy yet, so there is nothing to resync; use Retry, or Sync now, to create its copy');
    // The original is read again and its mapped fields written to the copy, whichever of the two was asked about.
    const origin = t.link.origin_side as Side;
    const originId = origin === 'source' ? t.link.source_ticket_id : t.link.target_ticket_id;
    const copyId = origin === 'source' ? t.link.target_ticket_id : t.link.source_ticket_id;
    const run = await startTicketRun(
      ctx,
      req,
      t.connectionId,
      async () => {
        await forgetHandledVersion(ctx.db, t.link!.id, origin);
        await addSyncHint(ctx.db, t.connectionId, origin, originId);
      },
      (runId) =>
        recordRequestEvent(ctx.db, {
          connectionId: t.connectionId,
          runId,
          side: origin,
          ticketId: originId,
          linkedTicketId: copyId,
          summary: `Resync requested by ${req.auth!.email}: #${originId} is read again and its mapped fields written to #${copyId}`,
        }),
    );
    await audit(ctx.db, req, {
      action: 'ticket.resync_requested',
      target: {
        type: 'ticket',
        id: `${origin}:${originId}`,
        label: `${(await contractNameOf(ctx.db, t.connectionId)) ?? 'Connection'}: ${origin} ticket #${originId} → ${other(origin)} #${copyId}`,
      },
      after: { connectionId: t.connectionId, runId: run.id },
    });
    return reply.code(202).send({ id: run.id, status: run.status });
  });
}
