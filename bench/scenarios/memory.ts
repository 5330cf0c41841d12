import { join } from 'node:path';
import { createTempDatabase, type TempDatabase } from '../lib/pg.ts';
import { procStats, rssSampler } from '../lib/proc.ts';
import { pairOrganisations, startManualRun, startProduct, waitForRun, type Product } from '../lib/product.ts';
import { check, machine, type BenchContext, type BenchRecord } from '../lib/record.ts';
import { sim, startSimulator } from '../lib/sim.ts';
import { log, round } from '../lib/util.ts';

interface SizeResult {
  tickets: number;
  status: string;
  copies: number;
  wallMs: number;
  ticketsPerSecond: number;
  cpuMsPerTicket: number;
  peakRssMb: number;
  rssBeforeRunMb: number;
  apiCalls: { source: number; target: number };
}

/** Scenario 6: initial syncs of plain tickets at growing sizes; peak RSS of the product process must stay flat. */
export async function runMemory(ctx: BenchContext, o: { sizes: number[] }): Promise<BenchRecord> {
  const started = Date.now();
  const results: SizeResult[] = [];
  for (const n of o.sizes) results.push(await oneSize(ctx, n));
  const small = results[0]!;
  const large = results[results.length - 1]!;
  const growth = large.peakRssMb - small.peakRssMb;
  const flat = growth <= Math.max(15, small.peakRssMb * 0.1);
  const maxPeak = Math.max(...results.map((r) => r.peakRssMb));
  return {
    scenario: 'memory',
    title: '6. Memory (initial sync, no comments)',
    params: { sizes: o.sizes, comments: 0, requesters: 50 },
    machine: machine(),
    database: ctx.db,
    startedAt: new Date(started).toISOString(),
    durationMs: Date.now() - started,
    figures: {
      sizes: results,
      peakRssGrowthMb: round(growth, 1),
      peakRssGrowthPer10kTicketsMb: round((growth / Math.max(1, large.tickets - small.tickets)) * 10_000, 1),
    },
    targets: [
      check('peak RSS (MB)', '≤ 250', Math.round(maxPeak), maxPeak <= 250),
      check(`peak RSS flat in N (${small.tickets} → ${large.tickets})`, 'growth ≤ max(15 MB, 10 %)', `${growth >= 0 ? '+' : ''}${Math.round(growth)} MB`, flat),
      check(
        'every ticket copied',
        'copies = N',
        results.map((r) => `${r.copies}/${r.tickets}`).join(', '),
        results.every((r) => r.copies === r.tickets && r.status === 'success'),
      ),
    ],
    summary: results.map(
      (r) =>
        [
          `${r.tickets} tickets`,
          `peak RSS ${r.peakRssMb} MB (before the run ${r.rssBeforeRunMb} MB), ${round(r.wallMs / 1000, 1)} s, ${r.ticketsPerSecond} tickets/s, ${r.cpuMsPerTicket} ms CPU/ticket`,
        ] as [string, string],
    ),
    notes: [
      'Peak RSS is VmHWM of the `support-fusion start` process (its whole life: start-up, sign-up, the run). With PGlite the embedded database lives in that process too.',
    ],
  };
}

async function oneSize(ctx: BenchContext, n: number): Promise<SizeResult> {
  const [
    {
      proc: srcProc,
      accounts: [source],
    },
    {
      proc: tgtProc,
      accounts: [target],
    },
  ] = await Promise.all([startSimulator({ label: 'source simulator' }), startSimulator({ label: 'target simulator' })]);
  let db: TempDatabase | null = null;
  let product: Product | null = null;
  try {
    await sim.seedBulk(source!, { tickets: n, requesters: 50 });
    if (ctx.db === 'postgres') db = await createTempDatabase(ctx.serverUrl);
    product = await startProduct({ databaseUrl: db?.url, ...(ctx.profileDir ? { cpuProfDir: join(ctx.profileDir, `memory-${n}`) } : {}) });
    const pair = await pairOrganisations(product, source!, target!);
    log(`memory: initial sync of ${n} tickets`);
    const before = procStats(product.proc.pid);
    const marks = { source: await sim.mark(source!), target: await sim.mark(target!) };
    const rss = rssSampler(product.proc.pid, 2000);
    const t0 = performance.now();
    const runId = await startManualRun(product, pair, '2020-01-01');
    const run = await waitForRun(product, pair, runId, 600_000 + n * 500, 2000);
    const wallMs = performance.now() - t0;
    rss.stop();
    const after = procStats(product.proc.pid);
    const api = { source: (await sim.summary(source!, marks.source)).calls, target: (await sim.summary(target!, marks.target)).calls };
    return {
      tickets: n,
      status: run.status,
      copies: (await sim.counts(target!)).tickets,
      wallMs: Math.round(wallMs),
      ticketsPerSecond: round(n / (wallMs / 1000), 1),
      cpuMsPerTicket: round((after.cpuMs - before.cpuMs) / n, 2),
      peakRssMb: Math.round(after.peakRssMb),
      rssBeforeRunMb: Math.round(before.rssMb),
      apiCalls: api,
    };
  } finally {
    await product?.stop();
    await db?.drop();
    await srcProc.stop();
    await tgtProc.stop();
  }
}
