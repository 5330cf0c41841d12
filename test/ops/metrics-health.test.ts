import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { accountLabel } from '../../src/observability/metrics.ts';
import { startWorkerHttp } from '../../src/observability/worker-server.ts';
import { webMetricsRegistry } from '../../src/server/routes/health.routes.ts';
import { buildApp } from '../../src/server/app.ts';
import { startSyncPair, type SyncPair } from '../helpers/sync-pair.ts';

/** One value of a metric line in Prometheus text format (labels in any order), or undefined. */
function metric(text: string, name: string, labels: Record<string, string> = {}): number | undefined {
  for (const line of text.split('\n')) {
    const m = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!m || m[1] !== name) continue;
    const have = Object.fromEntries([...(m[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map((x) => [x[1], x[2]]));
    if (Object.entries(labels).every(([k, v]) => have[k] === v)) return Number(m[3]);
  }
  return undefined;
}

/** The web port serves /metrics only to a bearer of SF_METRICS_TOKEN (else 404); this stack has one. */
const TOKEN = 'metrics-token-for-tests-0123';
const bearer = { authorization: `Bearer ${TOKEN}` };
const scrapeOf = async (app: FastifyInstance) => {
  const res = await app.inject({ url: '/metrics', headers: bearer });
  if (res.statusCode !== 200) throw new Error(`/metrics answered ${res.statusCode}: ${res.body}`);
  return res.body;
};

let pair: SyncPair;
beforeAll(async () => {
  pair = await startSyncPair({ stack: { env: { SF_METRICS_TOKEN: TOKEN } } });
});
afterAll(async () => pair?.close());

describe('metrics and health', () => {
  it('liveness stays as it was; readiness checks the database', async () => {
    const live = await pair.stack.app.inject({ url: '/api/v1/health' });
    expect(live.statusCode).toBe(200);
    expect(live.json()).toMatchObject({ status: 'ok' });
    const ready = await pair.stack.app.inject({ url: '/api/v1/health/ready' });
    expect(ready.statusCode).toBe(200);
    expect(ready.json()).toEqual({ status: 'ready' });
  });

  it('/metrics reports runs, tickets, API calls, 429s, queue, rate budget and lag after a sync', async () => {
    const before = await scrapeOf(pair.stack.app);
    const ticketsBefore = metric(before, 'sf_tickets_synced_total', { outcome: 'created' }) ?? 0;
    const runsBefore = metric(before, 'sf_sync_runs_total', { trigger: 'manual', outcome: 'success' }) ?? 0;
    const testCallsBefore =
      metric(before, 'sf_platform_api_calls_total', { platform: 'freshservice', endpoint: '/agents/me', method: 'GET', status: '200' }) ?? 0;
    // A key that passed Test Connection spends its account's budget (an untested one an allowance of its own).
    const tested = await pair.stack.app.inject({ method: 'POST', url: '/api/v1/platform/test', headers: pair.source.auth });
    expect(tested.json().ok).toBe(true);
    // Two 429s from the source: retried by the connector, counted by the metrics.
    pair.source.sim.faults.set({ burst429: { count: 2, retryAfterSeconds: 0 } });
    const run = await pair.sync();
    expect(run.status).toBe('success');
    expect(run.counts.created).toBeGreaterThan(0);

    const res = await pair.stack.app.inject({ url: '/metrics', headers: bearer });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
    const text = res.body;
    // From the database, at scrape time.
    expect(metric(text, 'sf_sync_runs_running')).toBe(0);
    expect(text).toMatch(/^# TYPE sf_sync_runs_total counter$/m);
    expect(metric(text, 'sf_sync_runs_total', { trigger: 'manual', outcome: 'success' })! - runsBefore).toBe(1);
    const lag = metric(text, 'sf_sync_lag_seconds', { connection: pair.connectionId });
    expect(lag).toBeGreaterThanOrEqual(0);
    expect(lag).toBeLessThan(120);
    // No tenant's platform host in any label: the account is a hash of it.
    const host = new URL(pair.source.sim.url).host;
    for (const sim of [pair.source.sim, pair.target.sim]) expect(text).not.toContain(new URL(sim.url).host);
    const account = accountLabel(host);
    expect(account).toMatch(/^[0-9a-f]{12}$/);
    const remaining = metric(text, 'sf_rate_budget_remaining', { account });
    const limit = metric(text, 'sf_rate_budget_limit', { account });
    expect(limit).toBeGreaterThan(0);
    expect(remaining).toBeGreaterThanOrEqual(0);
    expect(remaining).toBeLessThan(limit!);
    // Counted by this process.
    expect(metric(text, 'sf_tickets_synced_total', { outcome: 'created' })! - ticketsBefore).toBe(run.counts.created);
    expect(metric(text, 'sf_platform_api_calls_total', { platform: 'freshservice', endpoint: '/tickets', method: 'GET', status: '200' })).toBeGreaterThan(0);
    expect(metric(text, 'sf_platform_api_calls_total', { platform: 'freshservice', endpoint: '/tickets', method: 'POST', status: '201' })).toBe(
      run.counts.created,
    );
    // Ids in paths are folded so label values stay bounded.
    expect(text).not.toMatch(/endpoint="\/tickets\/\d+/);
    const throttled = text
      .split('\n')
      .filter((l) => l.startsWith('sf_platform_rate_limited_total{'))
      .reduce((n, l) => n + Number(l.split(' ').pop()), 0);
    expect(throttled).toBe(2);
    expect(metric(text, 'sf_sync_runs_finished_total', { trigger: 'manual', status: 'success' })).toBe(1);
    // Test Connection's calls are labelled with their platform, like the sync's.
    expect(
      metric(text, 'sf_platform_api_calls_total', { platform: 'freshservice', endpoint: '/agents/me', method: 'GET', status: '200' })! - testCallsBefore,
    ).toBe(1);
    expect(text).not.toMatch(/platform="unknown"/);
    // Default process metrics are there too.
    expect(text).toMatch(/^process_cpu_user_seconds_total /m);
  });

  it('every scrape reads the rate budget afresh, even one right after another', async () => {
    const scrape = () => scrapeOf(pair.stack.app);
    await scrape();
    const account = `fresh-${Date.now()}.freshservice.com`;
    await pair.stack.database.db.insertInto('rate_accounts').values({ account, limit_total: 200, observed_remaining: null, observed_at: null }).execute();
    expect(metric(await scrape(), 'sf_rate_budget_limit', { account: accountLabel(account) })).toBe(200);
    await pair.stack.database.db.deleteFrom('rate_accounts').where('account', '=', account).execute();
  });

  it('queue depth and job durations come from pg-boss when the queue is used', async () => {
    const { startStack } = await import('../helpers/stack.ts');
    const stack = await startStack({ listen: false, jobs: 'boss', env: { SF_METRICS_TOKEN: TOKEN } });
    try {
      await stack.jobs.enqueueConnection('00000000-0000-4000-8000-000000000001', 'automatic');
      const text = await scrapeOf(stack.app);
      const waiting = ['created', 'retry', 'active'].reduce((n, state) => n + (metric(text, 'sf_queue_jobs', { queue: 'sync-connection', state }) ?? 0), 0);
      expect(waiting).toBe(1);
      expect(metric(text, 'sf_queue_jobs', { queue: 'sync-tick', state: 'created' })).toBeGreaterThanOrEqual(0);
      // The job is worked (nothing to run for an unknown connection) and timed.
      for (let i = 0; i < 100; i++) {
        const t = await scrapeOf(stack.app);
        if ((metric(t, 'sf_sync_job_duration_seconds_count', { queue: 'sync-connection', result: 'skipped' }) ?? 0) >= 1) return;
        await new Promise((r) => setTimeout(r, 200));
      }
      const seen = (await scrapeOf(stack.app)).split('\n').filter((l) => l.startsWith('sf_sync_job_duration_seconds_count'));
      throw new Error(`the job duration was never recorded; job durations: ${seen.join('; ') || 'none'}`);
    } finally {
      await stack.close();
    }
    // A second stack with pg-boss: its start-up alone takes seconds on a loaded machine.
  }, 90_000);

  it('without SF_METRICS_TOKEN the public port has no /metrics (404, not the UI), whatever is sent', async () => {
    const app = await buildApp(
      { config: { ...pair.stack.config, metricsToken: undefined }, db: pair.stack.database.db, masterKey: Buffer.alloc(32) },
      { logger: false },
    );
    try {
      for (const headers of [{}, bearer, { authorization: 'Bearer ' }]) {
        const res = await app.inject({ url: '/metrics', headers });
        expect(res.statusCode).toBe(404);
        expect(res.json().error.code).toBe('not_found');
        expect(res.body).not.toContain('sf_');
      }
      expect((await app.inject({ url: '/api/v1/health/ready' })).statusCode).toBe(200);
    } finally {
      await app.close();
    }
  });

  it("SF_METRICS_PORT serves the web process's metrics, cluster gauges included, off the public port", async () => {
    const ctx = { config: pair.stack.config, db: pair.stack.database.db, masterKey: Buffer.alloc(32) };
    const server = await startWorkerHttp({
      db: ctx.db,
      port: 0,
      host: '127.0.0.1',
      metricsToken: undefined,
      isStopping: () => false,
      registry: webMetricsRegistry(ctx),
    });
    try {
      const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      const res = await fetch(`${base}/metrics`);
      expect(res.status).toBe(200);
      const text = await res.text();
      expect(text).toMatch(/^sf_sync_runs_running \d+$/m);
      expect(text).toMatch(/^# TYPE sf_sync_runs_total counter$/m);
      expect(text).toMatch(/^# TYPE sf_http_request_duration_seconds histogram$/m);
      expect((await fetch(`${base}/api/v1/health/ready`)).status).toBe(200);
    } finally {
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    }
  });

  it('HTTP requests are timed by method, route pattern and status class; never by raw URL', async () => {
    const app = pair.stack.app;
    const token = 'Tok3nNeverInAMetricLabel0123456789abcdef';
    await app.inject({ url: `/api/v1/connections/${pair.connectionId}`, headers: pair.source.auth });
    await app.inject({ url: `/api/v1/connections/${pair.connectionId}`, headers: {} });
    await app.inject({ url: `/invite/${token}` });
    await app.inject({ method: 'POST', url: `/api/v1/hooks/freshservice/${token}`, payload: { ticket_id: 1 } });
    await app.inject({ method: 'POST', url: `/api/v1/hooks/freshservice/${token}/`, payload: { ticket_id: 1 } });
    const text = await scrapeOf(app);
    const count = (labels: Record<string, string>) => metric(text, 'sf_http_request_duration_seconds_count', labels) ?? 0;
    expect(count({ method: 'GET', route: '/api/v1/connections/:id', status_class: '2xx' })).toBeGreaterThanOrEqual(1);
    expect(count({ method: 'GET', route: '/api/v1/connections/:id', status_class: '4xx' })).toBeGreaterThanOrEqual(1);
    expect(count({ method: 'POST', route: '/api/v1/hooks/:platform/:token', status_class: '4xx' })).toBeGreaterThanOrEqual(1);
    expect(
      count({ method: 'GET', route: 'unmatched', status_class: '5xx' }) + count({ method: 'GET', route: 'unmatched', status_class: '2xx' }),
    ).toBeGreaterThanOrEqual(1);
    expect(count({ method: 'POST', route: 'unmatched', status_class: '4xx' })).toBeGreaterThanOrEqual(1);
    expect(text).not.toContain(token);
    // Ids stay out of the route label too (the lag gauge names connections by id on purpose).
    expect(
      text
        .split('\n')
        .filter((l) => l.startsWith('sf_http_request_duration_seconds'))
        .join('\n'),
    ).not.toContain(pair.connectionId);
    const routes = new Set([...text.matchAll(/^sf_http_request_duration_seconds_count\{[^}]*route="([^"]*)"/gm)].map((m) => m[1]));
    for (const r of routes) expect(r === 'unmatched' || r!.startsWith('/'), r).toBe(true);
  });

  it('SF_METRICS_TOKEN guards /metrics (not the health checks)', async () => {
    const token = 'metrics-token-0123456789';
    const app = await buildApp(
      { config: { ...pair.stack.config, metricsToken: token }, db: pair.stack.database.db, masterKey: Buffer.alloc(32) },
      { logger: false },
    );
    try {
      expect((await app.inject({ url: '/metrics' })).statusCode).toBe(401);
      expect((await app.inject({ url: '/metrics', headers: { authorization: 'Bearer wrong-token-0123456789' } })).statusCode).toBe(401);
      const ok = await app.inject({ url: '/metrics', headers: { authorization: `Bearer ${token}` } });
      expect(ok.statusCode).toBe(200);
      expect(ok.body).toContain('sf_sync_runs');
      expect((await app.inject({ url: '/api/v1/health/ready' })).statusCode).toBe(200);
    } finally {
      await app.close();
    }
  });

  it('readiness answers 503 with the reason when the database is gone; liveness still 200', async () => {
    const { openDatabase } = await import('../../src/db/database.ts');
    const handle = await openDatabase({ dataDir: '/nonexistent', inMemory: true });
    const app = await buildApp({ config: pair.stack.config, db: handle.db, masterKey: Buffer.alloc(32) }, { logger: false });
    try {
      expect((await app.inject({ url: '/api/v1/health/ready' })).statusCode).toBe(200);
      await handle.close();
      const res = await app.inject({ url: '/api/v1/health/ready' });
      expect(res.statusCode).toBe(503);
      expect(res.json().status).toBe('unavailable');
      expect(res.json().reason).toMatch(/^database: /);
      expect((await app.inject({ url: '/api/v1/health' })).statusCode).toBe(200);
    } finally {
      await app.close();
    }
  });
});
