import type { RunPhase, RunProgress, SyncStore } from '../db/repositories/sync-store.ts';

export interface ProgressOptions {
  /** At most one write of the ticket count per this many milliseconds (phase changes are always written). */
  minIntervalMs?: number;
  /** Milliseconds, for tests. */
  now?: () => number;
}

export interface ProgressReporter {
  /** A new phase; `ticketsSeen` when the number of tickets to work is known. Always written. */
  phase(phase: RunPhase, ticketsSeen?: number): Promise<void>;
  /** One more ticket worked; written when the last write is old enough, or when it was the last ticket. */
  ticketDone(): Promise<void>;
  /** What was last reported (tests, logs). */
  readonly current: RunProgress;
}

/**
 * The engine's live progress, written to the run row for the run page's event stream. Ticket counts
 * are throttled (by default at most one write per 500 ms, and always the last ticket), so a fast run
 * of thousands of tickets costs a handful of writes; a failing write never fails the run.
 */
export function runProgress(store: Pick<SyncStore, 'reportProgress'>, runId: string, opts: ProgressOptions = {}): ProgressReporter {
  const minIntervalMs = opts.minIntervalMs ?? 500;
  const now = opts.now ?? Date.now;
  const state: RunProgress = { phase: 'listing changes', ticketsSeen: 0, ticketsDone: 0 };
  let lastWriteAt = -Infinity;
  let written = '';

  async function write(force: boolean): Promise<void> {
    const t = now();
    if (!force && t - lastWriteAt < minIntervalMs) return;
    const snapshot = JSON.stringify(state);
    if (snapshot === written) return;
    lastWriteAt = t;
    written = snapshot;
    await store.reportProgress(runId, { ...state }).catch(() => {});
  }

  return {
    get current() {
      return { ...state };
    },
    async phase(phase, ticketsSeen) {
      state.phase = phase;
      if (ticketsSeen !== undefined) state.ticketsSeen = ticketsSeen;
      await write(true);
    },
    async ticketDone() {
      state.ticketsDone += 1;
      await write(state.ticketsDone >= state.ticketsSeen);
    },
  };
}
