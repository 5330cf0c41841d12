/**
 * Prometheus metrics (prom-client). Two kinds:
 *
 * - Process counters (API calls, 429s, tickets synced, job durations) live in the process that does the
 *   work: a worker's own /metrics (SF_METRICS_PORT) reports its calls, the web process reports its own
 *   (Test Connection). Sum them across processes.
 * - Cluster gauges (runs in progress, queue depth, rate budget, sync lag) are read from the database when
 *   /metrics is scraped. Only web/all processes collect them (`databaseMetrics`), so each value is
 *   reported once per cluster.
 */
import { createHash } from 'node:crypto';
import client from 'prom-client';
import { sql } from 'kysely';
import { httpObservers } from '../connector-kit/http.ts';
import type { Db } from '../db/database.ts';
import { createRateBudget } from '../db/repositories/rate-budget.ts';
import { VERSION } from '../version.ts';

/** This process's counters; one per process (module singleton), shared by every app built in it. */
export const processRegistry = new client.Registry();
client.collectDefaultMetrics({ register: processRegistry });

export const apiCalls = new client.Counter({
  name: 'sf_platform_api_calls_total',
  help: 'Platform API requests made by this process, by platform, endpoint (ids replaced by :id), method and HTTP status (or error:<kind> when no answer came)',
  labelNames: ['platform', 'endpoint', 'method', 'status'] as const,
  registers: [processRegistry],
});

export const rateLimited = new client.Counter({
  name: 'sf_platform_rate_limited_total',
  help: 'Platform answers with HTTP 429 (rate limit) received by this process',
  labelNames: ['platform', 'endpoint'] as const,
  registers: [processRegistry],
});

export const ticketsSynced = new client.Counter({
  name: 'sf_tickets_synced_total',
  help: 'Tickets processed by sync runs in this process, by outcome (created, updated, closed, failed, ...)',
  labelNames: ['outcome'] as const,
  registers: [processRegistry],
});

export const jobDuration = new client.Histogram({
  name: 'sf_sync_job_duration_seconds',
  help: 'Duration of sync jobs worked by this process, by queue and result (ran, busy, skipped, error)',
  labelNames: ['queue', 'result'] as const,
  buckets: [0.05, 0.25, 1, 5, 15, 60, 300, 900, 1800, 3600],
  registers: [processRegistry],
});

export const runsFinished = new client.Counter({
  name: 'sf_sync_runs_finished_total',
  help: 'Sync runs finished by this process, by trigger and final status (same count as sf_sync_runs_total; kept for existing dashboards)',
  labelNames: ['trigger', 'status'] as const,
  registers: [processRegistry],
});

/**
 * `sf_sync_runs` was a gauge of every run row in the database by status, which only ever grew (and
 * `increase()` on a gauge misleads): it is now this counter, counted where a run ends. Runs in progress
 * are the gauge `sf_sync_runs_running`.
 */
export const syncRuns = new client.Counter({
  name: 'sf_sync_runs_total',
  help: 'Sync runs ended in this process, by trigger (manual, automatic, webhook, ticket) and outcome (success, partial, failed, no_tickets)',
  labelNames: ['trigger', 'outcome'] as const,
  registers: [processRegistry],
});

/** Called by the coordinator when a run ends. */
export function recordRunEnded(trigger: string, outcome: string): void {
  syncRuns.inc({ trigger, outcome });
  runsFinished.inc({ trigger, status: outcome });
}

export const httpRequestDuration = new client.Histogram({
  name: 'sf_http_request_duration_seconds',
  help: 'HTTP requests served by this process, by method, route pattern (e.g. /api/v1/connections/:id; "unmatched" for paths no route serves, never the raw URL) and status class (2xx, 4xx, ...)',
  labelNames: ['method', 'route', 'status_class'] as const,
  buckets: [0.005, 0.025, 0.1, 0.25, 0.5, 1, 2.5, 10, 30],
  registers: [processRegistry],
});

/** Only methods Fastify routes; anything else is one label value, so a client cannot add label values. */
const HTTP_METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);

/** Records one served request: `route` must be the route's pattern, never the URL (it may hold a token). */
export function recordHttpRequest(method: string, route: string | undefined, statusCode: number, seconds: number): void {
  httpRequestDuration.observe(
    { method: HTTP_METHODS.has(method) ? method : 'other', route: route ?? 'unmatched', status_class: `${Math.floor(statusCode / 100)}xx` },
    seconds,
  );
}

/**
 * The `account` label of the rate-budget gauges: an account is a platform host (a tenant's helpdesk
 * address), which /metrics must not list. The label is the first 12 hex digits of SHA-256 over the
 * account, stable across processes and restarts; `printf %s acme.example.com | sha256sum | cut -c1-12`
 * tells which host a value is.
 */
export function accountLabel(account: string): string {
  return createHash('sha256').update(account).digest('hex').slice(0, 12);
}

/** Always 1: which version (and Node.js) each process runs, for dashboards and alerts during an upgrade. */
export const buildInfo = new client.Gauge({
  name: 'sf_build_info',
  help: 'Support Fusion version and Node.js version of this process (value always 1)',
  labelNames: ['version', 'node'] as const,
  registers: [processRegistry],
});
buildInfo.set({ version: VERSION, node: process.versions.node }, 1);

/** `/api/v2/tickets/123/conversations` → `/tickets/:id/conversations`: bounded label values. */
export function endpointLabel(url: URL, baseUrl: string): string {
  const base = new URL(baseUrl);
  if (url.origin !== base.origin) return 'external';
  const prefix = base.pathname.replace(/\/$/, '');
  let path = url.pathname.startsWith(prefix) ? url.pathname.slice(prefix.length) : url.pathname;
  path = path
    .split('/')
    .map((seg) => (/^\d+$/.test(seg) || /^[0-9a-f-]{16,}$/i.test(seg) ? ':id' : seg))
    .join('/');
  return path === '' ? '/' : path;
}

/** Called by the HTTP client of connectors (src/connector-kit/http.ts) for every request. */
export function recordApiCall(platform: string, endpoint: string, method: string, status: number | string): void {
  apiCalls.inc({ platform, endpoint, method, status: String(status) });
  if (status === 429) rateLimited.inc({ platform, endpoint });
}

httpObservers.add((e) => recordApiCall(e.platform, endpointLabel(e.url, e.baseUrl), e.method, e.status));

const JOB_STATES = ['created', 'retry', 'active'] as const;

/**
 * The cluster gauges, read from the database at scrape time. A query that fails leaves its gauge empty
 * for that scrape (readiness reports the database); `sf_metrics_collect_errors_total` counts it.
 */
export function databaseMetrics(db: Db, opts: { rateHeadroom: number }): client.Registry {
  const registry = new client.Registry();
  const errors = new client.Counter({
    name: 'sf_metrics_collect_errors_total',
    help: 'Database reads for /metrics that failed',
    labelNames: ['metric'] as const,
    registers: [registry],
  });
  const guarded = (metric: string, fn: () => Promise<void>) => async () => {
    try {
      await fn();
    } catch {
      errors.inc({ metric });
    }
  };

  // Finished runs are the counter sf_sync_runs_total (each process); what the database adds is how many
  // are running now, cluster-wide (the partial unique index on running runs keeps this read small).
  const running: client.Gauge = new client.Gauge({
    name: 'sf_sync_runs_running',
    help: 'Sync runs in progress now, in the whole cluster (read from the database)',
    registers: [registry],
    collect: guarded('sf_sync_runs_running', async () => {
      const row = await db
        .selectFrom('sync_runs')
        .select((eb) => eb.fn.countAll<string>().as('n'))
        .where('status', '=', 'running')
        .executeTakeFirst();
      running.set(Number(row?.n ?? 0));
    }),
  });

  const queue: client.Gauge<'queue' | 'state'> = new client.Gauge({
    name: 'sf_queue_jobs',
    help: 'pg-boss jobs waiting (created), waiting to retry (retry) and being worked (active), by queue',
    labelNames: ['queue', 'state'] as const,
    registers: [registry],
    collect: guarded('sf_queue_jobs', async () => {
      const rows = await sql<{ name: string; state: string; n: string }>`
        SELECT name, state::text AS state, count(*)::text AS n FROM pgboss.job
        WHERE state IN ('created', 'retry', 'active') GROUP BY name, state`.execute(db);
      const queues = await sql<{ name: string }>`SELECT name FROM pgboss.queue`.execute(db);
      queue.reset();
      for (const q of queues.rows) for (const state of JOB_STATES) queue.set({ queue: q.name, state }, 0);
      for (const r of rows.rows) if ((JOB_STATES as readonly string[]).includes(r.state)) queue.set({ queue: r.name, state: r.state }, Number(r.n));
    }),
  });

  // Both budget gauges come from one read per scrape (prom-client collects gauges concurrently): the
  // read is shared by the two collectors of one scrape, then dropped, so the next scrape reads afresh.
  const budget = createRateBudget(db, { headroom: opts.rateHeadroom });
  let budgetRead: { at: number; left: number; rows: Promise<Array<{ account: string; remaining: number; limit: number }>> } | null = null;
  const readBudget = () => {
    if (!budgetRead || Date.now() - budgetRead.at > 1000) {
      const rows = (async () => {
        const accounts = await db.selectFrom('rate_accounts').select('account').execute();
        const out = [];
        for (const { account } of accounts) {
          const u = await budget.usage(account);
          out.push({ account, remaining: u.blockedUntil ? 0 : Math.max(0, u.allowed - u.used), limit: u.limit });
        }
        return out;
      })();
      budgetRead = { at: Date.now(), left: 2, rows };
    }
    const read = budgetRead;
    read.left -= 1;
    if (read.left <= 0 && budgetRead === read) budgetRead = null;
    return read.rows;
  };
  const remaining: client.Gauge<'account'> = new client.Gauge({
    name: 'sf_rate_budget_remaining',
    help: 'API credits all workers may still spend on each platform account in the current 60 s window (limit minus headroom minus what was reserved); account: a hash of the platform host (accountLabel)',
    labelNames: ['account'] as const,
    registers: [registry],
    collect: guarded('sf_rate_budget_remaining', async () => {
      const rows = await readBudget();
      remaining.reset();
      for (const r of rows) remaining.set({ account: accountLabel(r.account) }, r.remaining);
    }),
  });
  const limit: client.Gauge<'account'> = new client.Gauge({
    name: 'sf_rate_budget_limit',
    help: "Each platform account's per-minute API limit as last reported by the platform (X-RateLimit-Total); account: a hash of the platform host (accountLabel)",
    labelNames: ['account'] as const,
    registers: [registry],
    collect: guarded('sf_rate_budget_limit', async () => {
      const rows = await readBudget();
      limit.reset();
      for (const r of rows) limit.set({ account: accountLabel(r.account) }, r.limit);
    }),
  });

  const lag: client.Gauge<'connection'> = new client.Gauge({
    name: 'sf_sync_lag_seconds',
    help: 'Per active connection: seconds since the start of its last finished run (changes made before then are synced); absent until the first run finishes',
    labelNames: ['connection'] as const,
    registers: [registry],
    collect: guarded('sf_sync_lag_seconds', async () => {
      const rows = await sql<{ id: string; lag: number }>`
        SELECT c.id, extract(epoch FROM now() - max(r.started_at))::float8 AS lag
        FROM connections c JOIN sync_runs r ON r.connection_id = c.id
        WHERE c.status = 'active' AND r.status <> 'running' AND r.status <> 'failed'
        GROUP BY c.id`.execute(db);
      lag.reset();
      for (const r of rows.rows) lag.set({ connection: r.id }, Math.max(0, Number(r.lag)));
    }),
  });
  return registry;
}

/** The registry a /metrics endpoint serves: this process's counters, plus the cluster gauges when given. */
export function metricsRegistry(database?: client.Registry): client.Registry {
  return database ? client.Registry.merge([processRegistry, database]) : processRegistry;
}
