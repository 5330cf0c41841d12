import { Readable } from 'node:stream';
import { stringify } from 'csv-stringify/sync';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import {
  allRunDetails,
  BadCursorError,
  failedRetryTargets,
  retryableRows,
  runDetailsPage,
  visibleDetail,
  type RetryTarget,
} from '../../db/repositories/run-history.ts';
import { getRun, membership } from '../../db/repositories/sync-runs.ts';
import type { Side } from '../../db/repositories/sync-store.ts';
import { contractNameOf, queueRetry, recordRequestEvent } from '../../db/repositories/ticket-events.ts';
import { audit } from '../audit.ts';
import { requireMember, requireUser } from '../auth.ts';
import type { AppContext } from '../context.ts';
import { ApiError } from '../errors.ts';
import { ticketUrlsFor } from '../ticket-urls.ts';
import { runDetailSchemas } from './run-details.schemas.ts';
import { pageLimit } from './sync-runs.routes.ts';
import { startTicketRun } from './ticket-timeline.routes.ts';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const DETAILS_PAGE_DEFAULT = 200;
const DETAILS_PAGE_MAX = 1000;
const OUTCOME_WORDS: Record<string, string> = { created: 'Created', updated: 'Updated', closed: 'Closed', failed: 'Failed' };

/** The run and the caller's side of its connection; 404 for a run of a connection the organisation is not part of. */
async function runOfCaller(ctx: AppContext, req: FastifyRequest) {
  const { id } = req.params as { id: string };
  const run = UUID.test(id) ? await getRun(ctx.db, id) : null;
  const member = run ? await membership(ctx.db, run.connectionId, req.auth!.organisationId) : null;
  if (!run || !member) throw new ApiError(404, 'not_found', 'No such sync run for your organisation');
  return { run, side: member.side as Side, status: member.status };
}

/**
 * A spreadsheet runs a cell starting with = + - @ (or a tab or carriage return before one) as a formula:
 * subjects and errors come from the platforms, so such a cell is written with a leading quote.
 */
export function csvSafe(value: string | number | null): string {
  if (value === null) return '';
  const s = String(value);
  return /^[=+\-@\t\r]/.test(s) ? `'${s}` : s;
}

const CSV_HEADER = [
  'Source ticket',
  'Target ticket',
  'Subject',
  'Outcome',
  'Error',
  'Failed comments',
  'Failed attachments',
  'Recorded at',
  'Source ticket link',
  'Target ticket link',
];

/** Puts the tickets in the retry set and starts one run for them (409 while another run of the connection goes). */
async function retryTickets(ctx: AppContext, req: FastifyRequest, connectionId: string, targets: RetryTarget[], why: string) {
  return startTicketRun(
    ctx,
    req,
    connectionId,
    async () => {
      for (const t of targets) await queueRetry(ctx.db, connectionId, t.side, t.ticketId);
    },
    async (runId) => {
      for (const t of targets) {
        await recordRequestEvent(ctx.db, {
          connectionId,
          runId,
          side: t.side,
          ticketId: t.ticketId,
          linkedTicketId: t.linkedTicketId,
          summary: `Retry requested by ${req.auth!.email}${why}`,
        });
      }
    },
  );
}

export async function runDetailRoutes(app: FastifyInstance, ctx: AppContext): Promise<void> {
  app.get('/sync-runs/:id/details', { preHandler: requireUser, schema: runDetailSchemas.page }, async (req) => {
    const { run, side } = await runOfCaller(ctx, req);
    const q = req.query as { cursor?: string; limit?: string; q?: string; outcome?: string };
    let page;
    try {
      page = await runDetailsPage(ctx.db, run.id, side, {
        limit: pageLimit(q.limit, DETAILS_PAGE_DEFAULT, DETAILS_PAGE_MAX),
        cursor: q.cursor,
        q: q.q,
        outcome: q.outcome,
      });
    } catch (err) {
      if (err instanceof BadCursorError)
        throw new ApiError(
          400,
          'validation_failed',
          `${err.message}: send the nextCursor of the previous page unchanged, or leave cursor out for the first page`,
          { field: 'cursor' },
        );
      throw err;
    }
    const urls = await ticketUrlsFor(ctx.db, run.connectionId, side);
    return {
      details: page.details.map((d) => ({ ...d, sourceTicketUrl: urls('source', d.sourceTicketId), targetTicketUrl: urls('target', d.targetTicketId) })),
      nextCursor: page.nextCursor,
    };
  });

  app.get('/sync-runs/:id/details.csv', { preHandler: requireUser, schema: runDetailSchemas.csv }, async (req, reply) => {
    const { run, side } = await runOfCaller(ctx, req);
    const urls = await ticketUrlsFor(ctx.db, run.connectionId, side);
    async function* lines() {
      yield `\ufeff${stringify([CSV_HEADER])}`;
      let batch: string[][] = [];
      for await (const d of allRunDetails(ctx.db, run.id, side)) {
        batch.push(
          [
            d.sourceTicketId,
            d.targetTicketId,
            d.subject,
            OUTCOME_WORDS[d.outcome] ?? d.outcome,
            d.error,
            d.failedComments,
            d.failedAttachments,
            d.recordedAt,
            urls('source', d.sourceTicketId),
            urls('target', d.targetTicketId),
          ].map(csvSafe),
        );
        if (batch.length >= 500) {
          yield stringify(batch);
          batch = [];
        }
      }
      if (batch.length > 0) yield stringify(batch);
    }
    const day = run.startedAt.slice(0, 10);
    return reply
      .type('text/csv; charset=utf-8')
      .header('content-disposition', `attachment; filename="sync-run-${day}-${run.id.slice(0, 8)}.csv"`)
      .header('cache-control', 'no-store')
      .send(Readable.from(lines()));
  });

  app.post('/sync-runs/:id/retry-failed', { preHandler: requireMember, schema: runDetailSchemas.retryFailed }, async (req, reply) => {
    const { run, side, status } = await runOfCaller(ctx, req);
    if (status !== 'active') throw new ApiError(409, 'connection_not_active', 'The connection is not active: it was revoked or not yet accepted');
    // Every failed row the caller may retry: its own tickets, and the partner's whose write into the caller's platform failed.
    const targets = await failedRetryTargets(ctx.db, run.id, side);
    if (targets.length === 0) throw new ApiError(409, 'nothing_to_retry', 'This run has no failed ticket to retry');
    const started = await retryTickets(ctx, req, run.connectionId, targets, ` (all failed tickets of the run of ${run.startedAt})`);
    await audit(ctx.db, req, {
      action: 'ticket.retry_requested',
      target: {
        type: 'sync_run',
        id: run.id,
        label: `${(await contractNameOf(ctx.db, run.connectionId)) ?? 'Connection'}: ${targets.length} failed ticket${targets.length === 1 ? '' : 's'} of the run of ${run.startedAt}`,
      },
      after: { connectionId: run.connectionId, runId: started.id, tickets: targets.map((t) => `${t.side}:${t.ticketId}`) },
    });
    return reply.code(202).send({ id: started.id, status: started.status, tickets: targets.length });
  });

  app.post('/sync-runs/:id/details/:detailId/retry', { preHandler: requireMember, schema: runDetailSchemas.retryDetail }, async (req, reply) => {
    const { run, side, status } = await runOfCaller(ctx, req);
    const { detailId } = req.params as { detailId: string };
    const detail = await visibleDetail(ctx.db, run.id, detailId, side);
    if (!detail || !detail.target) throw new ApiError(404, 'not_found', 'No such ticket row in this run for your organisation');
    if (status !== 'active') throw new ApiError(409, 'connection_not_active', 'The connection is not active: it was revoked or not yet accepted');
    if (detail.outcome !== 'failed' && detail.failedComments + detail.failedAttachments === 0)
      throw new ApiError(409, 'not_failed', 'This ticket did not fail in this run: there is nothing to retry');
    const t = detail.target;
    if (!(await retryableRows(ctx.db, run.id, side)).some((r) => r.detailId === detail.id)) {
      throw new ApiError(
        403,
        'not_yours_to_retry',
        "This ticket failed on your partner's side (reading it from their platform), not in your platform: your partner retries it once they have fixed the cause",
      );
    }
    const started = await retryTickets(ctx, req, run.connectionId, [t], '');
    await audit(ctx.db, req, {
      action: 'ticket.retry_requested',
      target: {
        type: 'ticket',
        id: `${t.side}:${t.ticketId}`,
        label: `${(await contractNameOf(ctx.db, run.connectionId)) ?? 'Connection'}: ${t.side} ticket #${t.ticketId}`,
      },
      after: { connectionId: run.connectionId, runId: started.id, fromRun: run.id },
    });
    return reply.code(202).send({ id: started.id, status: started.status, tickets: 1 });
  });
}
