import { join } from 'node:path';
import { backendCpuSampler, createTempDatabase, type TempDatabase } from '../lib/pg.ts';
import { procStats, type Proc } from '../lib/proc.ts';
import { connect, setAutomaticSync, setupOrganisation, startManualRun, startProduct, startWorker, type Pair, type Product } from '../lib/product.ts';
import { check, machine, type BenchContext, type BenchRecord } from '../lib/record.ts';
import { callsByEndpoint, mergeEndpoints, sim, startSimulator, type EndpointCount, type SimAccount } from '../lib/sim.ts';
import { log, pool, round, sleep, until } from '../lib/util.ts';

const ACCOUNTS_PER_SIMULATOR = 250;
const TICKETS_PER_CONNECTION = 3;

interface Phase {
  workers: number;
  runs: number;
  failedRuns: number;
  wallMs: number;
  runsPerSecond: number;
  workerCpuMs: number;
  webCpuMs: number;
  postgresCpuMs: number;
}

/**
 * Scenario 5 (PostgreSQL): `connections` connections, each between its own two accounts, each with a
 * few new tickets; manual runs of all of them with 1 worker process, then the same work again with 2.
 * Then `idleConnections` connections on a 1-minute schedule with nothing to do: the CPU it costs.
 */
export async function runScaleOut(
  ctx: BenchContext,
  o: { connections: number; idleConnections: number; idleWindowSeconds: number; latencyMs: number },
): Promise<BenchRecord> {
  const started = Date.now();
  const sims: Proc[] = [];
  const workers: Array<Proc & { cleanup(): Promise<void> }> = [];
  let db: TempDatabase | null = null;
  let web: Product | null = null;
  try {
    const per = Math.ceil(o.connections / Math.max(1, Math.ceil(o.connections / ACCOUNTS_PER_SIMULATOR)));
    const sources: SimAccount[] = [];
    const targets: SimAccount[] = [];
    for (let left = o.connections; left > 0; left -= per) {
      const n = Math.min(per, left);
      const [s, t] = await Promise.all([
        startSimulator({ label: 'source simulators', accounts: n, latencyMs: o.latencyMs }),
        startSimulator({ label: 'target simulators', accounts: n, latencyMs: o.latencyMs }),
      ]);
      sims.push(s.proc, t.proc);
      sources.push(...s.accounts);
      targets.push(...t.accounts);
    }
    db = await createTempDatabase(ctx.serverUrl);
    const env = { SF_SYNC_INTERVAL_MINUTES: '1', SF_QUEUE_MAINTENANCE_SECONDS: '30' };
    web = await startProduct({ databaseUrl: db.url, role: 'web', env, ...(ctx.profileDir ? { cpuProfDir: join(ctx.profileDir, 'scale-web') } : {}) });
    const product = web;
    const addWorker = async () => {
      const w = await startWorker({
        databaseUrl: db!.url,
        secretKey: product.secretKey,
        env,
        label: `worker ${workers.length + 1}`,
        ...(ctx.profileDir ? { cpuProfDir: join(ctx.profileDir, `scale-worker-${workers.length + 1}`) } : {}),
      });
      workers.push(w);
    };
    await addWorker();

    log(`scale-out: setting up ${o.connections} connections (2 organisations each)`);
    const setupStarted = Date.now();
    const pairs: Pair[] = await pool(sources, 4, async (src, i) => {
      const customer = await setupOrganisation(product, `Customer ${i}`, `admin@customer${i}.bench`, src);
      const provider = await setupOrganisation(product, `Provider ${i}`, `admin@provider${i}.bench`, targets[i]!);
      return connect(product, customer, provider, `Contract ${i}`);
    });
    const setupMs = Date.now() - setupStarted;

    const phase = async (workerCount: number, prefix: string, since: string): Promise<Phase> => {
      while (workers.length < workerCount) await addWorker();
      await pool(sources, 16, (a) => sim.seedBulk(a, { tickets: TICKETS_PER_CONNECTION, replies: 1, requesters: 1, subjectPrefix: prefix }));
      const pgCpu = backendCpuSampler(db!, 1000, ctx.serverUrl);
      const cpu0 = workers.map((w) => procStats(w.pid).cpuMs);
      const web0 = procStats(product.proc.pid).cpuMs;
      const t0 = Date.now();
      const runIds = await pool(pairs, 16, (p) => startManualRun(product, p, since));
      const done = await until(
        `${runIds.length} runs with ${workerCount} worker(s)`,
        async () => {
          const r = await db!.query<{ done: number; failed: number; last: Date | null }>(
            "SELECT count(*) FILTER (WHERE status <> 'running')::int AS done, count(*) FILTER (WHERE status NOT IN ('running','success'))::int AS failed, max(finished_at) AS last FROM sync_runs WHERE id = ANY($1::uuid[])",
            [runIds],
          );
          return r.rows[0]!.done === runIds.length ? r.rows[0]! : undefined;
        },
        { timeoutMs: 600_000 + o.connections * 2000, everyMs: 250 },
      );
      const wallMs = Math.max(1, done.last!.getTime() - t0);
      return {
        workers: workerCount,
        runs: runIds.length,
        failedRuns: done.failed,
        wallMs,
        runsPerSecond: round(runIds.length / (wallMs / 1000), 2),
        workerCpuMs: Math.round(workers.reduce((sum, w, i) => sum + procStats(w.pid).cpuMs - (cpu0[i] ?? 0), 0)),
        webCpuMs: Math.round(procStats(product.proc.pid).cpuMs - web0),
        postgresCpuMs: Math.round(await pgCpu.stop()),
      };
    };

    log(`scale-out: ${o.connections} runs with 1 worker`);
    const one = await phase(1, 'One-worker ticket', '2020-01-01');
    await sleep(ctx.smoke ? 2000 : 10_000); // phase 2 reads from a point after everything phase 1 wrote
    log(`scale-out: the same work with 2 workers`);
    const twoSince = new Date(Date.now() - 1000);
    await sleep(1500);
    const two = await phase(2, 'Two-worker ticket', twoSince.toISOString());
    const ratio = two.runsPerSecond / one.runsPerSecond;

    // Idle connections: the scale-out connections plus more between the same organisations.
    log(`scale-out: ${o.idleConnections} idle connections on a 1-minute schedule`);
    const idlePairs = [...pairs];
    const extra = await pool(
      Array.from({ length: Math.max(0, o.idleConnections - pairs.length) }, (_, k) => k),
      4,
      (k) => {
        const base = pairs[k % pairs.length]!;
        return connect(product, base.sourceToken, base.targetToken, `Idle ${k}`);
      },
    );
    const now = new Date(Date.now() - 1000).toISOString();
    const baselineIds = await pool(extra, 16, (p) => startManualRun(product, p, now));
    await until(
      'baseline runs of the idle connections',
      async () => {
        const r = await db!.query<{ n: number }>("SELECT count(*)::int AS n FROM sync_runs WHERE id = ANY($1::uuid[]) AND status <> 'running'", [baselineIds]);
        return r.rows[0]!.n === baselineIds.length ? true : undefined;
      },
      { timeoutMs: 600_000, everyMs: 500 },
    );
    idlePairs.push(...extra);
    await pool(idlePairs, 16, (p) => setAutomaticSync(product, p, true));
    const marksBefore = await pool([...sources, ...targets], 32, (a) => sim.mark(a));
    const pgCpu = backendCpuSampler(db, 1000, ctx.serverUrl);
    const w0 = workers.map((w) => procStats(w.pid).cpuMs);
    const web0 = procStats(product.proc.pid).cpuMs;
    const windowStart = new Date();
    await sleep(o.idleWindowSeconds * 1000);
    const windowMs = Date.now() - windowStart.getTime();
    const webCpu = procStats(product.proc.pid).cpuMs - web0;
    const workerCpu = workers.reduce((s, w, i) => s + procStats(w.pid).cpuMs - (w0[i] ?? 0), 0);
    const pgCpuMs = await pgCpu.stop();
    const runs = (await db.query<{ n: number }>("SELECT count(*)::int AS n FROM sync_runs WHERE trigger = 'automatic' AND started_at >= $1", [windowStart]))
      .rows[0]!.n;
    const summaries = await pool([...sources, ...targets], 32, (a, i) => sim.summary(a, marksBefore[i]!));
    const calls = summaries.reduce((s, x) => s + x.calls, 0);
    const bySide = (from: number, to: number) =>
      callsByEndpoint(summaries.slice(from, to).reduce((acc, x) => mergeEndpoints(acc, x.endpoints), {} as Record<string, EndpointCount>));
    const pct = (ms: number) => round((ms / windowMs) * 100, 1);
    const idle = {
      connections: idlePairs.length,
      windowSeconds: round(windowMs / 1000, 1),
      automaticRuns: runs,
      runsPerMinute: round(runs / (windowMs / 60_000), 1),
      apiCallsPerMinute: round(calls / (windowMs / 60_000), 1),
      apiCallsByEndpoint: { source: bySide(0, sources.length), target: bySide(sources.length, summaries.length) },
      webCpuPercent: pct(webCpu),
      workersCpuPercent: pct(workerCpu),
      postgresCpuPercent: pct(pgCpuMs),
      workerCpuMsPerIdleRun: runs > 0 ? round(workerCpu / runs, 1) : null,
    };
    return {
      scenario: 'scale-out',
      title: '5. Scale-out (PostgreSQL)',
      params: {
        connections: o.connections,
        ticketsPerConnection: TICKETS_PER_CONNECTION,
        repliesPerTicket: 1,
        workerConcurrency: 4,
        apiLatencyMs: o.latencyMs,
        idleConnections: o.idleConnections,
        idleWindowSeconds: o.idleWindowSeconds,
        schedule: '1 minute',
      },
      machine: machine(),
      database: 'postgres',
      startedAt: new Date(started).toISOString(),
      durationMs: Date.now() - started,
      figures: { setupMs, oneWorker: one, twoWorkers: two, twoOverOne: round(ratio, 2), idle },
      targets: [
        check('2 workers ÷ 1 worker throughput', '≥ 1.7 (not rate-bound)', round(ratio, 2), ratio >= 1.7),
        check('failed runs', '0', one.failedRuns + two.failedRuns, one.failedRuns + two.failedRuns === 0),
      ],
      summary: [
        [
          '1 worker',
          `${one.runs} runs in ${round(one.wallMs / 1000, 1)} s = ${one.runsPerSecond} runs/s (worker CPU ${round(one.workerCpuMs / one.runs, 1)} ms/run, PostgreSQL ${round(one.postgresCpuMs / one.runs, 1)} ms/run)`,
        ],
        ['2 workers', `${two.runs} runs in ${round(two.wallMs / 1000, 1)} s = ${two.runsPerSecond} runs/s (× ${round(ratio, 2)})`],
        [
          `${idlePairs.length} idle connections, 1-min schedule`,
          `web ${idle.webCpuPercent} % CPU, workers ${idle.workersCpuPercent} %, PostgreSQL ${idle.postgresCpuPercent} %; ${idle.runsPerMinute} runs/min, ${idle.apiCallsPerMinute} API calls/min`,
        ],
      ],
      notes: [
        "Each connection has its own source and target account (simulator processes with up to 250 accounts each). Phase 2 repeats phase 1's work (3 new tickets with 1 reply per connection) with a second worker process added.",
        'CPU % is of one core. The web process (SF_ROLE=web) does no scheduling: scheduler ticks and automatic runs are worked by the workers.',
        `On ${machine().cpus} cores the simulators, PostgreSQL, the web process and the workers share the same CPUs: a second worker can only add what the cores have left.`,
      ],
    };
  } finally {
    for (const w of workers) {
      await w.stop();
      await w.cleanup();
    }
    await web?.stop();
    await db?.drop();
    for (const s of sims) await s.stop();
  }
}
