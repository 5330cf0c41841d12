import { sql } from 'kysely';
import type { Db } from '../database.ts';

/** Taken (and given up at once when busy) by whichever process prunes: never two at the same time. */
const RETENTION_LOCK = 727_017;

/** Rows one pass deletes of each kind at most, so a first prune after an upgrade never holds the database long. */
export const PRUNE_BATCH = 2_000;

export interface PruneResult {
  /** Another process was pruning: nothing was done this time. */
  skipped: boolean;
  runs: number;
  events: number;
}

/**
 * Sync history kept for SF_RETENTION_DAYS: runs started before `before` (with their detail rows, by the
 * foreign key) and ticket timeline steps recorded before it are deleted, at most `batch` of each per
 * call; the periodic maintenance calls it again on its next tick. A run still going is never deleted.
 */
export async function pruneHistory(db: Db, before: Date, batch = PRUNE_BATCH): Promise<PruneResult> {
  return db.transaction().execute(async (trx) => {
    const lock = await sql<{ ok: boolean }>`SELECT pg_try_advisory_xact_lock(${RETENTION_LOCK}) AS ok`.execute(trx);
    if (!lock.rows[0]?.ok) return { skipped: true, runs: 0, events: 0 };
    const runs = await trx
      .deleteFrom('sync_runs')
      .where('id', 'in', (eb) => eb.selectFrom('sync_runs').select('id').where('started_at', '<', before).where('status', '<>', 'running').limit(batch))
      .executeTakeFirst();
    const events = await trx
      .deleteFrom('ticket_events')
      .where('id', 'in', (eb) => eb.selectFrom('ticket_events').select('id').where('created_at', '<', before).limit(batch))
      .executeTakeFirst();
    return { skipped: false, runs: Number(runs.numDeletedRows), events: Number(events.numDeletedRows) };
  });
}

/** The instant before which history is pruned, for a retention of `days`. */
export const retentionCutoff = (days: number, now = Date.now()) => new Date(now - days * 86_400_000);
