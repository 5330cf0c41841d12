import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSyncPair, ticketsOf, type SyncPair } from '../helpers/sync-pair.ts';
import { freePort } from './ports.ts';
import { startProduct, type ProductProcess } from './product-process.ts';

/**
 * Issue 11 item 16: killed mid-sync (SIGKILL: an out-of-memory kill, a power loss) and started again on
 * embedded storage, the product must sync again on the next "Sync now", not wait for the dead process's
 * queue job to expire (SF_SYNC_RUN_TIMEOUT_SECONDS, 30 minutes by default).
 */
let pair: SyncPair;
beforeAll(async () => {
  pair = await startSyncPair();
  // Credentials that passed Test Connection spend the account's whole API budget (untested ones a small share).
  for (const side of [pair.source, pair.target]) {
    const r = await pair.stack.app.inject({ method: 'POST', url: '/api/v1/platform/test', headers: side.auth });
    if (r.statusCode !== 200) throw new Error(`Test Connection: ${r.statusCode} ${r.body}`);
  }
  // The product runs as its own process on the pair's data directory: the test lets go of it.
  await pair.stack.app.close();
  await pair.stack.database.close();
  pair.stack.database = { ...pair.stack.database, close: async () => {} }; // closed already
}, 300_000);
afterAll(async () => {
  await pair?.close();
});

const since = new Date(Date.now() - 60 * 86_400_000).toISOString();

async function api(port: number, path: string, init: { method?: string; body?: unknown } = {}) {
  const res = await fetch(`http://127.0.0.1:${port}/api/v1${path}`, {
    method: init.method ?? 'GET',
    headers: { ...pair.source.auth, ...(init.body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
  });
  return { status: res.status, body: (await res.json()) as any };
}

/** Reads the run until `done` says so; fails with the run as last seen after `ms` (the bug's symptom: it stays at 0 tickets). */
async function runUntil(port: number, runId: string, done: (run: any) => boolean, ms: number) {
  const end = Date.now() + ms;
  let run: any;
  for (;;) {
    run = (await api(port, `/sync-runs/${runId}`)).body;
    if (done(run)) return run;
    if (Date.now() > end) throw new Error(`run ${runId} did not get there within ${ms} ms; last seen: ${JSON.stringify(run)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('restart after SIGKILL on embedded storage', () => {
  it('the next Sync now after the restart runs and finishes (the dead process’s job is released at start)', async () => {
    const port = await freePort();
    const env = { SF_DATA_DIR: pair.stack.dataDir, SF_PORT: String(port), SF_PLATFORM_TIMEOUT_MS: '3000', SF_SHUTDOWN_TIMEOUT_SECONDS: '3' };
    let product: ProductProcess = startProduct(['start'], env);
    try {
      await product.waitFor(/Support Fusion is running/);
      // Slow platforms: the run is still going when the first copy lands.
      pair.source.sim.faults.set({ latencyMs: 300 });
      pair.target.sim.faults.set({ latencyMs: 300 });
      const first = await api(port, `/connections/${pair.connectionId}/sync-runs`, { method: 'POST', body: { since } });
      expect(first.status).toBe(202);
      const sourceCount = ticketsOf(pair.source.sim).length;
      // Killed once the run has really worked something, in the middle of it.
      await runUntil(port, first.body.id, (r) => r.progress?.ticketsDone >= 1 || ticketsOf(pair.target.sim).length >= 1, 120_000);
      await product.kill();
      const atKill = ticketsOf(pair.target.sim).length;
      expect(atKill).toBeLessThan(sourceCount);
      pair.source.sim.faults.set({ latencyMs: 0 });
      pair.target.sim.faults.set({ latencyMs: 0 });

      product = startProduct(['start'], env);
      await product.waitFor(/Support Fusion is running/);
      const killed = await api(port, `/sync-runs/${first.body.id}`);
      expect(killed.body.status).toBe('failed');

      const second = await api(port, `/connections/${pair.connectionId}/sync-runs`, { method: 'POST', body: { since } });
      expect(second.status).toBe(202);
      // Without the release, this run stayed running at 0 tickets until the old job expired (30 min).
      const finished = await runUntil(port, second.body.id, (r) => r.status !== 'running', 120_000);
      expect(finished.status, JSON.stringify(finished)).toBe('success');
      expect(product.output()).toMatch(/released jobs left active by the previous process/);
      expect(finished.progress.ticketsDone).toBeGreaterThan(0);
      // The rest arrived, each ticket once (a closed original is not copied by default).
      const copies = ticketsOf(pair.target.sim);
      expect(copies.length).toBeGreaterThan(atKill);
      expect(new Set(copies.map((t) => t.subject)).size).toBe(copies.length);
    } finally {
      await product.kill();
    }
  }, 400_000);
});
