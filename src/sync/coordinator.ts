import type { ConnectionLocks } from '../db/connection-locks.ts';
import { recordRunEnded } from '../observability/metrics.ts';
import { runSync, type EngineDeps, type RunOutcome, type RunRequest } from './engine.ts';
import type { OrganisationSlots } from './organisation-slots.ts';

export interface ConnectionJob {
  connectionId: string;
  trigger: RunRequest['trigger'];
  /** How many times this request was deferred for its organisations' fair share (spaces the next try). */
  deferrals?: number;
}

export type JobResult =
  { kind: 'ran'; runId: string; outcome: RunOutcome } | { kind: 'busy' } | { kind: 'skipped'; reason: string } | { kind: 'deferred'; reason: string };

/** The reason a run past its time limit ends with (its error, shown on the run). */
export class RunTimeLimitExceeded extends Error {
  constructor(limitMs: number) {
    super(
      `The run was stopped after ${Math.round(limitMs / 1000)} s, the longest a run may take (SF_SYNC_RUN_TIMEOUT_SECONDS): a platform answered too slowly or there was more to do than fits in that time. Its worker slot is free again; the next run starts where this one started, so nothing is lost.`,
    );
    this.name = 'RunTimeLimitExceeded';
  }
}

/**
 * How long a run may take in a queue whose jobs expire after `runTimeoutSeconds`: a little less (10 %, at
 * most a minute), so a live worker always ends its own run before the queue would hand the job to another.
 */
export function runLimitMsFor(runTimeoutSeconds: number): number {
  const ms = runTimeoutSeconds * 1000;
  return ms - Math.min(60_000, Math.round(ms / 10));
}

/** After its time limit, how long a run gets to stop by itself before its slot is freed anyway. */
const STOP_GRACE_MS = 10_000;

/**
 * Works one job of a connection: takes a fair share of the worker's slots for the connection's two
 * organisations (else the job is deferred), takes the connection's lock (one run per connection across
 * all workers), adopts a run row left running (a manual run waiting for a worker, or a run whose worker
 * died — the sync is idempotent, so it just goes on) or starts one, and keeps a heartbeat while it runs.
 * With `runLimitMs` a run that takes longer is stopped (every platform request and wait is aborted) and
 * Failed with RunTimeLimitExceeded as its reason.
 */
export async function workConnectionJob(
  deps: EngineDeps & {
    locks: ConnectionLocks;
    worker: string;
    heartbeatMs?: number;
    info?: EngineDeps['log'];
    slots?: OrganisationSlots;
    runLimitMs?: number;
    stopGraceMs?: number;
  },
  job: ConnectionJob,
): Promise<JobResult> {
  const startedAt = Date.now();
  const conn = await deps.store.loadConnection(job.connectionId);
  let releaseSlot: (() => void) | null = null;
  if (deps.slots && conn) {
    releaseSlot = deps.slots.take([conn.sides.source.organisationId, conn.sides.target.organisationId]);
    if (!releaseSlot)
      return {
        kind: 'deferred',
        reason: `an organisation of connection ${job.connectionId} already has its share of this worker's slots (${deps.slots.perOrganisation})`,
      };
  }
  let releaseLater: Promise<unknown> | null = null;
  try {
    const release = await deps.locks.tryLock(job.connectionId);
    if (!release) return { kind: 'busy' };
    try {
      // A run row left running is always worked (a manual run waiting, or a dead worker's run). A new run
      // starts only for schedules and webhooks, and only after the baseline: their hints wait for it.
      let mayStart = false;
      if (job.trigger !== 'manual' && job.trigger !== 'ticket') {
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
      const stop = new AbortController();
      const limitMs = deps.runLimitMs;
      const limitTimer =
        limitMs === undefined ? undefined : setTimeout(() => stop.abort(new RunTimeLimitExceeded(limitMs)), Math.max(0, limitMs - (Date.now() - startedAt)));
      try {
        const running = runSync(
          { ...deps, log },
          { runId: run.runId, connectionId: job.connectionId, trigger: run.trigger as RunRequest['trigger'], since: run.since, signal: stop.signal },
        );
        let outcome = await untilStoppedFor(running, stop.signal, deps.stopGraceMs ?? STOP_GRACE_MS);
        if (outcome === null) {
          // The run did not stop by itself (an await nothing can abort): its slot is freed now and its run
          // Failed with the reason; the connection's lock stays held until the run's code has returned.
          const reason = (stop.signal.reason as Error).message;
          await deps.store.finishRun(run.runId, 'failed', reason);
          outcome = { status: 'failed', error: reason };
          releaseLater = running;
          log?.('run did not stop within its grace period after its time limit; its slot is released', {});
        }
        recordRunEnded(run.trigger, outcome.status);
        // A failed run is something an operator should see at the default level: logged as a warning.
        const finished = outcome.status === 'failed' ? (deps.log ?? deps.info) : deps.info;
        finished?.('sync run finished', { ...ids, trigger: run.trigger, status: outcome.status, error: outcome.error, durationMs: Date.now() - started });
        return { kind: 'ran', runId: run.runId, outcome };
      } finally {
        clearTimeout(limitTimer);
        clearInterval(beat);
      }
    } finally {
      if (releaseLater) void releaseLater.catch(() => {}).finally(() => void release().catch(() => {}));
      else await release();
    }
  } finally {
    releaseSlot?.();
  }
}

/** The run's outcome, or null when it is still going `graceMs` after the signal aborted. */
async function untilStoppedFor(running: Promise<RunOutcome>, signal: AbortSignal, graceMs: number): Promise<RunOutcome | null> {
  let timer: NodeJS.Timeout | undefined;
  const onAbort = () => {
    timer = setTimeout(() => resolveGrace(null), graceMs);
  };
  let resolveGrace: (v: null) => void = () => {};
  const grace = new Promise<null>((resolve) => (resolveGrace = resolve));
  signal.addEventListener('abort', onAbort, { once: true });
  try {
    return await Promise.race([running, grace]);
  } finally {
    signal.removeEventListener('abort', onAbort);
    clearTimeout(timer);
  }
}
