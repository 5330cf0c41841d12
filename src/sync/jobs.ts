import type PgBoss from 'pg-boss';
import { runSync, type EngineDeps, type RunRequest } from './engine.ts';

/** How the API hands a sync run to whoever works it. */
export interface SyncJobs {
  /** A manual run whose row already exists. */
  enqueue(run: RunRequest): Promise<void>;
  /**
   * A run of the connection started by the schedule or a webhook; the run row is created when a worker
   * takes it. Requests for a connection that already has one waiting are merged into it.
   */
  enqueueConnection(connectionId: string, trigger: 'automatic' | 'webhook'): Promise<void>;
  stop(): Promise<void>;
}

export const SYNC_QUEUE = 'sync-run';

/** Runs through pg-boss, so a run survives the request and is worked by one worker at a time per job. */
export async function startSyncWorker(boss: PgBoss, deps: EngineDeps): Promise<SyncJobs> {
  await boss.createQueue(SYNC_QUEUE);
  const workerId = await boss.work<RunRequest & { since: string | null }>(SYNC_QUEUE, { pollingIntervalSeconds: 0.5, batchSize: 1 }, async (jobs) => {
    for (const job of jobs) {
      const d = job.data;
      await runSync(deps, { ...d, since: d.since ? new Date(d.since) : null });
    }
  });
  return {
    async enqueue(run) {
      // retryLimit 0: a failed run is recorded as Failed; the next run picks up where it stopped.
      await boss.send(SYNC_QUEUE, { ...run, since: run.since ? run.since.toISOString() : null }, { retryLimit: 0, expireInSeconds: 60 * 60 });
    },
    async stop() {
      await boss.offWork({ id: workerId });
    },
  };
}

/** The same contract without a queue: for tests that exercise the API, not the job engine. */
export function inlineSyncJobs(deps: EngineDeps): SyncJobs & { idle(): Promise<void> } {
  const running = new Set<Promise<unknown>>();
  return {
    async enqueue(run) {
      const p = runSync(deps, run).finally(() => running.delete(p));
      running.add(p);
    },
    async stop() {
      await Promise.allSettled([...running]);
    },
    async idle() {
      while (running.size > 0) await Promise.allSettled([...running]);
    },
  };
}
