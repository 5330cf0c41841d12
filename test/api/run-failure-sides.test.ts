/**
 * Failure guidance names the side at fault (issue 12 item 11): a key rejected during a sync marks that
 * organisation's Settings test stale and tells it to test again; the partner is told the partner's platform
 * is failing, without any secret; a failed run never reads "nothing had changed". Also (item 7) the
 * connection's state is the same in GET /connections, GET /connections/:id and the dashboard.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSyncPair, type SyncPair } from '../helpers/sync-pair.ts';

let pair: SyncPair;

beforeAll(async () => {
  pair = await startSyncPair({ sourceSeed: 'demo', targetSeed: 'empty' });
});

afterAll(async () => {
  await pair?.close();
});

const get = async (url: string, auth: Record<string, string>) => {
  const r = await pair.stack.app.inject({ url: `/api/v1${url}`, headers: auth });
  expect(r.statusCode, `${url}: ${r.body}`).toBe(200);
  return r.json();
};

async function statesOf(auth: Record<string, string>) {
  const list = (await get('/connections', auth)).connections.find((c: { id: string }) => c.id === pair.connectionId);
  const one = await get(`/connections/${pair.connectionId}`, auth);
  const dash = (await get('/dashboard', auth)).connections.find((c: { id: string }) => c.id === pair.connectionId);
  return [list.state, one.state, dash.state];
}

function targetAgent() {
  const agent = pair.target.sim.state.agentByKey(pair.target.sim.keyFor('admin'));
  if (!agent) throw new Error('no admin agent in the target simulator');
  return agent;
}

describe('one connection state on every page', () => {
  it('Initial sync required, then Ready, then Automatic: the same in the list, the connection and the dashboard', async () => {
    expect(await statesOf(pair.source.auth)).toEqual(['initial_sync_required', 'initial_sync_required', 'initial_sync_required']);
    const run = await pair.sync();
    expect(run.status).not.toBe('failed');
    expect(await statesOf(pair.source.auth)).toEqual(['ready', 'ready', 'ready']);
    const on = await pair.stack.app.inject({
      method: 'PUT',
      url: `/api/v1/connections/${pair.connectionId}/automatic-sync`,
      headers: pair.source.auth,
      payload: { enabled: true },
    });
    expect(on.statusCode).toBe(200);
    expect(on.json().state).toBe('automatic');
    expect(await statesOf(pair.source.auth)).toEqual(['automatic', 'automatic', 'automatic']);
    // Automatic sync is a property of the connection: the partner sees it the same way.
    expect(await statesOf(pair.target.auth)).toEqual(['automatic', 'automatic', 'automatic']);
  });
});

describe('a key rejected during a sync', () => {
  let failedRun: any;

  it('the target tested its settings before: the test is current', async () => {
    const t = await pair.stack.app.inject({ method: 'POST', url: '/api/v1/platform/test', headers: pair.target.auth });
    expect(t.statusCode).toBe(200);
    const p = await get('/platform', pair.target.auth);
    expect(p.lastTest.ok).toBe(true);
    expect(p.lastTest.stale).toBe(false);
    expect(p.keyRejected).toBeNull();
  });

  it('fails the run on the target side, with the kind of failure', async () => {
    targetAgent().agent.api_key_enabled = false;
    failedRun = await pair.sync();
    expect(failedRun.status).toBe('failed');
    expect(failedRun.failure).toMatchObject({ side: 'target', kind: 'authentication', yours: false });
  });

  it('tells the target its key was rejected and to test it again; marks its Settings test stale', async () => {
    const run = await get(`/sync-runs/${failedRun.id}`, pair.target.auth);
    expect(run.failure).toMatchObject({ side: 'target', kind: 'authentication', yours: true, organisation: pair.target.organisation.name });
    expect(run.failure.message).toMatch(/^Your key was rejected by Freshservice during this sync: test it again in Settings/);
    const p = await get('/platform', pair.target.auth);
    expect(p.lastTest.ok).toBe(true);
    expect(p.lastTest.stale).toBe(true);
    expect(p.keyRejected).toMatchObject({ runId: failedRun.id, connectionId: pair.connectionId, contractName: 'Acme managed IT' });
    expect(Date.parse(p.keyRejected.at)).toBeGreaterThan(Date.parse(p.lastTest.testedAt));
  });

  it("tells the source that its partner's Freshservice is rejecting its key, without secrets; the source's Settings are untouched", async () => {
    const res = await pair.stack.app.inject({ url: `/api/v1/sync-runs/${failedRun.id}`, headers: pair.source.auth });
    const run = res.json();
    expect(run.failure.yours).toBe(false);
    expect(run.failure.message).toMatch(new RegExp(`^${pair.target.organisation.name}'s Freshservice is rejecting its key; they have been told`));
    expect(res.body).not.toContain(pair.target.sim.keyFor('admin'));
    const p = await get('/platform', pair.source.auth);
    expect(p.keyRejected).toBeNull();
  });

  it('never says "nothing had changed" about a failed run, and both sides see it as Failing', async () => {
    for (const auth of [pair.source.auth, pair.target.auth]) {
      const res = await pair.stack.app.inject({ url: `/api/v1/sync-runs/${failedRun.id}`, headers: auth });
      expect(res.body).not.toMatch(/nothing had changed/i);
      expect(await statesOf(auth)).toEqual(['failing', 'failing', 'failing']);
    }
  });

  it('a new Test Connection (key fixed) clears the mark', async () => {
    targetAgent().agent.api_key_enabled = true;
    const t = await pair.stack.app.inject({ method: 'POST', url: '/api/v1/platform/test', headers: pair.target.auth });
    expect(t.statusCode).toBe(200);
    const p = await get('/platform', pair.target.auth);
    expect(p.keyRejected).toBeNull();
    expect(p.lastTest.stale).toBe(false);
  });
});
