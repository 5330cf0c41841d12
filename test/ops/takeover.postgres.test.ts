import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTempDatabase, testDatabaseUrl } from '../helpers/postgres.ts';
import { startSyncPair, ticketsOf, type SyncPair } from '../helpers/sync-pair.ts';
import { freePort } from './ports.ts';
import { startProduct, type ProductProcess } from './product-process.ts';

/**
 * Issue 11 item 16 on PostgreSQL: a worker killed mid-run (SIGKILL) leaves its queue job active and its run
 * running. Another process takes the run over once the worker has been silent for SF_WORKER_TAKEOVER_SECONDS
 * (its run heartbeat stale and its connection lock free), not after the job expires (30 minutes).
 */
const describeIf = testDatabaseUrl ? describe : describe.skip;
if (!testDatabaseUrl) console.log('takeover.postgres.test.ts skipped: set SF_TEST_DATABASE_URL to run it');

const TAKEOVER_S = 3;
const secretKey = randomBytes(32).toString('hex');
let temp: { url: string; drop(): Promise<void> };
let pair: SyncPair;
beforeAll(async () => {
  if (!testDatabaseUrl) return;
  temp = await createTempDatabase();
  pair = await startSyncPair({ stack: { env: { DATABASE_URL: temp.url, SF_SECRET_KEY: secretKey } } });
  for (const side of [pair.source, pair.target]) {
    const r = await pair.stack.app.inject({ method: 'POST', url: '/api/v1/platform/test', headers: side.auth });
    if (r.statusCode !== 200) throw new Error(`Test Connection: ${r.statusCode} ${r.body}`);
  }
  // The product runs as its own processes on the database: the test lets go of it.
  await pair.stack.app.close();
  await pair.stack.database.close();
  pair.stack.database = { ...pair.stack.database, close: async () => {} };
}, 300_000);
afterAll(async () => {
  await pair?.close();
  await temp?.drop();
});

describeIf('takeover of a dead worker’s run on PostgreSQL', () => {
  it(`a run whose worker was killed is continued by another process within SF_WORKER_TAKEOVER_SECONDS (${TAKEOVER_S} s) and a check`, async () => {
    const port = await freePort();
    const env = {
      DATABASE_URL: temp.url,
      SF_SECRET_KEY: secretKey,
      SF_PORT: String(port),
      SF_PLATFORM_TIMEOUT_MS: '3000',
      SF_WORKER_TAKEOVER_SECONDS: String(TAKEOVER_S),
      SF_SHUTDOWN_TIMEOUT_SECONDS: '3',
    };
    const api = async (path: string, body?: unknown) => {
      const res = await fetch(`http://127.0.0.1:${port}/api/v1${path}`, {
        method: body === undefined ? 'GET' : 'POST',
        headers: { ...pair.source.auth, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      return { status: res.status, body: (await res.json()) as any };
    };
    const first: ProductProcess = startProduct(['start'], env);
    let second: ProductProcess | undefined;
    try {
      await first.waitFor(/Support Fusion is running/);
      pair.source.sim.faults.set({ latencyMs: 300 });
      pair.target.sim.faults.set({ latencyMs: 300 });
      const started = await api(`/connections/${pair.connectionId}/sync-runs`, { since: new Date(Date.now() - 60 * 86_400_000).toISOString() });
      expect(started.status).toBe(202);
      const runId = started.body.id as string;
      while (ticketsOf(pair.target.sim).length < 1) await new Promise((r) => setTimeout(r, 100));
      await first.kill();
      const atKill = ticketsOf(pair.target.sim).length;
      pair.source.sim.faults.set({ latencyMs: 0 });
      pair.target.sim.faults.set({ latencyMs: 0 });

      second = startProduct(['start'], env);
      await second.waitFor(/Support Fusion is running/);
      // The dead worker's run is still running (on PostgreSQL another worker may be alive: nothing marks it Failed).
      expect((await api(`/sync-runs/${runId}`)).body.status).toBe('running');
      await second.waitFor(/took over the sync job of a worker that stopped answering/, 120_000);
      // The same run is adopted and finished; without the takeover it stayed running until the job expired.
      let run: any;
      const end = Date.now() + 60_000;
      do {
        await new Promise((r) => setTimeout(r, 200));
        run = (await api(`/sync-runs/${runId}`)).body;
      } while (run.status === 'running' && Date.now() < end);
      expect(run.status, JSON.stringify(run)).toBe('success');
      const copies = ticketsOf(pair.target.sim);
      expect(copies.length).toBeGreaterThan(atKill);
      expect(new Set(copies.map((t) => t.subject)).size).toBe(copies.length);
    } finally {
      await first.kill();
      await second?.kill();
    }
  }, 400_000);
});
