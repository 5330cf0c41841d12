import sanitizeHtml from 'sanitize-html';
import type { FieldValue } from '../../core/connector.ts';
import type { ConnectionForSync, RunDetail } from '../../db/repositories/sync-store.ts';
import { runSync, type EngineDeps } from '../engine.ts';
import { otherSide, type Side } from '../field-mapping.ts';
import { createMemorySyncStore, type SyncStoreReads } from './memory-store.ts';
import { DryRunRecorder, isDryId, recordingConnector, type PlannedFile, type PlannedWrite } from './recording-connector.ts';

export type PlannedAction = 'create' | 'update' | 'skip' | 'fail';

/** What a sync would do with one ticket it reads. */
export interface PlannedTicket {
  /** The side the ticket is on (the sending side). */
  side: Side;
  ticketId: string;
  displayId: string | null;
  /** The ticket's own subject, to recognise it (the subject written is `subject`). */
  originSubject: string | null;
  action: PlannedAction;
  /** Where the writes go: the linked copy, or null for a copy still to be created. */
  target: { side: Side; ticketId: string | null };
  /** Ticket type of a copy to be created. */
  type?: string;
  /** Form-field values written, exactly as the engine hands them to the platform. */
  fields: Record<string, FieldValue>;
  subject?: string;
  /** The composed, sanitised HTML description written. */
  description?: string;
  comments: Array<{ private: boolean; bodyPreview: string; attachments: PlannedFile[] }>;
  attachments: PlannedFile[];
  requester?: { email: string | null; action: 'match' | 'create' | 'default' };
  error?: string;
  /** A ticket of the asking organisation that its own filters (or reverse sync) keep back: why. Never set for the partner's. */
  excluded?: string;
}

export interface DryRunResult {
  since: string;
  tickets: PlannedTicket[];
  counts: { create: number; update: number; fail: number; skip: number };
  /** True when the dry run stopped at its limit (tickets or time): a real sync would go on. */
  truncated: boolean;
}

export interface DryRunDeps {
  reads: SyncStoreReads;
  connectorFor: EngineDeps['connectorFor'];
  log?: EngineDeps['log'];
}

export interface DryRunRequest {
  connectionId: string;
  since: Date;
  /** Tickets read at most (default 500). */
  maxTickets?: number;
  /** No new ticket is started after this long (default 40 s). */
  timeBudgetMs?: number;
  /**
   * The side of the organisation asking. Tickets of the other side that its filters keep back are left
   * out altogether; the asker's own are listed as skipped, with why. Unset: left out whichever side.
   */
  viewerSide?: Side;
}

export const DRY_RUN_MAX_TICKETS = 500;
export const DRY_RUN_TIME_BUDGET_MS = 40_000;
const PREVIEW_CHARS = 1_000;

/** A comment body as a reader sees it: text only, one blank line between blocks, capped. */
export function bodyPreview(html: string): string {
  const withBreaks = html.replace(/<br\s*\/?>/gi, '\n').replace(/<\/(p|div|li|h[1-6]|blockquote|pre|tr)\s*>/gi, '\n');
  const text = sanitizeHtml(withBreaks, { allowedTags: [], allowedAttributes: {} })
    .replace(/&nbsp;/g, ' ')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&')
    .replace(/[ \t]+\n/g, '\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
  const chars = Array.from(text);
  return chars.length <= PREVIEW_CHARS ? text : `${chars.slice(0, PREVIEW_CHARS - 1).join('')}…`;
}

const ACTION: Record<RunDetail['outcome'], PlannedAction> = { created: 'create', updated: 'update', closed: 'update', failed: 'fail' };

/**
 * What a manual sync from `since` would do, without writing anything anywhere: the real engine
 * (`runSync`) runs against recording connectors (reads reach the platforms, writes are recorded) and a
 * memory store over a read-only view of the connection's links, ledgers, intents, retries and hints.
 * Writes are attributed to the ticket in hand, which the engine closes by clearing it from, or putting
 * it in, the retry set.
 *
 * Returns `{ error }` when the run could not go on at all (connection not active, no credentials,
 * platform unreachable), as a real run would fail with that message.
 */
export async function dryRun(deps: DryRunDeps, req: DryRunRequest): Promise<DryRunResult | { error: string }> {
  const maxTickets = req.maxTickets ?? DRY_RUN_MAX_TICKETS;
  // The engine works at most maxTickets; each is started at most twice (screened against the filters, then worked).
  const rec = new DryRunRecorder({ maxTickets: 2 * maxTickets, deadline: Date.now() + (req.timeBudgetMs ?? DRY_RUN_TIME_BUDGET_MS) });
  // What the asker must not see (the partner's tickets its filters keep back), and the asker's own, with why.
  const hidden = new Set<string>();
  const ownExcluded = new Map<string, string>();
  const mine = (side: Side) => req.viewerSide !== undefined && side === req.viewerSide;
  const entries = new Map<string, PlannedTicket & { writes: PlannedWrite[] }>();
  const order: string[] = [];
  const entryFor = (side: Side, id: string) => {
    const k = `${side}:${id}`;
    let e = entries.get(k);
    if (!e) {
      e = { side, ticketId: id, displayId: null, originSubject: null, action: 'skip', target: { side: otherSide(side), ticketId: null }, fields: {}, comments: [], attachments: [], writes: [] };
      entries.set(k, e);
      order.push(k);
    }
    return e;
  };

  const { store } = createMemorySyncStore(deps.reads, {
    marker: (m) => rec.dryMarkers.add(m),
    itemDone(side, id) {
      rec.itemDone();
      const writes = rec.takeWrites();
      if (hidden.has(`${side}:${id}`)) return;
      // Tickets never read (already handled, or not eligible to travel) are not part of the plan.
      if (writes.length === 0 && !rec.tickets.has(`${side}:${id}`) && !entries.has(`${side}:${id}`)) return;
      entryFor(side, id).writes.push(...writes);
    },
    detail(d) {
      const id = d.originSide === 'source' ? d.sourceTicketId : d.targetTicketId;
      if (!id) return;
      if (d.ownerOnly && !mine(d.originSide)) {
        hidden.add(`${d.originSide}:${id}`);
        return;
      }
      const e = entryFor(d.originSide, id);
      e.action = ACTION[d.outcome];
      const there = d.originSide === 'source' ? d.targetTicketId : d.sourceTicketId;
      if (there && !isDryId(there)) e.target.ticketId = there;
      if (d.error) e.error = e.error ? `${e.error}; ${d.error}` : d.error;
    },
  });

  // Loaded once through the memory store: the engine sees the same connection.
  const conn = await store.loadConnection(req.connectionId);
  const outcome = await runSync(
    {
      store,
      log: deps.log,
      async connectorFor(connectionId, side, hooks) {
        const c = await deps.connectorFor(connectionId, side, hooks);
        return 'error' in c ? c : recordingConnector(c, side, rec);
      },
      onScreened(side, id, verdict) {
        rec.itemDone(); // the screening read was one start; the ticket's pass is the next
        if (verdict.travels) return;
        const k = `${side}:${id}`;
        if (mine(side)) ownExcluded.set(k, verdict.reason ?? 'kept back by the filters');
        else hidden.add(k);
      },
    },
    { runId: 'dry-run', connectionId: req.connectionId, trigger: 'manual', since: req.since, maxTickets },
  );
  const truncated = rec.truncated || outcome.truncated === true;
  if (outcome.status === 'failed' && !rec.truncated) return { error: outcome.error ?? 'The dry run failed' };

  const tickets: PlannedTicket[] = [];
  for (const k of order) {
    const { writes, ...e } = entries.get(k)!;
    const read = rec.tickets.get(k);
    e.displayId = read?.displayId ?? null;
    e.originSubject = read?.subject ?? null;
    const why = ownExcluded.get(k);
    if (why !== undefined && e.action === 'skip') e.excluded = why;
    if (e.target.ticketId === null && e.action !== 'create') {
      const link = await store.findLink(req.connectionId, e.side, e.ticketId);
      const there = link?.ticketIds[e.target.side];
      if (there && !isDryId(there)) e.target.ticketId = there;
    }
    applyWrites(e, writes, rec, conn, read?.requester?.email ?? null);
    // As on the timeline: a ticket of the other side that has no copy and would get none never travelled,
    // and is none of the asker's business (whatever kept it back: a filter, or being another connection's copy).
    if (!mine(e.side) && e.action === 'skip' && e.target.ticketId === null && writes.length === 0) continue;
    tickets.push(e);
  }
  const count = (a: PlannedAction) => tickets.filter((t) => t.action === a).length;
  return {
    since: req.since.toISOString(),
    tickets,
    counts: { create: count('create'), update: count('update'), fail: count('fail'), skip: count('skip') },
    truncated,
  };
}

function applyWrites(e: PlannedTicket, writes: PlannedWrite[], rec: DryRunRecorder, conn: ConnectionForSync | null, originEmail: string | null) {
  for (const w of writes) {
    switch (w.kind) {
      case 'createTicket': {
        e.type = w.input.type;
        e.subject = w.input.subject;
        e.description = w.input.description;
        Object.assign(e.fields, w.input.fields ?? {});
        const r = rec.requesters.get(`${w.side}:${w.input.requesterId}`);
        const mode = conn?.sides[w.side].configuration.defaults.requester.mode;
        const matched = !!r?.email && !!originEmail && r.email.toLowerCase() === originEmail.toLowerCase() && mode !== 'default';
        e.requester = { email: r?.email ?? null, action: r?.created ? 'create' : matched ? 'match' : 'default' };
        break;
      }
      case 'updateTicket':
        if (w.patch.subject !== undefined) e.subject = w.patch.subject;
        if (w.patch.description !== undefined) e.description = w.patch.description;
        Object.assign(e.fields, w.patch.fields ?? {});
        break;
      case 'addComment':
        e.comments.push({ private: w.private, bodyPreview: bodyPreview(w.body), attachments: w.attachments });
        break;
      case 'addAttachments':
        e.attachments.push(...w.files);
        break;
      case 'createRequester':
        break; // shown with the ticket it is created for
    }
  }
}
