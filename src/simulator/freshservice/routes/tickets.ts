import { accessDenied, fieldError, notFound, validationFailed } from '../errors.ts';
import { assertCanSee, canSeeTicket, canUseGroup, hasRole, requireTicketRole } from '../auth.ts';
import type { Ticket } from '../model.ts';
import type { ApiResult, Ctx, RouteDef } from '../router.ts';
import { conversationJson, statsJson, ticketListItem, ticketView, ticketWriteResponse, userEmbed } from '../serialize.ts';
import { DAY_MS, dueDates, PRIMARY_WORKSPACE_ID } from '../state.ts';
import { checkTicketText } from '../ticket-text.ts';
import { checkClosure, checkTicketValues, TicketCreate, TicketUpdate } from '../ticket-validate.ts';
import { checkRequiredForAgents } from '../mandatory-fields.ts';
import { htmlToText, parseApiDate, toHtml } from '../util.ts';
import { paginate, parseBody, positiveIntParam } from '../validate.ts';
import { PAGING } from '../query-params.ts';
import { addFiles } from './attachments.ts';

const listIncludes = ['stats', 'requester', 'requested_for', 'onboarding_context', 'offboarding_context'];
const viewIncludes = [
  'conversations',
  'requester',
  'requested_for',
  'stats',
  'problem',
  'assets',
  'changes',
  'related_tickets',
  'tags',
  'onboarding_context',
  'offboarding_context',
];

export function parseIncludes(query: Record<string, string>, allowed: string[]): string[] {
  const list = (query.include ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  for (const inc of list) if (!allowed.includes(inc)) throw fieldError('include', 'invalid_value', `It should be one of these values: '${allowed.join(',')}'`);
  return list;
}

export function getTicket(ctx: Ctx, idParam = 'id'): Ticket {
  const t = ctx.state.tickets.get(Number(ctx.params[idParam]));
  if (!t) throw notFound(ctx.state.options.notFoundBody === 'json');
  return t;
}

/** Workspace filter: default primary workspace, 0 = all workspaces [Docs]. */
export function workspaceFilter(ctx: Ctx): (t: Ticket) => boolean {
  const ws = positiveIntParam(ctx.query, 'workspace_id') ?? PRIMARY_WORKSPACE_ID;
  if (ws !== 0 && !ctx.state.workspaces.has(ws)) throw fieldError('workspace_id', 'invalid_value', 'There is no workspace matching the given workspace_id');
  return (t) => ws === 0 || t.workspace_id === ws;
}

/** `workspace_id=0` lists every workspace's tickets "with global fields only" [spec 5.3]. */
export function listedTicket(ctx: Ctx, t: Ticket): ReturnType<typeof ticketListItem> {
  const item = ticketListItem(t);
  if (ctx.query.workspace_id === undefined || Number(ctx.query.workspace_id) !== 0) return item;
  const global = new Set(ctx.state.customFields.filter((f) => f.workspace_id === null).map((f) => f.name));
  return { ...item, custom_fields: Object.fromEntries(Object.entries(item.custom_fields).filter(([k]) => global.has(k))) };
}

function embed(ctx: Ctx, t: Ticket, includes: string[], base: Record<string, unknown>): Record<string, unknown> {
  const out = base;
  for (const inc of includes) {
    if (inc === 'stats') out.stats = statsJson(t);
    else if (inc === 'requester') out.requester = userEmbed(ctx.state.users.get(t.requester_id));
    else if (inc === 'requested_for') out.requested_for = userEmbed(ctx.state.users.get(t.requested_for_id));
    else if (inc === 'tags') out.tags = [...t.tags];
    else if (inc === 'conversations')
      out.conversations = ctx.state
        .conversationsOf(t.id)
        .slice(0, 10)
        .map((c) => conversationJson(c, ctx.state, ctx.baseUrl));
    else if (inc === 'assets' || inc === 'changes') out[inc] = [];
    else out[inc] = null;
  }
  return out;
}

// https://api.freshservice.com/#view_all_ticket
function listTickets(ctx: Ctx): ApiResult {
  requireTicketRole(ctx.state, ctx.agent);
  const q = ctx.query;
  const includes = parseIncludes(q, listIncludes);
  const filter = q.filter;
  if (filter !== undefined && !['new_and_my_open', 'watching', 'spam', 'deleted'].includes(filter))
    throw fieldError('filter', 'invalid_value', "It should be one of these values: 'new_and_my_open,watching,spam,deleted'");
  const orderType = q.order_type ?? 'desc';
  if (orderType !== 'asc' && orderType !== 'desc') throw fieldError('order_type', 'invalid_value', "It should be one of these values: 'asc,desc'");
  let since: number | null = null;
  if (q.updated_since !== undefined) {
    since = parseApiDate(q.updated_since);
    if (since === null) throw fieldError('updated_since', 'invalid_value', "It should be in the 'valid date-time' format");
  }
  const requesterId = positiveIntParam(q, 'requester_id');
  const email = q.email?.toLowerCase();
  const inWorkspace = workspaceFilter(ctx);
  // Without updated_since only tickets created in the last 30 days are listed [Docs].
  const windowStart = ctx.state.nowMs() - 30 * DAY_MS;
  const me = ctx.agent.id;
  const tickets = [...ctx.state.tickets.values()].filter((t) => {
    if (!inWorkspace(t) || !canSeeTicket(ctx.state, ctx.agent, t)) return false;
    if (filter === 'deleted') {
      if (!t.deleted) return false;
    } else if (filter === 'spam') {
      if (!t.spam || t.deleted) return false;
    } else if (t.deleted || t.spam) return false;
    if (filter === 'new_and_my_open' && !(t.status === 2 && (t.responder_id === null || t.responder_id === me))) return false;
    if (filter === 'watching') return false; // watchers are not simulated
    if (since !== null ? t.updated_at < since : t.created_at < windowStart) return false;
    if (requesterId !== undefined && t.requester_id !== requesterId) return false;
    if (email !== undefined && ctx.state.users.get(t.requester_id)?.email?.toLowerCase() !== email) return false;
    if (q.type !== undefined && t.type !== q.type) return false;
    return true;
  });
  const dir = orderType === 'asc' ? 1 : -1;
  tickets.sort((a, b) => dir * (a.created_at - b.created_at || a.id - b.id));
  const page = paginate(tickets, q, ctx.baseUrl, '/api/v2/tickets');
  return { status: 200, headers: page.headers, body: { tickets: page.items.map((t) => embed(ctx, t, includes, listedTicket(ctx, t))) } };
}

// https://api.freshservice.com/#view_a_ticket
function viewTicket(ctx: Ctx): ApiResult {
  requireTicketRole(ctx.state, ctx.agent);
  const includes = parseIncludes(ctx.query, viewIncludes);
  const t = getTicket(ctx);
  assertCanSee(ctx.state, ctx.agent, t);
  return { status: 200, body: { ticket: embed(ctx, t, includes, ticketView(t, ctx.state, ctx.baseUrl)) } };
}

function resolveRequester(
  ctx: Ctx,
  input: { requester_id?: number | undefined; email?: string | undefined; phone?: string | undefined; name?: string | undefined },
): number | undefined {
  if (input.requester_id !== undefined) return input.requester_id;
  if (input.email !== undefined) {
    const found = ctx.state.userByEmail(input.email);
    if (found) return found.id;
    // An unknown e-mail creates a requester [Docs].
    return ctx.state.createUser({ first_name: input.name ?? input.email.split('@')[0] ?? input.email, email: input.email.toLowerCase() }).id;
  }
  if (input.phone !== undefined) {
    const found = ctx.state.userByPhone(input.phone);
    if (found) return found.id;
    if (input.name === undefined) throw fieldError('name', 'missing_field', 'It should be a/an String when phone is given without email');
    return ctx.state.createUser({ first_name: input.name, work_phone_number: input.phone }).id;
  }
  return undefined;
}

function bypassMandatory(ctx: Ctx): boolean {
  if (ctx.query.bypass_mandatory !== 'true') return false;
  if (!hasRole(ctx.state, ctx.agent, 'IT Supervisor', 'Account Admin')) throw accessDenied();
  return true;
}

// https://api.freshservice.com/#create_ticket
async function createTicket(ctx: Ctx): Promise<ApiResult> {
  requireTicketRole(ctx.state, ctx.agent);
  const bypass = bypassMandatory(ctx);
  const input = parseBody(TicketCreate, ctx.body);
  checkTicketText(input);
  if (input.requester_id === undefined && input.email === undefined && input.phone === undefined) {
    throw validationFailed([{ field: 'requester_id', message: 'Please fill at least 1 of requester_id, phone, email fields', code: 'missing_field' }]);
  }
  const workspaceId = input.workspace_id ?? PRIMARY_WORKSPACE_ID;
  checkTicketValues(ctx.state, input, workspaceId, true, input);
  if (!bypass) checkRequiredForAgents(ctx.state, { workspace_id: workspaceId, custom_fields: input.custom_fields ?? {} });
  if (!canUseGroup(ctx.state, ctx.agent, input.group_id ?? null)) throw accessDenied();
  const incoming = ctx.files.filter((f) => f.field === 'attachments[]' || f.field === 'attachments');
  // Checked before anything is stored, so a rejected create leaves no half-made ticket.
  if (incoming.reduce((n, f) => n + f.data.length, 0) > MAX_TICKET_ATTACHMENT_BYTES) throw attachmentsTooLarge();
  const requesterId = resolveRequester(ctx, input)!;
  const now = ctx.state.nowMs();
  const { email: _e, phone: _p, name: _n, assets: _a, due_by, fr_due_by, cc_emails, workspace_id: _w, ...fields } = input;
  const due = dueDates(now, input.priority);
  const draft = ctx.state.createTicket({
    ...fields,
    requester_id: requesterId,
    requested_for_id: input.requested_for_id ?? requesterId,
    workspace_id: workspaceId,
    cc_emails: cc_emails ?? [],
    reply_cc_emails: cc_emails ?? [],
    due_by: due_by ? parseApiDate(due_by)! : due.due_by,
    fr_due_by: fr_due_by ? parseApiDate(fr_due_by)! : due.fr_due_by,
    custom_fields: input.custom_fields ?? {},
    resolution_notes_html: input.resolution_notes ? toHtml(input.resolution_notes) : null,
    created_at: now,
  });
  try {
    if (!bypass) checkClosure(ctx.state, draft);
  } catch (err) {
    ctx.state.tickets.delete(draft.id);
    throw err;
  }
  applyStatusStats(draft, draft.status, now);
  addFiles(ctx, incoming, { ticketId: draft.id });
  return {
    status: 201,
    headers: { location: `${ctx.baseUrl}/api/v2/tickets/${draft.id}` },
    body: { ticket: ticketWriteResponse(draft, ctx.state, ctx.baseUrl) },
  };
}

export const MAX_TICKET_ATTACHMENT_BYTES = 40 * 1024 * 1024;

export function attachmentsTooLarge() {
  return fieldError('attachments', 'invalid_value', 'The total size of all attachments on a ticket should not exceed 40 MB');
}

function applyStatusStats(t: Ticket, status: number, now: number): void {
  if ((status === 4 || status === 5) && t.stats.resolved_at === null) t.stats.resolved_at = now;
  if (status === 5 && t.stats.closed_at === null) t.stats.closed_at = now;
}

// https://api.freshservice.com/#update_ticket_priority
async function updateTicket(ctx: Ctx): Promise<ApiResult> {
  requireTicketRole(ctx.state, ctx.agent);
  const bypass = bypassMandatory(ctx);
  const t = getTicket(ctx);
  assertCanSee(ctx.state, ctx.agent, t);
  const input = parseBody(TicketUpdate, ctx.body);
  checkTicketText(input);
  const merged = { ...t, ...input } as Ticket;
  checkTicketValues(ctx.state, input, t.workspace_id, false, merged);
  const incoming = ctx.files.filter((f) => f.field === 'attachments[]' || f.field === 'attachments');
  if (ctx.state.ticketAttachmentBytes(t.id) + incoming.reduce((n, f) => n + f.data.length, 0) > MAX_TICKET_ATTACHMENT_BYTES) throw attachmentsTooLarge();
  const customFields = { ...t.custom_fields, ...(input.custom_fields ?? {}) };
  if (!bypass) checkClosure(ctx.state, { ...merged, custom_fields: customFields });
  if (!bypass) checkRequiredForAgents(ctx.state, { workspace_id: t.workspace_id, custom_fields: customFields });
  const requesterId = resolveRequester(ctx, input);
  const { email: _e, phone: _p, name: _n, assets: _a, due_by, fr_due_by, custom_fields: _c, cc_emails, description, ...fields } = input;
  const now = ctx.state.nowMs();
  Object.assign(t, fields, { custom_fields: customFields });
  if (requesterId !== undefined) t.requester_id = requesterId;
  if (cc_emails) t.cc_emails = cc_emails;
  if (due_by) t.due_by = parseApiDate(due_by)!;
  if (fr_due_by) t.fr_due_by = parseApiDate(fr_due_by)!;
  if (description !== undefined) {
    t.description = toHtml(description);
    t.description_text = htmlToText(t.description);
  }
  if (input.resolution_notes !== undefined) t.resolution_notes_html = input.resolution_notes === null ? null : toHtml(input.resolution_notes);
  if (input.status !== undefined) applyStatusStats(t, input.status, now);
  addFiles(ctx, incoming, { ticketId: t.id });
  ctx.state.touchTicket(t, now);
  return { status: 200, body: { ticket: ticketWriteResponse(t, ctx.state, ctx.baseUrl) } };
}

// https://api.freshservice.com/#delete_a_ticket (moves to trash)
function deleteTicket(ctx: Ctx): ApiResult {
  requireTicketRole(ctx.state, ctx.agent);
  if (!hasRole(ctx.state, ctx.agent, 'IT Supervisor', 'Account Admin')) throw accessDenied();
  const t = getTicket(ctx);
  assertCanSee(ctx.state, ctx.agent, t);
  t.deleted = true;
  ctx.state.touchTicket(t);
  return { status: 204 };
}

// https://api.freshservice.com/#restore_a_ticket
function restoreTicket(ctx: Ctx): ApiResult {
  requireTicketRole(ctx.state, ctx.agent);
  const t = getTicket(ctx);
  assertCanSee(ctx.state, ctx.agent, t);
  t.deleted = false;
  ctx.state.touchTicket(t);
  return { status: 204 };
}

export const ticketRoutes: RouteDef[] = [
  // order_by is not documented, but a long-used public client sends it [spec 5.3]: accepted and ignored.
  {
    method: 'GET',
    path: '/tickets',
    op: 'list_tickets',
    embeds: 'list',
    query: ['filter', 'requester_id', 'email', 'updated_since', 'type', 'workspace_id', 'order_type', 'order_by', 'include', ...PAGING],
    handler: listTickets,
  },
  { method: 'POST', path: '/tickets', op: 'create_ticket', body: 'multipart', handler: createTicket },
  { method: 'GET', path: '/tickets/:id', op: 'view_ticket', embeds: 'single', query: ['include'], handler: viewTicket },
  { method: 'PUT', path: '/tickets/:id', op: 'update_ticket', body: 'multipart', query: ['bypass_mandatory'], handler: updateTicket },
  { method: 'DELETE', path: '/tickets/:id', handler: deleteTicket },
  { method: 'PUT', path: '/tickets/:id/restore', body: 'json', handler: restoreTicket },
];
