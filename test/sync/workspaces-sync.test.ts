import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { humanCall, nextSecond, startSyncPair, ticketsOf, type SyncPair } from '../helpers/sync-pair.ts';

// Issue 12 item 4: each side chooses its workspaces. The customer (source) has IT (2, primary) and HR (3)
// and chose HR; the provider (target) has two as well and creates copies in its second one.

let pair: SyncPair;
const copies = (p: SyncPair) => ticketsOf(p.target.sim).filter((t) => t.tags.some((tag) => /^sf-[0-9a-f]{16}$/.test(tag)));

beforeAll(async () => {
  pair = await startSyncPair({ targetSeed: 'empty' });
  const emma = pair.source.sim.state.userByEmail('emma.wilson@acme.example.com')!;
  pair.source.sim.state.createTicket({
    subject: 'Parental leave form',
    description: 'Please send me the form.',
    requester_id: emma.id,
    workspace_id: 3,
    priority: 3,
  });
});
afterAll(async () => pair?.close());

describe('workspaces in a sync', () => {
  it('only the chosen workspace’s tickets travel, and copies land in the provider’s chosen workspace', async () => {
    await pair.configure('source', { workspaces: { ids: ['3'] } });
    await pair.configure('target', { workspaces: { ids: ['2', '3'], createIn: '3' } });
    const saved = await pair.stack.app.inject({ url: `/api/v1/connections/${pair.connectionId}/configuration`, headers: pair.target.auth });
    expect(saved.json().configuration.workspaces).toEqual({ ids: ['2', '3'], createIn: '3' });

    const hr = ticketsOf(pair.source.sim).filter((t) => t.workspace_id === 3);
    expect(hr.length).toBe(2);
    const run = await pair.sync();
    expect(run.status).toBe('success');
    expect(run.counts.created).toBe(hr.length);
    const made = copies(pair);
    expect(made.map((t) => t.subject).sort()).toEqual(hr.map((t) => t.subject).sort());
    expect(made.every((t) => t.workspace_id === 3)).toBe(true);
    // The customer's IT tickets were never read, let alone copied.
    const itIds = new Set(
      ticketsOf(pair.source.sim)
        .filter((t) => t.workspace_id === 2)
        .map((t) => String(t.id)),
    );
    expect(pair.source.sim.requests.some((r) => /^\/api\/v2\/tickets\/\d+$/.test(r.path) && itIds.has(r.path.split('/').pop()!))).toBe(false);
  });

  it('later changes: the chosen workspace’s travel, the others’ stay home', async () => {
    const payslip = ticketsOf(pair.source.sim).find((t) => t.subject === 'Payslip shows wrong tax code')!;
    const vpn = ticketsOf(pair.source.sim).find((t) => t.subject.startsWith('VPN drops'))!;
    await nextSecond();
    await humanCall(pair.source.sim, 'PUT', `/tickets/${payslip.id}`, { priority: 4 });
    await humanCall(pair.source.sim, 'PUT', `/tickets/${vpn.id}`, { priority: 4 });
    const run = await pair.sync(new Date(Date.now() - 60_000).toISOString());
    expect(run.counts).toMatchObject({ created: 0, updated: 1, failed: 0 });
    expect(copies(pair).find((t) => t.subject === payslip.subject)!.priority).toBe(4);
    expect(copies(pair).some((t) => t.subject === vpn.subject)).toBe(false);
  });
  it('a webhook naming a ticket of a workspace not chosen does not make it travel', async () => {
    const vpn = ticketsOf(pair.source.sim).find((t) => t.subject.startsWith('VPN drops'))!;
    const hook = await pair.stack.app.inject({ url: `/api/v1/connections/${pair.connectionId}/webhook`, headers: pair.source.auth });
    const path = new URL(hook.json().url).pathname;
    expect((await pair.stack.app.inject({ method: 'POST', url: path, payload: { ticket_id: vpn.id } })).statusCode).toBe(202);
    // A webhook run may be under way: the manual run starts once it is over (bounded, not timed).
    const running = async () =>
      (await pair.stack.app.inject({ url: `/api/v1/sync-runs?connection=${pair.connectionId}`, headers: pair.source.auth }))
        .json()
        .runs.some((r: any) => r.status === 'running');
    for (let i = 0; i < 300 && (await running()); i++) await new Promise((r) => setTimeout(r, 100));
    const run = await pair.sync(new Date(Date.now() - 60_000).toISOString());
    expect(run.counts).toMatchObject({ created: 0, failed: 0 });
    expect(copies(pair).some((t) => t.subject === vpn.subject)).toBe(false);
    // The hint was worked: the ticket was read, and the connector answered it as not there for this side.
    expect(pair.source.sim.requests.some((r) => r.path === `/api/v2/tickets/${vpn.id}`)).toBe(true);
  });
});
