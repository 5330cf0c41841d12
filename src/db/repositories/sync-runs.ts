import type { Db } from '../database.ts';
import { stepsView, type RunStepsView } from './run-steps.ts';
import type { RunDetail, RunStatus } from './sync-store.ts';

export interface SyncRunView {
  id: string;
  connectionId: string;
  trigger: string;
  status: RunStatus;
  since: string | null;
  startedAt: string;
  finishedAt: string | null;
  counts: { created: number; updated: number; closed: number; failed: number };
  error: string | null;
  /** While the run waits for API budget (its platform account's shared rate budget is used up): until when. */
  waitingUntil: string | null;
  /** Why it waits, while it does. */
  waitingReason: string | null;
  /** Live progress while it runs (the last values the engine wrote; kept after the run for the record). */
  progress: { phase: string | null; ticketsSeen: number; ticketsDone: number; steps?: RunStepsView };
  /** A failed run's side at fault and how (0019), when the engine knew; null otherwise. */
  failure: { side: 'source' | 'target'; kind: string } | null;
}

/** A detail row as the API shows it: which side the change came from is implied by the ids. */
export type SyncRunDetailView = Omit<RunDetail, 'originSide' | 'subject'> & {
  id: string;
  /** The worked ticket's subject (plain, clipped), null when it was not read. */
  subject: string | null;
};

type DetailRow = {
  id: string;
  source_ticket_id: string | null;
  target_ticket_id: string | null;
  outcome: string;
  error: string | null;
  failed_comments: number;
  failed_attachments: number;
  owner_only: boolean;
  subject: string | null;
};

export const toDetailView = (r: DetailRow): SyncRunDetailView => ({
  id: String(r.id),
  sourceTicketId: r.source_ticket_id,
  targetTicketId: r.target_ticket_id,
  outcome: r.outcome as SyncRunDetailView['outcome'],
  error: r.error,
  failedComments: r.failed_comments,
  failedAttachments: r.failed_attachments,
  ownerOnly: r.owner_only,
  subject: r.subject,
});

export class RunInProgressError extends Error {}

const iso = (d: Date | null) => (d ? d.toISOString() : null);

type RunRow = Parameters<typeof runView>[0];

/** A run row as the API shows it (no viewer: the progress steps without the viewer's own part). */
export function toView(r: RunRow): SyncRunView {
  return runView(r, undefined);
}

/** A run row as `viewerSide`'s organisation sees it. */
export function runView(
  r: {
    id: string;
    connection_id: string;
    trigger: string;
    status: string;
    since: Date | null;
    started_at: Date;
    finished_at: Date | null;
    created_count: number;
    updated_count: number;
    closed_count: number;
    failed_count: number;
    error: string | null;
    waiting_until: Date | null;
    waiting_reason: string | null;
    phase: string | null;
    tickets_seen: number;
    tickets_done: number;
    failure_side?: string | null;
    failure_kind?: string | null;
    progress_steps?: unknown;
  },
  viewerSide?: string,
): SyncRunView {
  // A wait that is over is not shown: the run is working again.
  const waiting = r.status === 'running' && r.waiting_until !== null && r.waiting_until.getTime() > Date.now();
  return {
    id: r.id,
    connectionId: r.connection_id,
    trigger: r.trigger,
    status: r.status as RunStatus,
    since: iso(r.since),
    startedAt: r.started_at.toISOString(),
    finishedAt: iso(r.finished_at),
    counts: { created: r.created_count, updated: r.updated_count, closed: r.closed_count, failed: r.failed_count },
    error: r.error,
    waitingUntil: waiting ? iso(r.waiting_until) : null,
    waitingReason: waiting ? r.waiting_reason : null,
    progress: { phase: r.phase, ticketsSeen: r.tickets_seen, ticketsDone: r.tickets_done, ...stepsOf(r.progress_steps, viewerSide) },
    failure: r.failure_side && r.failure_kind ? { side: r.failure_side as 'source' | 'target', kind: r.failure_kind } : null,
  };
}

/** The partial unique index on running runs makes "one run per connection" hold across processes. */
export async function startRun(db: Db, input: { connectionId: string; trigger: string; since: Date | null; requestedBy: string | null }): Promise<SyncRunView> {
  try {
    const r = await db
      .insertInto('sync_runs')
      .values({ connection_id: input.connectionId, trigger: input.trigger, since: input.since, requested_by: input.requestedBy, started_at: new Date() })
      .returningAll()
      .executeTakeFirstOrThrow();
    return toView(r);
  } catch (err) {
    if ((err as { code?: string }).code === '23505') throw new RunInProgressError('A sync of this connection is already running');
    throw err;
  }
}

/** `viewerSide`: the asking organisation's side, for the part of the progress steps only it may see. */
export async function getRun(db: Db, runId: string, viewerSide?: string): Promise<SyncRunView | null> {
  const r = await db.selectFrom('sync_runs').selectAll().where('id', '=', runId).executeTakeFirst();
  return r ? runView(r, viewerSide) : null;
}

function stepsOf(raw: unknown, viewerSide: string | undefined): { steps?: RunStepsView } {
  const side = viewerSide === 'source' || viewerSide === 'target' ? viewerSide : undefined;
  const steps = stepsView(raw, side);
  return steps ? { steps } : {};
}

export async function listRuns(db: Db, filter: { connectionIds: string[]; status?: string; from: Date; to: Date; limit: number }): Promise<SyncRunView[]> {
  if (filter.connectionIds.length === 0) return [];
  let q = db
    .selectFrom('sync_runs')
    .selectAll()
    .where('connection_id', 'in', filter.connectionIds)
    .where('started_at', '>=', filter.from)
    .where('started_at', '<=', filter.to);
  if (filter.status) q = q.where('status', '=', filter.status);
  const rows = await q.orderBy('started_at', 'desc').orderBy('id', 'desc').limit(filter.limit).execute();
  return rows.map(toView);
}

/**
 * The run's detail rows as `viewerSide`'s organisation may see them: a row kept to its own side (a ticket
 * that failed before that side's filters admitted it) is left out for the partner.
 */
export async function runDetails(db: Db, runId: string, viewerSide: string): Promise<SyncRunDetailView[]> {
  const rows = await db
    .selectFrom('sync_run_details')
    .selectAll()
    .where('run_id', '=', runId)
    .where((eb) => eb.or([eb('owner_only', '=', false), eb('origin_side', '=', viewerSide)]))
    .orderBy('id')
    .execute();
  return rows.map(toDetailView);
}

/** Connections an organisation takes part in (either side), active or not. */
export async function connectionIdsOf(db: Db, organisationId: string): Promise<string[]> {
  const rows = await db.selectFrom('connection_sides').select('connection_id').where('organisation_id', '=', organisationId).execute();
  return rows.map((r) => r.connection_id);
}

/** The caller's side of a connection and its status, or null when the organisation is not part of it. */
export async function membership(db: Db, connectionId: string, organisationId: string): Promise<{ side: string; status: string } | null> {
  const r = await db
    .selectFrom('connection_sides')
    .innerJoin('connections', 'connections.id', 'connection_sides.connection_id')
    .select(['connection_sides.side', 'connections.status'])
    .where('connection_sides.connection_id', '=', connectionId)
    .where('connection_sides.organisation_id', '=', organisationId)
    .executeTakeFirst();
  return r ?? null;
}

/** Marks runs left running by a stopped process as Failed; the next run picks up where they stopped. */
export async function failInterruptedRuns(db: Db): Promise<number> {
  const r = await db
    .updateTable('sync_runs')
    .set({
      status: 'failed',
      finished_at: new Date(),
      error: 'Interrupted: Support Fusion stopped during this run. Nothing is lost; the next run picks up where it stopped.',
    })
    .where('status', '=', 'running')
    .executeTakeFirst();
  return Number(r.numUpdatedRows);
}

/** The newest run of each connection, for "last result" and "next run" on connection views. */
export async function latestRunByConnection(db: Db, connectionIds: string[]): Promise<Map<string, SyncRunView>> {
  if (connectionIds.length === 0) return new Map();
  const rows = await db
    .selectFrom('sync_runs')
    .selectAll()
    .distinctOn('connection_id')
    .where('connection_id', 'in', connectionIds)
    .orderBy('connection_id')
    .orderBy('started_at', 'desc')
    .execute();
  return new Map(rows.map((r) => [r.connection_id, toView(r)]));
}

export async function setAutomaticSync(db: Db, connectionId: string, enabled: boolean): Promise<void> {
  await db.updateTable('connections').set({ automatic_sync: enabled }).where('id', '=', connectionId).execute();
}
