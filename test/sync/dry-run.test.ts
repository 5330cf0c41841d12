/**
 * Dry run (POST /api/v1/connections/:id/dry-runs): what a sync from a date would write, with nothing
 * written to either simulated Freshservice account nor to the database; checked against what the real
 * sync then does.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { FreshserviceSimulator } from '../../src/simulator/freshservice/index.ts';
import { signUpAndLogIn } from '../helpers/stack.ts';
import { humanCall, nextSecond, startSyncPair, ticketsOf, type SyncPair } from '../helpers/sync-pair.ts';

let pair: SyncPair | undefined;
afterEach(async () => {
  await pair?.close();
  pair = undefined;
});

const SINCE = () => new Date(Date.now() - 60 * 86_400_000).toISOString();
const primaryTickets = (p: SyncPair) => ticketsOf(p.source.sim).filter((t) => t.workspace_id === 2);
const writesTo = (sim: FreshserviceSimulator) => sim.requests.filter((r) => r.path.startsWith('/api/v2') && r.method !== 'GET');

async function dryRun(p: SyncPair, since: string = SINCE(), as: 'source' | 'target' = 'source') {
  return p.stack.app.inject({ method: 'POST', url: `/api/v1/connections/${p.connectionId}/dry-runs`, headers: p[as].auth, payload: { since } });
}

async function storedState(p: SyncPair) {
  const db = p.stack.database.db;
  const count = async (table: 'ticket_links' | 'sync_runs' | 'create_intents' | 'sync_retries') =>
    Number(
      (
        await db
          .selectFrom(table)
          .select((eb) => eb.fn.countAll().as('n'))
          .where('connection_id', '=', p.connectionId)
          .executeTakeFirstOrThrow()
      ).n,
    );
  const ledger = async (table: 'comment_ledger' | 'attachment_ledger') =>
    Number(
      (
        await db
          .selectFrom(table)
          .select((eb) => eb.fn.countAll().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    );
  const sides = await db.selectFrom('connection_sides').select(['side', 'cursor_at']).where('connection_id', '=', p.connectionId).orderBy('side').execute();
  const conn = await db.selectFrom('connections').select('sync_state').where('id', '=', p.connectionId).executeTakeFirstOrThrow();
  return {
    links: await count('ticket_links'),
    runs: await count('sync_runs'),
    intents: await count('create_intents'),
    retries: await count('sync_retries'),
    comments: await ledger('comment_ledger'),
    attachments: await ledger('attachment_ledger'),
    cursors: sides.map((s) => s.cursor_at?.toISOString() ?? null),
    syncState: conn.sync_state,
  };
}

async function setMappings(p: SyncPair, change: (m: any) => void) {
  const r = await p.stack.app.inject({ url: `/api/v1/connections/${p.connectionId}/mappings`, headers: p.source.auth });
  const mappings = r.json().mappings;
  change(mappings);
  // A change writing into the target's platform is approved by its admin (write consent).
  expect(await p.saveMappings(mappings)).toEqual(mappings);
}

describe('dry run', () => {
  it('before the first sync: every qualifying ticket is a create with the values and description the sync then writes, and nothing is written anywhere', async () => {
    pair = await startSyncPair();
    await setMappings(pair, (m) => {
      m.types.Incident.descriptionBuilder = { fields: ['priority', 'group'], separator: '-----' };
    });
    const before = await storedState(pair);
    expect(before).toMatchObject({ links: 0, runs: 0, cursors: [null, null], syncState: 'initial_sync_required' });
    const targetTickets = ticketsOf(pair.target.sim).length;
    const targetPeople = pair.target.sim.state.users.size;
    pair.source.sim.clearRequests();
    pair.target.sim.clearRequests();

    const res = await dryRun(pair);
    expect(res.statusCode, res.body).toBe(200);
    const plan = res.json();

    // Nothing written: no non-GET request on either platform, no attachment fetched, the database as it was.
    expect(writesTo(pair.source.sim)).toEqual([]);
    expect(writesTo(pair.target.sim)).toEqual([]);
    expect(pair.target.sim.requests.length).toBeGreaterThan(0); // it did look (requesters, fields)
    expect(pair.source.sim.requests.filter((r) => /attachments|files/.test(r.path))).toEqual([]);
    expect(ticketsOf(pair.target.sim)).toHaveLength(targetTickets);
    expect(pair.target.sim.state.users.size).toBe(targetPeople);
    expect(await storedState(pair)).toEqual(before);

    const primary = primaryTickets(pair);
    expect(plan.truncated).toBe(false);
    expect(plan.counts).toMatchObject({ create: primary.length, update: 0, fail: 0 });
    const creates = plan.tickets.filter((t: any) => t.action === 'create');
    expect(creates.map((t: any) => t.ticketId).sort()).toEqual(primary.map((t) => String(t.id)).sort());
    for (const t of creates) expect(t).toMatchObject({ side: 'source', target: { side: 'target', ticketId: null } });

    const vpn = creates.find((t: any) => t.originSubject === 'VPN drops every few minutes');
    expect(vpn).toMatchObject({
      displayId: expect.stringMatching(/^INC-\d+$/),
      type: 'Incident',
      subject: 'VPN drops every few minutes',
      fields: { status: 2, priority: 3, urgency: 2, impact: 2 },
      requester: { email: expect.stringMatching(/alice/i), action: 'create' },
    });
    expect(vpn.description).toMatch(
      /^<div><strong>Priority:<\/strong> High<\/div><div><strong>Group:<\/strong> Network Team<\/div><div>-----<\/div>(<div>)?Since Monday my VPN/,
    );
    // The public reply travels (as a note), the private note does not (sendPrivate is off).
    // Signed by its author, as the real copy will be (issue 12 item 16).
    expect(vpn.comments).toEqual([
      {
        private: true,
        bodyPreview: expect.stringMatching(
          new RegExp(`^\\S.* \\(${pair.source.organisation.name}\\) wrote:\nHi Alice, could you tell us which Wi-Fi network you are on when it drops\\?$`),
        ),
        attachments: [],
      },
    ]);
    const battery = creates.find((t: any) => t.originSubject === 'Laptop battery swelling');
    expect(battery.attachments).toEqual([{ name: 'battery.png', size: expect.any(Number) }]);
    expect(battery.attachments[0].size).toBeGreaterThan(0);

    // The real sync writes exactly what the dry run said.
    const run = await pair.sync(plan.since);
    expect(run.counts.created).toBe(creates.length);
    for (const d of run.details) {
      const planned = creates.find((t: any) => t.ticketId === d.sourceTicketId);
      const copy = pair.target.sim.state.tickets.get(Number(d.targetTicketId))!;
      expect(copy.subject).toBe(planned.subject);
      expect(copy.description).toBe(planned.description);
      expect(copy.type).toBe(planned.type);
      for (const f of ['status', 'priority', 'urgency', 'impact'] as const)
        if (f in planned.fields) expect(copy[f], `${planned.subject}: ${f}`).toBe(planned.fields[f]);
      const requester = pair.target.sim.state.users.get(copy.requester_id)!;
      expect(requester.email).toBe(planned.requester.email);
    }
  });

  it('after a sync and an edit in the source: exactly one update, with only the changed field', async () => {
    pair = await startSyncPair();
    await pair.sync();
    const vpn = primaryTickets(pair).find((t) => t.subject === 'VPN drops every few minutes')!;
    await nextSecond();
    await humanCall(pair.source.sim, 'PUT', `/tickets/${vpn.id}`, { priority: 4 });
    const before = await storedState(pair);
    pair.source.sim.clearRequests();
    pair.target.sim.clearRequests();

    const res = await dryRun(pair);
    expect(res.statusCode, res.body).toBe(200);
    const plan = res.json();
    expect(writesTo(pair.source.sim)).toEqual([]);
    expect(writesTo(pair.target.sim)).toEqual([]);
    expect(await storedState(pair)).toEqual(before);

    const changed = plan.tickets.filter((t: any) => t.action !== 'skip');
    expect(changed).toHaveLength(1);
    expect(plan.counts).toMatchObject({ create: 0, update: 1, fail: 0 });
    const [update] = changed;
    const link = await pair.stack.database.db
      .selectFrom('ticket_links')
      .select('target_ticket_id')
      .where('source_ticket_id', '=', String(vpn.id))
      .executeTakeFirstOrThrow();
    expect(update).toMatchObject({
      side: 'source',
      ticketId: String(vpn.id),
      action: 'update',
      target: { side: 'target', ticketId: link.target_ticket_id },
      fields: { priority: 4 },
      comments: [],
      attachments: [],
    });
    expect(Object.keys(update.fields)).toEqual(['priority']);
    expect(update.subject).toBeUndefined();
    expect(update.description).toBeUndefined();

    // And the real sync agrees.
    const run = await pair.sync(new Date(Date.now() - 60_000).toISOString());
    expect(run.details).toEqual([expect.objectContaining({ sourceTicketId: String(vpn.id), outcome: 'updated' })]);
    expect(pair.target.sim.state.tickets.get(Number(link.target_ticket_id))!.priority).toBe(4);
  });

  it('a value the mapping leaves unmapped shows as fail with the message; the target admin may dry-run too', async () => {
    pair = await startSyncPair();
    await setMappings(pair, (m) => {
      const priority = m.types.Incident.fields.find((f: any) => f.sourceField === 'priority');
      priority.values = priority.values.filter((v: any) => v.source !== 4);
    });
    const res = await dryRun(pair, SINCE(), 'target');
    expect(res.statusCode, res.body).toBe(200);
    const plan = res.json();
    const outlook = primaryTickets(pair).find((t) => t.priority === 4)!;
    const failed = plan.tickets.filter((t: any) => t.action === 'fail');
    expect(failed).toEqual([
      expect.objectContaining({
        ticketId: String(outlook.id),
        originSubject: 'Outlook crashes on start',
        error: expect.stringMatching(/priority value 4 has no value mapping.*Field mappings/),
      }),
    ]);
    expect(plan.counts).toMatchObject({ create: primaryTickets(pair).length - 1, fail: 1 });
    expect(writesTo(pair.target.sim)).toEqual([]);
    expect((await storedState(pair)).retries).toBe(0);
  });

  it('refuses a future date (400), a malformed one (400), and a stranger (404)', async () => {
    pair = await startSyncPair();
    const future = await dryRun(pair, new Date(Date.now() + 86_400_000).toISOString());
    expect(future.statusCode).toBe(400);
    expect(future.json().error).toMatchObject({ code: 'validation_failed', field: 'since' });
    const bad = await dryRun(pair, 'last tuesday');
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error).toMatchObject({ code: 'validation_failed', field: 'since' });

    const { auth: stranger } = await signUpAndLogIn(pair.stack.app, `stranger${Math.random().toString(36).slice(2, 6)}`);
    const r = await pair.stack.app.inject({
      method: 'POST',
      url: `/api/v1/connections/${pair.connectionId}/dry-runs`,
      headers: stranger,
      payload: { since: '2026-01-01' },
    });
    expect(r.statusCode).toBe(404);
    expect(r.json().error.code).toBe('not_found');
    const nobody = await pair.stack.app.inject({ method: 'POST', url: `/api/v1/connections/${pair.connectionId}/dry-runs`, payload: { since: '2026-01-01' } });
    expect(nobody.statusCode).toBe(401);
    expect(writesTo(pair.source.sim)).toEqual([]);
    expect((await storedState(pair)).runs).toBe(0);
  });

  it('stops at its limit and says so', async () => {
    pair = await startSyncPair();
    const { dryRun: run } = await import('../../src/sync/dry-run/dry-run.ts');
    const { readsOf } = await import('../../src/sync/dry-run/memory-store.ts');
    const { createSyncStore } = await import('../../src/db/repositories/sync-store.ts');
    const { engineDeps } = await import('../../src/sync/deps.ts');
    const ctx = { db: pair.stack.database.db, masterKey: await masterKeyOf(pair), config: pair.stack.config };
    const plan = await run(
      { reads: readsOf(createSyncStore(ctx.db)), connectorFor: engineDeps(ctx).connectorFor },
      { connectionId: pair.connectionId, since: new Date(SINCE()), maxTickets: 2 },
    );
    expect(plan).toMatchObject({ truncated: true, counts: { create: 2 } });
    expect('tickets' in plan && plan.tickets).toHaveLength(2);
    expect(writesTo(pair.target.sim)).toEqual([]);
  });
});

async function masterKeyOf(p: SyncPair): Promise<Buffer> {
  const { loadMasterKey } = await import('../../src/security/secret-key.ts');
  return loadMasterKey(p.stack.config.secretKey, p.stack.config.dataDir);
}
