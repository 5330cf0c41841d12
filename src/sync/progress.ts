import type { EngineStore, RunPhase, RunProgress } from './ports.ts';
import { emptySteps, type RunSteps, type Side } from '../db/repositories/run-steps.ts';

export interface ProgressOptions {
  /** At most one write of the counts per this many milliseconds (phase changes are always written). */
  minIntervalMs?: number;
  /** Milliseconds, for tests. */
  now?: () => number;
}

export type ConversationKind = 'comments' | 'attachments';

export interface ProgressReporter {
  /** A new phase; `ticketsSeen` when the number of tickets to work is known. Always written. */
  phase(phase: RunPhase, ticketsSeen?: number): Promise<void>;
  /** The tickets a side has to be looked at (listed changes, retries, hints, interrupted creates). */
  listed(side: Side, count: number): Promise<void>;
  /** One ticket screened against its side's filters: whether it travels. */
  screened(side: Side, travels: boolean): Promise<void>;
  /** One more ticket worked; written when the last write is old enough, or when it was the last ticket. */
  ticketDone(failed?: boolean): Promise<void>;
  /** Comments or ticket attachments found to copy (`planned`), copied (`done`) or failed (`failed`). Not awaited by the caller. */
  conversation(kind: ConversationKind, delta: { planned?: number; done?: number; failed?: number }): void;
  /** What was last reported (tests, logs). */
  readonly current: RunProgress;
}

/**
 * The engine's live progress, written to the run row for the run page's event stream: the phase, tickets
 * seen and done (the original figures), and the steps (listed → screened → worked, comments, attachments;
 * see db/repositories/run-steps.ts for how they add up). Counts are throttled (by default at most one
 * write per 500 ms, and always the last ticket), so a fast run of thousands of tickets costs a handful of
 * writes; a failing write never fails the run.
 */
export function runProgress(store: Pick<EngineStore, 'reportProgress'>, runId: string, opts: ProgressOptions = {}): ProgressReporter {
  const minIntervalMs = opts.minIntervalMs ?? 500;
  const now = opts.now ?? Date.now;
  const steps: RunSteps = emptySteps();
  const state: RunProgress = { phase: 'listing changes', ticketsSeen: 0, ticketsDone: 0, steps };
  let lastWriteAt = -Infinity;
  let written = '';
  let writing: Promise<void> = Promise.resolve();

  function write(force: boolean): Promise<void> {
    const t = now();
    if (!force && t - lastWriteAt < minIntervalMs) return writing;
    const snapshot = JSON.stringify(state);
    if (snapshot === written) return writing;
    lastWriteAt = t;
    written = snapshot;
    const copy = structuredClone(state);
    // Writes go out in order (a slow one is never overtaken by an older state).
    writing = writing.then(() => store.reportProgress(runId, copy).catch(() => {}));
    return writing;
  }

  return {
    get current() {
      return structuredClone(state);
    },
    async phase(phase, ticketsSeen) {
      state.phase = phase;
      if (ticketsSeen !== undefined) {
        state.ticketsSeen = ticketsSeen;
        steps.tickets.planned = ticketsSeen;
      }
      await write(true);
    },
    async listed(side, count) {
      steps.listed[side] = count;
      await write(false);
    },
    async screened(side, travels) {
      steps.screened[side] += 1;
      if (travels) steps.travelling[side] += 1;
      else steps.keptBack[side] += 1;
      await write(steps.screened.source + steps.screened.target >= steps.listed.source + steps.listed.target);
    },
    async ticketDone(failed = false) {
      state.ticketsDone += 1;
      if (failed) steps.tickets.failed += 1;
      else steps.tickets.done += 1;
      await write(state.ticketsDone >= state.ticketsSeen);
    },
    conversation(kind, delta) {
      const c = steps[kind];
      c.planned += delta.planned ?? 0;
      c.done += delta.done ?? 0;
      c.failed += delta.failed ?? 0;
      void write(false);
    },
  };
}
