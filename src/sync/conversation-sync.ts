import type { FileContent, RemoteAttachment, RemoteComment, RemoteTicket, TicketConnector } from '../core/connector.ts';
import type { CommentChannel } from '../core/platform-manifest.ts';
import { sanitizeTicketHtml } from '../core/sanitize-html.ts';
import type { SideConfiguration } from '../core/sync-config.ts';
import type { EngineStore, TicketLink } from './ports.ts';
import type { Side } from './field-mapping.ts';
import { fetchFiles } from './attachment-download.ts';
import type { TicketEventLog } from './ticket-events.ts';

export interface CarryResult {
  written: number;
  failedComments: number;
  failedAttachments: number;
  errors: string[];
}

export interface CarryContext {
  store: EngineStore;
  link: TicketLink;
  from: { side: Side; connector: TicketConnector; config: SideConfiguration; organisationName: string; people?: Map<string, Promise<string | null>> };
  to: { side: Side; connector: TicketConnector; config: SideConfiguration };
  /** The ticket timeline being collected, if any. */
  events?: TicketEventLog;
  /** Told what is found to copy (`planned`), copied (`done`) and failed, for the run's live progress. */
  onProgress?: (kind: 'comments' | 'attachments', delta: { planned?: number; done?: number; failed?: number }) => void;
}

/** A file whose copy is being written: recorded first, so an interrupted copy is found rather than written twice. */
const PENDING = '';

const escapeHtml = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/**
 * The receiving platform's channel for copies coming in with this visibility (the side's `incomingAs`): the
 * configured channel when it names one of the platform's, else the first of that visibility that does not
 * notify the requester (a copy must not mail the requester unless the organisation chose so). Null: the
 * platform has none such; the connector picks by `private` alone.
 */
export function incomingChannel(channels: readonly CommentChannel[], comments: SideConfiguration['comments']): CommentChannel | null {
  const configured = comments.incomingChannel ? channels.find((c) => c.id === comments.incomingChannel) : undefined;
  if (configured) return configured;
  const visibility = comments.incomingAs === 'private' ? 'internal' : 'public';
  return channels.find((c) => c.visibility === visibility && !c.notifiesRequester) ?? null;
}

/** Names come from the partner's platform: one line of plain text, bounded (escaped where it is used). */
const MAX_NAME = 100;
function plainName(name: string | null | undefined): string | null {
  const flat = (name ?? '')
    .replace(/[\u0000-\u001f\u007f-\u009f\u200b-\u200f\u2028-\u202e\u2066-\u2069]/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  if (!flat) return null;
  const chars = Array.from(flat);
  return chars.length <= MAX_NAME ? flat : `${chars.slice(0, MAX_NAME - 1).join('')}…`;
}

/**
 * A comment author's name, looked up once per person per run (the side's `people` cache lives as long as
 * the run's side runtime). A lookup that fails leaves the comment signed by the organisation alone.
 */
function authorName(from: CarryContext['from'], authorId: string): Promise<string | null> {
  if (!from.connector.findPersonById) return Promise.resolve(null);
  const cache = (from.people ??= new Map());
  let name = cache.get(authorId);
  if (!name) {
    name = from.connector.findPersonById(authorId).then(
      (p) => plainName(p?.name),
      () => null,
    );
    cache.set(authorId, name);
  }
  return name;
}

function shouldSend(c: RemoteComment, cfg: SideConfiguration): boolean {
  if (c.kind === 'other') return false;
  return c.private ? cfg.comments.sendPrivate : cfg.comments.sendPublic;
}

/**
 * Carries comments (and their files) and ticket attachments from one side of a link to the other.
 * Each copy is recorded in a ledger before it is written and completed after, so a retry finds an
 * interrupted copy by its marker instead of writing it twice. Copies made by this engine are never
 * carried back. A failed item is counted, and the others go on.
 */
export async function carryConversation(ctx: CarryContext, fromTicket: RemoteTicket): Promise<CarryResult> {
  const res: CarryResult = { written: 0, failedComments: 0, failedAttachments: 0, errors: [] };
  const { store, link, from, to } = ctx;
  const toTicketId = link.ticketIds[to.side];
  const ledger = await store.commentLedger(link.id);
  const copiesHere = new Set(ledger.filter((e) => e.originSide === to.side && e.copyCommentId).map((e) => e.copyCommentId));
  const pendingFromOther = ledger.filter((e) => e.originSide === to.side && !e.copyCommentId);
  const doneFromHere = new Set(ledger.filter((e) => e.originSide === from.side && e.copyCommentId).map((e) => e.originCommentId));

  const comments = fromTicket.comments ?? (await from.connector.listComments(link.ticketIds[from.side]));
  for (const c of comments) {
    if (copiesHere.has(c.id) || doneFromHere.has(c.id)) continue;
    // Ours: a copy this engine wrote (its connector read the marker back), even if the ledger write was lost.
    const foreignMarker = c.marker;
    if (foreignMarker) {
      // A copy written here by an interrupted run: settle its ledger entry, never send it back.
      const entry = pendingFromOther.find((e) => e.marker === foreignMarker);
      if (entry) await store.completeCommentCopy(entry.id, c.id);
      continue;
    }
    if (!shouldSend(c, from.config)) continue;
    ctx.onProgress?.('comments', { planned: 1 });
    try {
      const entry = await store.openCommentCopy(link.id, from.side, c.id);
      if (entry.copyCommentId) continue;
      // Only an entry an earlier attempt opened can have a copy out there already (its marker was new
      // a moment ago otherwise): looking for one costs a conversation read on the other side.
      const existing = entry.resumed ? await to.connector.findCommentByMarker(toTicketId, entry.marker) : null;
      if (existing) {
        await store.completeCommentCopy(entry.id, existing.id);
        ctx.events?.add('comment_copied', `Comment #${c.id} had been copied as #${existing.id} by an interrupted run (found by its marker)`);
        continue;
      }
      let files: FileContent[] = [];
      let sent: RemoteAttachment[] = [];
      if (c.attachments.length > 0 && from.config.attachments.enabled) {
        const got = await fetchFiles(from.connector, c.attachments);
        files = got.files;
        sent = got.sent;
        res.failedAttachments += got.failed;
        res.errors.push(...got.errors);
      }
      // A platform that keeps files on the ticket puts these there, where the next run would take them for
      // new files of that ticket and carry them back: they are recorded as copies like the ticket's own files.
      if (sent.length > 0)
        await store.recordAttachmentCopies(
          link.id,
          from.side,
          sent.map((a) => ({ originId: a.id, copyId: PENDING })),
        );
      const author = c.authorId ? await authorName(from, c.authorId) : null;
      const who = author ? `${author} (${from.organisationName})` : from.organisationName;
      const header = `<p><strong>${escapeHtml(who)}</strong>${author ? ' wrote' : ''}${c.private ? ' (internal note)' : ''}:</p>`;
      const channel = incomingChannel(to.connector.manifest.capabilities.comments.channels, to.config.comments);
      const copy = await to.connector.addComment(toTicketId, {
        // The other organisation's HTML is sanitised; the connector keeps the marker where its platform can find it again.
        body: `${header}${sanitizeTicketHtml(c.body)}`,
        private: channel ? channel.visibility === 'internal' : to.config.comments.incomingAs === 'private',
        ...(channel ? { channel: channel.id } : {}),
        marker: entry.marker,
        attachments: files,
      });
      if (sent.length > 0)
        await store.recordAttachmentCopies(
          link.id,
          from.side,
          sent.map((a, i) => ({ originId: a.id, copyId: copy.attachments[i]?.id ?? null })),
        );
      await store.completeCommentCopy(entry.id, copy.id);
      ctx.onProgress?.('comments', { done: 1 });
      res.written++;
      ctx.events?.add(
        'comment_copied',
        `${c.private ? 'Private note' : c.kind === 'note' ? 'Note' : 'Reply'} #${c.id} copied to #${toTicketId} as ${channel ? `${channel.visibility} ${channel.label.toLowerCase()}` : to.config.comments.incomingAs === 'private' ? 'a private note' : 'a public reply'} #${copy.id}${files.length ? ` with ${files.length} file${files.length === 1 ? '' : 's'}` : ''}`,
      );
    } catch (err) {
      ctx.onProgress?.('comments', { failed: 1 });
      res.failedComments++;
      res.errors.push(`Comment ${c.id}: ${(err as Error).message}`);
    }
  }

  if (from.config.attachments.enabled) await carryTicketAttachments(ctx, fromTicket, comments, res);
  return res;
}

async function carryTicketAttachments(ctx: CarryContext, fromTicket: RemoteTicket, fromComments: RemoteComment[], res: CarryResult): Promise<void> {
  const { store, link, from, to } = ctx;
  let ledger = await store.attachmentLedger(link.id);
  if (ledger.some((e) => e.copyAttachmentId === PENDING)) {
    await settlePendingAttachments(ctx, fromTicket, fromComments, ledger);
    ledger = await store.attachmentLedger(link.id);
  }
  // Known here: files sent from here (whatever became of them), and copies of the other side's files.
  const known = new Set(
    ledger.flatMap((e) =>
      e.originSide === from.side ? (e.copyAttachmentId === PENDING ? [] : [e.originAttachmentId]) : e.copyAttachmentId ? [e.copyAttachmentId] : [],
    ),
  );
  const fresh = fromTicket.attachments.filter((a) => !known.has(a.id));
  if (fresh.length === 0) return;
  ctx.onProgress?.('attachments', { planned: fresh.length });
  const got = await fetchFiles(from.connector, fresh);
  if (got.failed > 0) ctx.onProgress?.('attachments', { failed: got.failed });
  res.failedAttachments += got.failed;
  res.errors.push(...got.errors);
  if (got.files.length === 0) return;
  await store.recordAttachmentCopies(
    link.id,
    from.side,
    got.sent.map((a) => ({ originId: a.id, copyId: PENDING })),
  );
  try {
    const copies = await to.connector.addAttachments(link.ticketIds[to.side], got.files);
    await store.recordAttachmentCopies(
      link.id,
      from.side,
      got.sent.map((a, i) => ({ originId: a.id, copyId: copies[i]?.id ?? null })),
    );
    res.written += copies.length;
    ctx.onProgress?.('attachments', { done: got.files.length });
    ctx.events?.add(
      'attachment_copied',
      `${copies.length} file${copies.length === 1 ? '' : 's'} copied to #${link.ticketIds[to.side]}: ${got.files.map((f) => f.name).join(', ')}`,
    );
  } catch (err) {
    ctx.onProgress?.('attachments', { failed: got.files.length });
    res.failedAttachments += got.files.length;
    res.errors.push(`Attachments: ${(err as Error).message}`);
  }
}

/**
 * Files whose copy was being written when a run stopped (or whose answer was lost): a copy with the same
 * name and size on the other ticket that no ledger entry accounts for is that copy. Settled in both
 * directions before anything is sent, so such a copy is neither written again nor sent back. A file that
 * came with a comment is looked for among the comments' files too (its copy may be on the ticket).
 */
async function settlePendingAttachments(
  ctx: CarryContext,
  fromTicket: RemoteTicket,
  fromComments: RemoteComment[],
  ledger: Awaited<ReturnType<EngineStore['attachmentLedger']>>,
): Promise<void> {
  const { store, link, from, to } = ctx;
  const toTicket = await to.connector.getTicket(link.ticketIds[to.side]);
  if (!toTicket) return;
  const pending = ledger.filter((x) => x.copyAttachmentId === PENDING);
  const onTicket = (t: RemoteTicket) => new Set(t.attachments.map((a) => a.id));
  // The other side's comments are read only when a file sent from there is on none of its ticket's files.
  const toComments =
    toTicket.comments ??
    (pending.some((e) => e.originSide === to.side && !onTicket(toTicket).has(e.originAttachmentId))
      ? await to.connector.listComments(link.ticketIds[to.side])
      : []);
  const filesOf = (t: RemoteTicket, comments: RemoteComment[]) => [...t.attachments, ...comments.flatMap((c) => c.attachments)];
  const files = { [from.side]: filesOf(fromTicket, fromComments), [to.side]: filesOf(toTicket, toComments) } as Record<Side, RemoteAttachment[]>;
  // Files of each side that an entry already accounts for (as an origin or as a copy).
  const accounted: Record<Side, Set<string>> = { source: new Set(), target: new Set() };
  for (const e of ledger) {
    accounted[e.originSide].add(e.originAttachmentId);
    const copySide: Side = e.originSide === 'source' ? 'target' : 'source';
    if (e.copyAttachmentId) accounted[copySide].add(e.copyAttachmentId);
  }
  for (const e of pending) {
    const copySide: Side = e.originSide === 'source' ? 'target' : 'source';
    const origin = files[e.originSide].find((a) => a.id === e.originAttachmentId);
    if (!origin) continue;
    const copy = files[copySide].find((a) => !accounted[copySide].has(a.id) && a.name === origin.name && a.size === origin.size);
    if (!copy) continue;
    accounted[copySide].add(copy.id);
    await store.recordAttachmentCopies(link.id, e.originSide, [{ originId: origin.id, copyId: copy.id }]);
  }
}
