import type { ConnectionLocks } from '../db/connection-locks.ts';
import { runsFinished } from '../observability/metrics.ts';
import { runSync, type EngineDeps, type RunOutcome, type RunRequest } from './engine.ts';

export interface ConnectionJob {
  connectionId: string;
  trigger: RunRequest['trigger'];
}

export type JobResult = { kind: 'ran'; runId: string; outcome: RunOutcome } | { kind: 'busy' } | { kind: 'skipped'; reason: string };

/**
 * Works one job of a connection: takes the connection's lock (one run per connection across all
 * workers), adopts a run row left running (a manual run waiting for a worker, or a run whose worker
 * died — the sync is idempotent, so it just goes on) or starts one, and keeps a heartbeat while it runs.
 */
export async function workConnectionJob(
  deps: EngineDeps & { locks: ConnectionLocks; worker: string; heartbeatMs?: number; info?: EngineDeps['log'] },
  job: ConnectionJob,
): Promise<JobResult> {
  const release = await deps.locks.tryLock(job.connectionId);
  if (!release) return { kind: 'busy' };
  try {
    // A run row left running is always worked (a manual run waiting, or a dead worker's run). A new run
    // starts only for schedules and webhooks, and only after the baseline: their hints wait for it.
    let mayStart = false;
    if (job.trigger !== 'manual' && job.trigger !== 'ticket') {
      const conn = await deps.store.loadConnection(job.connectionId);
      mayStart = !!conn && conn.status === 'active' && conn.syncState === 'ready_for_automatic_sync';
    }
    const run = await deps.store.adoptOrStartRun(job.connectionId, job.trigger, deps.worker, mayStart);
    if (!run) return { kind: 'skipped', reason: 'nothing to run' };
    const beat = setInterval(() => void deps.store.heartbeat(run.runId).catch(() => {}), deps.heartbeatMs ?? 15_000);
    // Every line the engine logs for this run names the run and the connection.
    const ids = { runId: run.runId, connectionId: job.connectionId };
    const log: EngineDeps['log'] = deps.log ? (msg, data) => deps.log!(msg, { ...ids, ...data }) : undefined;
    const started = Date.now();
    deps.info?.('sync run started', { ...ids, trigger: run.trigger, worker: deps.worker });
    try {
      const outcome = await runSync({ ...deps, log }, { runId: run.runId, connectionId: job.connectionId, trigger: run.trigger as RunRequest['trigger'], since: run.since });
      runsFinished.inc({ trigger: run.trigger, status: outcome.status });
      deps.info?.('sync run finished', { ...ids, trigger: run.trigger, status: outcome.status, error: outcome.error, durationMs: Date.now() - started });
      return { kind: 'ran', runId: run.runId, outcome };
    } finally {
      clearInterval(beat);
    }
  } finally {
    await release();
  }
}
