import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call } from '../simulator/helpers.ts';
import { humanCall, nextSecond, startSyncPair, ticketsOf, type SyncPair } from '../helpers/sync-pair.ts';

// One pair of accounts lives through the whole file: each step builds on the links the previous made.
let pair: SyncPair;
beforeAll(async () => {
  pair = await startSyncPair();
});
afterAll(async () => pair?.close());

const writesTo = (sim: SyncPair['source']['sim']) => sim.requests.filter((r) => r.method !== 'GET' && r.path.startsWith('/api/v2'));
const conversationsText = (sim: SyncPair['source']['sim'], ticketId: number) =>
  sim.state
    .conversationsOf(ticketId)
    .map((c) => c.body)
    .join('\n');
const sourceTicket = (subject: string) => ticketsOf(pair.source.sim).find((t) => t.subject === subject)!;

let firstRun: any;
const linked = new Map<number, number>();

describe('first sync', () => {
  it('creates exactly one target ticket per matching source ticket', async () => {
    const sourceIds = ticketsOf(pair.source.sim)
      .filter((t) => t.workspace_id === 2)
      .map((t) => t.id);
    firstRun = await pair.sync();
    expect(firstRun.status).toBe('success');
    expect(firstRun.counts).toEqual({ created: sourceIds.length, updated: 0, closed: 0, failed: 0 });
    const targets = ticketsOf(pair.target.sim);
    expect(targets).toHaveLength(sourceIds.length);
    for (const d of firstRun.details) {
      expect(d.outcome).toBe('created');
      linked.set(Number(d.sourceTicketId), Number(d.targetTicketId));
    }
    expect([...linked.keys()].sort()).toEqual([...sourceIds].sort());
    expect(new Set(linked.values()).size).toBe(sourceIds.length);
  });

  it('spends no call on what it already knows: conversations come with the ticket read, new copies are not searched', () => {
    const conversationReads = (sim: SyncPair['source']['sim']) =>
      sim.requests.filter((r) => r.method === 'GET' && /\/tickets\/\d+\/conversations$/.test(r.path));
    // Every demo ticket has fewer than 10 conversations: the view embedding them is enough.
    expect(conversationReads(pair.source.sim)).toEqual([]);
    // Comment copies are written to tickets created in this very run: nothing to look for there first.
    expect(conversationReads(pair.target.sim)).toEqual([]);
    expect(pair.source.sim.requests.filter((r) => r.method === 'GET' && /^\/api\/v2\/tickets\/\d+$/.test(r.path))).toHaveLength(linked.size);
  });

  it('copies subject, description, status, priority and the requester by e-mail', () => {
    for (const [s, t] of linked) {
      const src = pair.source.sim.state.tickets.get(s)!;
      const tgt = pair.target.sim.state.tickets.get(t)!;
      expect(tgt.subject).toBe(src.subject);
      expect(tgt.description).toContain(src.description);
      expect([tgt.status, tgt.priority]).toEqual([src.status, src.priority]);
      expect(pair.target.sim.state.users.get(tgt.requester_id)?.email).toBe(pair.source.sim.state.users.get(src.requester_id)?.email);
    }
  });

  it('carries public replies, keeps private notes home, and copies attachments byte for byte', () => {
    const vpn = sourceTicket('VPN drops every few minutes');
    const text = conversationsText(pair.target.sim, linked.get(vpn.id)!);
    expect(text).toContain('which Wi-Fi network');
    expect(text).not.toContain('MTU issue');
    const battery = sourceTicket('Laptop battery swelling');
    const [srcAtt] = pair.source.sim.state.attachmentsOf(battery.attachment_ids ?? []);
    const tgtTicket = pair.target.sim.state.tickets.get(linked.get(battery.id)!)!;
    const [tgtAtt] = pair.target.sim.state.attachmentsOf(tgtTicket.attachment_ids ?? []);
    expect(tgtAtt?.name).toBe('battery.png');
    expect(Buffer.from(tgtAtt!.data ?? []).equals(Buffer.from(srcAtt!.data ?? []))).toBe(true);
    expect(srcAtt!.data?.length).toBeGreaterThan(0);
  });

  it('moves the connection to Ready for automatic sync', async () => {
    const r = await pair.stack.app.inject({ url: `/api/v1/connections/${pair.connectionId}`, headers: pair.source.auth });
    expect(r.json().syncState).toBe('ready_for_automatic_sync');
  });
});

describe('later syncs', () => {
  it('a sync with no changes writes nothing', async () => {
    pair.source.sim.clearRequests();
    pair.target.sim.clearRequests();
    const run = await pair.sync(new Date(Date.now() - 60_000).toISOString());
    expect(run.status).toBe('no_tickets');
    expect(run.details).toEqual([]);
    expect(writesTo(pair.target.sim)).toEqual([]);
    expect(writesTo(pair.source.sim)).toEqual([]);
  });

  it('an edited subject and a status change arrive once, and are not echoed back', async () => {
    const vpn = sourceTicket('VPN drops every few minutes');
    await nextSecond();
    await humanCall(pair.source.sim, 'PUT', `/tickets/${vpn.id}`, { subject: 'VPN drops every few minutes (home broadband)', status: 3 });
    const run = await pair.sync(new Date(Date.now() - 60_000).toISOString());
    expect(run.status).toBe('success');
    expect(run.details).toEqual([expect.objectContaining({ sourceTicketId: String(vpn.id), outcome: 'updated' })]);
    const tgt = pair.target.sim.state.tickets.get(linked.get(vpn.id)!)!;
    expect([tgt.subject, tgt.status]).toEqual(['VPN drops every few minutes (home broadband)', 3]);
    pair.source.sim.clearRequests();
    const again = await pair.sync(new Date(Date.now() - 60_000).toISOString());
    expect(again.status).toBe('no_tickets');
    expect(writesTo(pair.source.sim)).toEqual([]);
  });

  it('a new public reply arrives once; a private note only when the sender switched private notes on', async () => {
    const vpn = sourceTicket('VPN drops every few minutes (home broadband)');
    const targetId = linked.get(vpn.id)!;
    await humanCall(pair.source.sim, 'POST', `/tickets/${vpn.id}/notes`, { body: 'Public update: router replaced', private: false });
    await humanCall(pair.source.sim, 'POST', `/tickets/${vpn.id}/notes`, { body: 'Internal: customer is VIP', private: true });
    await pair.sync(new Date(Date.now() - 60_000).toISOString());
    await pair.sync(new Date(Date.now() - 60_000).toISOString());
    const text = () => conversationsText(pair.target.sim, targetId);
    expect(text().split('Public update: router replaced').length - 1).toBe(1);
    expect(text()).not.toContain('customer is VIP');

    await pair.configure('source', { comments: { sendPublic: true, sendPrivate: true, incomingAs: 'private' } });
    await humanCall(pair.source.sim, 'POST', `/tickets/${vpn.id}/notes`, { body: 'Internal: escalate to vendor', private: true });
    await pair.sync(new Date(Date.now() - 60_000).toISOString());
    expect(text().split('escalate to vendor').length - 1).toBe(1);
    await pair.configure('source', { comments: { sendPublic: true, sendPrivate: false, incomingAs: 'private' } });
  });

  it('a new attachment arrives once', async () => {
    const vpn = sourceTicket('VPN drops every few minutes (home broadband)');
    const form = new FormData();
    form.append('attachments[]', new Blob([new Uint8Array(Buffer.from('trace-route output'))], { type: 'text/plain' }), 'traceroute.txt');
    await nextSecond();
    const r = await call(pair.source.sim, 'PUT', `/tickets/${vpn.id}`, { key: pair.source.sim.keyFor('supervisor_only'), form });
    expect(r.status).toBe(200);
    await pair.sync(new Date(Date.now() - 60_000).toISOString());
    await pair.sync(new Date(Date.now() - 60_000).toISOString());
    const tgt = pair.target.sim.state.tickets.get(linked.get(vpn.id)!)!;
    const names = pair.target.sim.state.attachmentsOf(tgt.attachment_ids ?? []).map((a) => a.name);
    expect(names.filter((n) => n === 'traceroute.txt')).toHaveLength(1);
  });

  it('the target side replies and changes status: both come back to the source once', async () => {
    const vpn = sourceTicket('VPN drops every few minutes (home broadband)');
    const targetId = linked.get(vpn.id)!;
    await nextSecond();
    await humanCall(pair.target.sim, 'POST', `/tickets/${targetId}/notes`, { body: 'Provider: new router shipped', private: false });
    await humanCall(pair.target.sim, 'PUT', `/tickets/${targetId}`, { status: 2 });
    const run = await pair.sync(new Date(Date.now() - 60_000).toISOString());
    expect(run.details).toEqual([expect.objectContaining({ targetTicketId: String(targetId), sourceTicketId: String(vpn.id), outcome: 'updated' })]);
    expect(pair.source.sim.state.tickets.get(vpn.id)!.status).toBe(2);
    await pair.sync(new Date(Date.now() - 60_000).toISOString());
    expect(conversationsText(pair.source.sim, vpn.id).split('new router shipped').length - 1).toBe(1);
  });

  it('a closure arrives once and is reported as Closed', async () => {
    const outlook = sourceTicket('Outlook crashes on start');
    await nextSecond();
    await humanCall(pair.source.sim, 'PUT', `/tickets/${outlook.id}`, { status: 5 });
    const run = await pair.sync(new Date(Date.now() - 60_000).toISOString());
    expect(run.details).toEqual([expect.objectContaining({ sourceTicketId: String(outlook.id), outcome: 'closed' })]);
    expect(run.counts.closed).toBe(1);
    expect(pair.target.sim.state.tickets.get(linked.get(outlook.id)!)!.status).toBe(5);
  });

  it('tickets created on the target stay there unless reverse sync is on; then they arrive once', async () => {
    const requesterId = [...pair.target.sim.state.users.values()].find((u) => u.agent === null && u.email)?.id ?? pair.target.sim.agents[0]!.id;
    const created = await humanCall(pair.target.sim, 'POST', '/tickets', {
      subject: 'Provider maintenance window',
      description: 'Saturday 02:00',
      email: 'noc@globex.test',
      status: 2,
      priority: 2,
    });
    void requesterId;
    const before = ticketsOf(pair.source.sim).length;
    await pair.sync(new Date(Date.now() - 60_000).toISOString());
    expect(ticketsOf(pair.source.sim)).toHaveLength(before);

    await pair.configure('target', { reverseSync: { enabled: true } });
    const run = await pair.sync(new Date(Date.now() - 60_000).toISOString());
    expect(run.details).toEqual([expect.objectContaining({ targetTicketId: String(created.ticket.id), outcome: 'created' })]);
    await pair.sync(new Date(Date.now() - 60_000).toISOString());
    expect(ticketsOf(pair.source.sim).filter((t) => t.subject === 'Provider maintenance window')).toHaveLength(1);
    expect(ticketsOf(pair.target.sim).filter((t) => t.subject === 'Provider maintenance window')).toHaveLength(1);
  });

  it('after all that, a sync writes nothing on either side', async () => {
    pair.source.sim.clearRequests();
    pair.target.sim.clearRequests();
    const run = await pair.sync(new Date(Date.now() - 5 * 60_000).toISOString());
    expect(run.status).toBe('no_tickets');
    expect(writesTo(pair.source.sim)).toEqual([]);
    expect(writesTo(pair.target.sim)).toEqual([]);
  });
});
