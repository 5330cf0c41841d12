import { join } from 'node:path';
import { minimumCalls, sumValues } from '../lib/minimum.ts';
import { createTempDatabase, type TempDatabase } from '../lib/pg.ts';
import { pairOrganisations, startManualRun, startProduct, waitForRun, type Product } from '../lib/product.ts';
import { check, machine, type BenchContext, type BenchRecord } from '../lib/record.ts';
import { callsByEndpoint, sim, startSimulator, type RequestSummary } from '../lib/sim.ts';
import { log, round } from '../lib/util.ts';

/** Freshservice Starter: 100 credits a minute overall; lists 40, views / creates / updates 50 (simulator plan table). */
const STARTER = { overall: 100, list: 40, view: 50, create: 50, update: 50 };
const HEADROOM = 0.2; // SF_RATE_HEADROOM default

/** Scenario 3: an initial sync of plain tickets between two Starter accounts. */
export async function runRateBound(ctx: BenchContext, o: { tickets: number }): Promise<BenchRecord> {
  const started = Date.now();
  const requesters = Math.max(1, Math.min(20, Math.ceil(o.tickets / 5)));
  const [
    {
      proc: srcProc,
      accounts: [source],
    },
    {
      proc: tgtProc,
      accounts: [target],
    },
  ] = await Promise.all([
    startSimulator({ label: 'source simulator (starter)', plan: 'starter', rateLimit: 'on' }),
    startSimulator({ label: 'target simulator (starter)', plan: 'starter', rateLimit: 'on' }),
  ]);
  let db: TempDatabase | null = null;
  let product: Product | null = null;
  try {
    await sim.seedBulk(source!, { tickets: o.tickets, requesters });
    if (ctx.db === 'postgres') db = await createTempDatabase(ctx.serverUrl);
    product = await startProduct({ databaseUrl: db?.url, ...(ctx.profileDir ? { cpuProfDir: join(ctx.profileDir, 'rate-bound') } : {}) });
    const pair = await pairOrganisations(product, source!, target!);
    log(`rate-bound: ${o.tickets} tickets between two Starter accounts`);
    const marks = { source: await sim.mark(source!), target: await sim.mark(target!) };
    const t0 = Date.now();
    const runId = await startManualRun(product, pair, '2020-01-01');
    const run = await waitForRun(product, pair, runId, 3_600_000, 2000);
    const wallMs = Date.now() - t0;
    const api = { source: await sim.summary(source!, marks.source, true), target: await sim.summary(target!, marks.target, true) };
    const copies = (await sim.counts(target!)).tickets;

    const min = minimumCalls({ tickets: o.tickets, ticketsWithComments: 0, commentsSent: 0, attachments: 0, requesters, requestersMissing: requesters });
    const usable = STARTER.overall * (1 - HEADROOM);
    // Lower bound: each side's minimum calls at the usable overall rate, and each operation at its platform sub-limit.
    const minutes = {
      sourceOverall: sumValues(min.source) / usable,
      targetOverall: sumValues(min.target) / usable,
      targetCreates: o.tickets / STARTER.create,
      sourceLists: min.source['list changed tickets (1 per 100)']! / STARTER.list,
      requesterLookups: requesters / STARTER.list,
    };
    const lowerBoundMs = Math.max(...Object.values(minutes)) * 60_000;
    const rawBoundMs = Math.max(sumValues(min.source) / STARTER.overall, sumValues(min.target) / STARTER.overall, o.tickets / STARTER.create) * 60_000;
    const share = (s: RequestSummary) => s.credits / (usable * (wallMs / 60_000));
    const perMinute = (s: RequestSummary) => {
      const buckets: number[] = [];
      for (const [at, , status, credits] of s.entries ?? []) {
        const m = Math.floor((at - t0) / 60_000);
        if (m < 0) continue;
        buckets[m] = (buckets[m] ?? 0) + (status === 429 ? 0 : credits);
      }
      return Array.from(buckets, (b) => b ?? 0);
    };
    const late429 = (s: RequestSummary) => (s.entries ?? []).filter(([at, , status]) => status === 429 && at - t0 > 60_000).length;
    const total429 = api.source.rateLimited + api.target.rateLimited;
    const after429 = late429(api.source) + late429(api.target);
    const failures = run.counts.failed + (run.status === 'success' ? 0 : 1);
    const busiest = Math.max(share(api.source), share(api.target));
    return {
      scenario: 'rate-bound',
      title: '3. Rate-bound (Starter limits)',
      params: { tickets: o.tickets, comments: 0, requesters, plan: 'starter', limits: STARTER, headroom: HEADROOM },
      machine: machine(),
      database: ctx.db,
      startedAt: new Date(started).toISOString(),
      durationMs: Date.now() - started,
      figures: {
        runStatus: run.status,
        runCounts: run.counts,
        copiesOnTarget: copies,
        wallMs,
        lowerBoundMs: Math.round(lowerBoundMs),
        lowerBoundWithoutHeadroomMs: Math.round(rawBoundMs),
        wallPerLowerBound: round(wallMs / lowerBoundMs, 2),
        lowerBoundMinutesBy: Object.fromEntries(Object.entries(minutes).map(([k, v]) => [k, round(v, 2)])),
        minimumCalls: min,
        apiCalls: { source: api.source.calls, target: api.target.calls },
        apiCredits: { source: api.source.credits, target: api.target.credits },
        apiCallsByEndpoint: { source: callsByEndpoint(api.source.endpoints), target: callsByEndpoint(api.target.endpoints) },
        creditsPerMinute: { source: perMinute(api.source), target: perMinute(api.target) },
        usableBudgetShare: { source: round(share(api.source), 3), target: round(share(api.target), 3) },
        responses429: { total: total429, afterFirstMinute: after429, source: api.source.rateLimited, target: api.target.rateLimited },
        failures,
      },
      targets: [
        check('share of the usable budget used (busiest side)', '≥ 90 %', `${Math.round(busiest * 100)} %`, busiest >= 0.9),
        check('429 responses after the first minute', '0', after429, after429 === 0),
        check('failures', '0', failures, failures === 0 && copies === o.tickets),
      ],
      summary: [
        ['tickets, run status', `${o.tickets}, ${run.status} (copies ${copies})`],
        ['wall time vs lower bound', `${round(wallMs / 60_000, 2)} min vs ${round(lowerBoundMs / 60_000, 2)} min (× ${round(wallMs / lowerBoundMs, 2)})`],
        [
          'API calls (credits) source / target',
          `${api.source.calls} (${api.source.credits}) / ${api.target.calls} (${api.target.credits}); minimum ${sumValues(min.source)} / ${sumValues(min.target)}`,
        ],
        ['usable budget used source / target', `${Math.round(share(api.source) * 100)} % / ${Math.round(share(api.target) * 100)} %`],
        ['429 responses (after 1st minute)', `${total429} (${after429})`],
      ],
      notes: [
        'Usable budget = 100 credits/min × (1 − SF_RATE_HEADROOM 0.2) = 80 credits/min per account. Share = credits the product spent on the account ÷ (80 × wall minutes).',
        "Lower bound = the largest of: each side's minimum calls ÷ 80/min, creates ÷ 50/min (create sub-limit), list calls ÷ 40/min (list sub-limits). Minimum calls carry 1 credit each (no include=).",
        'The tickets carry no comments: this scenario is about pacing, not about the conversation path.',
      ],
    };
  } finally {
    await product?.stop();
    await db?.drop();
    await srcProc.stop();
    await tgtProc.stop();
  }
}
