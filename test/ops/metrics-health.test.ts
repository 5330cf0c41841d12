import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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

let pair: SyncPair;
beforeAll(async () => {
  pair = await startSyncPair();
});
afterAll(async () => pair?.close());

describe('metrics and health', () => {
  it('liveness stays as it was; readiness checks the database', async () => {
    const live = await pair.stack.app.inject({ url: '/api/v1/health' });
    expect(live.statusCode).toBe(200);
    expect(live.json()).toEqual({ status: 'ok' });
    const ready = await pair.stack.app.inject({ url: '/api/v1/health/ready' });
    expect(ready.statusCode).toBe(200);
    expect(ready.json()).toEqual({ status: 'ready' });
  });

  it('/metrics reports runs, tickets, API calls, 429s, queue, rate budget and lag after a sync', async () => {
    const before = (await pair.stack.app.inject({ url: '/metrics' })).body;
    const ticketsBefore = metric(before, 'sf_tickets_synced_total', { outcome: 'created' }) ?? 0;
    // A key that passed Test Connection spends its account's budget (an untested one an allowance of its own).
    const tested = await pair.stack.app.inject({ method: 'POST', url: '/api/v1/platform/test', headers: pair.source.auth });
    expect(tested.json().ok).toBe(true);
    // Two 429s from the source: retried by the connector, counted by the metrics.
    pair.source.sim.faults.set({ burst429: { count: 2, retryAfterSeconds: 0 } });
    const run = await pair.sync();
    expect(run.status).toBe('success');
    expect(run.counts.created).toBeGreaterThan(0);

    const res = await pair.stack.app.inject({ url: '/metrics' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
    const text = res.body;
    // From the database, at scrape time.
    expect(metric(text, 'sf_sync_runs', { status: 'success' })).toBe(1);
    expect(metric(text, 'sf_sync_runs', { status: 'running' })).toBe(0);
    const lag = metric(text, 'sf_sync_lag_seconds', { connection: pair.connectionId });
    expect(lag).toBeGreaterThanOrEqual(0);
    expect(lag).toBeLessThan(120);
    const account = new URL(pair.source.sim.url).host;
    const remaining = metric(text, 'sf_rate_budget_remaining', { account });
    const limit = metric(text, 'sf_rate_budget_limit', { account });
    expect(limit).toBeGreaterThan(0);
    expect(remaining).toBeGreaterThanOrEqual(0);
    expect(remaining).toBeLessThan(limit!);
    // Counted by this process.
    expect(metric(text, 'sf_tickets_synced_total', { outcome: 'created' })! - ticketsBefore).toBe(run.counts.created);
    expect(metric(text, 'sf_platform_api_calls_total', { platform: 'freshservice', endpoint: '/tickets', method: 'GET', status: '200' })).toBeGreaterThan(0);
    expect(metric(text, 'sf_platform_api_calls_total', { platform: 'freshservice', endpoint: '/tickets', method: 'POST', status: '201' })).toBe(run.counts.created);
    // Ids in paths are folded so label values stay bounded.
    expect(text).not.toMatch(/endpoint="\/tickets\/\d+/);
    const throttled = text.split('\n').filter((l) => l.startsWith('sf_platform_rate_limited_total{')).reduce((n, l) => n + Number(l.split(' ').pop()), 0);
    expect(throttled).toBe(2);
    expect(metric(text, 'sf_sync_runs_finished_total', { trigger: 'manual', status: 'success' })).toBe(1);
    // Default process metrics are there too.
    expect(text).toMatch(/^process_cpu_user_seconds_total /m);
  });

  it('every scrape reads the rate budget afresh, even one right after another', async () => {
    const scrape = async () => (await pair.stack.app.inject({ url: '/metrics' })).body;
    await scrape();
    const account = `fresh-${Date.now()}.freshservice.com`;
    await pair.stack.database.db.insertInto('rate_accounts').values({ account, limit_total: 200, observed_remaining: null, observed_at: null }).execute();
    expect(metric(await scrape(), 'sf_rate_budget_limit', { account })).toBe(200);
    await pair.stack.database.db.deleteFrom('rate_accounts').where('account', '=', account).execute();
  });

  it('queue depth and job durations come from pg-boss when the queue is used', async () => {
    const { startStack } = await import('../helpers/stack.ts');
    const stack = await startStack({ listen: false, jobs: 'boss' });
    try {
      await stack.jobs.enqueueConnection('00000000-0000-4000-8000-000000000001', 'automatic');
      const text = (await stack.app.inject({ url: '/metrics' })).body;
      const waiting = ['created', 'retry', 'active'].reduce((n, state) => n + (metric(text, 'sf_queue_jobs', { queue: 'sync-connection', state }) ?? 0), 0);
      expect(waiting).toBe(1);
      expect(metric(text, 'sf_queue_jobs', { queue: 'sync-tick', state: 'created' })).toBeGreaterThanOrEqual(0);
      // The job is worked (nothing to run for an unknown connection) and timed.
      for (let i = 0; i < 100; i++) {
        const t = (await stack.app.inject({ url: '/metrics' })).body;
        if ((metric(t, 'sf_sync_job_duration_seconds_count', { queue: 'sync-connection', result: 'skipped' }) ?? 0) >= 1) return;
        await new Promise((r) => setTimeout(r, 200));
      }
      throw new Error('the job duration was never recorded');
    } finally {
      await stack.close();
    }
  });

  it('SF_METRICS_TOKEN guards /metrics (not the health checks)', async () => {
    const token = 'metrics-token-0123456789';
    const app = await buildApp({ config: { ...pair.stack.config, metricsToken: token }, db: pair.stack.database.db, masterKey: Buffer.alloc(32) }, { logger: false });
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
