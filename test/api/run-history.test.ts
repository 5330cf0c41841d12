import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inviteMember, type InvitedMember } from '../helpers/members.ts';
import { signUpAndLogIn } from '../helpers/stack.ts';
import { startSyncPair, ticketsOf, type SyncPair } from '../helpers/sync-pair.ts';

/**
 * Sync history beyond one page (cursor pagination with filters), a run's rows with subjects and links into
 * the platform, CSV export, and Retry by the side that can fix a failure (the provider whose platform
 * refused a create), for one run or all of its failures. Two simulated accounts: Acme (source), Globex (target).
 */
let pair: SyncPair;
let providerViewer: InvitedMember;

beforeAll(async () => {
  pair = await startSyncPair();
  providerViewer = await inviteMember(pair.stack.app, pair.target.auth, 'viewer', 'rh');
}, 120_000);
afterAll(async () => {
  await pair?.close();
});

const db = () => pair.stack.database.db;
const get = (url: string, auth: Record<string, string>) => pair.stack.app.inject({ url: `/api/v1${url}`, headers: auth });
const post = (url: string, auth: Record<string, string>) => pair.stack.app.inject({ method: 'POST', url: `/api/v1${url}`, headers: auth });

async function finished(runId: string) {
  const jobs = pair.stack.jobs as { idle?: () => Promise<void> };
  if (jobs.idle) await jobs.idle();
  for (let i = 0; i < 600; i++) {
    const r = await get(`/sync-runs/${runId}`, pair.source.auth);
    if (r.json().status !== 'running') return r.json();
    await new Promise((res) => setTimeout(res, 100));
  }
  throw new Error('run did not finish');
}

/** RFC 4180 as csv-stringify writes it: quoted cells may hold commas, quotes (doubled) and line breaks. */
function csvRows(body: string): string[][] {
  const text = body.replace(/^\ufeff/, '');
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted && c === '"' && text[i + 1] === '"') {
      cell += '"';
      i++;
    } else if (c === '"') {
      quoted = !quoted;
    } else if (!quoted && c === ',') {
      row.push(cell);
      cell = '';
    } else if (!quoted && c === '\n') {
      row.push(cell);
      rows.push(row);
      row = [];
      cell = '';
    } else if (quoted || c !== '\r') {
      cell += c;
    }
  }
  if (cell !== '' || row.length > 0) {
    row.push(cell);
    rows.push(row);
  }
  return rows;
}

describe('a create refused by the provider’s platform', () => {
  let run: any;

  it('shows both sides the failure in words and the subject; each side gets links into its own platform only', async () => {
    pair.target.sim.faults.set({
      rules: [
        {
          method: 'POST',
          pathPattern: '^/api/v2/tickets$',
          status: 400,
          body: { description: 'Validation failed', errors: [{ field: 'group_id', message: 'Group does not exist', code: 'invalid_value' }] },
        },
      ],
    });
    run = await pair.sync();
    expect(run.status).toBe('partial');
    const failed = run.details.filter((d: any) => d.outcome === 'failed');
    expect(failed.length).toBeGreaterThan(1);
    const subjects = new Map(ticketsOf(pair.source.sim).map((t) => [String(t.id), t.subject]));
    for (const d of failed) {
      expect(d).toMatchObject({ targetTicketId: null, ownerOnly: false, id: expect.stringMatching(/^\d+$/) });
      expect(d.subject).toBe(subjects.get(d.sourceTicketId));
      expect(d.error).toMatch(/Group does not exist|group_id/);
      expect(d.sourceTicketUrl).toBe(`${pair.source.sim.url}/a/tickets/${d.sourceTicketId}`);
      expect(d.targetTicketUrl).toBeNull();
    }
    const provider = (await get(`/sync-runs/${run.id}`, pair.target.auth)).json();
    const seen = provider.details.filter((d: any) => d.outcome === 'failed');
    expect(seen.map((d: any) => [d.sourceTicketId, d.subject, d.error])).toEqual(failed.map((d: any) => [d.sourceTicketId, d.subject, d.error]));
    // Acme shares its ticket links (the default): Globex may open Acme's tickets too.
    expect(seen.every((d: any) => d.sourceTicketUrl === `${pair.source.sim.url}/a/tickets/${d.sourceTicketId}` && d.targetTicketUrl === null)).toBe(true);
    // Globex's platform refused them: Globex may retry them (as may Acme, whose tickets they are).
    expect(seen.every((d: any) => d.retryable === true)).toBe(true);
    expect(failed.every((d: any) => d.retryable === true)).toBe(true);
  });

  it("the provider opens the failed ticket's timeline (that run's pass only) and retries it; a viewer may not", async () => {
    const d = run.details.find((x: any) => x.outcome === 'failed');
    const tl = await get(`/connections/${pair.connectionId}/tickets/source/${d.sourceTicketId}/timeline`, pair.target.auth);
    expect(tl.statusCode).toBe(200);
    const events = tl.json().events;
    expect(events.length).toBeGreaterThan(0);
    expect(events.every((e: any) => e.runId === run.id)).toBe(true);
    expect(events.find((e: any) => e.kind === 'failed').summary).toMatch(/Group does not exist|group_id/);
    expect(events[0].subject).toBe(d.subject);

    expect((await post(`/sync-runs/${run.id}/details/${d.id}/retry`, providerViewer.auth)).statusCode).toBe(403);
    // The cause is not fixed yet: the retry fails again, and says so in the new run.
    const r = await post(`/sync-runs/${run.id}/details/${d.id}/retry`, pair.target.auth);
    expect(r.statusCode, r.body).toBe(202);
    expect(r.json().tickets).toBe(1);
    const again = await finished(r.json().id);
    expect(again.trigger).toBe('ticket');
    expect(again.details).toContainEqual(expect.objectContaining({ sourceTicketId: d.sourceTicketId, outcome: 'failed', subject: d.subject }));
    const requested = (await get(`/connections/${pair.connectionId}/tickets/source/${d.sourceTicketId}/timeline`, pair.source.auth)).json().events;
    expect(requested.map((e: any) => e.summary)).toContainEqual(expect.stringMatching(/^Retry requested by admin-globex/));
  });

  it('retry all failed: one call queues every failed ticket of the run the caller sees, in one run', async () => {
    expect((await post(`/sync-runs/${run.id}/retry-failed`, providerViewer.auth)).statusCode).toBe(403);
    // Only what this call queues is worked: the engine's own retry set is emptied first.
    await db().deleteFrom('sync_retries').where('connection_id', '=', pair.connectionId).execute();
    pair.target.sim.faults.set({ rules: [] });
    const r = await post(`/sync-runs/${run.id}/retry-failed`, pair.target.auth);
    expect(r.statusCode, r.body).toBe(202);
    const failed = run.details.filter((d: any) => d.outcome === 'failed');
    expect(r.json().tickets).toBe(failed.length);
    const retried = await finished(r.json().id);
    expect(retried.status).toBe('success');
    expect(retried.details.map((d: any) => [d.sourceTicketId, d.outcome]).sort()).toEqual(failed.map((d: any) => [d.sourceTicketId, 'created']).sort());
    expect((await post(`/sync-runs/${retried.id}/retry-failed`, pair.source.auth)).json().error.code).toBe('nothing_to_retry');
    const ok = retried.details[0];
    expect((await post(`/sync-runs/${retried.id}/details/${ok.id}/retry`, pair.target.auth)).json().error.code).toBe('not_failed');
  });
});

describe('rows kept to one side', () => {
  let runId: string;
  let secretId: string;

  beforeAll(async () => {
    const r = await db()
      .insertInto('sync_runs')
      .values({
        connection_id: pair.connectionId,
        trigger: 'manual',
        status: 'partial',
        started_at: new Date('2025-03-01T10:00:00Z'),
        finished_at: new Date('2025-03-01T10:01:00Z'),
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    runId = r.id;
    const rows = await db()
      .insertInto('sync_run_details')
      .values([
        {
          run_id: runId,
          origin_side: 'source',
          source_ticket_id: '9001',
          target_ticket_id: null,
          outcome: 'failed',
          error: 'read refused',
          owner_only: true,
          subject: 'Secret acquisition plan',
          failed_comments: 0,
          failed_attachments: 0,
        },
        {
          run_id: runId,
          origin_side: 'source',
          source_ticket_id: '9002',
          target_ticket_id: '77',
          outcome: 'updated',
          error: null,
          subject: '=HYPERLINK("http://evil.example","click")',
          failed_comments: 0,
          failed_attachments: 0,
        },
        {
          run_id: runId,
          origin_side: 'target',
          source_ticket_id: null,
          target_ticket_id: '78',
          outcome: 'failed',
          error: '-2+3 refused, "quoted", and, commas',
          subject: '@SUM(A1)',
          failed_comments: 0,
          failed_attachments: 0,
        },
      ])
      .returning('id')
      .execute();
    secretId = String(rows[0]!.id);
  });

  it("the partner never sees an owner-only row: not in the run, the pages, the CSV, a retry or the ticket's timeline", async () => {
    const own = (await get(`/sync-runs/${runId}`, pair.source.auth)).json();
    expect(own.details.map((d: any) => d.subject)).toContain('Secret acquisition plan');
    for (const [url, auth] of [
      [`/sync-runs/${runId}`, pair.target.auth],
      [`/sync-runs/${runId}/details`, pair.target.auth],
      [`/sync-runs/${runId}/details.csv`, pair.target.auth],
    ] as const) {
      const r = await get(url, auth);
      expect(r.statusCode).toBe(200);
      expect(r.body).not.toContain('Secret acquisition');
      expect(r.body).not.toContain('9001');
    }
    expect((await post(`/sync-runs/${runId}/details/${secretId}/retry`, pair.target.auth)).statusCode).toBe(404);
    expect((await get(`/connections/${pair.connectionId}/tickets/source/9001/timeline`, pair.target.auth)).statusCode).toBe(404);
  });

  it("a partner's failure that never reached your platform is shown, but is the partner's to retry", async () => {
    const own = (await get(`/sync-runs/${runId}`, pair.source.auth)).json().details;
    expect(own.map((d: any) => [d.sourceTicketId ?? d.targetTicketId, d.retryable])).toEqual([
      ['9001', true],
      ['9002', false],
      ['78', false],
    ]);
    const theirs = (await get(`/sync-runs/${runId}`, pair.target.auth)).json().details;
    expect(theirs.map((d: any) => [d.sourceTicketId ?? d.targetTicketId, d.retryable])).toEqual([
      ['9002', false],
      ['78', true],
    ]);
    const row78 = own.find((d: any) => d.targetTicketId === '78');
    const refused = await post(`/sync-runs/${runId}/details/${row78.id}/retry`, pair.source.auth);
    expect(refused.statusCode).toBe(403);
    expect(refused.json().error.code).toBe('not_yours_to_retry');
    // Nor its timeline: the ticket never travelled to Acme.
    expect((await get(`/connections/${pair.connectionId}/tickets/target/78/timeline`, pair.source.auth)).statusCode).toBe(404);
  });

  it('CSV: a header, one line per visible row, formula-like cells quoted away, each side its own rows', async () => {
    const r = await get(`/sync-runs/${runId}/details.csv`, pair.source.auth);
    expect(r.statusCode).toBe(200);
    expect(r.headers['content-type']).toMatch(/^text\/csv/);
    expect(r.headers['content-disposition']).toMatch(/^attachment; filename="sync-run-2025-03-01-[0-9a-f]{8}\.csv"$/);
    const rows = csvRows(r.body);
    expect(rows[0]).toEqual([
      'Source ticket',
      'Target ticket',
      'Subject',
      'Outcome',
      'Error',
      'Failed comments',
      'Failed attachments',
      'Recorded at',
      'Source ticket link',
      'Target ticket link',
    ]);
    expect(rows.slice(1).map((x) => x.slice(0, 5))).toEqual([
      ['9001', '', 'Secret acquisition plan', 'Failed', 'read refused'],
      ['9002', '77', `'=HYPERLINK("http://evil.example","click")`, 'Updated', ''],
      ['', '78', "'@SUM(A1)", 'Failed', `'-2+3 refused, "quoted", and, commas`],
    ]);
    expect(rows[1]![8]).toBe(`${pair.source.sim.url}/a/tickets/9001`);
    // Globex shares its ticket links (the default): Acme may open Globex's ticket of a row it sees.
    expect(rows[3]![9]).toBe(`${pair.target.sim.url}/a/tickets/78`);
    const partner = csvRows((await get(`/sync-runs/${runId}/details.csv`, pair.target.auth)).body);
    expect(partner.slice(1).map((x) => [x[0], x[1], x[8], x[9]])).toEqual([
      ['9002', '77', `${pair.source.sim.url}/a/tickets/9002`, `${pair.target.sim.url}/a/tickets/77`],
      ['', '78', '', `${pair.target.sim.url}/a/tickets/78`],
    ]);
    // Acme stops sharing its ticket links: Globex keeps its own, loses Acme's.
    await sql`UPDATE connection_sides SET configuration = jsonb_set(configuration, '{ticketLinks}', '{"share": false}') WHERE connection_id = ${pair.connectionId} AND side = 'source'`.execute(
      db(),
    );
    try {
      const unshared = csvRows((await get(`/sync-runs/${runId}/details.csv`, pair.target.auth)).body);
      expect(unshared.slice(1).map((x) => [x[8], x[9]])).toEqual([
        ['', `${pair.target.sim.url}/a/tickets/77`],
        ['', `${pair.target.sim.url}/a/tickets/78`],
      ]);
      expect(csvRows((await get(`/sync-runs/${runId}/details.csv`, pair.source.auth)).body)[2]![8]).toBe(`${pair.source.sim.url}/a/tickets/9002`);
    } finally {
      await sql`UPDATE connection_sides SET configuration = configuration - 'ticketLinks' WHERE connection_id = ${pair.connectionId} AND side = 'source'`.execute(
        db(),
      );
    }
  });

  it('details a page at a time, searchable by subject, error and ticket number', async () => {
    const first = (await get(`/sync-runs/${runId}/details?limit=1`, pair.source.auth)).json();
    expect(first.details.map((d: any) => d.sourceTicketId)).toEqual(['9001']);
    const second = (await get(`/sync-runs/${runId}/details?limit=1&cursor=${first.nextCursor}`, pair.source.auth)).json();
    expect(second.details.map((d: any) => d.sourceTicketId)).toEqual(['9002']);
    const third = (await get(`/sync-runs/${runId}/details?limit=1&cursor=${second.nextCursor}`, pair.source.auth)).json();
    expect(third).toMatchObject({ details: [expect.objectContaining({ targetTicketId: '78' })], nextCursor: null });
    const search = async (q: string, auth = pair.source.auth) =>
      (await get(`/sync-runs/${runId}/details?q=${encodeURIComponent(q)}`, auth)).json().details.map((d: any) => d.sourceTicketId ?? d.targetTicketId);
    expect(await search('acquisition')).toEqual(['9001']);
    expect(await search('acquisition', pair.target.auth)).toEqual([]);
    expect(await search('#78')).toEqual(['78']);
    expect(await search('commas refused')).toEqual(['78']);
    expect(await search('100%_')).toEqual([]);
    expect((await get(`/sync-runs/${runId}/details?cursor=nonsense`, pair.source.auth)).json().error).toMatchObject({
      code: 'validation_failed',
      field: 'cursor',
    });
  });
});

describe('sync history beyond 500 runs', () => {
  const ids: string[] = [];
  const failedIds: string[] = [];

  beforeAll(async () => {
    // 1203 runs in January 2025, several started in the same microsecond (the id orders them), every 7th failed.
    const values = Array.from({ length: 1203 }, (_, i) => ({
      connection_id: pair.connectionId,
      trigger: 'automatic',
      status: i % 7 === 0 ? 'failed' : 'success',
      started_at: new Date(Date.UTC(2025, 0, 1) + Math.floor(i / 3) * 60_000),
      finished_at: new Date(Date.UTC(2025, 0, 1) + Math.floor(i / 3) * 60_000 + 1000),
    }));
    for (let i = 0; i < values.length; i += 400)
      await db()
        .insertInto('sync_runs')
        .values(values.slice(i, i + 400))
        .execute();
    const rows = await db()
      .selectFrom('sync_runs')
      .select(['id', 'status'])
      .where('started_at', '<', new Date('2025-02-01T00:00:00Z'))
      .orderBy('started_at', 'desc')
      .orderBy('id', 'desc')
      .execute();
    ids.push(...rows.map((r) => r.id));
    failedIds.push(...rows.filter((r) => r.status === 'failed').map((r) => r.id));
  });

  const page = (query: string, auth = pair.source.auth) => get(`/sync-runs?from=2025-01-01&to=2025-01-31&${query}`, auth);

  async function all(query: string): Promise<{ ids: string[]; pages: number }> {
    const out: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const r = await page(`${query}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
      expect(r.statusCode, r.body).toBe(200);
      out.push(...r.json().runs.map((x: any) => x.id));
      cursor = r.json().nextCursor;
      pages++;
    } while (cursor);
    return { ids: out, pages };
  }

  it('without a cursor: the first 500, newest first, as before, plus nextCursor', async () => {
    const r = (await page('')).json();
    expect(Object.keys(r).sort()).toEqual(['nextCursor', 'runs']);
    expect(r.runs.map((x: any) => x.id)).toEqual(ids.slice(0, 500));
    expect(r.nextCursor).toEqual(expect.any(String));
  });

  it('pages through every run once, in order, with the default and a small limit', async () => {
    expect(await all('')).toEqual({ ids, pages: 3 });
    expect(await all('limit=97')).toEqual({ ids, pages: 13 });
  });

  it('filters hold across pages; a page past the end is empty', async () => {
    expect((await all('status=failed&limit=50')).ids).toEqual(failedIds);
    const last = (await page(`connection=${pair.connectionId}&status=failed&limit=500`)).json();
    expect(last.runs.map((x: any) => x.id)).toEqual(failedIds);
    expect(last.nextCursor).toBeNull();
    const none = (await get('/sync-runs?limit=1&from=2024-01-01&to=2024-01-02', pair.source.auth)).json();
    expect(none).toEqual({ runs: [], nextCursor: null });
  });

  it('the partner pages the same shared history; a stranger sees nothing; bad cursors and limits are refused', async () => {
    const partner = (await page('limit=3', pair.target.auth)).json();
    expect(partner.runs.map((x: any) => x.id)).toEqual(ids.slice(0, 3));
    const stranger = await signUpAndLogIn(pair.stack.app);
    expect((await page('', stranger.auth)).json()).toEqual({ runs: [], nextCursor: null });
    expect((await page('cursor=abc')).json().error).toMatchObject({ code: 'validation_failed', field: 'cursor' });
    expect((await page('limit=501')).statusCode).toBe(400);
    expect((await page('limit=0')).statusCode).toBe(400);
  });
});
