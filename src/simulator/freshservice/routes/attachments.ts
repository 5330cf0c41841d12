import { assertCanSee, requireTicketRole } from '../auth.ts';
import { notFound } from '../errors.ts';
import type { ApiResult, Ctx, RouteDef, UploadedFile } from '../router.ts';

/** Stores uploaded `attachments[]` parts on a ticket or conversation (size limits checked by the caller). */
export function addFiles(ctx: Ctx, files: UploadedFile[], owner: { ticketId: number; conversationId?: number }): void {
  for (const f of files) ctx.state.addAttachment(owner, { name: f.name, content_type: f.content_type, data: f.data });
}

function findAttachment(ctx: Ctx) {
  const a = ctx.state.attachments.get(Number(ctx.params.id));
  if (!a) throw notFound(ctx.state.options.notFoundBody === 'json');
  return a;
}

// https://api.freshservice.com/#view_attachment — needs access to the parent ticket.
function downloadAttachment(ctx: Ctx): ApiResult {
  requireTicketRole(ctx.state, ctx.agent);
  const a = findAttachment(ctx);
  const ticket = ctx.state.tickets.get(a.ticket_id);
  if (ticket) assertCanSee(ctx.state, ctx.agent, ticket);
  return { status: 200, raw: { contentType: a.content_type, data: a.data ?? Buffer.alloc(0), fileName: a.name } };
}

function deleteAttachment(ctx: Ctx, ownerKey: 'ticket' | 'conversation'): ApiResult {
  requireTicketRole(ctx.state, ctx.agent);
  const a = ctx.state.attachments.get(Number(ctx.params.attachmentId));
  const ownerId = Number(ctx.params.id);
  const matches = a && (ownerKey === 'ticket' ? a.ticket_id === ownerId && a.conversation_id === null : a.conversation_id === ownerId);
  if (!a || !matches) throw notFound(ctx.state.options.notFoundBody === 'json');
  const ticket = ctx.state.tickets.get(a.ticket_id);
  if (ticket) assertCanSee(ctx.state, ctx.agent, ticket);
  ctx.state.attachments.delete(a.id);
  const owner = ownerKey === 'ticket' ? ticket : ctx.state.conversations.get(ownerId);
  if (owner) owner.attachment_ids = owner.attachment_ids.filter((x) => x !== a.id);
  if (ticket) ctx.state.touchTicket(ticket);
  return { status: 204 };
}

export const attachmentRoutes: RouteDef[] = [
  { method: 'GET', path: '/attachments/:id', handler: downloadAttachment },
  { method: 'DELETE', path: '/tickets/:id/attachments/:attachmentId', handler: (ctx) => deleteAttachment(ctx, 'ticket') },
  { method: 'DELETE', path: '/conversations/:id/attachments/:attachmentId', handler: (ctx) => deleteAttachment(ctx, 'conversation') },
];
