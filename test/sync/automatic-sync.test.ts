import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';

// The real job engine polls; on a loaded 2-core machine a step can take a while.
vi.setConfig({ testTimeout: 90_000, hookTimeout: 90_000 });
import { humanCall, nextSecond, startSyncPair, ticketsOf, type SyncPair } from '../helpers/sync-pair.ts';

// The real job engine (pg-boss on PGlite) with a 1-second cluster tick.
let pair: SyncPair;
beforeAll(async () => {
  pair = await startSyncPair({ stack: { jobs: 'boss', env: { SF_SCHEDULER_TICK_SECONDS: '1', SF_SYNC_INTERVAL_MINUTES: '5' } } });
});
afterAll(async () => pair?.close());

const put = (enabled: boolean) =>
  pair.stack.app.inject({ method: 'PUT', url: `/api/v1/connections/${pair.connectionId}/automatic-sync`, headers: pair.source.auth, payload: { enabled } });
const view = async () => (await pair.stack.app.inject({ url: `/api/v1/connections/${pair.connectionId}`, headers: pair.target.auth })).json();
const runs = async () => (await pair.stack.app.inject({ url: `/api/v1/sync-runs?connection=${pair.connectionId}`, headers: pair.source.auth })).json().runs;

async function waitFor<T>(what: string, fn: () => Promise<T | undefined | null | false>, ms = 20_000): Promise<T> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    const v = await fn();
    if (v) return v;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`timed out waiting for ${what}`);
}

describe('automatic sync', () => {
  it('cannot be switched on before the first manual sync', async () => {
    const r = await put(true);
    expect(r.statusCode).toBe(409);
    expect(r.json().error.code).toBe('initial_sync_required');
    expect((await view()).automaticSync).toBe(false);
  });

  it('after the baseline it can, and both sides see the next run', async () => {
    const first = await pair.sync();
    expect(first.status).toBe('success');
    const r = await put(true);
    expect(r.statusCode).toBe(200);
    expect(r.json()).toMatchObject({ automaticSync: true, intervalMinutes: 5, lastRun: { id: first.id, status: 'success', trigger: 'manual' } });
    const v = await view();
    expect(v.automaticSync).toBe(true);
    expect(new Date(v.nextRunAt).getTime()).toBeGreaterThan(Date.now() + 4 * 60_000);
  });

  it('runs on schedule with trigger automatic and carries a change', async () => {
    const vpn = ticketsOf(pair.source.sim).find((t) => t.subject.startsWith('VPN'))!;
    await nextSecond();
    await humanCall(pair.source.sim, 'PUT', `/tickets/${vpn.id}`, { subject: 'VPN fixed by schedule' });
    // Pretend the interval has passed: the tick (every second) finds the connection due.
    await pair.stack.database.db
      .updateTable('sync_runs')
      .set({ started_at: new Date(Date.now() - 6 * 60_000) })
      .where('connection_id', '=', pair.connectionId)
      .execute();
    const auto = await waitFor('an automatic run', async () => (await runs()).find((r: any) => r.trigger === 'automatic' && r.status !== 'running'));
    expect(auto.status).toBe('success');
    expect(auto.counts.updated).toBe(1);
    expect(ticketsOf(pair.target.sim).some((t) => t.subject === 'VPN fixed by schedule')).toBe(true);
    // Not due again right away: one automatic run per interval.
    await new Promise((r) => setTimeout(r, 2500));
    expect((await runs()).filter((r: any) => r.trigger === 'automatic')).toHaveLength(1);
  });

  it('switched off, the schedule leaves the connection alone', async () => {
    expect((await put(false)).json()).toMatchObject({ automaticSync: false, nextRunAt: null });
    await pair.stack.database.db
      .updateTable('sync_runs')
      .set({ started_at: new Date(Date.now() - 6 * 60_000) })
      .where('connection_id', '=', pair.connectionId)
      .execute();
    const before = (await runs()).length;
    await new Promise((r) => setTimeout(r, 2500));
    expect((await runs()).length).toBe(before);
  });
});
