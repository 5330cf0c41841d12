import type { RandomFaultCounts } from '../../../src/simulator/freshservice/faults.ts';
import { seedTickets, type DatasetStats } from './dataset.ts';
import { checkInvariants, type CheckReport } from './invariants.ts';
import { rng } from './rng.ts';
import { createWorld, writeRequests, type SyncResult, type WorldTemplate } from './world.ts';

export interface FaultMix {
  p5xx: number;
  p429: number;
  pHang: number;
  pReset: number;
  retryAfterSeconds: number;
}

/** The issue's matrix: 10 % 5xx, 5 % 429 with Retry-After, 2 % hangs past the timeout, 2 % resets. */
export const ISSUE_MIX: FaultMix = { p5xx: 0.1, p429: 0.05, pHang: 0.02, pReset: 0.02, retryAfterSeconds: 1 };

export interface FaultTrialOptions {
  seed: number;
  tickets: number;
  template: WorldTemplate;
  mix?: FaultMix;
  /** Retry waits are compressed by this factor (1 = real time). */
  timeScale?: number;
  /** How long a hung request is held before the simulator processes it anyway (default: timeout + 300 ms). */
  hangMs?: number;
  maxRuns?: number;
  log?: (line: string) => void;
}

export interface FaultTrialResult {
  seed: number;
  dataset: DatasetStats;
  runs: Array<{ status: string; error: string | null; pending: number }>;
  injected: Record<'source' | 'target', RandomFaultCounts>;
  echoWrites: number;
  report: CheckReport;
  problems: string[];
  ms: number;
}

/**
 * The same first sync as the crash test, with both simulators answering a seeded share of requests with
 * 5xx, 429 + Retry-After, a hang past the product's timeout, or a connection reset. Runs (a manual one,
 * then automatic ones, as the product would) go on with the faults on until one finishes with nothing
 * left; then the faults stop, one more run must write nothing, and the end state must be the one a sync
 * without faults reaches (the invariants fix it completely).
 */
export async function runFaultTrial(opts: FaultTrialOptions): Promise<FaultTrialResult> {
  const started = Date.now();
  const r = rng(opts.seed);
  const log = opts.log ?? (() => {});
  const mix = opts.mix ?? ISSUE_MIX;
  const world = await createWorld({ template: opts.template });
  const problems: string[] = [];
  try {
    const dataset = seedTickets(world.source, r.fork(), { tickets: opts.tickets });
    const hangMs = opts.hangMs ?? world.timeoutMs + 300;
    world.source.faults.set({ random: { seed: r.int(1, 2 ** 31), ...mix, hangMs } });
    world.target.faults.set({ random: { seed: r.int(1, 2 ** 31), ...mix, hangMs } });
    const ow = await world.open();
    const deps = ow.compressedDeps(opts.timeScale ?? 0.1);
    const since = new Date(Date.now() - 30 * 86_400_000);
    const runs: FaultTrialResult['runs'] = [];
    const maxRuns = opts.maxRuns ?? 40;
    let done = false;
    let ready = false;
    for (let i = 0; i < maxRuns && !done; i++) {
      // Until the first manual run has finished, the operator presses "Sync now" again; then the schedule takes over.
      const res: SyncResult = await ow.sync(ready ? 'automatic' : 'manual', since, deps);
      runs.push({ status: res.outcome.status, error: res.outcome.error, pending: res.pending });
      log(`  run ${i + 1} (${res.trigger}): ${res.outcome.status}${res.outcome.error ? ` — ${res.outcome.error.slice(0, 160)}` : ''}, pending ${res.pending}`);
      if (res.outcome.status !== 'failed' && res.trigger === 'manual') ready = true;
      done = (res.outcome.status === 'success' || res.outcome.status === 'no_tickets') && res.pending === 0;
      // As a schedule would: the next run a moment later, not at once.
      if (!done) await new Promise((r) => setTimeout(r, 500));
    }
    if (!done) problems.push(`no run finished with nothing left within ${maxRuns} runs under faults`);
    const injected = { source: world.source.faults.injectedCounts(), target: world.target.faults.injectedCounts() };
    world.source.faults.set({ random: null });
    world.target.faults.set({ random: null });
    // A hung request the simulator still holds may land now: let it, before the final checks.
    await new Promise((res) => setTimeout(res, hangMs + 100));

    const marks = { source: world.source.requests.length, target: world.target.requests.length };
    const last = await ow.sync(ready ? 'automatic' : 'manual', since, deps);
    const echoWrites = writeRequests(world.source, marks.source).length + writeRequests(world.target, marks.target).length;
    if (last.outcome.status === 'failed' || last.outcome.status === 'partial' || last.pending > 0)
      problems.push(`final run without faults: ${last.outcome.status} ${last.outcome.error ?? ''}, pending ${last.pending}`);
    await ow.close();
    const report = checkInvariants({ source: world.source, target: world.target });
    return { seed: opts.seed, dataset, runs, injected, echoWrites, report, problems, ms: Date.now() - started };
  } finally {
    await world.close();
  }
}
