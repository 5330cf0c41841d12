import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { humanCall, startSyncPair, type SyncPair } from '../helpers/sync-pair.ts';

/**
 * Issue 11, item 2: what a side's filters keep back never reaches the partner — not through a dry run,
 * the run list, run details, the run's event stream, timelines, the dashboard or an error message — and
 * no count the partner sees includes it. Acme (source) sends only tickets tagged `partner`; Globex is
 * the partner. The owner may still see its own kept-back ticket.
 */
// Bounds for a loaded CI machine (starting the stack and two simulators dominates), not waits.
vi.setConfig({ testTimeout: 180_000, hookTimeout: 300_000 });

let pair: SyncPair;
let secretId = '';
let sharedId = '';
const SECRET = `SECRET-merger-${Math.random().toString(36).slice(2, 8)}`;
const SINCE = () => new Date(Date.now() - 60 * 86_400_000).toISOString();

beforeAll(async () => {
  // The empty seed: the only tickets are the two made here, so every count is known exactly.
  pair = await startSyncPair({ sourceSeed: 'empty' });
  // Tested keys spend their account's full rate budget (an untested key gets a small allowance).
  for (const who of ['source', 'target'] as const) {
    const r = await pair.stack.app.inject({ method: 'POST', url: '/api/v1/platform/test', headers: pair[who].auth });
    expect(r.statusCode, r.body).toBe(200);
  }
  await pair.configure('source', { filters: { tags: ['partner'] } });
  const ticket = (subject: string, tags: string[]) =>
    humanCall(pair.source.sim, 'POST', '/tickets', { subject, description: `<p>${subject}</p>`, email: 'alice@acme.test', status: 2, priority: 2, tags });
  // Kept back too; they make the secret's id differ from the ids of the copy made on the partner's side.
  for (let i = 0; i < 2; i++) await ticket(`Internal chore ${i}`, []);
  secretId = String((await ticket(SECRET, ['board'])).ticket.id);
  sharedId = String((await ticket('Printer jam on floor 2', ['partner'])).ticket.id);
});
afterAll(async () => pair?.close());

const as = (who: 'source' | 'target') => pair[who].auth;
const get = async (url: string, who: 'source' | 'target') => {
  const r = await pair.stack.app.inject({ url, headers: as(who) });
  return { status: r.statusCode, body: r.body, json: r.statusCode === 200 ? r.json() : null };
};

/** Everything that would tell the partner about the kept-back ticket: its subject, or its id where an id or a message goes. */
function leaks(body: string): string[] {
  const found: string[] = [];
  if (body.includes('SECRET-')) found.push('its subject');
  // The partner's own ids are small numbers too: only where an id of the source side would stand.
  const idRef = new RegExp(`(ticket #?|Read #|/tickets/|tickets/source/|"sourceTicketId":"|"ticketId":")${secretId}\\b`);
  if (idRef.test(body)) found.push(`its id (${idRef.exec(body)![0]})`);
  return found;
}

async function waitForRun(runId: string, who: 'source' | 'target') {
  const jobs = pair.stack.jobs as { idle?: () => Promise<void> };
  await jobs.idle?.();
  for (let i = 0; i < 600; i++) {
    const run = (await get(`/api/v1/sync-runs/${runId}`, who)).json;
    if (run.status !== 'running') return run;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('run did not end');
}

/** The run's Server-Sent Events as the partner receives them (inject collects the stream until it ends). */
async function eventsOf(runId: string, who: 'source' | 'target') {
  const r = await pair.stack.app.inject({ url: `/api/v1/sync-runs/${runId}/events`, headers: { ...as(who), accept: 'text/event-stream' } });
  expect(r.statusCode).toBe(200);
  const events = r.body
    .split('\n\n')
    .map((b) => ({ event: /^event: (.+)$/m.exec(b)?.[1], data: /^data: (.+)$/m.exec(b)?.[1] }))
    .filter((e) => e.event && e.data)
    .map((e) => ({ event: e.event!, data: JSON.parse(e.data!) }));
  return { raw: r.body, events };
}

describe('a ticket the source filter keeps back', () => {
  it("is not in the partner's dry run, nor in any count of it; the owner sees it as skipped, with why", async () => {
    const partner = await pair.stack.app.inject({
      method: 'POST',
      url: `/api/v1/connections/${pair.connectionId}/dry-runs`,
      headers: as('target'),
      payload: { since: SINCE() },
    });
    expect(partner.statusCode, partner.body).toBe(200);
    expect(leaks(partner.body)).toEqual([]);
    const plan = partner.json();
    expect(plan.tickets.map((t: any) => t.ticketId)).toEqual([sharedId]);
    expect(plan.counts).toEqual({ create: 1, update: 0, fail: 0, skip: 0 });

    const owner = (
      await pair.stack.app.inject({
        method: 'POST',
        url: `/api/v1/connections/${pair.connectionId}/dry-runs`,
        headers: as('source'),
        payload: { since: SINCE() },
      })
    ).json();
    expect(owner.tickets.find((t: any) => t.ticketId === secretId)).toMatchObject({
      action: 'skip',
      originSubject: SECRET,
      excluded: expect.stringMatching(/sync filter/),
    });
    expect(owner.counts.create).toBe(1);
  });

  it('is in no count, detail, event or timeline the partner gets from a real run', async () => {
    const started = await pair.stack.app.inject({
      method: 'POST',
      url: `/api/v1/connections/${pair.connectionId}/sync-runs`,
      headers: as('target'),
      payload: { since: SINCE() },
    });
    expect(started.statusCode, started.body).toBe(202);
    const runId = started.json().id as string;
    const stream = await eventsOf(runId, 'target');
    const run = await waitForRun(runId, 'target');

    expect(run).toMatchObject({
      status: 'success',
      counts: { created: 1, updated: 0, closed: 0, failed: 0 },
      progress: { ticketsSeen: 1, ticketsDone: 1 },
      error: null,
    });
    expect(run.details.map((d: any) => d.sourceTicketId)).toEqual([sharedId]);
    expect(leaks(JSON.stringify(run))).toEqual([]);
    expect(leaks(stream.raw)).toEqual([]);
    expect(stream.events.at(-1)!.event).toBe('done');
    for (const e of stream.events) expect(e.data.progress.ticketsSeen).toBeLessThanOrEqual(1);

    const list = await get(`/api/v1/sync-runs?connection=${pair.connectionId}`, 'target');
    expect(leaks(list.body)).toEqual([]);
    expect(list.json.runs.map((r: any) => r.progress.ticketsSeen)).toEqual([1]);

    // The timeline of a ticket that never travelled is its own organisation's only.
    const theirs = await get(`/api/v1/connections/${pair.connectionId}/tickets/source/${secretId}/timeline`, 'target');
    expect(theirs.status).toBe(404);
    expect(leaks(theirs.body)).toEqual([]);
    const retry = await pair.stack.app.inject({
      method: 'POST',
      url: `/api/v1/connections/${pair.connectionId}/tickets/source/${secretId}/retry`,
      headers: as('target'),
    });
    expect(retry.statusCode).toBe(404);
    const mine = await get(`/api/v1/connections/${pair.connectionId}/tickets/source/${secretId}/timeline`, 'source');
    expect(mine.status).toBe(200);
    expect(mine.json.events.map((e: any) => e.kind)).toEqual(expect.arrayContaining(['read', 'skipped_filtered']));
    // The partner's own copy's timeline names only the ticket that travelled.
    const copyId = run.details[0].targetTicketId as string;
    const copyTimeline = await get(`/api/v1/connections/${pair.connectionId}/tickets/target/${copyId}/timeline`, 'target');
    expect(copyTimeline.status).toBe(200);
    expect(leaks(copyTimeline.body)).toEqual([]);
  });

  it("failing, its error reaches only its own organisation: not the partner's run, details, stream, counts or dashboard", async () => {
    pair.source.sim.faults.set({
      rules: [
        {
          method: 'GET',
          pathPattern: `^/api/v2/tickets/${secretId}$`,
          status: 403,
          body: { code: 'access_denied', message: 'You are not authorized to perform this action.' },
        },
      ],
    });
    try {
      // A Retry asked by the owner, then a manual run asked by the partner: both read it, and it fails.
      const retry = await pair.stack.app.inject({
        method: 'POST',
        url: `/api/v1/connections/${pair.connectionId}/tickets/source/${secretId}/retry`,
        headers: as('source'),
      });
      expect(retry.statusCode, retry.body).toBe(202);
      const retried = await waitForRun(retry.json().id, 'target');
      const manual = await pair.stack.app.inject({
        method: 'POST',
        url: `/api/v1/connections/${pair.connectionId}/sync-runs`,
        headers: as('target'),
        payload: { since: SINCE() },
      });
      expect(manual.statusCode, manual.body).toBe(202);
      const stream = await eventsOf(manual.json().id, 'target');
      const ran = await waitForRun(manual.json().id, 'target');

      for (const run of [retried, ran]) {
        expect(leaks(JSON.stringify(run))).toEqual([]);
        expect(run.counts.failed).toBe(0);
        expect(run.status).not.toBe('partial');
        expect(run.details.filter((d: any) => d.outcome === 'failed')).toEqual([]);
      }
      // The shared ticket and its copy on the partner's side, which the run lists too: nothing else.
      expect(ran.progress).toMatchObject({ ticketsSeen: 2, ticketsDone: 2 });
      expect(leaks(stream.raw)).toEqual([]);
      for (const e of stream.events) expect(e.data.progress.ticketsSeen).toBeLessThanOrEqual(2);
      // The run's rows in pages, searched by the kept-back ticket's number, and as CSV: nothing of it either.
      for (const url of [
        `/api/v1/sync-runs/${ran.id}/details`,
        `/api/v1/sync-runs/${ran.id}/details?q=${secretId}`,
        `/api/v1/sync-runs/${ran.id}/details.csv`,
      ]) {
        const r = await pair.stack.app.inject({ url, headers: as('target') });
        expect(r.statusCode, url).toBe(200);
        expect(leaks(r.body), url).toEqual([]);
        // CSV: no line whose first cell (Source ticket) is the kept-back ticket.
        expect(
          r.body.split('\n').filter((line) => line.startsWith(`${secretId},`)),
          url,
        ).toEqual([]);
      }
      const ownCsv = (await pair.stack.app.inject({ url: `/api/v1/sync-runs/${ran.id}/details.csv`, headers: as('source') })).body;
      expect(ownCsv.split('\n').filter((line) => line.startsWith(`${secretId},`))).toHaveLength(1);

      // The owner sees the failure, marked as its own.
      const own = (await get(`/api/v1/sync-runs/${ran.id}`, 'source')).json;
      expect(own.details).toContainEqual(
        expect.objectContaining({
          sourceTicketId: secretId,
          outcome: 'failed',
          ownerOnly: true,
          error: expect.stringMatching(/403|not authori[sz]ed|refused/i),
        }),
      );
      expect(own.counts.failed).toBe(0);

      const dashboard = await get('/api/v1/dashboard', 'target');
      expect(dashboard.status).toBe(200);
      expect(leaks(dashboard.body)).toEqual([]);
      const figures = dashboard.json.connections.find((c: any) => c.id === pair.connectionId);
      expect(figures.totals['7d'].tickets).toEqual({ created: 1, updated: 0, closed: 0, failed: 0 });
      expect(figures.totals['7d'].runs.partial).toBe(0);

      const list = await get(`/api/v1/sync-runs?connection=${pair.connectionId}`, 'target');
      expect(leaks(list.body)).toEqual([]);
      expect(list.json.runs.every((r: any) => r.counts.failed === 0 && r.error === null)).toBe(true);
    } finally {
      pair.source.sim.faults.clear();
    }
  });
});
