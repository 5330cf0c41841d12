import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inviteMember, type InvitedMember } from '../helpers/members.ts';
import { startRun } from '../../src/db/repositories/sync-runs.ts';
import { signUpAndLogIn } from '../helpers/stack.ts';
import { humanCall, nextSecond, startSyncPair, ticketsOf, type SyncPair } from '../helpers/sync-pair.ts';

/**
 * The ticket timeline and the Retry / Resync actions, through the API against two simulated accounts:
 * what the engine records per ticket, and what a person can ask it to do again.
 */
let pair: SyncPair;
let viewer: InvitedMember;
let member: InvitedMember;

beforeAll(async () => {
  pair = await startSyncPair();
  viewer = await inviteMember(pair.stack.app, pair.source.auth, 'viewer', 'tl');
  member = await inviteMember(pair.stack.app, pair.source.auth, 'member', 'tl');
}, 120_000);
afterAll(async () => {
  await pair?.close();
});

const primary = () => ticketsOf(pair.source.sim).filter((t) => t.workspace_id === 2);
const copyOf = (subject: string) => ticketsOf(pair.target.sim).find((t) => t.subject === subject && t.tags.some((tag) => /^sf-[0-9a-f]{16}$/.test(tag)));

const timeline = async (side: string, id: string | number, auth = pair.source.auth) =>
  pair.stack.app.inject({ url: `/api/v1/connections/${pair.connectionId}/tickets/${side}/${id}/timeline`, headers: auth });

/** Waits for the run a Retry/Resync started (inline job runner), and returns it. */
async function finished(runId: string) {
  const jobs = pair.stack.jobs as { idle?: () => Promise<void> };
  if (jobs.idle) await jobs.idle();
  for (let i = 0; i < 600; i++) {
    const r = await pair.stack.app.inject({ url: `/api/v1/sync-runs/${runId}`, headers: pair.source.auth });
    if (r.json().status !== 'running') return r.json();
    await new Promise((res) => setTimeout(res, 100));
  }
  throw new Error('run did not finish');
}

const victimSubject = 'Laptop battery swelling';
let victimId: number;

describe('ticket timeline', () => {
  it('a failing ticket shows failed with the error; the others show read, mapped and written with request summaries', async () => {
    const victim = primary().find((t) => t.subject === victimSubject)!;
    victimId = victim.id;
    pair.source.sim.faults.set({
      rules: [
        {
          method: 'GET',
          pathPattern: `^/api/v2/tickets/${victim.id}$`,
          status: 403,
          body: { code: 'access_denied', message: 'You are not authorized to perform this action.' },
        },
      ],
    });
    // The fault stays until the Retry test: the victim keeps failing in the runs before it.
    const run = await pair.sync();
    expect(run.status).toBe('partial');

    // A created ticket: read, mapped, written, with the calls each step made.
    const created = run.details.find((d: any) => d.outcome === 'created');
    const res = await timeline('source', created.sourceTicketId);
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.ticket).toMatchObject({
      side: 'source',
      id: created.sourceTicketId,
      linked: { side: 'target', id: created.targetTicketId },
      lastOutcome: 'created',
      retry: null,
    });
    const kinds = body.events.map((e: any) => e.kind);
    // Newest first: written comes before mapped comes before read.
    expect(kinds.indexOf('written')).toBeLessThan(kinds.indexOf('mapped'));
    expect(kinds.indexOf('mapped')).toBeLessThan(kinds.indexOf('read'));
    const read = body.events.find((e: any) => e.kind === 'read');
    expect(read.requests).toEqual([
      expect.objectContaining({ side: 'source', call: 'getTicket', ref: `#${created.sourceTicketId}`, ok: true, result: expect.stringMatching(/^found/) }),
    ]);
    const written = body.events.find((e: any) => e.kind === 'written');
    expect(written.summary).toBe(`Created #${created.targetTicketId} on ${pair.target.organisation.name}`);
    expect(written.requests).toContainEqual(
      expect.objectContaining({ side: 'target', call: 'createTicket', ok: true, result: `created #${created.targetTicketId}` }),
    );
    expect(written.outcome ?? body.events[0].outcome).toBeTruthy();
    expect(body.events[0]).toMatchObject({ runId: run.id, outcome: 'created' });
    const mapped = body.events.find((e: any) => e.kind === 'mapped');
    // Values by the receiving side's labels (its form fields): picklists by their display name.
    expect(mapped.summary).toMatch(/Subject: "/);
    expect(mapped.summary).toMatch(/Priority: (Low|Medium|High|Urgent)/);
    expect(mapped.summary).not.toMatch(/priority = \d/);
    // The copy's timeline is the same story, seen from the other side.
    const fromCopy = (await timeline('target', created.targetTicketId, pair.target.auth)).json();
    // The counterpart is the partner's ticket: linked while the partner shares ticket links (the default).
    expect(fromCopy.ticket.linked).toEqual({ side: 'source', id: created.sourceTicketId, url: `${pair.source.sim.url}/a/tickets/${created.sourceTicketId}` });
    expect(fromCopy.ticket.url).toBe(`${pair.target.sim.url}/a/tickets/${created.targetTicketId}`);
    expect(fromCopy.events.map((e: any) => e.id)).toEqual(expect.arrayContaining(body.events.map((e: any) => e.id)));

    // The failed ticket: the error, and the failed request.
    const failed = (await timeline('source', victim.id)).json();
    expect(failed.ticket).toMatchObject({
      linked: null,
      lastOutcome: 'failed',
      retry: { side: 'source', ticketId: String(victim.id), lastError: expect.stringMatching(/403.*lacks access/) },
    });
    const f = failed.events.find((e: any) => e.kind === 'failed');
    expect(f.summary).toMatch(/403.*lacks access/);
    expect(f.requests).toContainEqual(expect.objectContaining({ call: 'getTicket', ok: false, ref: `#${victim.id}` }));
    // Not linked: the partner organisation learns nothing of it.
    expect((await timeline('source', victim.id, pair.target.auth)).statusCode).toBe(404);
  });

  it('a ticket synced again without a change shows a skip', async () => {
    const created = primary().find((t) => t.subject !== victimSubject && copyOf(t.subject))!;
    await nextSecond();
    await pair.sync(new Date(Date.now() - 60 * 86_400_000).toISOString());
    const body = (await timeline('source', created.id)).json();
    expect(['skipped_unchanged', 'skipped_echo']).toContain(body.events[0].kind);
    expect(body.events[0].outcome).toBe('unchanged');
    expect(body.events.filter((e: any) => e.kind === 'written')).toHaveLength(1);
  });

  it('Retry of the failed ticket, once the cause is gone, creates its copy; the audit log records it', async () => {
    expect(copyOf(victimSubject)).toBeUndefined();
    pair.source.sim.faults.clear();
    const url = `/api/v1/connections/${pair.connectionId}/tickets/source/${victimId}/retry`;
    const viewerTry = await pair.stack.app.inject({ method: 'POST', url, headers: viewer.auth });
    expect(viewerTry.statusCode).toBe(403);
    const res = await pair.stack.app.inject({ method: 'POST', url, headers: member.auth });
    expect(res.statusCode).toBe(202);
    const run = await finished(res.json().id);
    expect(run.trigger).toBe('ticket');
    expect(run.details).toEqual([expect.objectContaining({ sourceTicketId: String(victimId), outcome: 'created' })]);
    expect(copyOf(victimSubject)).toBeDefined();
    const body = (await timeline('source', victimId)).json();
    expect(body.ticket).toMatchObject({ lastOutcome: 'created', retry: null, linked: { side: 'target', id: String(copyOf(victimSubject)!.id) } });
    const ofRun = body.events.filter((e: any) => e.runId === run.id).map((e: any) => e.kind);
    // Newest first; comments and files copied after the create come on top.
    expect(ofRun.filter((k: string) => !/_copied$/.test(k))).toEqual(['written', 'mapped', 'read', 'retried', 'requested']);
    expect(body.events.find((e: any) => e.kind === 'requested').summary).toBe(`Retry requested by ${member.email}`);
    const audit = (await pair.stack.app.inject({ url: '/api/v1/audit-log?action=ticket.retry_requested', headers: pair.source.auth })).json();
    expect(audit.events[0]).toMatchObject({
      action: 'ticket.retry_requested',
      actor: { email: member.email },
      target: { type: 'ticket', id: `source:${victimId}`, label: `Acme managed IT: source ticket #${victimId}` },
    });
  });

  it('Resync of a linked ticket whose copy was edited by hand writes the mapped values again', async () => {
    const original = primary().find((t) => t.subject === victimSubject)!;
    const copy = copyOf(victimSubject)!;
    const before = { subject: copy.subject, priority: copy.priority };
    await humanCall(pair.target.sim, 'PUT', `/api/v2/tickets/${copy.id}`, { subject: 'Edited by hand', priority: before.priority === 1 ? 4 : 1 });
    expect(pair.target.sim.state.tickets.get(copy.id)!.subject).toBe('Edited by hand');
    // Resync asked from the copy's side: the original's values go to the copy.
    const url = `/api/v1/connections/${pair.connectionId}/tickets/target/${copy.id}/resync`;
    expect((await pair.stack.app.inject({ method: 'POST', url, headers: viewer.auth })).statusCode).toBe(403);
    const res = await pair.stack.app.inject({ method: 'POST', url, headers: pair.target.auth });
    expect(res.statusCode).toBe(202);
    const run = await finished(res.json().id);
    expect(run.details).toEqual([expect.objectContaining({ sourceTicketId: String(original.id), targetTicketId: String(copy.id), outcome: 'updated' })]);
    const now = pair.target.sim.state.tickets.get(copy.id)!;
    expect(now.subject).toBe(original.subject);
    expect(now.priority).toBe(original.priority);
    const body = (await timeline('target', copy.id, pair.target.auth)).json();
    const w = body.events.find((e: any) => e.kind === 'written');
    expect(w.summary).toMatch(new RegExp(`^Updated #${copy.id} on .*subject`));
    expect(w.requests).toContainEqual(expect.objectContaining({ side: 'target', call: 'updateTicket', ref: `#${copy.id}`, ok: true }));
    expect(body.events.find((e: any) => e.kind === 'requested')).toMatchObject({
      side: 'source',
      ticketId: String(original.id),
      summary: expect.stringMatching(/^Resync requested by admin-globex/),
    });
  });

  it('Resync of a ticket without a copy, and both while a run is going, are refused with what to do; nothing changes', async () => {
    const unlinked = await pair.stack.app.inject({
      method: 'POST',
      url: `/api/v1/connections/${pair.connectionId}/tickets/source/999999/resync`,
      headers: pair.source.auth,
    });
    expect(unlinked.statusCode).toBe(409);
    expect(unlinked.json().error.code).toBe('not_linked');
    // A run of the connection is going (its row exists; no worker has it): both are refused and nothing changes.
    const running = await startRun(pair.stack.database.db, { connectionId: pair.connectionId, trigger: 'manual', since: new Date(), requestedBy: null });
    const before = (await timeline('source', victimId)).json();
    const retries = await pair.stack.database.db.selectFrom('sync_retries').selectAll().execute();
    for (const action of ['retry', 'resync']) {
      const busy = await pair.stack.app.inject({
        method: 'POST',
        url: `/api/v1/connections/${pair.connectionId}/tickets/source/${victimId}/${action}`,
        headers: pair.source.auth,
      });
      expect(busy.statusCode).toBe(409);
      expect(busy.json().error).toMatchObject({ code: 'sync_in_progress', message: expect.stringMatching(/already running/) });
    }
    expect((await timeline('source', victimId)).json()).toEqual(before);
    expect(await pair.stack.database.db.selectFrom('sync_retries').selectAll().execute()).toEqual(retries);
    expect((await pair.stack.database.db.selectFrom('sync_hints').selectAll().execute()).length).toBe(0);
    await pair.stack.database.db.updateTable('sync_runs').set({ status: 'failed', finished_at: new Date() }).where('id', '=', running.id).execute();
    // The resync of the previous test is in the partner's audit log, not in Acme's.
    const globex = (await pair.stack.app.inject({ url: '/api/v1/audit-log?action=ticket.resync_requested', headers: pair.target.auth })).json();
    expect(globex.events).toEqual([
      expect.objectContaining({ action: 'ticket.resync_requested', target: expect.objectContaining({ type: 'ticket', id: `source:${victimId}` }) }),
    ]);
    const acme = (await pair.stack.app.inject({ url: '/api/v1/audit-log?action=ticket.resync_requested', headers: pair.source.auth })).json();
    expect(acme.events).toEqual([]);
  });

  it('another organisation gets 404; a partner sees a ticket that never travelled as unknown', async () => {
    const { auth } = await signUpAndLogIn(pair.stack.app, 'initech');
    expect((await timeline('source', victimId, auth)).statusCode).toBe(404);
    expect(
      (await pair.stack.app.inject({ method: 'POST', url: `/api/v1/connections/${pair.connectionId}/tickets/source/${victimId}/retry`, headers: auth }))
        .statusCode,
    ).toBe(404);
    expect(
      (await pair.stack.app.inject({ method: 'POST', url: `/api/v1/connections/${pair.connectionId}/tickets/source/${victimId}/resync`, headers: auth }))
        .statusCode,
    ).toBe(404);
    // The partner organisation sees the linked ticket's timeline.
    expect((await timeline('source', victimId, pair.target.auth)).statusCode).toBe(200);
    // A ticket the sync has no record of is unknown, to either organisation.
    expect((await timeline('source', 424242, pair.target.auth)).statusCode).toBe(404);
    expect((await timeline('source', 424242)).statusCode).toBe(404);
    expect((await timeline('sideways', victimId)).statusCode).toBe(400);
  });
});
