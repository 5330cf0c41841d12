import { z } from 'zod';
import { assertCanSee, requireTicketRole } from '../auth.ts';
import { fieldError, notFound } from '../errors.ts';
import { PAGING } from '../query-params.ts';
import type { ApiResult, Ctx, RouteDef } from '../router.ts';
import { conversationJson, noteResponse, replyResponse } from '../serialize.ts';
import { htmlToText, toHtml } from '../util.ts';
import { paginate, parseBody } from '../validate.ts';
import { addFiles } from './attachments.ts';
import { attachmentsTooLarge, getTicket, MAX_TICKET_ATTACHMENT_BYTES } from './tickets.ts';

const emails = z.array(z.string()).optional();
const Reply = z.strictObject({
  body: z.string().min(1),
  from_email: z.string().optional(),
  user_id: z.number().int().optional(),
  cc_emails: emails,
  bcc_emails: emails,
});
const Note = z.strictObject({
  body: z.string().min(1),
  private: z.boolean().optional(),
  incoming: z.boolean().optional(),
  notify_emails: emails,
  user_id: z.number().int().optional(),
});
const ConversationUpdate = z.strictObject({ body: z.string().min(1).optional(), private: z.boolean().optional() });

function uploads(ctx: Ctx, ticketId: number) {
  const files = ctx.files.filter((f) => f.field === 'attachments[]' || f.field === 'attachments');
  if (ctx.state.ticketAttachmentBytes(ticketId) + files.reduce((n, f) => n + f.data.length, 0) > MAX_TICKET_ATTACHMENT_BYTES) throw attachmentsTooLarge();
  return files;
}

function userId(ctx: Ctx, requested: number | undefined): number {
  if (requested === undefined) return ctx.agent.id;
  if (!ctx.state.users.has(requested)) throw fieldError('user_id', 'invalid_value', 'There is no user matching the given user_id');
  return requested;
}

// https://api.freshservice.com/#list_all_ticket_notes — oldest first [Inferred].
function listConversations(ctx: Ctx): ApiResult {
  requireTicketRole(ctx.state, ctx.agent);
  const t = getTicket(ctx);
  assertCanSee(ctx.state, ctx.agent, t);
  const page = paginate(ctx.state.conversationsOf(t.id), ctx.query, ctx.baseUrl, `/api/v2/tickets/${t.id}/conversations`);
  return { status: 200, headers: page.headers, body: { conversations: page.items.map((c) => conversationJson(c, ctx.state, ctx.baseUrl)) } };
}

// https://api.freshservice.com/#reply_ticket
function reply(ctx: Ctx): ApiResult {
  requireTicketRole(ctx.state, ctx.agent);
  const t = getTicket(ctx);
  assertCanSee(ctx.state, ctx.agent, t);
  const input = parseBody(Reply, ctx.body);
  const files = uploads(ctx, t.id);
  const requesterEmail = ctx.state.users.get(t.requester_id)?.email;
  const conv = ctx.state.addConversation(t.id, {
    kind: 'reply',
    body: input.body,
    user_id: userId(ctx, input.user_id),
    source: 0,
    private: false,
    incoming: false,
    from_email: input.from_email ?? ctx.state.supportEmail,
    to_emails: requesterEmail ? [requesterEmail] : [],
    cc_emails: input.cc_emails ?? [],
    bcc_emails: input.bcc_emails ?? [],
    support_email: ctx.state.supportEmail,
  });
  addFiles(ctx, files, { ticketId: t.id, conversationId: conv.id });
  return {
    status: 201,
    headers: { location: `${ctx.baseUrl}/api/v2/conversations/${conv.id}` },
    body: { conversation: replyResponse(conv, ctx.state, ctx.baseUrl) },
  };
}

// https://api.freshservice.com/#add_note_to_a_ticket — private by default [Docs].
function note(ctx: Ctx): ApiResult {
  requireTicketRole(ctx.state, ctx.agent);
  const t = getTicket(ctx);
  assertCanSee(ctx.state, ctx.agent, t);
  const input = parseBody(Note, ctx.body);
  const files = uploads(ctx, t.id);
  const conv = ctx.state.addConversation(t.id, {
    kind: 'note',
    body: input.body,
    user_id: userId(ctx, input.user_id),
    source: 2,
    private: input.private ?? true,
    incoming: input.incoming ?? false,
    to_emails: input.notify_emails ?? [],
  });
  addFiles(ctx, files, { ticketId: t.id, conversationId: conv.id });
  return {
    status: 201,
    headers: { location: `${ctx.baseUrl}/api/v2/conversations/${conv.id}` },
    body: { conversation: noteResponse(conv, ctx.state, ctx.baseUrl) },
  };
}

function findConversation(ctx: Ctx) {
  requireTicketRole(ctx.state, ctx.agent);
  const c = ctx.state.conversations.get(Number(ctx.params.id));
  if (!c) throw notFound(ctx.state.options.notFoundBody === 'json');
  const t = ctx.state.tickets.get(c.ticket_id);
  if (!t) throw notFound(ctx.state.options.notFoundBody === 'json');
  assertCanSee(ctx.state, ctx.agent, t);
  return { c, t };
}

// https://api.freshservice.com/#update_a_conversation — notes only [Docs]; the error for a reply is Inferred.
function updateConversation(ctx: Ctx): ApiResult {
  const { c, t } = findConversation(ctx);
  if (c.kind !== 'note') throw fieldError('id', 'incompatible_field', 'Only notes can be updated');
  const input = parseBody(ConversationUpdate, ctx.body);
  const files = uploads(ctx, t.id);
  const now = ctx.state.nowMs();
  if (input.body !== undefined) {
    c.body = toHtml(input.body);
    c.body_text = htmlToText(c.body);
  }
  if (input.private !== undefined) c.private = input.private;
  addFiles(ctx, files, { ticketId: t.id, conversationId: c.id });
  c.updated_at = now;
  ctx.state.touchTicket(t, now);
  return { status: 200, body: { conversation: noteResponse(c, ctx.state, ctx.baseUrl) } };
}

function deleteConversation(ctx: Ctx): ApiResult {
  const { c, t } = findConversation(ctx);
  ctx.state.conversations.delete(c.id);
  for (const id of c.attachment_ids) ctx.state.attachments.delete(id);
  ctx.state.touchTicket(t);
  return { status: 204 };
}

export const conversationRoutes: RouteDef[] = [
  { method: 'GET', path: '/tickets/:id/conversations', query: PAGING, handler: listConversations },
  { method: 'POST', path: '/tickets/:id/reply', body: 'multipart', handler: reply },
  { method: 'POST', path: '/tickets/:id/notes', body: 'multipart', handler: note },
  { method: 'PUT', path: '/conversations/:id', body: 'multipart', handler: updateConversation },
  { method: 'DELETE', path: '/conversations/:id', handler: deleteConversation },
];
