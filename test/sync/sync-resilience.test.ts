import { afterEach, describe, expect, it } from 'vitest';
import { createConnector } from '../../src/connectors/registry.ts';
import { createSyncStore } from '../../src/db/repositories/sync-store.ts';
import { failInterruptedRuns, getRun, startRun } from '../../src/db/repositories/sync-runs.ts';
import { runSync } from '../../src/sync/engine.ts';
import { ticketsOf, startSyncPair, type SyncPair } from '../helpers/sync-pair.ts';

let pair: SyncPair | undefined;
afterEach(async () => {
  await pair?.close();
  pair = undefined;
});

const primaryTickets = (p: SyncPair) => ticketsOf(p.source.sim).filter((t) => t.workspace_id === 2);
const copies = (p: SyncPair) => ticketsOf(p.target.sim).filter((t) => t.tags.some((tag) => /^sf-[0-9a-f]{16}$/.test(tag)));

describe('sync under trouble', () => {
  it('an agent limited to selected groups syncs only those groups', async () => {
    pair = await startSyncPair({ sourceProfile: 'selected' });
    const run = await pair.sync();
    const networkTeam = [...pair.source.sim.state.groups.values()].find((g) => g.name === 'Network Team')!.id;
    const visible = primaryTickets(pair).filter((t) => t.group_id === networkTeam);
    expect(visible.length).toBeGreaterThan(0);
    expect(run.counts.created).toBe(visible.length);
    expect(
      copies(pair)
        .map((t) => t.subject)
        .sort(),
    ).toEqual(visible.map((t) => t.subject).sort());
  });

  it('one ticket that fails makes the run Partial with a Failed row; the rest sync, and a later run retries it', async () => {
    pair = await startSyncPair();
    const victim = primaryTickets(pair).find((t) => t.subject === 'Laptop battery swelling')!;
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
    const run = await pair.sync();
    expect(run.status).toBe('partial');
    const failed = run.details.filter((d: any) => d.outcome === 'failed');
    expect(failed).toEqual([
      expect.objectContaining({ sourceTicketId: String(victim.id), targetTicketId: null, error: expect.stringMatching(/403|access|permission/i) }),
    ]);
    expect(run.counts).toMatchObject({ created: primaryTickets(pair).length - 1, failed: 1 });
    expect(copies(pair).some((t) => t.subject === victim.subject)).toBe(false);

    pair.source.sim.faults.clear();
    const retry = await pair.sync(new Date(Date.now() - 60_000).toISOString());
    expect(retry.status).toBe('success');
    expect(retry.details).toEqual([expect.objectContaining({ sourceTicketId: String(victim.id), outcome: 'created' })]);
    expect(copies(pair)).toHaveLength(primaryTickets(pair).length);
  });

  it('a value without a value mapping fails that ticket with what to add', async () => {
    pair = await startSyncPair();
    const r = await pair.stack.app.inject({ url: `/api/v1/connections/${pair.connectionId}/mappings`, headers: pair.source.auth });
    const mappings = r.json().mappings;
    const priority = mappings.types.Incident.fields.find((f: any) => f.sourceField === 'priority');
    priority.values = priority.values.filter((v: any) => v.source !== 4);
    const put = await pair.stack.app.inject({
      method: 'PUT',
      url: `/api/v1/connections/${pair.connectionId}/mappings`,
      headers: pair.source.auth,
      payload: { mappings },
    });
    expect(put.statusCode).toBe(200);
    const run = await pair.sync();
    expect(run.status).toBe('partial');
    const outlook = primaryTickets(pair).find((t) => t.priority === 4)!;
    expect(run.details.find((d: any) => d.outcome === 'failed')).toMatchObject({
      sourceTicketId: String(outlook.id),
      error: expect.stringMatching(/priority value 4 has no value mapping.*Field mappings/),
    });
  });

  it('429 bursts and 5xx faults end in the same result, only later', async () => {
    pair = await startSyncPair();
    pair.target.sim.faults.set({ burst429: { count: 3, retryAfterSeconds: 1 } });
    pair.source.sim.faults.set({ rules: [{ method: 'GET', pathPattern: '^/api/v2/tickets/\\d+$', status: 503, times: 2 }] });
    const run = await pair.sync();
    expect(run.status).toBe('success');
    expect(run.counts.created).toBe(primaryTickets(pair).length);
    expect(copies(pair)).toHaveLength(primaryTickets(pair).length);
    expect(pair.target.sim.requests.filter((r) => r.status === 429).length).toBe(3);
  });

  it('a run that dies between the remote create and the link write leaves no duplicate after a restart', async () => {
    pair = await startSyncPair();
    const db = pair.stack.database.db;
    const store = createSyncStore(db);
    const connectorFor = async (_: string, side: 'source' | 'target') => {
      const sim = side === 'source' ? pair!.source.sim : pair!.target.sim;
      return createConnector('freshservice', { apiUrl: sim.url, fields: { apiKey: sim.keyFor('admin') } }, { timeoutMs: 5000 });
    };
    const since = new Date(Date.now() - 60 * 86_400_000);
    const first = await startRun(db, { connectionId: pair.connectionId, trigger: 'manual', since, requestedBy: null });
    let died!: () => void;
    const death = new Promise<void>((r) => (died = r));
    // The "process" freezes forever right after its first remote create: from the database's point of
    // view that is exactly a kill -9 there.
    void runSync(
      {
        store,
        connectorFor,
        afterRemoteCreate: () => {
          died();
          return new Promise<never>(() => {});
        },
      },
      { runId: first.id, connectionId: pair.connectionId, trigger: 'manual', since },
    );
    await death;
    expect(copies(pair)).toHaveLength(1);

    expect(await failInterruptedRuns(db)).toBe(1);
    expect((await getRun(db, first.id))?.status).toBe('failed');
    const second = await startRun(db, { connectionId: pair.connectionId, trigger: 'manual', since, requestedBy: null });
    const outcome = await runSync({ store, connectorFor }, { runId: second.id, connectionId: pair.connectionId, trigger: 'manual', since });
    expect(outcome.status).toBe('success');
    const subjects = copies(pair)
      .map((t) => t.subject)
      .sort();
    expect(subjects).toEqual(
      primaryTickets(pair)
        .map((t) => t.subject)
        .sort(),
    );
    expect(new Set(subjects).size).toBe(subjects.length);
  });
});

describe('manual sync requests', () => {
  it('two concurrent manual syncs of one connection: one runs, the other is refused', async () => {
    pair = await startSyncPair();
    pair.source.sim.faults.set({ latencyMs: 200 });
    const post = () =>
      pair!.stack.app.inject({
        method: 'POST',
        url: `/api/v1/connections/${pair!.connectionId}/sync-runs`,
        headers: pair!.source.auth,
        payload: { since: '2026-01-01' },
      });
    const [a, b] = await Promise.all([post(), post()]);
    expect([a.statusCode, b.statusCode].sort()).toEqual([202, 409]);
    expect([a, b].find((r) => r.statusCode === 409)!.json().error.code).toBe('sync_in_progress');
    pair.source.sim.faults.clear();
    await (pair.stack.jobs as any).idle();
  });

  it.each([
    [{ since: new Date(Date.now() + 86_400_000).toISOString() }, 400, 'validation_failed', /future/],
    [{ since: 'last tuesday' }, 400, 'validation_failed', /ISO 8601/],
    [{ since: '2026-13-45' }, 400, 'validation_failed', /ISO 8601/],
    [{}, 400, 'validation_failed', /since/],
  ])('refuses %j', async (payload, status, code, message) => {
    pair ??= await startSyncPair({ sourceSeed: 'empty' });
    const r = await pair.stack.app.inject({ method: 'POST', url: `/api/v1/connections/${pair.connectionId}/sync-runs`, headers: pair.source.auth, payload });
    expect(r.statusCode).toBe(status);
    expect(r.json().error.code).toBe(code);
    expect(r.json().error.message).toMatch(message);
    const runs = await pair.stack.app.inject({ url: `/api/v1/sync-runs?connection=${pair.connectionId}`, headers: pair.source.auth });
    expect(runs.json().runs).toEqual([]);
  });

  it('the target side may start a run too; a stranger may not see it', async () => {
    pair = await startSyncPair({ sourceSeed: 'empty' });
    const run = await pair.sync(undefined, 'target');
    expect(run.status).toBe('no_tickets');
    const { signUpAndLogIn } = await import('../helpers/stack.ts');
    const stranger = await signUpAndLogIn(pair.stack.app, 'stranger');
    expect((await pair.stack.app.inject({ url: `/api/v1/sync-runs/${run.id}`, headers: stranger.auth })).statusCode).toBe(404);
    expect((await pair.stack.app.inject({ url: '/api/v1/sync-runs', headers: stranger.auth })).json().runs).toEqual([]);
    const post = await pair.stack.app.inject({
      method: 'POST',
      url: `/api/v1/connections/${pair.connectionId}/sync-runs`,
      headers: stranger.auth,
      payload: { since: '2026-01-01' },
    });
    expect(post.statusCode).toBe(404);
  });

  it('history filters by status and period, newest first', async () => {
    pair = await startSyncPair({ sourceSeed: 'empty' });
    const a = await pair.sync();
    const b = await pair.sync();
    const list = async (q: string) => (await pair!.stack.app.inject({ url: `/api/v1/sync-runs?${q}`, headers: pair!.source.auth })).json();
    expect((await list('')).runs.map((r: any) => r.id)).toEqual([b.id, a.id]);
    expect((await list('status=no_tickets')).runs).toHaveLength(2);
    expect((await list('status=failed')).runs).toHaveLength(0);
    expect((await list('from=2020-01-01&to=2020-02-01')).runs).toHaveLength(0);
    expect((await list('status=bogus')).error.code).toBe('validation_failed');
  });
});
