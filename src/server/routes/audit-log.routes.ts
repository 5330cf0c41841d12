import type { FastifyInstance } from 'fastify';
import { AUDIT_ACTIONS, listAuditEvents } from '../../db/repositories/audit-log.ts';
import { requireAdmin } from '../auth.ts';
import type { AppContext } from '../context.ts';
import { ApiError, errorBodySchema } from '../errors.ts';

const event = {
  type: 'object',
  required: ['id', 'at', 'actor', 'action', 'target', 'before', 'after'],
  properties: {
    id: { type: 'string' },
    at: { type: 'string', format: 'date-time' },
    actor: { type: 'object', properties: { id: { type: ['string', 'null'] }, email: { type: 'string' } } },
    action: { type: 'string', enum: [...AUDIT_ACTIONS] },
    target: { type: 'object', properties: { type: { type: 'string' }, id: { type: ['string', 'null'] }, label: { type: ['string', 'null'] } } },
    before: { description: 'The state before the change (secrets masked), or null' },
    after: { description: 'The state after the change (secrets masked), or null' },
  },
} as const;

const schema = {
  tags: ['audit'],
  summary: 'The audit log (admins): who changed what and when, newest first; read-only',
  description:
    'Filters: action (one of the listed actions), actor (a user id or part of an e-mail), from/to (ISO dates or date-times), ' +
    "limit (1–200, default 50). Pages: pass the answer's nextBefore as before. There is no way to change or delete an event.",
  querystring: {
    type: 'object',
    additionalProperties: false,
    properties: {
      action: { type: 'string', maxLength: 64 },
      actor: { type: 'string', maxLength: 254 },
      from: { type: 'string', maxLength: 40 },
      to: { type: 'string', maxLength: 40 },
      limit: { type: 'string', maxLength: 4 },
      before: { type: 'string', maxLength: 20 },
    },
  },
  response: {
    200: {
      type: 'object',
      required: ['events', 'nextBefore'],
      properties: { events: { type: 'array', items: event }, nextBefore: { type: ['string', 'null'] } },
    },
    400: errorBodySchema,
    401: errorBodySchema,
    403: errorBodySchema,
  },
} as const;

function parseDate(value: string | undefined, field: string, endOfDay: boolean): Date | undefined {
  if (value === undefined || value === '') return undefined;
  // A bare date means the whole day in UTC; the UI sends full date-times in the user's time zone.
  const d = new Date(/^\d{4}-\d{2}-\d{2}$/.test(value) ? `${value}T${endOfDay ? '23:59:59.999' : '00:00:00.000'}Z` : value);
  if (Number.isNaN(d.getTime()))
    throw new ApiError(400, 'validation_failed', `${field} must be a date such as 2025-01-31 or a date-time such as 2025-01-31T09:00:00Z.`, { field });
  return d;
}

export async function auditLogRoutes(app: FastifyInstance, ctx: AppContext): Promise<void> {
  app.get('/audit-log', { onRequest: requireAdmin, schema }, async (req) => {
    const q = req.query as { action?: string; actor?: string; from?: string; to?: string; limit?: string; before?: string };
    if (q.action && !(AUDIT_ACTIONS as readonly string[]).includes(q.action)) {
      throw new ApiError(400, 'validation_failed', `action must be one of: ${AUDIT_ACTIONS.join(', ')}.`, { field: 'action' });
    }
    let limit = 50;
    if (q.limit !== undefined && q.limit !== '') {
      limit = Number(q.limit);
      if (!Number.isInteger(limit) || limit < 1 || limit > 200)
        throw new ApiError(400, 'validation_failed', 'limit must be a whole number from 1 to 200.', { field: 'limit' });
    }
    if (q.before !== undefined && q.before !== '' && !/^\d{1,18}$/.test(q.before)) {
      throw new ApiError(400, 'validation_failed', "before must be an event id: pass the previous answer's nextBefore.", { field: 'before' });
    }
    const from = parseDate(q.from, 'from', false);
    const to = parseDate(q.to, 'to', true);
    const actor = q.actor?.trim();
    const r = await listAuditEvents(ctx.db, req.auth!.organisationId, {
      limit,
      ...(q.action ? { action: q.action } : {}),
      ...(actor ? { actor } : {}),
      ...(from ? { from } : {}),
      ...(to ? { to } : {}),
      ...(q.before ? { before: q.before } : {}),
    });
    return {
      events: r.events.map((e) => ({ ...e, at: e.at.toISOString() })),
      nextBefore: r.more ? r.events[r.events.length - 1]!.id : null,
    };
  });
}
