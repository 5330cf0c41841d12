import type { FastifyInstance } from 'fastify';
import { getRun, membership, type SyncRunView } from '../../db/repositories/sync-runs.ts';
import { requireUser } from '../auth.ts';
import type { AppContext } from '../context.ts';
import { ApiError, errorBodySchema } from '../errors.ts';
import { syncRunSchema } from './sync-runs.schemas.ts';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export interface RunEventsOptions {
  /** How often the run row is read (web and worker may be separate processes, so the database is the source). */
  pollMs?: number;
  /** A comment line this often keeps proxies from closing an idle stream. */
  heartbeatMs?: number;
  /** Open streams per organisation; more get 429. */
  maxStreamsPerOrganisation?: number;
}

/** What a progress event carries: the run as GET /sync-runs/:id shows it, without the detail rows. */
type RunEvent = SyncRunView;

/** The part of a run that, when it changes, is worth an event (not the heartbeat or the worker). */
const fingerprint = (r: RunEvent) => JSON.stringify([r.status, r.counts, r.progress, r.waitingUntil, r.waitingReason, r.error, r.finishedAt]);

/**
 * `GET /sync-runs/:id/events`: Server-Sent Events with a running run's progress. The server reads the
 * run row every `pollMs` and sends a `progress` event whenever something changed, a `done` event with
 * the final run when it ends (then closes the stream), and a comment as heartbeat. Scoped like
 * GET /sync-runs/:id: another organisation's run is a 404, before any stream starts.
 */
export async function runEventRoutes(app: FastifyInstance, ctx: AppContext, opts: RunEventsOptions = {}): Promise<void> {
  const pollMs = opts.pollMs ?? 500;
  const heartbeatMs = opts.heartbeatMs ?? 15_000;
  const maxPerOrg = opts.maxStreamsPerOrganisation ?? 20;
  const open = new Map<string, number>();
  const closers = new Set<() => void>();

  // Open streams would keep the server from closing: end them first.
  app.addHook('preClose', async () => {
    for (const close of [...closers]) close();
  });

  app.get(
    '/sync-runs/:id/events',
    {
      preHandler: requireUser,
      schema: {
        tags: ['sync'],
        summary: 'Live progress of a sync run (Server-Sent Events)',
        description:
          'text/event-stream. `event: progress` with the run (status, counts, progress {phase, ticketsSeen, ticketsDone, steps}, waitingUntil, waitingReason) whenever it changes; ' +
          '`event: done` with the final run, after which the stream ends; `: heartbeat` comments keep it open. A finished run gets one `done` event.',
        params: { type: 'object', required: ['id'], properties: { id: { type: 'string' } } },
        response: {
          200: { description: 'The event stream; each `data:` line is a run as below', content: { 'text/event-stream': { schema: syncRunSchema } } },
          404: errorBodySchema,
          429: errorBodySchema,
        },
      },
    },
    async (req, reply) => {
      const { id } = req.params as { id: string };
      const orgId = req.auth!.organisationId;
      const found = UUID.test(id) ? await getRun(ctx.db, id) : null;
      const member = found ? await membership(ctx.db, found.connectionId, orgId) : null;
      if (!found || !member) throw new ApiError(404, 'not_found', 'No such sync run for your organisation');
      // Read again as the caller's side: the progress steps include the caller's own tickets (not the partner's).
      const first = (await getRun(ctx.db, id, member.side)) ?? found;
      if ((open.get(orgId) ?? 0) >= maxPerOrg) {
        throw new ApiError(429, 'too_many_streams', `Your organisation already follows ${maxPerOrg} sync runs live; close some pages and try again.`, {
          headers: { 'retry-after': '10' },
        });
      }

      reply.hijack();
      const res = reply.raw;
      res.writeHead(200, {
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-cache, no-transform',
        connection: 'keep-alive',
        'x-accel-buffering': 'no',
        'x-content-type-options': 'nosniff',
      });
      open.set(orgId, (open.get(orgId) ?? 0) + 1);

      let closed = false;
      let poll: NodeJS.Timeout | undefined;
      let last = '';
      const send = (event: string, data: unknown) => {
        if (!closed) res.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
      };
      const close = () => {
        if (closed) return;
        closed = true;
        clearTimeout(poll);
        clearInterval(heartbeat);
        closers.delete(close);
        const n = (open.get(orgId) ?? 1) - 1;
        if (n > 0) open.set(orgId, n);
        else open.delete(orgId);
        res.end();
      };
      closers.add(close);
      // The client went away (or the response ended): stop polling, free the slot.
      res.on('close', close);
      const heartbeat = setInterval(() => {
        if (!closed) res.write(': heartbeat\n\n');
      }, heartbeatMs);

      /** Sends what changed; true once the run has ended (its final state sent). */
      const push = (run: RunEvent): boolean => {
        if (run.status !== 'running') {
          send('done', run);
          return true;
        }
        const f = fingerprint(run);
        if (f !== last) {
          last = f;
          send('progress', run);
        }
        return false;
      };

      // A reconnecting browser resumes after 2 s.
      res.write('retry: 2000\n\n');
      if (push(first)) return close();
      const tick = async () => {
        if (closed) return;
        try {
          const run = await getRun(ctx.db, id, member.side);
          if (closed) return;
          if (!run) return close(); // the connection was deleted meanwhile
          if (push(run)) return close();
        } catch (err) {
          req.log.warn({ err, runId: id }, 'run events: reading the run failed');
        }
        if (!closed) poll = setTimeout(() => void tick(), pollMs);
      };
      poll = setTimeout(() => void tick(), pollMs);
    },
  );
}
