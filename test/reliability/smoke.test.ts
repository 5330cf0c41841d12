import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCrashTrial } from './lib/crash.ts';
import { ISSUE_MIX, runFaultTrial } from './lib/fault-trial.ts';
import { configArb, runModel, scenarioArb } from './lib/model.ts';
import { runOutage } from './lib/outage.ts';
import { createTemplate, type WorldTemplate } from './lib/world.ts';

/**
 * The reliability suite in miniature, for `npm test`: one crash trial of 20 tickets (the real product
 * started, SIGKILLed mid-sync and started again), one fault-matrix trial of 10 tickets, a short model run
 * and a one-hour outage. The full suite: `npm run test:reliability` (test/reliability/README.md).
 */
let template: WorldTemplate;
beforeAll(async () => {
  template = await createTemplate({ timeoutMs: 500 });
}, 120_000);
afterAll(async () => {
  await template?.close();
});

const explain = (r: { report: { violations: { kind: string; detail: string }[] }; echoWrites: number; problems: string[] }) => [
  ...r.problems,
  ...r.report.violations.map((v) => `${v.kind}: ${v.detail}`),
  ...(r.echoWrites ? [`final run wrote ${r.echoWrites} time(s)`] : []),
];

describe('reliability smoke', () => {
  it.each([11])(
    'crash trial seed %i: killed mid-sync, restarted, nothing duplicated or lost',
    async (seed) => {
      const r = await runCrashTrial({ seed, tickets: 20, template });
      expect(explain(r)).toEqual([]);
      expect(r.kills[0]!.happened).toBe(true);
    },
    180_000,
  );

  it('fault matrix: 10 tickets under 5xx / 429 / hangs / resets on both sides converge', async () => {
    const r = await runFaultTrial({ seed: 21, tickets: 10, template, mix: ISSUE_MIX, timeScale: 0.1 });
    expect(explain(r)).toEqual([]);
  }, 180_000);

  it('model: a few random scenarios with syncs, hints and crashes', async () => {
    await fc.assert(
      fc.asyncProperty(configArb, scenarioArb(15), async (config, ops) => {
        const lines: string[] = [];
        const r = await runModel(template, config, ops, (l) => lines.push(l));
        const bad = explain(r);
        if (bad.length) throw new Error(`${JSON.stringify(config)}\n${lines.join('\n')}\n${bad.join('\n')}`);
      }),
      { numRuns: 4, seed: 31, endOnFailure: true },
    );
  }, 180_000);

  it('outage: one hour down on each side, caught up in order by the schedule', async () => {
    const r = await runOutage({ seed: 41, template, hours: 1 });
    expect([...explain(r), ...r.orderErrors]).toEqual([]);
    expect(r.failedRuns).toBeGreaterThan(0);
  }, 180_000);
});
