import { hostname } from 'node:os';
import type PgBoss from 'pg-boss';
import type { AppConfig } from './config/env.ts';
import { openDatabase, type DatabaseHandle } from './db/database.ts';
import { failInterruptedRuns } from './db/repositories/sync-runs.ts';
import { startBoss } from './queue/boss.ts';
import { loadKeyring } from './security/secret-key.ts';
import type { AppContext } from './server/context.ts';
import type { EngineDeps } from './sync/engine.ts';
import { engineDeps } from './sync/deps.ts';
import { startSyncQueue, type SyncJobs } from './sync/jobs.ts';
import { startNotifications } from './notifications/notifier.ts';

export interface Runtime {
  ctx: AppContext & { jobs: SyncJobs; boss: PgBoss };
  database: DatabaseHandle;
  /**
   * Stops taking jobs, gives the jobs in progress up to `graceMs` to finish, then releases the rest
   * (pg-boss fails them, so they are retried and their run is adopted by whichever worker takes them),
   * and closes the database (which frees this process's connection locks).
   */
  close(opts?: { graceMs?: number }): Promise<void>;
}

/**
 * Storage, master key, job engine and (for SF_ROLE worker/all) the sync workers: everything a process
 * needs besides HTTP. `npm start`, `support-fusion worker` and the demo all start here.
 */
export async function startRuntime(config: AppConfig, log?: EngineDeps['log'], opts: { info?: EngineDeps['log'] } = {}): Promise<Runtime> {
  const masterKey = await loadKeyring(config);
  const database = await openDatabase({
    databaseUrl: config.databaseUrl,
    dataDir: config.dataDir,
    waitSeconds: config.databaseWaitSeconds,
    ...(log ? { log: (msg: string, data: Record<string, unknown>) => log(msg, data) } : {}),
  });
  const boss = await startBoss(database.boss, {
    maintenanceIntervalSeconds: config.queueMaintenanceSeconds,
    ...(log ? { onError: (err: Error) => log('job queue: database error (pg-boss retries on its next poll)', { error: err.message }) } : {}),
  });
  // Embedded storage is one process: a run still marked running was cut off by the last stop.
  if (database.kind === 'pglite') {
    const interrupted = await failInterruptedRuns(database.db);
    if (interrupted > 0) log?.(`${interrupted} sync run(s) were interrupted by the last stop; marked Failed, the next run picks up`);
  }
  const base = { config, db: database.db, masterKey };
  // Failure notifications: claimed after each run, delivered by workers on a queue of their own.
  const notifier = await startNotifications(boss, base, { work: config.role !== 'web', ...(log ? { log } : {}), ...(opts.info ? { info: opts.info } : {}) });
  const jobs = await startSyncQueue(boss, engineDeps(base, log), {
    work: config.role !== 'web',
    worker: `${hostname()}:${process.pid}`,
    locks: database.locks,
    concurrency: config.workerConcurrency,
    runTimeoutSeconds: config.syncRunTimeoutSeconds,
    tickSeconds: config.schedulerTickSeconds,
    intervalMinutes: config.syncIntervalMinutes,
    runEnded: notifier.runEnded,
    onTick: notifier.sweep,
    retention: { db: database.db, days: config.retentionDays },
    ...(opts.info ? { info: opts.info } : {}),
    // Embedded storage is one process: whatever job is still active was the previous process's. On
    // PostgreSQL other workers may be alive, so only silent ones (heartbeat and lock) are taken over.
    recovery:
      database.kind === 'pglite'
        ? { db: database.db, releaseAtStart: true }
        : { db: database.db, releaseAtStart: false, takeoverSeconds: config.workerTakeoverSeconds },
  });
  return {
    ctx: { ...base, boss, jobs },
    database,
    async close(closeOpts = {}) {
      await jobs.stop();
      await notifier.stop();
      await boss.stop({ graceful: true, wait: true, timeout: closeOpts.graceMs ?? 10_000 });
      await database.close();
    },
  };
}
