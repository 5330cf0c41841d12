import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';

// The real job engine polls; on a loaded 2-core machine a step can take a while.
vi.setConfig({ testTimeout: 90_000, hookTimeout: 90_000 });
import { startSyncPair, type SyncPair } from '../helpers/sync-pair.ts';

let pair: SyncPair;
beforeAll(async () => {
  pair = await startSyncPair({ sourceSeed: 'empty', stack: { jobs: 'boss', queue: { retryLimit: 2, retryDelaySeconds: 1 } } });
});
afterAll(async () => pair?.close());

describe('a sync job that keeps failing', () => {
  it('ends in the dead-letter queue and shows as a Failed run in the history', async () => {
    await pair.sync();
    // Another "worker" holds the connection the whole time: every attempt finds it busy.
    const release = await pair.stack.database.locks.tryLock(pair.connectionId);
    expect(release).not.toBeNull();
    try {
      await pair.stack.jobs.enqueueConnection(pair.connectionId, 'webhook');
      const end = Date.now() + 30_000;
      let failed;
      while (!failed && Date.now() < end) {
        const runs = (await pair.stack.app.inject({ url: `/api/v1/sync-runs?connection=${pair.connectionId}&status=failed`, headers: pair.source.auth })).json()
          .runs;
        failed = runs.find((r: any) => r.trigger === 'webhook');
        if (!failed) await new Promise((r) => setTimeout(r, 250));
      }
      expect(failed).toBeDefined();
      const detail = (await pair.stack.app.inject({ url: `/api/v1/sync-runs/${failed.id}`, headers: pair.source.auth })).json();
      expect(detail.error).toMatch(/could not be started after repeated attempts/);
    } finally {
      await release!();
    }
  });
});
