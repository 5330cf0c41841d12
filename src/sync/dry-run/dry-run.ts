import sanitizeHtml from 'sanitize-html';
import type { FieldValue } from '../../core/connector.ts';
import type { ConnectionForSync, RunDetail } from '../ports.ts';
import { runSync, type EngineDeps } from '../engine.ts';
import { otherSide, type Side } from '../field-mapping.ts';
import { createMemorySyncStore, type SyncStoreReads } from './memory-store.ts';
import type { RateGate } from '../../connector-kit/rate-gate.ts';
import type { RunProgress } from '../ports.ts';
import { cappedGate, type BudgetStop } from './budget-cap.ts';
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
  /** True when the dry run stopped at its limit (tickets, time or API budget): a real sync would go on. */
  truncated: boolean;
  /** Where it stopped and why, in words and figures; null when it previewed everything in scope. */
  stopped: DryRunStop | null;
  /** The share of each side's per-minute API budget it may spend (SF_DRY_RUN_BUDGET_SHARE); null when not capped. */
  budgetShare: number | null;
  /** Tickets in scope (listed on both sides, with retries and hints) and how many of them were previewed. */
  ticketsInScope: number;
  ticketsPreviewed: number;
}

export interface DryRunStop {
  reason: 'budget' | 'tickets' | 'time';
  /** "Stopped after 200 of 1,340 tickets: page 3 of Contoso's list, to stay within 20% of Contoso's API budget". */
  message: string;
  /** The side whose budget share was reached (budget only). */
  side: Side | null;
  /** Where: still listing (page of that side's list), checking tickets against the filters, or working them. */
  during: 'listing' | 'screening' | 'working';
  listPage: number | null;
}

export interface DryRunDeps {
  reads: SyncStoreReads;
  /** `hooks.rateGate`: the gate the side's connector must use (the budget cap); connectors that ignore it are not capped. */
  connectorFor(
    connectionId: string,
    side: Side,
    hooks?: Parameters<EngineDeps['connectorFor']>[2] & { rateGate?: RateGate },
  ): ReturnType<EngineDeps['connectorFor']>;
  log?: EngineDeps['log'];
  /** Spend at most `share` of each side's per-minute API limit (`limitOf`), through `gate` (the shared budget). */
  budget?: { share: number; gate: RateGate; limitOf(account: string): Promise<number> };
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
      e = {
        side,
        ticketId: id,
        displayId: null,
        originSubject: null,
        action: 'skip',
        target: { side: otherSide(side), ticketId: null },
        fields: {},
        comments: [],
        attachments: [],
        writes: [],
      };
      entries.set(k, e);
      order.push(k);
    }
    return e;
  };

  let progress: RunProgress | null = null;
  const { store } = createMemorySyncStore(deps.reads, {
    progress: (p) => (progress = p),
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
      progressIntervalMs: 0,
      async connectorFor(connectionId, side, hooks) {
        const b = deps.budget;
        const rateGate = b ? cappedGate(b.gate, { side, share: b.share, limitOf: (a) => b.limitOf(a), state: rec.cap }) : undefined;
        const c = await deps.connectorFor(connectionId, side, { ...hooks, ...(rateGate ? { rateGate } : {}) });
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
  const budgetStop = rec.cap.budgetStop;
  const truncated = rec.truncated || outcome.truncated === true || budgetStop !== null;
  if (outcome.status === 'failed' && !rec.truncated && !budgetStop) return { error: outcome.error ?? 'The dry run failed' };
  const p = progress as RunProgress | null;
  const ticketsInScope = p?.steps ? p.steps.listed.source + p.steps.listed.target : 0;
  const ticketsPreviewed = p?.ticketsDone ?? 0;
  const stopped = truncated
    ? describeStop({
        budget: budgetStop,
        reason: budgetStop ? 'budget' : (rec.stopReason ?? 'tickets'),
        progress: p,
        ticketsInScope,
        maxTickets,
        timeBudgetMs: req.timeBudgetMs ?? DRY_RUN_TIME_BUDGET_MS,
        share: deps.budget?.share ?? null,
        names: conn
          ? { source: conn.sides.source.organisationName, target: conn.sides.target.organisationName }
          : { source: 'the source', target: 'the target' },
      })
    : null;

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
    stopped,
    budgetShare: deps.budget?.share ?? null,
    ticketsInScope,
    ticketsPreviewed,
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

const fmt = (n: number) => n.toLocaleString('en-US');
const pct = (share: number) => `${Math.round(share * 100)}%`;

/** Where a truncated dry run stopped, in words the Dry run card shows as they are. */
function describeStop(x: {
  budget: BudgetStop | null;
  reason: DryRunStop['reason'];
  progress: RunProgress | null;
  ticketsInScope: number;
  maxTickets: number;
  timeBudgetMs: number;
  share: number | null;
  names: Record<Side, string>;
}): DryRunStop {
  const steps = x.progress?.steps;
  const phase = x.progress?.phase;
  const during: DryRunStop['during'] =
    !steps || phase === 'listing changes' || (x.budget?.listPage ?? null) !== null ? 'listing' : phase === 'screening tickets' ? 'screening' : 'working';
  const done = x.progress?.ticketsDone ?? 0;
  const screened = steps ? steps.screened.source + steps.screened.target : 0;
  const why =
    x.reason === 'budget' && x.budget
      ? `to stay within ${pct(x.share ?? 0)} of ${x.names[x.budget.side]}'s API budget (${fmt(x.budget.cap)} of its ${fmt(x.budget.limit)} requests a minute)`
      : x.reason === 'time'
        ? `a dry run starts no new ticket after ${Math.round(x.timeBudgetMs / 1000)} s`
        : `a dry run previews at most ${fmt(x.maxTickets)} tickets`;
  let where: string;
  if (during === 'listing') {
    const side = x.budget?.side;
    where = side
      ? `Stopped while listing ${x.names[side]}'s changed tickets, at page ${fmt(x.budget!.listPage ?? 1)} of the list; nothing was previewed`
      : 'Stopped while listing the changed tickets; nothing was previewed';
  } else if (during === 'screening') {
    where = `Stopped after checking ${fmt(screened)} of ${fmt(x.ticketsInScope)} tickets against the sync filters; none was previewed yet`;
  } else {
    const next = x.budget?.ticketId ? ` (the next was ${x.names[x.budget.side]}'s ticket #${x.budget.ticketId})` : '';
    where = `Stopped after ${fmt(done)} of ${fmt(x.ticketsInScope)} tickets${next}`;
  }
  return {
    reason: x.reason,
    message: `${where}, ${why}. A real sync would go on; a later start date previews fewer tickets.`,
    side: x.budget?.side ?? null,
    during,
    listPage: x.budget?.listPage ?? null,
  };
}
