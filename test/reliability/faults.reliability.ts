import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ISSUE_MIX, runFaultTrial, type FaultTrialResult } from './lib/fault-trial.ts';
import { recordResult } from './lib/results.ts';
import { envInt, trialSeed } from './lib/rng.ts';
import { createTemplate, type WorldTemplate } from './lib/world.ts';

/**
 * Fault matrix: the crash test's first sync with both simulators answering, at random (seeded), 10 % of
 * requests with a 5xx, 5 % with 429 + Retry-After, 2 % with a hang past the product's timeout
 * (SF_PLATFORM_TIMEOUT_MS = 500 ms; the simulator processes the request later anyway) and 2 % with a
 * connection reset. It must converge to the end state of a sync without faults (the invariants pin it
 * down completely), and a final run must write nothing.
 *
 * Retry waits (backoff, Retry-After) are compressed by RELIABILITY_TIME_SCALE (default 0.1; 1 = real
 * time). The shared API budget's pause after a 429 is not compressed.
 * Replay one trial: RELIABILITY_FAULT_SEED=<seed printed> RELIABILITY_FAULT_TRIALS=1 npm run test:reliability -- faults
 */
const TRIALS = envInt('RELIABILITY_FAULT_TRIALS', 1);
const TICKETS = envInt('RELIABILITY_FAULT_TICKETS', envInt('RELIABILITY_TICKETS', 100));
const BASE_SEED = envInt('RELIABILITY_FAULT_SEED', envInt('RELIABILITY_SEED', 20_261_129) + 1);
const TIME_SCALE = Number(process.env.RELIABILITY_TIME_SCALE ?? '0.1');

let template: WorldTemplate;
beforeAll(async () => {
  template = await createTemplate({ timeoutMs: 500 });
});
afterAll(async () => {
  await template?.close();
});

describe('fault matrix', () => {
  it(`${TRIALS} trial(s): ${TICKETS} tickets, 10% 5xx, 5% 429, 2% hangs, 2% resets on both sides at once`, async () => {
    const started = Date.now();
    const results: FaultTrialResult[] = [];
    const failures: string[] = [];
    for (let i = 0; i < TRIALS; i++) {
      const seed = trialSeed(BASE_SEED, i);
      const lines: string[] = [];
      const r = await runFaultTrial({ seed, tickets: TICKETS, template, mix: ISSUE_MIX, timeScale: TIME_SCALE, log: (l) => lines.push(l) });
      results.push(r);
      const inj = (['source', 'target'] as const).map((s) => r.injected[s]);
      const total = (k: 'status5xx' | 'status429' | 'hang' | 'reset' | 'requests') => inj.reduce((n, c) => n + c[k], 0);
      const bad = r.report.violations.length + r.echoWrites + r.problems.length;
      console.log(
        `[faults] trial ${i + 1}/${TRIALS} seed=${seed}: ${total('requests')} requests, ${total('status5xx')} 5xx, ${total('status429')} 429, ${total('hang')} hangs, ${total('reset')} resets; ` +
          `${r.runs.length} run(s) to converge (${r.runs.map((x) => x.status).join(', ')}); ${bad === 0 ? 'OK' : 'FAILED'} (${(r.ms / 1000).toFixed(1)} s)`,
      );
      if (bad > 0) {
        const why = [
          ...r.problems,
          ...r.report.violations.slice(0, 20).map((v) => `${v.kind}: ${v.detail}`),
          ...(r.echoWrites ? [`final run wrote ${r.echoWrites} time(s)`] : []),
        ];
        failures.push(
          `seed ${seed} (replay: RELIABILITY_FAULT_SEED=${seed} RELIABILITY_FAULT_TRIALS=1 RELIABILITY_FAULT_TICKETS=${TICKETS}):\n${lines.join('\n')}\n    ${why.join('\n    ')}`,
        );
        console.log(failures.at(-1));
      }
    }
    const sum = (f: (r: FaultTrialResult) => number) => results.reduce((n, r) => n + f(r), 0);
    const injected = (r: FaultTrialResult) =>
      (['source', 'target'] as const).reduce((n, s) => n + r.injected[s].status5xx + r.injected[s].status429 + r.injected[s].hang + r.injected[s].reset, 0);
    recordResult({
      suite: 'fault matrix',
      trials: results.length,
      faultsInjected: sum(injected),
      duplicates: sum((r) => r.report.counts.duplicate),
      lost: sum((r) => r.report.counts.lost),
      leaks: sum((r) => r.report.counts.leak),
      echoWrites: sum((r) => r.echoWrites + r.report.counts.echo),
      problems: sum((r) => r.problems.length),
      ms: Date.now() - started,
      notes: `${TICKETS} tickets/trial, time scale ${TIME_SCALE}, ${sum((r) => r.runs.length)} runs in all`,
    });
    expect(failures, failures.join('\n\n')).toEqual([]);
    expect(sum(injected)).toBeGreaterThan(0);
  });
});
