import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { humanCall, nextSecond, startSyncPair, ticketsOf, type SyncPair } from '../helpers/sync-pair.ts';

/**
 * GET /api/v1/dashboard from real runs of two simulated accounts: states as the connection goes through
 * its life, daily ticket and run figures equal to what the runs did, the lag and success rate as the
 * README defines them, and each organisation's own rate budget.
 */
let pair: SyncPair;
beforeAll(async () => {
  pair = await startSyncPair();
});
afterAll(async () => pair?.close());

const dashboard = async (auth = pair.source.auth, query = '') => {
  const r = await pair.stack.app.inject({ url: `/api/v1/dashboard${query}`, headers: auth });
  expect(r.statusCode, r.body).toBe(200);
  return r.json();
};
const mine = async (auth = pair.source.auth, query = '') => {
  const d = await dashboard(auth, query);
  return { d, c: d.connections.find((c: any) => c.id === pair.connectionId) };
};
const setAutomatic = async (enabled: boolean) => {
  const r = await pair.stack.app.inject({
    method: 'PUT',
    url: `/api/v1/connections/${pair.connectionId}/automatic-sync`,
    headers: pair.source.auth,
    payload: { enabled },
  });
  expect(r.statusCode, r.body).toBe(200);
};
const today = (tz: string) => new Intl.DateTimeFormat('en-CA', { timeZone: tz, year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date());

let firstRun: any;

/** The lag the server computed at some moment between asking and answering, in whole seconds. */
function expectLag(lagSeconds: number, since: number, asked: number, answered: number) {
  expect(lagSeconds).toBeGreaterThanOrEqual(Math.floor((asked - since) / 1000) - 1);
  expect(lagSeconds).toBeLessThanOrEqual(Math.ceil((answered - since) / 1000) + 1);
}

describe('dashboard', () => {
  it('needs a session', async () => {
    expect((await pair.stack.app.inject({ url: '/api/v1/dashboard' })).statusCode).toBe(401);
  });

  it('before the first sync: Initial sync required, no lag, no success rate, zero figures, the own platform account', async () => {
    const { d, c } = await mine();
    expect(d.connections).toHaveLength(1);
    expect(c).toMatchObject({
      name: 'Acme managed IT',
      role: 'source',
      partner: { name: pair.target.organisation.name },
      state: 'initial_sync_required',
      lastRun: null,
      nextRunAt: null,
      lagSeconds: null,
      successRate: null,
      finishedRuns7d: 0,
    });
    expect(d.days).toHaveLength(30);
    expect(d.days[29]).toBe(today('UTC'));
    expect(c.daily).toHaveLength(30);
    expect(c.daily.map((x: any) => x.date)).toEqual(d.days);
    expect(c.totals['30d'].tickets).toEqual({ created: 0, updated: 0, closed: 0, failed: 0 });
    // Only Acme's own account: its platform settings point at the source simulator.
    expect(d.rateBudgets).toHaveLength(1);
    expect(d.rateBudgets[0]).toMatchObject({ account: new URL(pair.source.sim.url).host, usedFor: ['Platform settings'], windowSeconds: 60, used: 0 });
    expect(d.rateBudgets[0].allowed).toBe(Math.floor(d.rateBudgets[0].limit * 0.8));
    expect(d.rateBudgets[0].remaining).toBe(d.rateBudgets[0].allowed);
  });

  it('after the first sync: Ready; today holds exactly what the run did; success rate 1; lag from the run start', async () => {
    firstRun = await pair.sync();
    expect(firstRun.status).toBe('success');
    expect(firstRun.counts.created).toBeGreaterThan(0);
    const asked = Date.now();
    const { d, c } = await mine();
    const answered = Date.now();
    expect(c.state).toBe('ready');
    expect(c.lastRun).toMatchObject({ id: firstRun.id, status: 'success', trigger: 'manual' });
    const day = c.daily[29];
    expect(day.date).toBe(today('UTC'));
    expect(day.tickets).toEqual(firstRun.counts);
    expect(day.runs).toEqual({ success: 1, partial: 0, failed: 0, no_tickets: 0, running: 0 });
    expect(c.totals['7d'].tickets).toEqual(firstRun.counts);
    expect(c.totals['30d'].tickets).toEqual(firstRun.counts);
    expect(c.daily.slice(0, 29).every((x: any) => x.tickets.created === 0)).toBe(true);
    expect(c.successRate).toBe(1);
    expect(c.finishedRuns7d).toBe(1);
    expect(c.lagSource).toBe('last_run');
    expect(c.lagSince).toBe(firstRun.startedAt);
    expectLag(c.lagSeconds, Date.parse(firstRun.startedAt), asked, answered);
    // The run spent API credits of Acme's account, within the budget.
    expect(d.rateBudgets[0].used).toBeGreaterThan(0);
    expect(d.rateBudgets[0].used).toBeLessThanOrEqual(d.rateBudgets[0].allowed);
    expect(d.rateBudgets[0].remaining).toBe(d.rateBudgets[0].allowed - d.rateBudgets[0].used);
  });

  it('the partner sees the same connection figures, and only its own account', async () => {
    const { d, c } = await mine(pair.target.auth);
    expect(c).toMatchObject({ role: 'target', state: 'ready', partner: { name: pair.source.organisation.name } });
    expect(c.daily[29].tickets).toEqual(firstRun.counts);
    expect(d.rateBudgets.map((b: any) => b.account)).toEqual([new URL(pair.target.sim.url).host]);
  });

  it('days follow the requested time zone; an unknown zone is refused', async () => {
    for (const tz of ['Pacific/Kiritimati', 'Pacific/Pago_Pago']) {
      const { d, c } = await mine(pair.source.auth, `?tz=${encodeURIComponent(tz)}`);
      expect(d.timeZone).toBe(tz);
      expect(d.days[29]).toBe(today(tz));
      expect(c.daily[29].tickets).toEqual(firstRun.counts);
    }
    // UTC+14 and UTC−11 are never on the same calendar day.
    expect(today('Pacific/Kiritimati')).not.toBe(today('Pacific/Pago_Pago'));
    const bad = await pair.stack.app.inject({ url: '/api/v1/dashboard?tz=Mars/Olympus_Mons', headers: pair.source.auth });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error).toMatchObject({ code: 'validation_failed', field: 'tz' });
  });

  it('automatic sync on: Automatic with the next run; switched off after scheduled runs: Paused', async () => {
    await setAutomatic(true);
    let { c } = await mine();
    expect(c.state).toBe('automatic');
    expect(c.automaticSync).toBe(true);
    expect(Date.parse(c.nextRunAt)).toBeGreaterThan(Date.now());
    // A scheduled run, as the scheduler would start it.
    await pair.stack.jobs.enqueueConnection(pair.connectionId, 'automatic');
    await (pair.stack.jobs as any).idle();
    ({ c } = await mine());
    expect(c.lastRun.trigger).toBe('automatic');
    expect(c.daily[29].runs.success + c.daily[29].runs.no_tickets).toBe(2);
    await setAutomatic(false);
    ({ c } = await mine());
    expect(c.state).toBe('paused');
    expect(c.nextRunAt).toBeNull();
  });

  it('a ticket that keeps failing: the lag is its first failure, the run Partial counts against the success rate', async () => {
    const vpn = ticketsOf(pair.source.sim).find((t) => t.subject.startsWith('VPN'))!;
    await nextSecond();
    await humanCall(pair.source.sim, 'PUT', `/tickets/${vpn.id}`, { subject: 'VPN still drops' });
    pair.source.sim.faults.set({
      rules: [
        {
          method: 'GET',
          pathPattern: `^/api/v2/tickets/${vpn.id}(\\?|/|$)`,
          status: 400,
          body: { description: 'Validation failed', errors: [{ field: 'id', message: 'broken on purpose', code: 'invalid_value' }] },
        },
      ],
    });
    const second = await pair.sync();
    expect(second.status).toBe('partial');
    const retry = await pair.stack.database.db
      .selectFrom('sync_retries')
      .select(['created_at'])
      .where('connection_id', '=', pair.connectionId)
      .executeTakeFirstOrThrow();
    await new Promise((r) => setTimeout(r, 1100));
    const third = await pair.sync();
    expect(third.status).toBe('partial');
    // The third run started after the retry was recorded, so the retry is now the oldest unsynced change.
    expect(Date.parse(third.startedAt)).toBeGreaterThan(retry.created_at.getTime());
    const asked = Date.now();
    const { c } = await mine();
    expect(c.lagSource).toBe('retry');
    expect(c.lagSince).toBe(retry.created_at.toISOString());
    expectLag(c.lagSeconds, retry.created_at.getTime(), asked, Date.now());
    // 4 finished runs this week: manual success, automatic (success or no tickets), two partial.
    expect(c.finishedRuns7d).toBe(4);
    expect(c.successRate).toBe(0.5);
    expect(c.daily[29].runs.partial).toBe(2);
    expect(c.daily[29].tickets.failed).toBe(second.counts.failed + third.counts.failed);
    pair.source.sim.faults.set({ rules: [] });
  });

  it('a run that fails (credentials no longer accepted): Failing', async () => {
    const bad = await pair.stack.app.inject({
      method: 'PUT',
      url: '/api/v1/platform',
      headers: pair.source.auth,
      payload: { platform: 'freshservice', apiUrl: pair.source.sim.url, apiKey: 'NotTheRightKey000000001' },
    });
    expect(bad.statusCode, bad.body).toBe(200);
    const failed = await pair.sync();
    expect(failed.status).toBe('failed');
    const { c } = await mine();
    expect(c.state).toBe('failing');
    expect(c.lastRun).toMatchObject({ id: failed.id, status: 'failed' });
    expect(c.daily[29].runs.failed).toBe(1);
    expect(c.finishedRuns7d).toBe(5);
    expect(c.successRate).toBeCloseTo(2 / 5);
    // Failing wins over every other state, also for the partner.
    expect((await mine(pair.target.auth)).c.state).toBe('failing');
    // Credentials fixed and a good run: no longer Failing.
    await pair.stack.app.inject({
      method: 'PUT',
      url: '/api/v1/platform',
      headers: pair.source.auth,
      payload: { platform: 'freshservice', apiUrl: pair.source.sim.url, apiKey: pair.source.sim.keyFor('admin') },
    });
    const ok = await pair.sync();
    expect(ok.status).not.toBe('failed');
    expect((await mine()).c.state).toBe('paused');
  });

  it('an organisation without connections gets an empty dashboard, and pending connections are counted', async () => {
    const { savePlatform, signUpAndLogIn } = await import('../helpers/stack.ts');
    const other = await signUpAndLogIn(pair.stack.app, 'lonely');
    let d = await dashboard(other.auth);
    expect(d).toMatchObject({ connections: [], pendingConnections: 0, rateBudgets: [] });
    await savePlatform(pair.stack.app, other);
    await pair.stack.app.inject({ method: 'POST', url: '/api/v1/connections', headers: other.auth, payload: { role: 'source', contractName: 'Waiting' } });
    d = await dashboard(other.auth);
    expect(d).toMatchObject({ connections: [], pendingConnections: 1 });
  });
});
