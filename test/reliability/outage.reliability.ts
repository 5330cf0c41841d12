import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runOutage } from './lib/outage.ts';
import { recordResult } from './lib/results.ts';
import { envInt } from './lib/rng.ts';
import { createTemplate, type WorldTemplate } from './lib/world.ts';

/**
 * Outages: each platform down for RELIABILITY_OUTAGE_HOURS simulated hours (the simulators' clock moves
 * by the sync interval at every scheduler tick) while people keep working on the other; afterwards the
 * scheduled runs alone catch everything up, in order.
 */
const HOURS = envInt('RELIABILITY_OUTAGE_HOURS', 6);
const SEED = envInt('RELIABILITY_OUTAGE_SEED', envInt('RELIABILITY_SEED', 20_261_129) + 3);

let template: WorldTemplate;
beforeAll(async () => {
  template = await createTemplate({ timeoutMs: 500 });
});
afterAll(async () => {
  await template?.close();
});

describe('outage catch-up', () => {
  it(`target unreachable, then source answering 503, ${HOURS} simulated hours each: caught up in order by the schedule alone`, async () => {
    const lines: string[] = [];
    const r = await runOutage({ seed: SEED, template, hours: HOURS, log: (l) => lines.push(l) });
    console.log(
      `[outage] seed=${SEED}: ${r.ticks} scheduler ticks, ${r.failedRuns} failed runs during the outages, ${r.faultedRequests} refused requests, caught up in ${r.catchUpRuns} run(s) (${(r.ms / 1000).toFixed(1)} s)`,
    );
    const bad = [
      ...r.problems,
      ...r.orderErrors.map((e) => `order: ${e}`),
      ...r.report.violations.map((v) => `${v.kind}: ${v.detail}`),
      ...(r.echoWrites ? [`final run wrote ${r.echoWrites} time(s)`] : []),
    ];
    recordResult({
      suite: 'outage catch-up',
      trials: 1,
      faultsInjected: r.faultedRequests,
      duplicates: r.report.counts.duplicate,
      lost: r.report.counts.lost + r.orderErrors.length,
      leaks: r.report.counts.leak,
      echoWrites: r.echoWrites + r.report.counts.echo,
      problems: r.problems.length,
      ms: r.ms,
      notes: `2 × ${HOURS} simulated hours, ${r.failedRuns} failed runs while down, caught up in ${r.catchUpRuns} run(s)`,
    });
    if (bad.length) console.log(`seed ${SEED} (replay: RELIABILITY_OUTAGE_SEED=${SEED}):\n${lines.join('\n')}\n    ${bad.join('\n    ')}`);
    expect(bad).toEqual([]);
    expect(r.failedRuns).toBeGreaterThan(0);
  });
});
