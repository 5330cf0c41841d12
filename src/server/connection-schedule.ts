import { latestRunByConnection, type SyncRunView } from '../db/repositories/sync-runs.ts';
import type { Db } from '../db/database.ts';
import { stateOf, stateRunFacts, type ConnectionState } from '../db/repositories/connection-state.ts';

export interface ScheduleView {
  intervalMinutes: number;
  /** When the schedule will next start a run (automatic sync on and ready), else null. */
  nextRunAt: string | null;
  lastRun: Pick<SyncRunView, 'id' | 'trigger' | 'status' | 'startedAt' | 'finishedAt' | 'counts' | 'error'> | null;
  /** The state every page shows (see connection-state.ts); null while the connection is pending. */
  state: ConnectionState | null;
}

/**
 * Adds the automatic-sync picture to connection views. The scheduler starts a run once no run has
 * started for a whole interval, so the next run is the last start plus the interval (or the next tick).
 */
export async function withSchedule<T extends { id: string; automaticSync: boolean; syncState: string; status: string }>(
  db: Db,
  items: T[],
  intervalMinutes: number,
  now = new Date(),
): Promise<Array<T & ScheduleView>> {
  const ids = items.map((i) => i.id);
  const [latest, facts] = await Promise.all([latestRunByConnection(db, ids), stateRunFacts(db, ids)]);
  return items.map((i) => {
    const last = latest.get(i.id) ?? null;
    const on = i.automaticSync && i.status === 'active' && i.syncState === 'ready_for_automatic_sync';
    let nextRunAt: string | null = null;
    if (on) {
      const due = last ? new Date(last.startedAt).getTime() + intervalMinutes * 60_000 : now.getTime();
      nextRunAt = new Date(Math.max(due, now.getTime())).toISOString();
    }
    const lastRun = last
      ? {
          id: last.id,
          trigger: last.trigger,
          status: last.status,
          startedAt: last.startedAt,
          finishedAt: last.finishedAt,
          counts: last.counts,
          error: last.error,
        }
      : null;
    const f = facts.get(i.id) ?? { lastFinishedStatus: null, hadAutomaticRun: false };
    const state = i.status === 'active' ? stateOf({ syncState: i.syncState, automaticSync: i.automaticSync, ...f }) : null;
    return { ...i, intervalMinutes, nextRunAt, lastRun, state };
  });
}
