import { sql } from 'kysely';
import type { Db } from '../database.ts';

/**
 * Reads of pg-boss's own job table (schema `pgboss`). pg-boss 10 has no call that lists jobs by state, and
 * releasing the jobs of a dead process needs exactly that; every change to a job still goes through
 * pg-boss's API (cancel, send), so its invariants (the `stately` unique indexes) stay its own.
 */
export interface ActiveJob {
  id: string;
  singletonKey: string | null;
  data: unknown;
}

/** Every job of `queue` pg-boss holds as active (taken by a worker, not yet completed or failed). */
export async function activeJobs(db: Db, queue: string): Promise<ActiveJob[]> {
  const r = await sql<{ id: string; singleton_key: string | null; data: unknown }>`
    SELECT id, singleton_key, data FROM pgboss.job WHERE name = ${queue} AND state = 'active' ORDER BY started_on`.execute(db);
  return r.rows.map((j) => ({ id: j.id, singletonKey: j.singleton_key, data: j.data }));
}

/**
 * Active jobs of the sync queue whose worker looks dead: taken more than `seconds` ago (by the database's
 * clock, so the hosts' clocks do not matter) while the connection (the job's singleton key) has no run whose
 * heartbeat is newer than that. A live worker beats every few seconds for as long as it works a run, so a
 * job listed here is either a dead worker's or one whose run just ended (its worker is about to complete it);
 * the caller tells them apart with the connection lock.
 */
export async function silentSyncJobs(db: Db, queue: string, seconds: number): Promise<ActiveJob[]> {
  const r = await sql<{ id: string; singleton_key: string | null; data: unknown }>`
    SELECT j.id, j.singleton_key, j.data FROM pgboss.job j
    WHERE j.name = ${queue} AND j.state = 'active'
      AND j.started_on < now() - make_interval(secs => ${seconds})
      AND NOT EXISTS (
        SELECT 1 FROM sync_runs r
        WHERE r.connection_id::text = j.singleton_key AND r.status = 'running'
          AND r.heartbeat_at > now() - make_interval(secs => ${seconds})
      )
    ORDER BY j.started_on`.execute(db);
  return r.rows.map((j) => ({ id: j.id, singletonKey: j.singleton_key, data: j.data }));
}
