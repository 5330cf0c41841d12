import type { Db } from '../database.ts';

/**
 * A connection's state, worded the same on the Dashboard, the Connections list and the connection page
 * (GET /dashboard, GET /connections and GET /connections/:id all carry it as `state`).
 */
export type ConnectionState = 'initial_sync_required' | 'ready' | 'automatic' | 'paused' | 'failing';
export const CONNECTION_STATES = ['initial_sync_required', 'ready', 'automatic', 'paused', 'failing'] as const;

export interface StateFacts {
  syncState: string;
  automaticSync: boolean;
  /** Status of the last run that finished (a running one is not counted), if any. */
  lastFinishedStatus: string | null;
  /** Whether automatic sync ever started a run (switched off since: Paused rather than Ready). */
  hadAutomaticRun: boolean;
}

/** The last run failed → Failing; before the first manual sync → Initial sync required; then Automatic, Paused or Ready. */
export function stateOf(f: StateFacts): ConnectionState {
  if (f.lastFinishedStatus === 'failed') return 'failing';
  if (f.syncState !== 'ready_for_automatic_sync') return 'initial_sync_required';
  if (f.automaticSync) return 'automatic';
  if (f.hadAutomaticRun) return 'paused';
  return 'ready';
}

/** Per connection id: the run facts `stateOf` needs beyond the connection row. */
export async function stateRunFacts(db: Db, connectionIds: string[]): Promise<Map<string, Pick<StateFacts, 'lastFinishedStatus' | 'hadAutomaticRun'>>> {
  const out = new Map<string, Pick<StateFacts, 'lastFinishedStatus' | 'hadAutomaticRun'>>();
  if (connectionIds.length === 0) return out;
  const [lastFinished, automaticRuns] = await Promise.all([
    db
      .selectFrom('sync_runs')
      .select(['connection_id', 'status'])
      .distinctOn('connection_id')
      .where('connection_id', 'in', connectionIds)
      .where('status', '!=', 'running')
      .orderBy('connection_id')
      .orderBy('started_at', 'desc')
      .execute(),
    db.selectFrom('sync_runs').select('connection_id').distinct().where('connection_id', 'in', connectionIds).where('trigger', '=', 'automatic').execute(),
  ]);
  const last = new Map(lastFinished.map((r) => [r.connection_id, r.status]));
  const auto = new Set(automaticRuns.map((r) => r.connection_id));
  for (const id of connectionIds) out.set(id, { lastFinishedStatus: last.get(id) ?? null, hadAutomaticRun: auto.has(id) });
  return out;
}
