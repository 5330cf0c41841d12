import { z } from 'zod';
import { assertCanSee, requireTicketRole } from '../auth.ts';
import { fieldError, notFound } from '../errors.ts';
import { PAGING } from '../query-params.ts';
import type { ApiResult, Ctx, RouteDef } from '../router.ts';
import { timeEntryJson } from '../serialize.ts';
import { parseApiDate } from '../util.ts';
import { paginate, parseBody } from '../validate.ts';
import { getTicket } from './tickets.ts';

const hhmm = z.string().regex(/^\d{1,3}:[0-5]\d$/, "It should be in the 'hh:mm' format");
const fields = {
  time_spent: hhmm.optional(),
  note: z.string().optional(),
  billable: z.boolean().optional(),
  timer_running: z.boolean().optional(),
  executed_at: z.string().optional(),
  start_time: z.string().optional(),
  task_id: z.number().int().nullable().optional(),
  custom_fields: z.record(z.string(), z.unknown()).optional(),
};
const Create = z.strictObject({ ...fields, agent_id: z.number().int() });
const Update = z.strictObject({ ...fields, agent_id: z.number().int().optional() });

function dates(input: { executed_at?: string | undefined; start_time?: string | undefined }) {
  const out: { executed_at?: number; start_time?: number } = {};
  for (const k of ['executed_at', 'start_time'] as const) {
    const v = input[k];
    if (v === undefined) continue;
    const ms = parseApiDate(v);
    if (ms === null) throw fieldError(k, 'invalid_value', "It should be in the 'valid date-time' format");
    out[k] = ms;
  }
  return out;
}

function checkAgent(ctx: Ctx, id: number | undefined): void {
  if (id !== undefined && !ctx.state.users.get(id)?.agent) throw fieldError('agent_id', 'invalid_value', 'There is no agent matching the given agent_id');
}

function ticketFor(ctx: Ctx) {
  requireTicketRole(ctx.state, ctx.agent);
  const t = getTicket(ctx);
  assertCanSee(ctx.state, ctx.agent, t);
  return t;
}

function entryFor(ctx: Ctx, ticketId: number) {
  const e = ctx.state.timeEntries.get(Number(ctx.params.entryId));
  if (!e || e.ticket_id !== ticketId) throw notFound(ctx.state.options.notFoundBody === 'json');
  return e;
}

// https://api.freshservice.com/#time_entries
export const timeEntryRoutes: RouteDef[] = [
  {
    method: 'GET',
    path: '/tickets/:id/time_entries',
    query: PAGING,
    handler: (ctx): ApiResult => {
      const t = ticketFor(ctx);
      const all = [...ctx.state.timeEntries.values()].filter((e) => e.ticket_id === t.id).sort((a, b) => a.id - b.id);
      const page = paginate(all, ctx.query, ctx.baseUrl, `/api/v2/tickets/${t.id}/time_entries`);
      return { status: 200, headers: page.headers, body: { time_entries: page.items.map(timeEntryJson) } };
    },
  },
  {
    method: 'POST',
    path: '/tickets/:id/time_entries',
    body: 'json',
    handler: (ctx): ApiResult => {
      const t = ticketFor(ctx);
      const input = parseBody(Create, ctx.body);
      checkAgent(ctx, input.agent_id);
      const { executed_at: _x, start_time: _s, ...rest } = input;
      const entry = ctx.state.addTimeEntry(t.id, { ...rest, ...dates(input) });
      return {
        status: 201,
        headers: { location: `${ctx.baseUrl}/api/v2/tickets/${t.id}/time_entries/${entry.id}` },
        body: { time_entry: timeEntryJson(entry) },
      };
    },
  },
  {
    method: 'GET',
    path: '/tickets/:id/time_entries/:entryId',
    handler: (ctx): ApiResult => ({ status: 200, body: { time_entry: timeEntryJson(entryFor(ctx, ticketFor(ctx).id)) } }),
  },
  {
    method: 'PUT',
    path: '/tickets/:id/time_entries/:entryId',
    body: 'json',
    handler: (ctx): ApiResult => {
      const e = entryFor(ctx, ticketFor(ctx).id);
      const input = parseBody(Update, ctx.body);
      checkAgent(ctx, input.agent_id);
      const { executed_at: _x, start_time: _s, ...rest } = input;
      Object.assign(e, rest, dates(input), { updated_at: ctx.state.nowMs() });
      return { status: 200, body: { time_entry: timeEntryJson(e) } };
    },
  },
  {
    method: 'DELETE',
    path: '/tickets/:id/time_entries/:entryId',
    handler: (ctx): ApiResult => {
      const e = entryFor(ctx, ticketFor(ctx).id);
      ctx.state.timeEntries.delete(e.id);
      return { status: 204 };
    },
  },
];
