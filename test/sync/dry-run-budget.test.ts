/**
 * The dry run spends at most SF_DRY_RUN_BUDGET_SHARE of each side's per-minute API budget (issue 12 item
 * 13): on a large account it stops within that share and says exactly where; a small one is previewed whole.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSyncPair, type SyncPair } from '../helpers/sync-pair.ts';

let pair: SyncPair;
const SINCE = () => new Date(Date.now() - 7 * 86_400_000).toISOString();
const apiCalls = (p: SyncPair, side: 'source' | 'target') => p[side].sim.requests.filter((r) => r.path.startsWith('/api/v2')).length;
const dryRun = (p: SyncPair) =>
  p.stack.app.inject({ method: 'POST', url: `/api/v1/connections/${p.connectionId}/dry-runs`, headers: p.source.auth, payload: { since: SINCE() } });

beforeAll(async () => {
  pair = await startSyncPair({ sourceSeed: 'empty' });
}, 120_000);
afterAll(async () => pair?.close());

describe('dry run within its share of the API budget', () => {
  it('a small account is previewed whole, and the answer states the share', async () => {
    const state = pair.source.sim.state;
    const alice = [...state.users.values()].find((u) => u.first_name === 'Alice')!;
    for (let i = 0; i < 3; i++) state.createTicket({ subject: `Small ${i}`, description: 'x', requester_id: alice.id });
    const r = await dryRun(pair);
    expect(r.statusCode, r.body).toBe(200);
    const body = r.json();
    expect(body).toMatchObject({ truncated: false, stopped: null, budgetShare: 0.2, ticketsInScope: 3, ticketsPreviewed: 3 });
    expect(body.counts.create).toBe(3);
  });

  it('a large account: stops within 20% of the budget and says where', async () => {
    const state = pair.source.sim.state;
    const alice = [...state.users.values()].find((u) => u.first_name === 'Alice')!;
    for (let i = 0; i < 247; i++) state.createTicket({ subject: `Large ${i}`, description: 'x', requester_id: alice.id });
    // Both accounts now report (and enforce) a real limit: Freshservice's smallest plan, 100 a minute.
    for (const side of ['source', 'target'] as const) (pair[side].sim.limiter as unknown as { config: { enabled: boolean } }).config.enabled = true;
    const before = { source: apiCalls(pair, 'source'), target: apiCalls(pair, 'target') };
    const r = await dryRun(pair);
    expect(r.statusCode, r.body).toBe(200);
    const body = r.json();
    expect(body.truncated, JSON.stringify({ ...body, tickets: body.tickets.length, calls: apiCalls(pair, 'source') - before.source })).toBe(true);
    expect(body.budgetShare).toBe(0.2);
    expect(body.ticketsInScope).toBe(250);
    expect(body.ticketsPreviewed).toBeGreaterThan(0);
    expect(body.ticketsPreviewed).toBeLessThan(250);
    expect(body.stopped).toMatchObject({ reason: 'budget', side: 'source', during: 'working', listPage: null });
    const m =
      /^Stopped after (\d+) of 250 tickets \(the next was (.+)'s ticket #\d+\), to stay within 20% of (.+)'s API budget \((\d+) of its (\d+) requests a minute\)\. A real sync would go on/.exec(
        body.stopped.message,
      );
    expect(m, body.stopped.message).not.toBeNull();
    expect(Number(m![1])).toBe(body.ticketsPreviewed);
    expect(m![2]).toBe(pair.source.organisation.name);
    expect(m![3]).toBe(pair.source.organisation.name);
    const [cap, limit] = [Number(m![4]), Number(m![5])];
    expect(cap).toBe(Math.floor(limit * 0.2));
    // What the dry run asked each platform for: within the share of each side's budget.
    expect(apiCalls(pair, 'source') - before.source).toBeLessThanOrEqual(cap);
    expect(apiCalls(pair, 'target') - before.target).toBeLessThanOrEqual(cap);
    // The previewed tickets are listed, the rest not.
    expect(body.tickets.length).toBe(body.ticketsPreviewed);
  });
});
