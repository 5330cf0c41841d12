import { join } from 'node:path';
import { minimumCalls, sumValues } from '../lib/minimum.ts';
import { backendCpuSampler, createTempDatabase, dbCounters, type TempDatabase } from '../lib/pg.ts';
import { procStats, rssSampler } from '../lib/proc.ts';
import { pairOrganisations, setAutomaticSync, startManualRun, startProduct, waitForRun, type Pair, type Product, type RunView } from '../lib/product.ts';
import { callsByEndpoint, sim, startSimulator, type SimAccount } from '../lib/sim.ts';
import { check, machine, type BenchContext, type BenchRecord } from '../lib/record.ts';
import { log, round, sleep, until } from '../lib/util.ts';

export interface InitialOptions {
  tickets: number;
  replies: number;
  notes: number;
  attachmentEvery: number;
  requesters: number;
}

/** Scenarios 1 and 2: an initial sync of `tickets` tickets, then the same connection's automatic runs. */
export async function runInitialAndIdle(ctx: BenchContext, o: InitialOptions, withIdle: boolean): Promise<BenchRecord[]> {
  const started = Date.now();
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
    const seeded = await sim.seedBulk(source!, {
      tickets: o.tickets,
      replies: o.replies,
      notes: o.notes,
      attachmentEvery: o.attachmentEvery,
      requesters: o.requesters,
    });
    if (ctx.db === 'postgres') db = await createTempDatabase(ctx.serverUrl);
    // A 1-minute schedule, looked at every 2 s: scenario 2 waits for the schedule's runs.
    product = await startProduct({
      databaseUrl: db?.url,
      env: { SF_SYNC_INTERVAL_MINUTES: '1', SF_SCHEDULER_TICK_SECONDS: '2' },
      ...(ctx.profileDir ? { cpuProfDir: join(ctx.profileDir, 'initial-sync') } : {}),
    });
    const pair = await pairOrganisations(product, source!, target!);
    log(`initial sync: ${o.tickets} tickets, ${seeded.conversations} conversations, ${seeded.attachments} attachments (${ctx.db})`);

    const marks = { source: await sim.mark(source!), target: await sim.mark(target!) };
    const db0 = db ? await dbCounters(db) : null;
    const pgCpu = db ? backendCpuSampler(db, 1000, ctx.serverUrl) : null;
    const rss = rssSampler(product.proc.pid);
    const cpu0 = procStats(product.proc.pid).cpuMs;
    const t0 = performance.now();
    const runId = await startManualRun(product, pair, '2020-01-01');
    const run = await waitForRun(product, pair, runId, 600_000 + o.tickets * 1000, o.tickets > 500 ? 1000 : 250);
    const wallMs = performance.now() - t0;
    const after = procStats(product.proc.pid);
    const rssCurve = rss.stop();
    const pgCpuMs = pgCpu ? await pgCpu.stop() : null;
    if (db) await sleep(flushMs(ctx));
    const db1 = db ? await dbCounters(db) : null;
    const api = { source: await sim.summary(source!, marks.source), target: await sim.summary(target!, marks.target) };
    const copies = (await sim.counts(target!)).tickets;

    const sentPerTicket = o.replies; // private notes stay home by default (comments.sendPrivate off)
    const attachments = o.attachmentEvery > 0 ? Math.floor(o.tickets / o.attachmentEvery) : 0;
    const min = minimumCalls({
      tickets: o.tickets,
      ticketsWithComments: o.replies + o.notes > 0 ? o.tickets : 0,
      commentsSent: o.tickets * sentPerTicket,
      attachments,
      requesters: Math.min(o.requesters, o.tickets),
      requestersMissing: Math.min(o.requesters, o.tickets),
    });
    const made = api.source.calls + api.target.calls;
    const ratio = made / min.total;
    const cpuPerTicket = (after.cpuMs - cpu0) / o.tickets;
    const initial: BenchRecord = {
      scenario: 'initial-sync',
      title: '1. Initial sync',
      params: { ...o, sendPrivate: false, simulatorLatencyMs: 0, rateLimit: 'off' },
      machine: machine(),
      database: ctx.db,
      startedAt: new Date(started).toISOString(),
      durationMs: 0,
      figures: {
        runStatus: run.status,
        runCounts: run.counts,
        copiesOnTarget: copies,
        wallMs: Math.round(wallMs),
        ticketsPerSecond: round(o.tickets / (wallMs / 1000), 1),
        productCpuMs: Math.round(after.cpuMs - cpu0),
        cpuMsPerTicket: round(cpuPerTicket, 2),
        postgresCpuMsPerTicket: pgCpuMs === null ? null : round(pgCpuMs / o.tickets, 2),
        peakRssMb: Math.round(after.peakRssMb),
        rssCurveMb: thin(rssCurve, 30),
        apiCalls: { source: api.source.calls, target: api.target.calls, total: made },
        apiCredits: { source: api.source.credits, target: api.target.credits },
        apiCallsByEndpoint: { source: callsByEndpoint(api.source.endpoints), target: callsByEndpoint(api.target.endpoints) },
        rateLimited429: api.source.rateLimited + api.target.rateLimited,
        minimumCalls: { ...min, total: min.total },
        callsPerMinimum: round(ratio, 3),
        apiCallsPerSecond: round(made / (wallMs / 1000), 1),
        db:
          db0 && db1
            ? {
                transactions: db1.xactCommit - db0.xactCommit,
                tableScans: db1.scans - db0.scans,
                rowsWritten: db1.rowsWritten - db0.rowsWritten,
                queueRowsWritten: db1.queueRowsWritten - db0.queueRowsWritten,
              }
            : 'not measured (PGlite runs inside the product process)',
      },
      targets: [
        check('API calls ÷ minimum', '≤ 1.05', round(ratio, 3), ratio <= 1.05),
        check('product CPU per ticket (ms)', '≤ 1 ms beyond waiting on HTTP', round(cpuPerTicket, 2), cpuPerTicket <= 1),
        check('peak RSS (MB)', '≤ 250', Math.round(after.peakRssMb), after.peakRssMb <= 250),
        check(
          'run succeeded, every ticket copied',
          'success, copies = N',
          `${run.status}, ${copies}/${o.tickets}`,
          run.status === 'success' && copies === o.tickets,
        ),
      ],
      summary: [
        ['tickets, run status', `${o.tickets}, ${run.status} (copies ${copies})`],
        ['wall time', `${round(wallMs / 1000, 1)} s (${round(o.tickets / (wallMs / 1000), 1)} tickets/s)`],
        ['product CPU per ticket', `${round(cpuPerTicket, 2)} ms${pgCpuMs === null ? '' : ` (+ PostgreSQL ${round(pgCpuMs / o.tickets, 2)} ms)`}`],
        ['peak RSS (product)', `${Math.round(after.peakRssMb)} MB`],
        ['API calls source / target', `${api.source.calls} / ${api.target.calls} (minimum ${sumValues(min.source)} / ${sumValues(min.target)})`],
        ['API calls ÷ minimum', `${round(ratio, 3)}`],
        ['busiest endpoints', top(api.source.endpoints, api.target.endpoints)],
      ],
      notes: [
        'Private notes are read but not sent (comments.sendPrivate is off by default), so the minimum counts 3 comment writes per ticket.',
        'CPU per ticket is the product process (Node.js, and PGlite when embedded) from the run request to its end, including pg-boss polling and the bench polling the run list.',
      ],
    };
    initial.durationMs = Date.now() - started;
    const out = [initial];
    if (withIdle) out.push(await idleRuns(ctx, product, pair, source!, target!, db, run));
    return out;
  } finally {
    await product?.stop();
    await db?.drop();
    await srcProc.stop();
    await tgtProc.stop();
  }
}

function top(source: Record<string, { calls: number }>, target: Record<string, { calls: number }>): string {
  const all = [
    ...Object.entries(source).map(([k, v]) => [`src ${k}`, v.calls] as const),
    ...Object.entries(target).map(([k, v]) => [`tgt ${k}`, v.calls] as const),
  ];
  return all
    .sort((a, b) => b[1] - a[1])
    .slice(0, 6)
    .map(([k, n]) => `${k} ${n}`)
    .join(', ');
}

/**
 * PostgreSQL backends report their statistics when a transaction ends, at most once a second, and an idle
 * backend within 10 s: counters are read this long after the work they should include.
 */
const flushMs = (ctx: BenchContext) => (ctx.smoke ? 600 : 11_000);

function thin(xs: number[], max: number): number[] {
  if (xs.length <= max) return xs;
  const step = xs.length / max;
  return Array.from({ length: max }, (_, i) => xs[Math.floor(i * step)]!);
}

interface Observed {
  run: RunView;
  calls: { source: number; target: number };
  byEndpoint: { source: Record<string, number>; target: Record<string, number> };
  runMs: number;
  cpuMs: number;
  db: { transactions: number; tableScans: number; rowsWritten: number; backgroundTransactionsPerSecond: number } | null;
}

/**
 * Waits for the next automatic run and measures it. On PostgreSQL the run is watched through SQL
 * (100 ms) so the product's counters can be read just before it starts; the database's background
 * (pg-boss polling, scheduler ticks) is measured in the idle time before and taken out.
 */
async function observeAutomaticRun(
  ctx: BenchContext,
  product: Product,
  pair: Pair,
  source: SimAccount,
  target: SimAccount,
  db: TempDatabase | null,
  after: Date,
): Promise<Observed> {
  const marks = { source: await sim.mark(source), target: await sim.mark(target) };
  const latest = async () =>
    db
      ? (
          await db.query<{ id: string; status: string; trigger: string; started_at: Date }>(
            'SELECT id, status, trigger, started_at FROM sync_runs WHERE connection_id = $1 ORDER BY started_at DESC LIMIT 1',
            [pair.connectionId],
          )
        ).rows[0]
      : undefined;
  const idleStart = { at: performance.now(), counters: db ? await dbCounters(db) : null, own: db?.ownQueries() ?? 0 };
  let beforeRun = idleStart;
  let cpu0 = procStats(product.proc.pid).cpuMs;
  let runId: string;
  if (db) {
    // Fast-forward the schedule instead of waiting out the interval. Between measured runs the
    // connection's automatic_sync flag is kept off (so no run starts while the background is measured);
    // after a 12 s idle stretch the flag goes on and the connection's past runs are made to look a minute
    // older, so the next scheduler tick (every 2 s) starts the run. Nothing else about the run changes.
    await sleep(ctx.smoke ? 500 : 12_000);
    beforeRun = { at: performance.now(), counters: await dbCounters(db), own: db.ownQueries() };
    cpu0 = procStats(product.proc.pid).cpuMs;
    await db.query("UPDATE sync_runs SET started_at = started_at - interval '1 minute' WHERE connection_id = $1 AND status <> 'running'", [pair.connectionId]);
    await db.query('UPDATE connections SET automatic_sync = true WHERE id = $1', [pair.connectionId]);
    runId = await until(
      'the next automatic run to start',
      async () => {
        const r = await latest();
        return r && r.trigger === 'automatic' && r.status !== 'failed' && r.started_at > after ? r.id : undefined;
      },
      { timeoutMs: 180_000, everyMs: 100 },
    );
    await db.query('UPDATE connections SET automatic_sync = false WHERE id = $1', [pair.connectionId]);
    await until('the automatic run to finish', async () => ((await latest())?.status === 'running' ? undefined : true), { timeoutMs: 600_000, everyMs: 100 });
  } else {
    const { listRuns } = await import('../lib/product.ts');
    runId = await until(
      'the next automatic run',
      async () => (await listRuns(product, pair, after)).find((r) => r.trigger === 'automatic' && new Date(r.startedAt) > after && r.status !== 'running')?.id,
      { timeoutMs: 180_000, everyMs: 200 },
    );
  }
  const cpu1 = procStats(product.proc.pid).cpuMs;
  if (db) await sleep(flushMs(ctx));
  const endCounters = db ? await dbCounters(db) : null;
  const endAt = performance.now();
  const run = await waitForRun(product, pair, runId, 60_000);
  const runMs = new Date(run.finishedAt!).getTime() - new Date(run.startedAt).getTime();
  const api = { source: await sim.summary(source, marks.source), target: await sim.summary(target, marks.target) };
  let dbFig: Observed['db'] = null;
  if (db && beforeRun.counters && endCounters && idleStart.counters) {
    const idleSeconds = (beforeRun.at - idleStart.at) / 1000;
    const idleTx = beforeRun.counters.xactCommit - idleStart.counters.xactCommit - (beforeRun.own - idleStart.own);
    const rate = idleSeconds > 0.5 ? Math.max(0, idleTx / idleSeconds) : 0;
    const windowTx = endCounters.xactCommit - beforeRun.counters.xactCommit - (db.ownQueries() - beforeRun.own);
    const windowSeconds = (endAt - beforeRun.at) / 1000;
    dbFig = {
      transactions: Math.max(0, Math.round(windowTx - rate * windowSeconds)),
      tableScans: endCounters.scans - beforeRun.counters.scans,
      rowsWritten: endCounters.rowsWritten - beforeRun.counters.rowsWritten,
      backgroundTransactionsPerSecond: round(rate, 1),
    };
  }
  return {
    run,
    calls: { source: api.source.calls, target: api.target.calls },
    byEndpoint: { source: callsByEndpoint(api.source.endpoints), target: callsByEndpoint(api.target.endpoints) },
    runMs,
    cpuMs: Math.round(cpu1 - cpu0),
    db: dbFig,
  };
}

async function idleRuns(
  ctx: BenchContext,
  product: Product,
  pair: Pair,
  source: SimAccount,
  target: SimAccount,
  db: TempDatabase | null,
  initial: RunView,
): Promise<BenchRecord> {
  const started = Date.now();
  // On PostgreSQL the driver switches the flag itself around each measured run (see observeAutomaticRun).
  if (!db) await setAutomaticSync(product, pair, true);
  log(`idle incremental: ${db ? 'fast-forwarding' : 'waiting for'} the schedule (1-minute interval): first the run after the initial sync, then an idle one`);
  const settle = await observeAutomaticRun(ctx, product, pair, source, target, db, new Date(initial.startedAt));
  // Without PostgreSQL the schedule cannot be fast-forwarded: a smoke run stops after one minute's run.
  const oneRunOnly = !db && ctx.smoke;
  const idle = oneRunOnly ? settle : await observeAutomaticRun(ctx, product, pair, source, target, db, new Date(settle.run.startedAt));
  const fig = (o: Observed) => ({
    status: o.run.status,
    counts: o.run.counts,
    apiCalls: o.calls,
    apiCallsByEndpoint: o.byEndpoint,
    runWallMs: o.runMs,
    productCpuMs: o.cpuMs,
    db: o.db ?? 'not measured (PGlite runs inside the product process)',
  });
  const onePerSide = idle.calls.source <= 1 && idle.calls.target <= 1;
  return {
    scenario: 'idle-incremental',
    title: '2. Idle incremental',
    params: { after: 'scenario 1', schedule: '1 minute', tickets: Number(initial.counts.created ?? 0) },
    machine: machine(),
    database: ctx.db,
    startedAt: new Date(started).toISOString(),
    durationMs: Date.now() - started,
    figures: { firstRunAfterInitial: fig(settle), idleRun: fig(idle) },
    targets: [
      check('API calls per idle run', 'one list call per side', `source ${idle.calls.source}, target ${idle.calls.target}`, onePerSide),
      check(
        'API calls, first run after the initial sync',
        'one list call per side (nothing changed)',
        `source ${settle.calls.source}, target ${settle.calls.target}`,
        settle.calls.source <= 1 && settle.calls.target <= 1,
      ),
    ],
    summary: [
      [
        'first run after initial: calls src / tgt',
        `${settle.calls.source} / ${settle.calls.target} (${settle.runMs} ms${settle.db ? `, ${settle.db.transactions} DB transactions` : ''})`,
      ],
      ['idle run: API calls source / target', `${idle.calls.source} / ${idle.calls.target}`],
      ['idle run: wall time, product CPU', `${idle.runMs} ms, ${idle.cpuMs} ms`],
      [
        'idle run: DB',
        idle.db ? `${idle.db.transactions} transactions, ${idle.db.tableScans} table scans, ${idle.db.rowsWritten} rows written` : 'not measured (PGlite)',
      ],
    ],
    notes: [
      'Both runs are automatic (the schedule), reading from the stored cursors (on PostgreSQL the schedule is fast-forwarded: see bench/README.md). "First run after the initial sync" is the run that sees the initial sync\'s own writes on the target for the first time.',
      db
        ? "DB transactions: pg_stat_database.xact_commit over the run, minus the bench's own queries and minus the background rate (pg-boss polling, scheduler ticks) measured while idle just before. Table scans and rows written: pg_stat_user_tables of the product's tables."
        : 'DB statements are not measured on PGlite.',
    ],
  };
}

export { sumValues };
