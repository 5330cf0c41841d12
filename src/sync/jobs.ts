import type PgBoss from 'pg-boss';
import type { ConnectionLocks } from '../db/connection-locks.ts';
import type { Db } from '../db/database.ts';
import { activeJobs, silentSyncJobs, type ActiveJob } from '../db/repositories/queue-jobs.ts';
import { pruneHistory, retentionCutoff } from '../db/repositories/retention.ts';
import { jobDuration } from '../observability/metrics.ts';
import { runLimitMsFor, workConnectionJob, type ConnectionJob } from './coordinator.ts';
import { OrganisationSlots } from './organisation-slots.ts';
import type { EngineDeps, RunRequest } from './engine.ts';

/** How the API and the scheduler hand sync work to whoever works it. The engine knows none of this. */
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

export const SYNC_QUEUE = 'sync-connection';
export const SYNC_DEAD_QUEUE = 'sync-connection-dead';
export const TICK_QUEUE = 'sync-tick';

export interface QueueOptions {
  /** Work jobs in this process (SF_ROLE worker or all); a web-only process only sends. */
  work: boolean;
  worker: string;
  locks: ConnectionLocks;
  /** Parallel runs (of different connections) in this process. */
  concurrency: number;
  /** A job active longer than this is presumed dead and handed to another worker. */
  runTimeoutSeconds: number;
  /** How often the cluster looks for due automatic syncs and stale runs. */
  tickSeconds: number;
  intervalMinutes: number;
  /** Attempts for a busy or failing job before it goes to the dead-letter queue (default 20, backoff from 2 s). */
  retryLimit?: number;
  retryDelaySeconds?: number;
  /** Info-level log lines (run started/finished), with run and connection ids. */
  info?: EngineDeps['log'];
  /**
   * Told after every run a worker of this queue ended, and every Failed run the dead-letter queue recorded
   * (failure notifications, src/notifications/notifier.ts); its failure is logged, never the job's.
   */
  runEnded?: (connectionId: string) => Promise<void>;
  /** Called on each scheduler tick (one per period, cluster-wide): notifications catch up on run ends they missed. */
  onTick?: () => Promise<void>;
  /** What this process does about jobs a stopped or dead process left active (docs/operations.md "Restarts"). */
  recovery?: {
    db: Db;
    /**
     * Embedded storage: no other process can hold a job, so every job still active was taken by the previous
     * process; they are released before this one works any (else each blocks its connection, and with it the
     * whole queue, until it expires after the run timeout).
     */
    releaseAtStart: boolean;
    /**
     * PostgreSQL: a job taken this long ago whose connection has no run with a heartbeat that recent, and whose
     * connection lock nobody holds, belongs to a dead worker and is handed to a live one.
     */
    takeoverSeconds?: number;
  };
  /**
   * Sync history older than `days` (runs, their details, timeline steps) is pruned on the cluster's tick:
   * one tick per period cluster-wide, and a lock in the database so two prunes never overlap.
   */
  retention?: { db: Db; days: number };
}

/** How often workers look for jobs of dead workers: the takeover comes at most this long after the bound. */
export const takeoverCheckMs = (takeoverSeconds: number) => Math.max(1_000, Math.min(15_000, Math.floor((takeoverSeconds * 1000) / 4)));

/** How often the worker of a run beats, so that `takeoverSeconds` of silence means it is gone. */
export const heartbeatMsFor = (takeoverSeconds: number | undefined) => Math.min(15_000, Math.floor(((takeoverSeconds ?? 60) * 1000) / 3));

/**
 * Hands an active job to whichever worker fetches next: the same request is queued again (absorbed by a
 * request of that connection already waiting), then the active copy is cancelled. In that order, so a
 * process dying in between leaves a job to take over rather than none.
 */
async function releaseJob(boss: PgBoss, queue: string, job: ActiveJob): Promise<void> {
  await boss.send(queue, (job.data ?? {}) as object, job.singletonKey ? { singletonKey: job.singletonKey } : {});
  await boss.cancel(queue, job.id);
}

/** Times a job handler into sf_sync_job_duration_seconds{queue,result}. */
async function timed<T>(queue: string, fn: () => Promise<T>, resultOf: (r: T) => string): Promise<T> {
  const end = jobDuration.startTimer({ queue });
  try {
    const r = await fn();
    end({ result: resultOf(r) });
    return r;
  } catch (err) {
    end({ result: err instanceof ConnectionBusy ? 'busy' : 'error' });
    throw err;
  }
}

class ConnectionBusy extends Error {}

/**
 * pg-boss queue `sync-connection` with the `stately` policy and the connection id as singleton key:
 * per connection at most one job waits and one is active, whichever process works it; a waiting
 * request absorbs later ones (their hints stay in the database). Busy connections are retried shortly;
 * jobs that keep failing end in the dead-letter queue, whose worker records the failure in the history.
 */
export async function startSyncQueue(boss: PgBoss, deps: EngineDeps, opts: QueueOptions): Promise<SyncJobs> {
  await boss.createQueue(SYNC_DEAD_QUEUE);
  await boss.createQueue(SYNC_QUEUE, {
    name: SYNC_QUEUE,
    policy: 'stately',
    retryLimit: opts.retryLimit ?? 20,
    retryDelay: opts.retryDelaySeconds ?? 2,
    retryBackoff: true,
    expireInSeconds: opts.runTimeoutSeconds,
    deadLetter: SYNC_DEAD_QUEUE,
  });
  await boss.createQueue(TICK_QUEUE, { name: TICK_QUEUE, policy: 'short', retryLimit: 0, expireInSeconds: 120 });

  const send = (data: ConnectionJob) => boss.send(SYNC_QUEUE, data, { singletonKey: data.connectionId });
  const jobs: SyncJobs = {
    async enqueue(run) {
      // The run row exists: whichever job of this connection a worker takes next adopts it.
      await send({ connectionId: run.connectionId, trigger: run.trigger });
    },
    async enqueueConnection(connectionId, trigger) {
      await send({ connectionId, trigger });
    },
    async stop() {
      clearInterval(ticker);
      clearInterval(takeoverTimer);
      for (const id of workerIds) await boss.offWork({ id });
    },
  };

  const workerIds: string[] = [];
  let ticker: NodeJS.Timeout | undefined;
  let takeoverTimer: NodeJS.Timeout | undefined;
  const recovery = opts.recovery;
  if (recovery?.releaseAtStart) {
    for (const queue of [SYNC_QUEUE, SYNC_DEAD_QUEUE, TICK_QUEUE]) {
      const left = await activeJobs(recovery.db, queue);
      for (const job of left) await releaseJob(boss, queue, job);
      if (left.length > 0) deps.log?.('released jobs left active by the previous process', { queue, jobs: left.length });
    }
  }
  if (opts.work) {
    const afterRun = async (connectionId: string) => {
      await opts
        .runEnded?.(connectionId)
        .catch((err: unknown) =>
          deps.log?.('could not announce the end of a run (notifications); the next tick tries again', { connectionId, error: (err as Error).message }),
        );
    };
    const engine = {
      ...deps,
      locks: opts.locks,
      worker: opts.worker,
      heartbeatMs: heartbeatMsFor(recovery?.takeoverSeconds),
      ...(opts.info ? { info: opts.info } : {}),
      // Fair scheduling and the run limit (docs/operations.md "How worker slots are shared").
      slots: OrganisationSlots.forConcurrency(opts.concurrency),
      runLimitMs: runLimitMsFor(opts.runTimeoutSeconds),
    };
    for (let i = 0; i < opts.concurrency; i++) {
      workerIds.push(
        await boss.work<ConnectionJob>(SYNC_QUEUE, { pollingIntervalSeconds: 0.5, batchSize: 1 }, async ([job]) => {
          if (!job) return;
          await timed(
            SYNC_QUEUE,
            async () => {
              const result = await workConnectionJob(engine, job.data);
              if (result.kind === 'ran') await afterRun(job.data.connectionId);
              if (result.kind === 'busy') throw new ConnectionBusy(`connection ${job.data.connectionId} is being synced by another worker`);
              // Deferred for fairness: asked again a little later (not a retry, so it never ends in the
              // dead-letter queue), spaced out the more often it waits; a request already waiting absorbs it.
              if (result.kind === 'deferred') {
                const deferrals = (job.data.deferrals ?? 0) + 1;
                await boss.send(
                  SYNC_QUEUE,
                  { ...job.data, deferrals },
                  { singletonKey: job.data.connectionId, startAfter: Math.min(30, 2 ** Math.min(deferrals, 5)) },
                );
              }
              return result;
            },
            (r) => r.kind,
          );
        }),
      );
    }
    workerIds.push(
      await boss.work<ConnectionJob>(SYNC_DEAD_QUEUE, { pollingIntervalSeconds: 2, batchSize: 1 }, async ([job]) => {
        if (!job) return;
        deps.log?.('sync job gave up after its retries', { connectionId: job.data.connectionId, trigger: job.data.trigger });
        await deps.store.recordFailedRun(
          job.data.connectionId,
          job.data.trigger,
          'The sync could not be started after repeated attempts (the connection stayed busy or the worker kept failing); the next scheduled run tries again',
        );
        await afterRun(job.data.connectionId);
      }),
    );
    workerIds.push(
      await boss.work(TICK_QUEUE, { pollingIntervalSeconds: 1, batchSize: 1 }, async () => {
        await timed(
          TICK_QUEUE,
          async () => {
            for (const id of await deps.store.dueForAutomaticSync(new Date(Date.now() - opts.intervalMinutes * 60_000)))
              await jobs.enqueueConnection(id, 'automatic');
            await opts
              .onTick?.()
              .catch((err: unknown) => deps.log?.('could not look for unannounced run ends (notifications)', { error: (err as Error).message }));
            // After the due syncs are queued: a slow prune never delays them. A failed prune is tried on the next tick.
            if (opts.retention) {
              const pruned = await pruneHistory(opts.retention.db, retentionCutoff(opts.retention.days)).catch((err: unknown) => {
                deps.log?.('could not prune old sync history; trying again on the next tick', { error: (err as Error).message });
                return null;
              });
              if (pruned && pruned.runs + pruned.events > 0)
                opts.info?.('pruned sync history past its retention', { runs: pruned.runs, timelineSteps: pruned.events, days: opts.retention.days });
            }
          },
          () => 'ran',
        );
      }),
    );
    // Every worker offers a tick; the singleton slot lets one through per period, cluster-wide.
    const offerTick = () => void boss.send(TICK_QUEUE, {}, { singletonKey: 'tick', singletonSeconds: opts.tickSeconds }).catch(() => {});
    offerTick();
    ticker = setInterval(offerTick, opts.tickSeconds * 1000);
    ticker.unref();

    const takeoverSeconds = recovery?.takeoverSeconds;
    if (recovery && takeoverSeconds !== undefined) {
      let checking = false;
      const takeOver = async () => {
        for (const job of await silentSyncJobs(recovery.db, SYNC_QUEUE, takeoverSeconds)) {
          if (!job.singletonKey) continue;
          // A live worker holds its connection's lock for the whole run (its session would have ended with
          // it): a free lock and a silent heartbeat together mean the worker is gone.
          const unlock = await opts.locks.tryLock(job.singletonKey);
          if (!unlock) continue;
          await unlock();
          await releaseJob(boss, SYNC_QUEUE, job);
          deps.log?.('took over the sync job of a worker that stopped answering', {
            connectionId: job.singletonKey,
            jobId: job.id,
            silentForSeconds: takeoverSeconds,
          });
        }
      };
      const check = () => {
        if (checking) return;
        checking = true;
        takeOver()
          .catch((err: unknown) => deps.log?.('could not check for jobs of dead workers; trying again', { error: (err as Error).message }))
          .finally(() => (checking = false));
      };
      check();
      takeoverTimer = setInterval(check, takeoverCheckMs(takeoverSeconds));
      takeoverTimer.unref();
    }
  }
  return jobs;
}

/** The same contract without a queue: for tests that exercise the API, not the job engine. */
export function inlineSyncJobs(deps: EngineDeps & { locks: ConnectionLocks }): SyncJobs & { idle(): Promise<void> } {
  const running = new Set<Promise<unknown>>();
  const start = (job: ConnectionJob) => {
    const p: Promise<unknown> = (async () => {
      // A busy connection is tried again shortly, as the queue would.
      for (let i = 0; i < 600; i++) {
        const r = await workConnectionJob({ ...deps, worker: 'inline' }, job);
        if (r.kind !== 'busy') return;
        await new Promise((res) => setTimeout(res, 100));
      }
    })().finally(() => running.delete(p));
    running.add(p);
  };
  return {
    async enqueue(run) {
      start({ connectionId: run.connectionId, trigger: run.trigger });
    },
    async enqueueConnection(connectionId, trigger) {
      start({ connectionId, trigger });
    },
    async stop() {
      await Promise.allSettled([...running]);
    },
    async idle() {
      while (running.size > 0) await Promise.allSettled([...running]);
    },
  };
}
