import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';

// The real job engine polls; on a loaded 2-core machine a step can take a while.
vi.setConfig({ testTimeout: 90_000, hookTimeout: 90_000 });
import { createSyncStore } from '../../src/db/repositories/sync-store.ts';
import { humanCall, nextSecond, startSyncPair, ticketsOf, type SyncPair } from '../helpers/sync-pair.ts';

// The real job engine (pg-boss on PGlite); the schedule is every 5 minutes and switched on.
let pair: SyncPair;
beforeAll(async () => {
  pair = await startSyncPair({ stack: { jobs: 'boss', env: { SF_SYNC_INTERVAL_MINUTES: '5' } } });
  await pair.sync();
  const on = await pair.stack.app.inject({
    method: 'PUT',
    url: `/api/v1/connections/${pair.connectionId}/automatic-sync`,
    headers: pair.source.auth,
    payload: { enabled: true },
  });
  expect(on.statusCode).toBe(200);
});
afterAll(async () => pair?.close());

const hookUrl = async (auth: Record<string, string>) => {
  const r = await pair.stack.app.inject({ url: `/api/v1/connections/${pair.connectionId}/webhook`, headers: auth });
  return new URL(r.json().url).pathname;
};
const runs = async () => (await pair.stack.app.inject({ url: `/api/v1/sync-runs?connection=${pair.connectionId}`, headers: pair.source.auth })).json().runs;

describe('near-real-time sync through the Freshservice webhook', () => {
  it('a change plus a webhook call lands on the other side within seconds, long before the schedule', async () => {
    const printer = ticketsOf(pair.source.sim).find((t) => t.subject.startsWith('Printer'))!;
    const path = await hookUrl(pair.source.auth);
    await nextSecond();
    await humanCall(pair.source.sim, 'PUT', `/tickets/${printer.id}`, { subject: 'Printer on floor 3 jams (roller ordered)' });
    const started = Date.now();
    const hook = await pair.stack.app.inject({ method: 'POST', url: path, payload: { ticket_id: printer.id, triggered_by: 'workflow 7' } });
    expect(hook.statusCode).toBe(202);
    let copy;
    while (Date.now() - started < 15_000) {
      copy = ticketsOf(pair.target.sim).find((t) => t.subject === 'Printer on floor 3 jams (roller ordered)');
      if (copy) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(copy).toBeDefined();
    expect(Date.now() - started).toBeLessThan(15_000);
    const hookRun = (await runs()).find((r: any) => r.trigger === 'webhook');
    expect(hookRun).toMatchObject({ trigger: 'webhook' });
    // The webhook run read only that ticket: no change listing.
    expect(pair.source.sim.requests.filter((r) => r.path === '/api/v2/tickets' && r.startedMs >= started)).toEqual([]);
    // Its hint is spent once the run is over: later webhook runs do not read the printer ticket again.
    const store = createSyncStore(pair.stack.database.db);
    const until = Date.now() + 15_000;
    while ((await runs()).some((r: any) => r.status === 'running') && Date.now() < until) await new Promise((r) => setTimeout(r, 100));
    expect(await store.hints(pair.connectionId)).toEqual([]);
  });

  it('the provider side has its own URL, and a change there comes back the same way', async () => {
    const sourcePath = await hookUrl(pair.source.auth);
    const targetPath = await hookUrl(pair.target.auth);
    expect(targetPath).not.toBe(sourcePath);
    const copy = ticketsOf(pair.target.sim).find((t) => t.subject.startsWith('Printer'))!;
    await nextSecond();
    await humanCall(pair.target.sim, 'POST', `/tickets/${copy.id}/notes`, { body: 'Provider: roller arrives Tuesday', private: false });
    expect((await pair.stack.app.inject({ method: 'POST', url: targetPath, payload: { ticket_id: String(copy.id) } })).statusCode).toBe(202);
    const printer = ticketsOf(pair.source.sim).find((t) => t.subject.startsWith('Printer'))!;
    const started = Date.now();
    let arrived = false;
    while (!arrived && Date.now() - started < 15_000) {
      arrived = pair.source.sim.state.conversationsOf(printer.id).some((c) => c.body.includes('roller arrives Tuesday'));
      if (!arrived) await new Promise((r) => setTimeout(r, 100));
    }
    expect(arrived).toBe(true);
  });
});
