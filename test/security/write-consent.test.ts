import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inviteMember, type InvitedMember } from '../helpers/members.ts';
import { humanCall, nextSecond, startSyncPair, ticketsOf, type SyncPair } from '../helpers/sync-pair.ts';

/**
 * A hostile partner writes into your platform without your consent (issue 11 item 3). Acme is the source
 * (demo tickets), Globex the target. Globex's member reverses directions (subject, and a description
 * with a link) to rewrite Acme's original tickets; Globex's admin switches reverse sync on to file tickets
 * and create requesters in Acme's helpdesk. None of it may take effect until Acme's admin approves it; a
 * sync in between writes nothing new into Acme; both audit logs show the proposal.
 */
let pair: SyncPair;
let globexMember: InvitedMember;
let acmeMember: InvitedMember;
const c = () => `/api/v1/connections/${pair.connectionId}`;
const call = async (method: 'GET' | 'PUT' | 'POST', url: string, auth: Record<string, string>, payload?: object) => {
  const r = await pair.stack.app.inject({ method, url, headers: auth, ...(payload ? { payload } : {}) });
  return { status: r.statusCode, body: r.json() as any };
};
const mappingsAs = async (auth: Record<string, string>) => (await call('GET', `${c()}/mappings`, auth)).body.mappings;
const auditOf = async (auth: Record<string, string>) => (await call('GET', '/api/v1/audit-log?limit=200', auth)).body.events as any[];
const since = () => new Date(Date.now() - 60_000).toISOString();
/** A linked pair made by the first sync: an Acme original and its Globex copy (by subject). */
let original: { id: number; subject: string };
let copyId: number;

beforeAll(async () => {
  pair = await startSyncPair();
  globexMember = await inviteMember(pair.stack.app, pair.target.auth, 'member', 'globex');
  acmeMember = await inviteMember(pair.stack.app, pair.source.auth, 'member', 'acme');
  await pair.configure('source', { filters: { tags: ['onboarding'] } }); // one linked ticket is enough, and fast
  const run = await pair.sync();
  expect(run.status).toMatch(/success|partial/);
  const created = run.details.find((d: any) => d.outcome === 'created');
  const o = pair.source.sim.state.tickets.get(Number(created.sourceTicketId))!;
  original = { id: o.id, subject: o.subject };
  copyId = Number(created.targetTicketId);
}, 240_000);
afterAll(async () => pair?.close());

describe("the partner's member reverses directions into your platform", () => {
  let proposalId: string;

  it('is not applied: it becomes a change pending for Acme’s admin, visible to both with who proposed it', async () => {
    const applied = await mappingsAs(pair.source.auth);
    const hostile = structuredClone(applied);
    for (const t of Object.values<any>(hostile.types)) {
      for (const f of t.fields) if (f.sourceField === 'subject' || f.sourceField === 'description') f.direction = 'target_to_source';
    }
    const r = await call('PUT', `${c()}/mappings`, globexMember.auth, { mappings: hostile });
    expect(r.status, JSON.stringify(r.body)).toBe(202);
    expect(r.body.mappings).toEqual(applied);
    expect(r.body.proposal).toMatchObject({
      kind: 'mappings',
      status: 'pending',
      awaiting: { side: 'source', organisation: { name: pair.source.organisation.name } },
      proposedBy: { side: 'target', email: globexMember.email },
      canApprove: false,
      canWithdraw: true,
    });
    expect(r.body.proposal.writes.source).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^Incident: subject ← target subject, on updates/),
        expect.stringMatching(/^Incident: description ← target description, on updates/),
      ]),
    );
    expect(r.body.proposal.writes.target).toEqual([]);
    expect(r.body.message).toMatch(new RegExp(`only when an admin of ${pair.source.organisation.name} approves it`));
    proposalId = r.body.proposal.id;
    // Applied mappings unchanged for both sides; the proposal listed for both.
    expect(await mappingsAs(pair.source.auth)).toEqual(applied);
    expect(await mappingsAs(pair.target.auth)).toEqual(applied);
    for (const [auth, canApprove] of [
      [pair.source.auth, true],
      [pair.target.auth, false],
      [acmeMember.auth, false],
    ] as const) {
      const list = (await call('GET', `${c()}/change-proposals`, auth)).body.proposals;
      expect(list).toEqual([
        expect.objectContaining({
          id: proposalId,
          status: 'pending',
          canApprove,
          proposedAt: expect.any(String),
          proposedBy: expect.objectContaining({ email: globexMember.email }),
        }),
      ]);
    }
  });

  it('a sync run writes nothing of Globex’s into Acme’s original ticket', async () => {
    await nextSecond();
    await humanCall(pair.target.sim, 'PUT', `/tickets/${copyId}`, {
      subject: 'PWNED by the partner',
      description: '<p>Reset your password at <a href="https://evil.example/login">our portal</a></p>',
    });
    await nextSecond();
    await pair.sync(since(), 'target');
    const o = pair.source.sim.state.tickets.get(original.id)!;
    expect(o.subject).toBe(original.subject);
    expect(o.description).not.toContain('evil.example');
  });

  it('Acme’s audit log shows the proposal, made by Globex’s member; so does Globex’s', async () => {
    for (const auth of [pair.source.auth, pair.target.auth]) {
      const e = (await auditOf(auth)).find((x) => x.action === 'connection.change_proposed');
      expect(e).toMatchObject({
        actor: { email: globexMember.email },
        target: { id: pair.connectionId },
        after: { proposalId, awaitingSide: 'source', proposedBy: globexMember.email },
      });
    }
  });

  it('only Acme’s admin decides: Globex’s admin and Acme’s member cannot approve it', async () => {
    const byGlobex = await call('POST', `${c()}/change-proposals/${proposalId}/approve`, pair.target.auth);
    expect(byGlobex.status).toBe(403);
    expect(byGlobex.body.error).toMatchObject({ code: 'not_your_decision', message: expect.stringMatching(/only an admin of .* can approve or reject/) });
    expect((await call('POST', `${c()}/change-proposals/${proposalId}/approve`, acmeMember.auth)).status).toBe(403);
    expect((await call('POST', `${c()}/change-proposals/${proposalId}/withdraw`, acmeMember.auth)).body.error.code).toBe('not_your_proposal');
    expect(await mappingsAs(pair.source.auth)).not.toEqual(
      expect.objectContaining({
        types: expect.objectContaining({
          Incident: expect.objectContaining({
            fields: expect.arrayContaining([expect.objectContaining({ sourceField: 'subject', direction: 'target_to_source' })]),
          }),
        }),
      }),
    );
  });

  it('once Acme’s admin approves it, it applies: the next change on Globex reaches Acme, and both logs record approval and application', async () => {
    const r = await call('POST', `${c()}/change-proposals/${proposalId}/approve`, pair.source.auth);
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body).toMatchObject({ status: 'approved', decidedBy: { email: expect.stringContaining('@') } });
    const subject = (await mappingsAs(pair.target.auth)).types.Incident.fields.find((f: any) => f.sourceField === 'subject');
    expect(subject.direction).toBe('target_to_source');
    expect((await call('POST', `${c()}/change-proposals/${proposalId}/reject`, pair.source.auth)).body.error.code).toBe('not_pending');
    await nextSecond();
    await humanCall(pair.target.sim, 'PUT', `/tickets/${copyId}`, { subject: 'Agreed new subject' });
    await nextSecond();
    await pair.sync(since(), 'target');
    expect(pair.source.sim.state.tickets.get(original.id)!.subject).toBe('Agreed new subject');
    for (const auth of [pair.source.auth, pair.target.auth]) {
      const actions = (await auditOf(auth)).filter((e) => e.after?.proposalId === proposalId).map((e) => e.action);
      expect(actions).toEqual(expect.arrayContaining(['connection.change_proposed', 'connection.change_approved', 'connection.change_applied']));
    }
  });
});

describe("the partner's admin switches reverse sync on", () => {
  let proposalId: string;

  it('is not applied, and a sync files no ticket and creates no requester in Acme’s helpdesk', async () => {
    const cfg = (await call('GET', `${c()}/configuration`, pair.target.auth)).body.configuration;
    const r = await call('PUT', `${c()}/configuration`, pair.target.auth, {
      configuration: { ...cfg, reverseSync: { enabled: true, filters: cfg.reverseSync.filters }, attachments: { enabled: false } },
    });
    expect(r.status, JSON.stringify(r.body)).toBe(202);
    // The rest of Globex's own configuration is saved at once; reverse sync waits.
    expect(r.body.configuration).toMatchObject({ reverseSync: { enabled: false }, attachments: { enabled: false } });
    expect(r.body.proposal).toMatchObject({ kind: 'reverse_sync', awaiting: { side: 'source' }, proposedBy: { side: 'target' } });
    expect(r.body.proposal.writes.source[0]).toMatch(
      /^Reverse sync: tickets created on the target \(every ticket\) are created on the source, with requesters matched or created/,
    );
    proposalId = r.body.proposal.id;
    expect((await call('GET', `${c()}/configuration`, pair.target.auth)).body.configuration.reverseSync.enabled).toBe(false);

    await humanCall(pair.target.sim, 'POST', '/tickets', {
      subject: 'Click this invoice',
      description: 'Pay now',
      email: 'stranger@partner-made.example',
      status: 2,
      priority: 2,
    });
    const tickets = ticketsOf(pair.source.sim).length;
    const users = pair.source.sim.state.users.size;
    await nextSecond();
    await pair.sync(since(), 'target');
    expect(ticketsOf(pair.source.sim)).toHaveLength(tickets);
    expect(pair.source.sim.state.users.size).toBe(users);
    expect((await auditOf(pair.source.auth)).find((e) => e.action === 'connection.change_proposed' && e.after.proposalId === proposalId)).toBeTruthy();
  });

  it('a newer proposal replaces the older pending one, and says so', async () => {
    const cfg = (await call('GET', `${c()}/configuration`, pair.target.auth)).body.configuration;
    const r = await call('PUT', `${c()}/configuration`, pair.target.auth, {
      configuration: { ...cfg, reverseSync: { enabled: true, filters: { ...cfg.reverseSync.filters, tags: ['escalate'] } } },
    });
    expect(r.status).toBe(202);
    expect(r.body.proposal.replaces).toBe(proposalId);
    expect(r.body.message).toMatch(/replaces the change proposed earlier/);
    const list = (await call('GET', `${c()}/change-proposals`, pair.source.auth)).body.proposals;
    expect(list.find((p: any) => p.id === proposalId).status).toBe('superseded');
    expect(list.filter((p: any) => p.status === 'pending' && p.kind === 'reverse_sync').map((p: any) => p.id)).toEqual([r.body.proposal.id]);
    proposalId = r.body.proposal.id;
  });

  it('Acme’s admin may reject it (nothing changes) or approve it (tickets then flow back)', async () => {
    const rejected = await call('POST', `${c()}/change-proposals/${proposalId}/reject`, pair.source.auth);
    expect(rejected.body.status).toBe('rejected');
    expect((await call('GET', `${c()}/configuration`, pair.target.auth)).body.configuration.reverseSync.enabled).toBe(false);
    const cfg = (await call('GET', `${c()}/configuration`, pair.target.auth)).body.configuration;
    const again = await call('PUT', `${c()}/configuration`, pair.target.auth, {
      configuration: { ...cfg, reverseSync: { enabled: true, filters: cfg.reverseSync.filters } },
    });
    expect(again.status).toBe(202);
    expect((await call('POST', `${c()}/change-proposals/${again.body.proposal.id}/approve`, pair.source.auth)).status).toBe(200);
    expect((await call('GET', `${c()}/configuration`, pair.target.auth)).body.configuration).toMatchObject({
      reverseSync: { enabled: true },
      attachments: { enabled: false },
    });
    await pair.sync(new Date(Date.now() - 10 * 60_000).toISOString(), 'target');
    expect(ticketsOf(pair.source.sim).filter((t) => t.subject === 'Click this invoice')).toHaveLength(1);
    for (const auth of [pair.source.auth, pair.target.auth]) {
      const actions = (await auditOf(auth)).map((e) => e.action);
      expect(actions).toEqual(expect.arrayContaining(['connection.change_rejected', 'connection.change_approved', 'connection.change_applied']));
    }
  });
});

describe('changes into your own platform, or narrower ones, apply at once as before', () => {
  it('Acme’s member adding a description line (written into Globex) waits for Globex’s admin; the proposer may withdraw it', async () => {
    const m = await mappingsAs(acmeMember.auth);
    m.types.Incident.descriptionBuilder = { fields: ['priority'], separator: '---' };
    const r = await call('PUT', `${c()}/mappings`, acmeMember.auth, { mappings: m });
    expect(r.status).toBe(202);
    expect(r.body.proposal.awaiting.side).toBe('target');
    expect(r.body.proposal.writes.target).toContain('Incident: descriptions get a line with source priority');
    expect((await call('POST', `${c()}/change-proposals/${r.body.proposal.id}/withdraw`, acmeMember.auth)).body.status).toBe('withdrawn');
    expect((await auditOf(pair.target.auth)).some((e) => e.action === 'connection.change_withdrawn')).toBe(true);
  });

  it('Globex’s member adding it (into its own platform) and Acme’s member narrowing: 200 with the mappings, as before, and both logs show the save', async () => {
    const m = await mappingsAs(globexMember.auth);
    m.types.Incident.descriptionBuilder = { fields: ['priority'], separator: '---' };
    const own = await call('PUT', `${c()}/mappings`, globexMember.auth, { mappings: m });
    expect(own.status).toBe(200);
    expect(Object.keys(own.body)).toEqual(['mappings']);
    expect(own.body.mappings.types.Incident.descriptionBuilder.fields).toEqual(['priority']);
    m.types.Incident.fields = m.types.Incident.fields.filter((f: any) => f.sourceField !== 'impact');
    const narrower = await call('PUT', `${c()}/mappings`, acmeMember.auth, { mappings: m });
    expect(narrower.status).toBe(200);
    expect(await mappingsAs(pair.target.auth)).toEqual(narrower.body.mappings);
    const acmeSaves = (await auditOf(pair.source.auth)).filter((e) => e.action === 'connection.mappings_saved').map((e) => e.actor.email);
    expect(acmeSaves).toEqual(expect.arrayContaining([globexMember.email, acmeMember.email]));
  });
});
