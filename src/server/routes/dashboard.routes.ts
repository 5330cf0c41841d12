import type { FastifyInstance } from 'fastify';
import { listConnectionsForOrganisation, viewFor } from '../../db/repositories/connections.ts';
import { connectionFigures, isTimeZone, lastDays, rateBudgetFigures } from '../../db/repositories/dashboard.ts';
import { requireUser } from '../auth.ts';
import { withSchedule } from '../connection-schedule.ts';
import { budgetAccountFor } from '../../sync/side-connector.ts';
import { decryptSecret } from '../../security/crypto.ts';
import type { AppContext } from '../context.ts';
import { ApiError, errorBodySchema } from '../errors.ts';

const counts = (keys: readonly string[]) => ({ type: 'object', properties: Object.fromEntries(keys.map((k) => [k, { type: 'integer' }])) }) as const;
const runCounts = counts(['success', 'partial', 'failed', 'no_tickets', 'running']);
const ticketCounts = counts(['created', 'updated', 'closed', 'failed']);
const totals = { type: 'object', properties: { runs: runCounts, tickets: ticketCounts } } as const;
const nullableString = { type: ['string', 'null'] } as const;

const dashboardSchema = {
  tags: ['dashboard'],
  summary:
    "The organisation's sync at a glance: per connection state, last and next run, lag, success rate and daily figures; rate budget per platform account",
  description:
    'Days are calendar days in `tz` (an IANA time zone, default UTC). lagSeconds: age of the oldest change known not to be synced — ' +
    'the oldest of: a failed ticket waiting for retry (since its first failure), a webhook hint not yet processed, an interrupted create, ' +
    'and the start of the last finished run that read all changes (anything changed after it may not be synced yet); null before such a run. ' +
    'successRate: Success and No-tickets runs divided by all runs finished in the last 7 days (null without any).',
  querystring: {
    type: 'object',
    additionalProperties: false,
    properties: { tz: { type: 'string', description: 'IANA time zone for the daily buckets, e.g. Europe/Paris; default UTC' } },
  },
  response: {
    200: {
      type: 'object',
      properties: {
        generatedAt: { type: 'string', format: 'date-time' },
        timeZone: { type: 'string' },
        days: { type: 'array', items: { type: 'string' }, description: 'The 30 days of the daily series, oldest first' },
        pendingConnections: { type: 'integer', description: 'Connections waiting for the partner to enter the verification code' },
        connections: {
          type: 'array',
          items: {
            type: 'object',
            properties: {
              id: { type: 'string' },
              name: { type: 'string', description: 'The contract name' },
              role: { type: 'string', enum: ['source', 'target'] },
              partner: { type: ['object', 'null'], properties: { id: { type: 'string' }, name: { type: 'string' } } },
              state: { type: 'string', enum: ['initial_sync_required', 'ready', 'automatic', 'paused', 'failing'] },
              automaticSync: { type: 'boolean' },
              intervalMinutes: { type: 'integer' },
              lastRun: {
                type: ['object', 'null'],
                properties: {
                  id: { type: 'string' },
                  trigger: { type: 'string' },
                  status: { type: 'string' },
                  startedAt: { type: 'string' },
                  finishedAt: nullableString,
                  counts: ticketCounts,
                  error: nullableString,
                },
              },
              nextRunAt: nullableString,
              lagSeconds: { type: ['integer', 'null'] },
              lagSince: nullableString,
              lagSource: { type: ['string', 'null'], enum: ['retry', 'hint', 'create', 'last_run', null] },
              successRate: { type: ['number', 'null'] },
              finishedRuns7d: { type: 'integer' },
              daily: {
                type: 'array',
                items: { type: 'object', properties: { date: { type: 'string' }, runs: runCounts, tickets: ticketCounts } },
              },
              totals: { type: 'object', properties: { '7d': totals, '30d': totals } },
            },
          },
        },
        rateBudgets: {
          type: 'array',
          items: {
            type: 'object',
            properties: {
              account: { type: 'string' },
              usedFor: { type: 'array', items: { type: 'string' } },
              keyTested: { type: 'boolean', description: 'The key passed Test Connection and spends the account budget; else a budget of its own' },
              windowSeconds: { type: 'integer' },
              limit: { type: 'integer' },
              allowed: { type: 'integer' },
              used: { type: 'integer' },
              remaining: { type: 'integer' },
              observedRemaining: { type: ['integer', 'null'] },
              observedAt: nullableString,
              blockedUntil: nullableString,
            },
          },
        },
      },
    },
    400: errorBodySchema,
  },
} as const;

export async function dashboardRoutes(app: FastifyInstance, ctx: AppContext): Promise<void> {
  app.get('/dashboard', { preHandler: requireUser, schema: dashboardSchema }, async (req) => {
    const orgId = req.auth!.organisationId;
    const tz = (req.query as { tz?: string }).tz ?? 'UTC';
    if (!isTimeZone(tz))
      throw new ApiError(400, 'validation_failed', `tz must be an IANA time zone such as Europe/Paris or UTC; got "${tz.slice(0, 64)}"`, { field: 'tz' });
    const now = new Date();
    const all = await listConnectionsForOrganisation(ctx.db, orgId);
    const active = all.filter((c) => c.status === 'active');
    const scheduled = await withSchedule(
      ctx.db,
      active.map((c) => ({ ...viewFor(c, orgId) })),
      ctx.config.syncIntervalMinutes,
      now,
    );
    let figures;
    try {
      figures = await connectionFigures(ctx.db, scheduled, { timeZone: tz, now });
    } catch (err) {
      // The database may not know a zone this process knows (different tz data): say so instead of a 500.
      if ((err as { code?: string }).code === '22023')
        throw new ApiError(400, 'validation_failed', `The database does not know the time zone "${tz}"; use UTC or another name`, { field: 'tz' });
      throw err;
    }
    return {
      generatedAt: now.toISOString(),
      timeZone: tz,
      days: lastDays(tz, 30, now),
      pendingConnections: all.filter((c) => c.status === 'pending').length,
      connections: scheduled.map((c) => ({
        id: c.id,
        name: c.contractName,
        role: c.role,
        partner: c.partner,
        automaticSync: c.automaticSync,
        intervalMinutes: c.intervalMinutes,
        lastRun: c.lastRun,
        nextRunAt: c.nextRunAt,
        ...figures.get(c.id)!,
      })),
      rateBudgets: await rateBudgetFigures(ctx.db, orgId, ctx.config.rateHeadroom, (apiUrl, ciphertext) =>
        budgetAccountFor(ctx.db, { apiUrl, apiKey: decryptSecret(ctx.masterKey, ciphertext, orgId) }),
      ),
    };
  });
}
