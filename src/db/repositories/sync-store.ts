import { randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import type { Db } from '../database.ts';
import { Mappings, SideConfiguration } from '../../core/sync-config.ts';

import type {
  AttachmentLedgerEntry,
  CommentLedgerEntry,
  ConnectionForSync,
  CreateIntent,
  RunDetail,
  RunProgress,
  RunStatus,
  Side,
  SideState,
  Snapshot,
  SyncStore,
  TicketEventBatch,
  TicketLink,
} from '../../sync/ports.ts';

/** The engine's ports (src/sync/ports.ts) over the database: the engine never writes SQL. */
export type {
  CommentLedgerEntry,
  ConnectionForSync,
  CreateIntent,
  RequestSummary,
  RunDetail,
  RunPhase,
  RunProgress,
  RunStatus,
  Side,
  SideState,
  Snapshot,
  SyncStore,
  TicketEvent,
  TicketEventBatch,
  TicketLink,
} from '../../sync/ports.ts';

const col = (side: Side) => (side === 'source' ? 'source_ticket_id' : 'target_ticket_id') as 'source_ticket_id' | 'target_ticket_id';

/** Markers are tags on created tickets and text in copied comments: short, unguessable, tag-safe. */
export function newMarker(kind: 'ticket' | 'comment'): string {
  return `sf-${kind === 'comment' ? 'c' : ''}${randomBytes(8).toString('hex')}`;
}

function toLink(r: {
  id: string;
  origin_side: string;
  source_ticket_id: string;
  target_ticket_id: string;
  source_snapshot: unknown;
  target_snapshot: unknown;
  source_written_at: string | null;
  target_written_at: string | null;
  closure_blocked: string | null;
}): TicketLink {
  return {
    id: r.id,
    originSide: r.origin_side as Side,
    ticketIds: { source: r.source_ticket_id, target: r.target_ticket_id },
    snapshots: { source: (r.source_snapshot ?? {}) as Snapshot, target: (r.target_snapshot ?? {}) as Snapshot },
    writtenAt: { source: r.source_written_at, target: r.target_written_at },
    closureBlocked: r.closure_blocked,
  };
}

export function createSyncStore(db: Db): SyncStore {
  return {
    async loadConnection(connectionId: string): Promise<ConnectionForSync | null> {
      const c = await db.selectFrom('connections').selectAll().where('id', '=', connectionId).executeTakeFirst();
      if (!c) return null;
      const sides = await db
        .selectFrom('connection_sides')
        .innerJoin('organisations', 'organisations.id', 'connection_sides.organisation_id')
        .select([
          'connection_sides.side',
          'connection_sides.organisation_id',
          'connection_sides.configuration',
          'connection_sides.cursor_at',
          'connection_sides.cursor',
          'organisations.name',
        ])
        .where('connection_sides.connection_id', '=', connectionId)
        .execute();
      const bySide = (side: Side): SideState | null => {
        const s = sides.find((x) => x.side === side);
        if (!s) return null;
        return {
          organisationId: s.organisation_id,
          organisationName: s.name,
          configuration: SideConfiguration.parse(s.configuration ?? {}),
          cursorAt: s.cursor_at,
          cursor: s.cursor,
        };
      };
      const source = bySide('source');
      const target = bySide('target');
      if (!source || !target) return null;
      return {
        id: c.id,
        contractName: c.contract_name,
        status: c.status,
        syncState: c.sync_state,
        mappings: Mappings.parse(c.mappings),
        sides: { source, target },
      };
    },

    async findLink(connectionId: string, side: Side, ticketId: string): Promise<TicketLink | null> {
      const r = await db.selectFrom('ticket_links').selectAll().where('connection_id', '=', connectionId).where(col(side), '=', ticketId).executeTakeFirst();
      return r ? toLink(r) : null;
    },

    async saveLinkState(
      linkId: string,
      patch: { snapshots?: Partial<Record<Side, Snapshot>>; writtenAt?: Partial<Record<Side, string>>; closureBlocked?: string | null },
    ): Promise<void> {
      const set: Record<string, unknown> = { updated_at: new Date() };
      if (patch.snapshots?.source) set.source_snapshot = JSON.stringify(patch.snapshots.source);
      if (patch.snapshots?.target) set.target_snapshot = JSON.stringify(patch.snapshots.target);
      if (patch.writtenAt?.source) set.source_written_at = patch.writtenAt.source;
      if (patch.writtenAt?.target) set.target_written_at = patch.writtenAt.target;
      if (patch.closureBlocked !== undefined) set.closure_blocked = patch.closureBlocked;
      await db.updateTable('ticket_links').set(set).where('id', '=', linkId).execute();
    },

    /** Records the intent to create before the remote create, so a retry can find what was created. */
    async openCreateIntent(connectionId: string, originSide: Side, originTicketId: string): Promise<CreateIntent> {
      const marker = newMarker('ticket');
      const inserted = await db
        .insertInto('create_intents')
        .values({ connection_id: connectionId, origin_side: originSide, origin_ticket_id: originTicketId, marker })
        .onConflict((oc) => oc.columns(['connection_id', 'origin_side', 'origin_ticket_id']).doNothing())
        .returning(['id', 'marker', 'created_at'])
        .executeTakeFirst();
      if (inserted) return { id: inserted.id, originSide, originTicketId, marker: inserted.marker, createdAt: inserted.created_at, resumed: false };
      const r = await db
        .selectFrom('create_intents')
        .select(['id', 'marker', 'created_at'])
        .where('connection_id', '=', connectionId)
        .where('origin_side', '=', originSide)
        .where('origin_ticket_id', '=', originTicketId)
        .executeTakeFirstOrThrow();
      return { id: r.id, originSide, originTicketId, marker: r.marker, createdAt: r.created_at, resumed: true };
    },

    async pendingIntents(connectionId: string): Promise<CreateIntent[]> {
      const rows = await db.selectFrom('create_intents').selectAll().where('connection_id', '=', connectionId).execute();
      return rows.map((r) => ({
        id: r.id,
        originSide: r.origin_side as Side,
        originTicketId: r.origin_ticket_id,
        marker: r.marker,
        createdAt: r.created_at,
        resumed: true,
      }));
    },

    /** An intent whose ticket no longer qualifies and whose copy was never made. */
    async dropCreateIntent(intentId: string): Promise<void> {
      await db.deleteFrom('create_intents').where('id', '=', intentId).execute();
    },

    /** Link and intent settle in one transaction: either the link exists or the intent is still open. */
    async completeCreate(
      connectionId: string,
      intent: CreateIntent,
      copyTicketId: string,
      snapshots: Record<Side, Snapshot>,
      writtenAt: Record<Side, string | null>,
    ): Promise<TicketLink> {
      const ids: Record<Side, string> =
        intent.originSide === 'source' ? { source: intent.originTicketId, target: copyTicketId } : { source: copyTicketId, target: intent.originTicketId };
      return db.transaction().execute(async (trx) => {
        const r = await trx
          .insertInto('ticket_links')
          .values({
            connection_id: connectionId,
            origin_side: intent.originSide,
            source_ticket_id: ids.source,
            target_ticket_id: ids.target,
            source_snapshot: JSON.stringify(snapshots.source),
            target_snapshot: JSON.stringify(snapshots.target),
            source_written_at: writtenAt.source,
            target_written_at: writtenAt.target,
          })
          .returningAll()
          .executeTakeFirstOrThrow();
        await trx.deleteFrom('create_intents').where('id', '=', intent.id).execute();
        return toLink(r);
      });
    },

    async commentLedger(linkId: string): Promise<CommentLedgerEntry[]> {
      const rows = await db.selectFrom('comment_ledger').selectAll().where('link_id', '=', linkId).execute();
      return rows.map((r) => ({
        id: r.id,
        originSide: r.origin_side as Side,
        originCommentId: r.origin_comment_id,
        copyCommentId: r.copy_comment_id,
        marker: r.marker,
      }));
    },

    /** The ledger entry for a comment copy about to be written; `resumed` when an earlier attempt had opened it. */
    async openCommentCopy(linkId: string, originSide: Side, originCommentId: string): Promise<CommentLedgerEntry & { resumed: boolean }> {
      const marker = newMarker('comment');
      const r = await db
        .insertInto('comment_ledger')
        .values({ link_id: linkId, origin_side: originSide, origin_comment_id: originCommentId, marker })
        .onConflict((oc) => oc.columns(['link_id', 'origin_side', 'origin_comment_id']).doNothing())
        .returning(['id'])
        .executeTakeFirst();
      if (r) return { id: r.id, originSide, originCommentId, copyCommentId: null, marker, resumed: false };
      const e = await db
        .selectFrom('comment_ledger')
        .selectAll()
        .where('link_id', '=', linkId)
        .where('origin_side', '=', originSide)
        .where('origin_comment_id', '=', originCommentId)
        .executeTakeFirstOrThrow();
      return { id: e.id, originSide, originCommentId, copyCommentId: e.copy_comment_id, marker: e.marker, resumed: true };
    },

    async completeCommentCopy(entryId: string, copyCommentId: string): Promise<void> {
      await db.updateTable('comment_ledger').set({ copy_comment_id: copyCommentId }).where('id', '=', entryId).execute();
    },

    async attachmentLedger(linkId: string): Promise<AttachmentLedgerEntry[]> {
      const rows = await db.selectFrom('attachment_ledger').selectAll().where('link_id', '=', linkId).execute();
      return rows.map((r) => ({ originSide: r.origin_side as Side, originAttachmentId: r.origin_attachment_id, copyAttachmentId: r.copy_attachment_id }));
    },

    async recordAttachmentCopies(linkId: string, originSide: Side, pairs: Array<{ originId: string; copyId: string | null }>): Promise<void> {
      if (pairs.length === 0) return;
      await db
        .insertInto('attachment_ledger')
        .values(pairs.map((p) => ({ link_id: linkId, origin_side: originSide, origin_attachment_id: p.originId, copy_attachment_id: p.copyId })))
        .onConflict((oc) =>
          oc.columns(['link_id', 'origin_side', 'origin_attachment_id']).doUpdateSet({ copy_attachment_id: sql`excluded.copy_attachment_id` }),
        )
        .execute();
    },

    async retries(connectionId: string, side: Side): Promise<string[]> {
      const rows = await db.selectFrom('sync_retries').select('ticket_id').where('connection_id', '=', connectionId).where('side', '=', side).execute();
      return rows.map((r) => r.ticket_id);
    },

    async markRetry(connectionId: string, side: Side, ticketId: string, error: string): Promise<void> {
      await db
        .insertInto('sync_retries')
        .values({ connection_id: connectionId, side, ticket_id: ticketId, last_error: error })
        .onConflict((oc) =>
          oc
            .columns(['connection_id', 'side', 'ticket_id'])
            .doUpdateSet({ attempts: sql`sync_retries.attempts + 1`, last_error: error, updated_at: new Date() }),
        )
        .execute();
    },

    async clearRetry(connectionId: string, side: Side, ticketId: string): Promise<void> {
      await db.deleteFrom('sync_retries').where('connection_id', '=', connectionId).where('side', '=', side).where('ticket_id', '=', ticketId).execute();
    },

    /** Cursors only move forward. */
    async advanceCursor(connectionId: string, side: Side, at: Date): Promise<void> {
      await db
        .updateTable('connection_sides')
        .set({ cursor_at: at })
        .where('connection_id', '=', connectionId)
        .where('side', '=', side)
        .where((eb) => eb.or([eb('cursor_at', 'is', null), eb('cursor_at', '<', at)]))
        .execute();
    },

    /** The opaque cursor as given (a manual run from an earlier date may move it back: re-reading is safe, a gap is not). */
    async saveCursor(connectionId: string, side: Side, cursor: string, changedUpTo: Date | null): Promise<void> {
      await db.updateTable('connection_sides').set({ cursor }).where('connection_id', '=', connectionId).where('side', '=', side).execute();
      if (changedUpTo) await this.advanceCursor(connectionId, side, changedUpTo);
    },

    async markReadyForAutomaticSync(connectionId: string): Promise<void> {
      await db.updateTable('connections').set({ sync_state: 'ready_for_automatic_sync' }).where('id', '=', connectionId).execute();
    },

    async addDetail(runId: string, d: RunDetail): Promise<void> {
      await db
        .insertInto('sync_run_details')
        .values({
          run_id: runId,
          origin_side: d.originSide,
          source_ticket_id: d.sourceTicketId,
          target_ticket_id: d.targetTicketId,
          outcome: d.outcome,
          error: d.error,
          failed_comments: d.failedComments,
          failed_attachments: d.failedAttachments,
          owner_only: d.ownerOnly === true,
          subject: d.subject ?? null,
        })
        .execute();
      if (d.ownerOnly) return;
      const counter = `${d.outcome}_count` as 'created_count' | 'updated_count' | 'closed_count' | 'failed_count';
      await db
        .updateTable('sync_runs')
        .set({ [counter]: sql`${sql.ref(counter)} + 1` } as never)
        .where('id', '=', runId)
        .execute();
    },

    /** Tickets named by webhooks since they were last processed. */
    async hints(connectionId: string): Promise<Array<{ side: Side; ticketId: string; createdAt: Date; deleted: boolean }>> {
      const rows = await db
        .selectFrom('sync_hints')
        .select(['side', 'ticket_id', 'created_at', 'deleted'])
        .where('connection_id', '=', connectionId)
        .orderBy('created_at')
        .execute();
      return rows.map((r) => ({ side: r.side as Side, ticketId: r.ticket_id, createdAt: r.created_at, deleted: r.deleted }));
    },

    /** Drops a processed hint, unless a newer one for the same ticket arrived during the run. */
    async clearHint(connectionId: string, side: Side, ticketId: string, seenAt: Date): Promise<void> {
      await db
        .deleteFrom('sync_hints')
        .where('connection_id', '=', connectionId)
        .where('side', '=', side)
        .where('ticket_id', '=', ticketId)
        // The column keeps microseconds, a JS Date milliseconds: compared at the coarser precision,
        // a hint read at .123456 and handed back as .123 is still the one that was seen.
        .where(sql<Date>`date_trunc('milliseconds', created_at)`, '<=', seenAt)
        .execute();
    },

    /**
     * The run a worker works for a connection, called while holding the connection's lock: a run row
     * still marked running (a manual run waiting for a worker, or one whose worker died) is adopted;
     * otherwise a new run is started.
     */
    async adoptOrStartRun(
      connectionId: string,
      trigger: string,
      worker: string,
      mayStart: boolean,
    ): Promise<{ runId: string; trigger: string; since: Date | null; adopted: boolean } | null> {
      for (let attempt = 0; attempt < 3; attempt++) {
        const running = await db
          .updateTable('sync_runs')
          .set({ worker, heartbeat_at: new Date() })
          .where('connection_id', '=', connectionId)
          .where('status', '=', 'running')
          .returning(['id', 'trigger', 'since'])
          .executeTakeFirst();
        if (running) return { runId: running.id, trigger: running.trigger, since: running.since, adopted: true };
        if (!mayStart) return null;
        try {
          const r = await db
            .insertInto('sync_runs')
            .values({ connection_id: connectionId, trigger, worker, heartbeat_at: new Date(), started_at: new Date() })
            .returning(['id'])
            .executeTakeFirstOrThrow();
          return { runId: r.id, trigger, since: null, adopted: false };
        } catch (err) {
          // A manual run was requested in between: adopt it on the next pass.
          if ((err as { code?: string }).code !== '23505') throw err;
        }
      }
      throw new Error(`Could not start a run for connection ${connectionId}`);
    },

    /** Active connections with automatic sync on, ready, and no run started since `startedBefore`. */
    async dueForAutomaticSync(startedBefore: Date): Promise<string[]> {
      const rows = await db
        .selectFrom('connections')
        .select('connections.id')
        .where('status', '=', 'active')
        .where('automatic_sync', '=', true)
        .where('sync_state', '=', 'ready_for_automatic_sync')
        .where((eb) =>
          eb.not(
            eb.exists(
              eb
                .selectFrom('sync_runs')
                .select('sync_runs.id')
                .whereRef('sync_runs.connection_id', '=', 'connections.id')
                .where('sync_runs.started_at', '>', startedBefore),
            ),
          ),
        )
        .execute();
      return rows.map((r) => r.id);
    },

    /** A job that kept failing: its failure shows in the history like any other run. */
    async recordFailedRun(connectionId: string, trigger: string, error: string): Promise<void> {
      const now = new Date();
      await db.insertInto('sync_runs').values({ connection_id: connectionId, trigger, status: 'failed', started_at: now, finished_at: now, error }).execute();
    },

    async heartbeat(runId: string): Promise<void> {
      await db.updateTable('sync_runs').set({ heartbeat_at: new Date() }).where('id', '=', runId).execute();
    },

    /** `fault`: a failed run's side at fault and how, so each organisation is told its own part. */
    async finishRun(
      runId: string,
      status: Exclude<RunStatus, 'running'>,
      error: string | null,
      fault: { side: Side; kind: string } | null = null,
    ): Promise<void> {
      await db
        .updateTable('sync_runs')
        .set({
          status,
          error,
          finished_at: new Date(),
          waiting_until: null,
          waiting_reason: null,
          failure_side: fault?.side ?? null,
          failure_kind: fault?.kind ?? null,
        })
        .where('id', '=', runId)
        .execute();
    },

    /** The run is waiting for API budget until `until` (shown on the run, not an error). */
    async markWaiting(runId: string, until: Date, reason: string): Promise<void> {
      await db.updateTable('sync_runs').set({ waiting_until: until, waiting_reason: reason }).where('id', '=', runId).where('status', '=', 'running').execute();
    },

    async clearWaiting(runId: string): Promise<void> {
      await db.updateTable('sync_runs').set({ waiting_until: null, waiting_reason: null }).where('id', '=', runId).execute();
    },

    /** A ticket's timeline events of one pass, in one statement (the engine calls it once per ticket). */
    async recordTicketEvents(b: TicketEventBatch): Promise<void> {
      if (b.events.length === 0) return;
      await db
        .insertInto('ticket_events')
        .values(
          b.events.map((e, i) => ({
            connection_id: b.connectionId,
            run_id: b.runId,
            side: b.side,
            ticket_id: b.ticketId,
            linked_ticket_id: b.linkedTicketId,
            kind: e.kind,
            summary: e.summary,
            requests: JSON.stringify(e.requests),
            outcome: i === b.events.length - 1 ? b.outcome : null,
            created_at: e.at,
            subject: b.subject ?? null,
          })),
        )
        .execute();
    },

    /** Timeline events older than `before` are dropped (once per run): the timeline keeps a bounded window. */
    async pruneTicketEvents(connectionId: string, before: Date): Promise<void> {
      await db.deleteFrom('ticket_events').where('connection_id', '=', connectionId).where('created_at', '<', before).execute();
    },

    /** Live progress of a running run (phase, tickets seen and done), for the run page's event stream. */
    async reportProgress(runId: string, p: RunProgress): Promise<void> {
      await db
        .updateTable('sync_runs')
        .set({ phase: p.phase, tickets_seen: p.ticketsSeen, tickets_done: p.ticketsDone, ...(p.steps ? { progress_steps: JSON.stringify(p.steps) } : {}) })
        .where('id', '=', runId)
        .where('status', '=', 'running')
        .execute();
    },
  };
}
