import { sql } from 'kysely';
import type { Db } from '../database.ts';
import type { RequestSummary, Side } from './sync-store.ts';

/**
 * The ticket timeline as the API shows it (the engine writes it through SyncStore.recordTicketEvents),
 * and what Retry and Resync store before they start a run.
 */
export interface TicketEventView {
  id: string;
  at: string;
  runId: string | null;
  /** The ticket the engine was working when it took this step (this one or its counterpart). */
  side: Side;
  ticketId: string;
  kind: string;
  summary: string;
  requests: RequestSummary[];
  /** Set on the last step of a pass: what the run made of the ticket. */
  outcome: string | null;
  /** The worked ticket's subject when the step was recorded (plain, clipped). */
  subject: string | null;
}

export interface TicketTimeline {
  ticket: {
    side: Side;
    id: string;
    linked: { side: Side; id: string } | null;
    /** The outcome of the newest pass over the ticket or its counterpart (created, updated, closed, failed, unchanged). */
    lastOutcome: string | null;
    /** Set while the ticket (or its counterpart) waits in the retry set: the last error and attempts. */
    retry: { side: Side; ticketId: string; attempts: number; lastError: string | null } | null;
  };
  events: TicketEventView[];
}

export const TIMELINE_LIMIT = 200;

const other = (s: Side): Side => (s === 'source' ? 'target' : 'source');
const col = (side: Side) => (side === 'source' ? 'source_ticket_id' : 'target_ticket_id') as 'source_ticket_id' | 'target_ticket_id';

export async function findTicketLink(db: Db, connectionId: string, side: Side, ticketId: string) {
  return db
    .selectFrom('ticket_links')
    .select(['id', 'origin_side', 'source_ticket_id', 'target_ticket_id'])
    .where('connection_id', '=', connectionId)
    .where(col(side), '=', ticketId)
    .executeTakeFirst();
}

/**
 * The events of a ticket and of its linked counterpart, newest first (at most TIMELINE_LIMIT), or null
 * when the sync has no record of the ticket at all (no link, no event, no retry entry).
 */
export async function ticketTimeline(db: Db, connectionId: string, side: Side, ticketId: string, onlyRuns?: string[]): Promise<TicketTimeline | null> {
  const link = await findTicketLink(db, connectionId, side, ticketId);
  const linked = link ? { side: other(side), id: link[col(other(side))] } : null;
  const pairs: Array<[Side, string]> = [[side, ticketId], ...(linked ? [[linked.side, linked.id] as [Side, string]] : [])];
  const rows = await db
    .selectFrom('ticket_events')
    .selectAll()
    .where('connection_id', '=', connectionId)
    .where((eb) => eb.or(pairs.map(([s, id]) => eb.and([eb('side', '=', s), eb('ticket_id', '=', id)]))))
    // The partner of an unlinked ticket sees only the passes whose failure it was shown (run details).
    .$if(onlyRuns !== undefined, (q) => q.where('run_id', 'in', onlyRuns!.length > 0 ? onlyRuns! : ['00000000-0000-0000-0000-000000000000']))
    .orderBy('id', 'desc')
    .limit(TIMELINE_LIMIT)
    .execute();
  const retryRow = await db
    .selectFrom('sync_retries')
    .select(['side', 'ticket_id', 'attempts', 'last_error'])
    .where('connection_id', '=', connectionId)
    .where((eb) => eb.or(pairs.map(([s, id]) => eb.and([eb('side', '=', s), eb('ticket_id', '=', id)]))))
    .orderBy('updated_at', 'desc')
    .executeTakeFirst();
  if (!link && rows.length === 0 && !retryRow) return null;
  const events: TicketEventView[] = rows.map((r) => ({
    id: String(r.id),
    at: r.created_at.toISOString(),
    runId: r.run_id,
    side: r.side as Side,
    ticketId: r.ticket_id,
    kind: r.kind,
    summary: r.summary,
    requests: (r.requests ?? []) as RequestSummary[],
    outcome: r.outcome,
    subject: r.subject,
  }));
  return {
    ticket: {
      side,
      id: ticketId,
      linked,
      lastOutcome: retryRow ? 'failed' : (events.find((e) => e.outcome !== null)?.outcome ?? null),
      retry: retryRow ? { side: retryRow.side as Side, ticketId: retryRow.ticket_id, attempts: retryRow.attempts, lastError: retryRow.last_error } : null,
    },
    events,
  };
}

/** A step a person took (Retry, Resync), shown on the timeline with who asked. */
export async function recordRequestEvent(
  db: Db,
  e: { connectionId: string; runId: string; side: Side; ticketId: string; linkedTicketId: string | null; summary: string },
): Promise<void> {
  await db
    .insertInto('ticket_events')
    .values({
      connection_id: e.connectionId,
      run_id: e.runId,
      side: e.side,
      ticket_id: e.ticketId,
      linked_ticket_id: e.linkedTicketId,
      kind: 'requested',
      summary: e.summary,
      requests: '[]',
    })
    .execute();
}

/** Retry: the ticket joins the retry set (kept if it is there already, with its first failure time). */
export async function queueRetry(db: Db, connectionId: string, side: Side, ticketId: string): Promise<void> {
  await db
    .insertInto('sync_retries')
    .values({ connection_id: connectionId, side, ticket_id: ticketId, last_error: 'Retry requested' })
    .onConflict((oc) => oc.columns(['connection_id', 'side', 'ticket_id']).doNothing())
    .execute();
}

/**
 * Resync: the link forgets which version of the original it handled and what the original's mapped
 * fields were at the last sync, so the next pass reads it and writes every mapped field to the copy
 * again (a both-ways field changed later on the copy still wins, as always).
 */
export async function forgetHandledVersion(db: Db, linkId: string, originSide: Side): Promise<void> {
  const set =
    originSide === 'source'
      ? { source_written_at: null, source_snapshot: JSON.stringify({}), updated_at: new Date() }
      : { target_written_at: null, target_snapshot: JSON.stringify({}), updated_at: new Date() };
  await db.updateTable('ticket_links').set(set).where('id', '=', linkId).execute();
}

/** The connection's contract name, for the audit log's target label. */
export async function contractNameOf(db: Db, connectionId: string): Promise<string | null> {
  const r = await db.selectFrom('connections').select('contract_name').where('id', '=', connectionId).executeTakeFirst();
  return r?.contract_name ?? null;
}

/** Whether a timeline's connection has a run going (Retry/Resync start one; the API says 409 then). */
export async function hasRunningRun(db: Db, connectionId: string): Promise<boolean> {
  const r = await db
    .selectFrom('sync_runs')
    .select(sql<number>`1`.as('one'))
    .where('connection_id', '=', connectionId)
    .where('status', '=', 'running')
    .executeTakeFirst();
  return !!r;
}
