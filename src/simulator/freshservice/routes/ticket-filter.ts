import { requireTicketRole } from '../auth.ts';
import { canSeeTicket } from '../auth.ts';
import { fieldError } from '../errors.ts';
import type { Ticket } from '../model.ts';
import { checkQuery, evaluate, parseQueryParam, type FieldAccess } from '../query-language.ts';
import type { ApiResult, Ctx, RouteDef } from '../router.ts';
import { PAGING } from '../query-params.ts';
import type { SimulatorState } from '../state.ts';
import { listedTicket, workspaceFilter } from './tickets.ts';

function ticketFields(state: SimulatorState): Record<string, FieldAccess<Ticket>> {
  const num = (get: (t: Ticket) => unknown): FieldAccess<Ticket> => ({ kind: 'number', get });
  const date = (get: (t: Ticket) => unknown): FieldAccess<Ticket> => ({ kind: 'date', get });
  const fields: Record<string, FieldAccess<Ticket>> = {
    workspace_id: num((t) => t.workspace_id),
    requester_id: num((t) => t.requester_id),
    agent_id: num((t) => t.responder_id),
    group_id: num((t) => t.group_id),
    department_id: num((t) => t.department_id),
    priority: num((t) => t.priority),
    status: num((t) => t.status),
    impact: num((t) => t.impact),
    urgency: num((t) => t.urgency),
    email: { kind: 'string', get: (t) => state.users.get(t.requester_id)?.email ?? null },
    type: { kind: 'string', get: (t) => t.type },
    tag: { kind: 'tags', get: (t) => t.tags },
    due_by: date((t) => t.due_by),
    fr_due_by: date((t) => t.fr_due_by),
    created_at: date((t) => t.created_at),
    updated_at: date((t) => t.updated_at),
  };
  // Only number, checkbox, dropdown and date custom fields are filterable [Docs].
  for (const f of state.customFields) {
    const get = (t: Ticket) => t.custom_fields[f.name] ?? null;
    if (f.field_type === 'custom_dropdown') fields[f.name] = { kind: 'string', get };
    else if (f.field_type === 'custom_checkbox') fields[f.name] = { kind: 'bool', get };
    else if (f.field_type === 'custom_number') fields[f.name] = { kind: 'number', get };
    else if (f.field_type === 'custom_date')
      fields[f.name] = { kind: 'date', get: (t) => (typeof get(t) === 'string' ? Date.parse(`${String(get(t))}T00:00:00Z`) : null) };
  }
  return fields;
}

// https://api.freshservice.com/#filter_tickets — 30 per page plus `total`; per_page is not documented, so it is ignored.
function filterTickets(ctx: Ctx): ApiResult {
  requireTicketRole(ctx.state, ctx.agent);
  const node = parseQueryParam(ctx.query.query);
  const fields = ticketFields(ctx.state);
  checkQuery(node, fields);
  const page = ctx.query.page === undefined ? 1 : Number(ctx.query.page);
  if (!Number.isInteger(page) || page < 1) throw fieldError('page', 'invalid_value', 'It should be a Positive Integer');
  const inWorkspace = workspaceFilter(ctx);
  // Matched on the search index, which may lag (search-index.ts); answered with the ticket as it is now.
  const matches = ctx.state.search
    .tickets()
    .filter((t) => !t.deleted && !t.spam && inWorkspace(t) && evaluate(node, t, fields))
    .map((t) => ctx.state.tickets.get(t.id)!)
    .filter((t) => canSeeTicket(ctx.state, ctx.agent, t))
    .sort((a, b) => b.created_at - a.created_at || b.id - a.id);
  const items = matches.slice((page - 1) * 30, page * 30);
  return { status: 200, body: { tickets: items.map((t) => listedTicket(ctx, t)), total: matches.length } };
}

export const ticketFilterRoutes: RouteDef[] = [
  // per_page is sent by public clients [spec 4] and ignored (30 per page).
  { method: 'GET', path: '/tickets/filter', op: 'list_tickets', query: ['query', 'workspace_id', ...PAGING], handler: filterTickets },
];
