import { afterEach, describe, expect, it } from 'vitest';
import { ticketsOf, startSyncPair, type SyncPair } from '../helpers/sync-pair.ts';

let pair: SyncPair | undefined;
afterEach(async () => {
  await pair?.close();
  pair = undefined;
});

const copies = (p: SyncPair) => ticketsOf(p.target.sim).filter((t) => t.tags.some((tag) => /^sf-[0-9a-f]{16}$/.test(tag)));
const groupId = (p: SyncPair, side: 'source' | 'target', name: string) => String([...p[side].sim.state.groups.values()].find((g) => g.name === name)!.id);

describe('side configuration drives the sync', () => {
  it('the source filter decides which tickets take part', async () => {
    pair = await startSyncPair();
    await pair.configure('source', { filters: { tags: ['onboarding'] } });
    const run = await pair.sync();
    expect(run.counts.created).toBe(1);
    expect(copies(pair).map((t) => t.subject)).toEqual(['New starter needs Salesforce access']);
  });

  it('the target defaults fill what the mapping does not carry, and a fixed default requester is used', async () => {
    pair = await startSyncPair({ targetSeed: 'demo' });
    const hardware = groupId(pair, 'target', 'Hardware Support');
    const someone = [...pair.target.sim.state.users.values()].find((u) => u.agent === null && u.email)!;
    await pair.configure('source', { filters: { tags: ['onboarding'] } });
    await pair.configure('target', {
      defaults: { groupId: hardware, category: 'Software', requester: { mode: 'default', defaultRequesterEmail: someone.email } },
    });
    await pair.sync();
    const [copy] = copies(pair);
    expect(String(copy!.group_id)).toBe(hardware);
    expect(copy!.category).toBe('Software');
    expect(copy!.requester_id).toBe(someone.id);
  });

  it('match_or_default without a match and without a default fails the ticket and says what to set', async () => {
    pair = await startSyncPair();
    await pair.configure('source', { filters: { tags: ['onboarding'] } });
    await pair.configure('target', { defaults: { requester: { mode: 'match_or_default', defaultRequesterEmail: null } } });
    const run = await pair.sync();
    expect(run.status).toBe('partial');
    expect(run.details[0]).toMatchObject({ outcome: 'failed', error: expect.stringMatching(/no default requester is configured/) });
    expect(copies(pair)).toHaveLength(0);
  });

  it('the description builder composes the target description from source fields', async () => {
    pair = await startSyncPair();
    await pair.configure('source', { filters: { tags: ['onboarding'] } });
    const r = await pair.stack.app.inject({ url: `/api/v1/connections/${pair.connectionId}/mappings`, headers: pair.source.auth });
    const mappings = r.json().mappings;
    mappings.types.Incident.descriptionBuilder = { fields: ['priority', 'group'], separator: '-----' };
    // Description lines are written into the target's platform: saved by the source, approved by the target's admin.
    expect((await pair.saveMappings(mappings)).types.Incident.descriptionBuilder.fields).toEqual(['priority', 'group']);
    await pair.sync();
    const [copy] = copies(pair);
    expect(copy!.description).toMatch(
      /^<div><strong>Priority:<\/strong> Medium<\/div><div><strong>Group:<\/strong> Service Desk<\/div><div>-----<\/div>(<div>)?Carla joins Sales/,
    );
  });

  it('closures switched off on the sending side are not carried', async () => {
    pair = await startSyncPair();
    await pair.configure('source', { filters: { tags: ['onboarding'] }, closures: { enabled: false } });
    await pair.sync();
    const src = ticketsOf(pair.source.sim).find((t) => t.tags.includes('onboarding'))!;
    await new Promise((r) => setTimeout(r, 1100));
    const { humanCall } = await import('../helpers/sync-pair.ts');
    await humanCall(pair.source.sim, 'PUT', `/tickets/${src.id}`, { status: 5, subject: 'New starter needs Salesforce access (done)' });
    const run = await pair.sync(new Date(Date.now() - 60_000).toISOString());
    expect(run.details).toEqual([expect.objectContaining({ outcome: 'updated' })]);
    const [copy] = copies(pair);
    expect(copy!.subject).toBe('New starter needs Salesforce access (done)');
    expect(copy!.status).toBe(2);
  });

  it('a closure the receiving platform refuses is reported once, the other changes still land, and it is not retried in a loop', async () => {
    pair = await startSyncPair({ targetSeed: 'demo' });
    pair.target.sim.state.setRequiredForClosure('resolution_code');
    await pair.configure('source', { filters: { tags: ['onboarding'] } });
    await pair.sync();
    const src = ticketsOf(pair.source.sim).find((t) => t.tags.includes('onboarding'))!;
    await new Promise((r) => setTimeout(r, 1100));
    const { humanCall } = await import('../helpers/sync-pair.ts');
    await humanCall(pair.source.sim, 'PUT', `/tickets/${src.id}`, { status: 5, subject: 'Salesforce access granted' });
    const run = await pair.sync(new Date(Date.now() - 60_000).toISOString());
    expect(run.status).toBe('partial');
    expect(run.details).toEqual([
      expect.objectContaining({ outcome: 'failed', error: expect.stringMatching(/requires "Resolution code" before a ticket is closed/) }),
    ]);
    const [copy] = copies(pair);
    expect([copy!.subject, copy!.status]).toEqual(['Salesforce access granted', 2]);
    pair.target.sim.clearRequests();
    const again = await pair.sync(new Date(Date.now() - 60_000).toISOString());
    expect(again.status).toBe('no_tickets');
    expect(pair.target.sim.requests.filter((r) => r.method === 'PUT')).toEqual([]);
  });
});
