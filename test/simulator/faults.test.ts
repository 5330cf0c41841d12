import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startFreshserviceSimulator, type FreshserviceSimulator } from '../../src/simulator/freshservice/index.ts';
import { call, minimalTicket } from './helpers.ts';

let sim: FreshserviceSimulator;
beforeEach(async () => {
  sim = await startFreshserviceSimulator();
});
afterEach(async () => {
  await sim.close();
});

describe('faults', () => {
  it('status5xx answers every API call with that status and a body, until cleared', async () => {
    sim.faults.set({ status5xx: 503 });
    const r = await call(sim, 'GET', '/tickets');
    expect(r.status).toBe(503);
    expect(r.json).toMatchObject({ code: 'internal_error' });
    expect(r.headers.get('x-ratelimit-total')).not.toBeNull();
    sim.faults.set({ status5xx: { status: 502, body: { message: 'Bad gateway' } } });
    expect((await call(sim, 'GET', '/tickets')).json).toEqual({ message: 'Bad gateway' });
    sim.faults.clear();
    expect((await call(sim, 'GET', '/tickets')).status).toBe(200);
  });

  it('burst429 gives the next N requests 429 with Retry-After', async () => {
    sim.faults.set({ burst429: { count: 2, retryAfterSeconds: 7 } });
    const a = await call(sim, 'GET', '/agents/me');
    const b = await call(sim, 'GET', '/agents/me');
    expect([a.status, b.status]).toEqual([429, 429]);
    expect(a.headers.get('retry-after')).toBe('7');
    expect((await call(sim, 'GET', '/agents/me')).status).toBe(200);
  });

  it('targeted rules hit one method + path a limited number of times', async () => {
    sim.faults.addRule({ method: 'POST', pathPattern: '^/api/v2/tickets$', status: 400, times: 1 });
    const first = await call(sim, 'POST', '/tickets', { body: minimalTicket });
    expect(first.status).toBe(400);
    expect(first.json.description).toBe('Validation failed');
    expect((await call(sim, 'GET', '/tickets')).status).toBe(200);
    expect((await call(sim, 'POST', '/tickets', { body: minimalTicket })).status).toBe(201);
  });

  it('latencyMs delays answers (not asserted on time, only that it still answers)', async () => {
    sim.faults.set({ latencyMs: 5 });
    expect((await call(sim, 'GET', '/agents/me')).status).toBe(200);
  });

  it('reset destroys the socket: the client sees a network error', async () => {
    sim.faults.set({ reset: true });
    await expect(call(sim, 'GET', '/tickets')).rejects.toThrow();
    sim.faults.clear();
    expect((await call(sim, 'GET', '/tickets')).status).toBe(200);
  });

  it('hang never answers: the client times out; clearing lets later calls through', async () => {
    sim.faults.set({ hang: true });
    await expect(call(sim, 'GET', '/tickets', { signal: AbortSignal.timeout(100) })).rejects.toThrow();
    expect(sim.requests.at(-1)).toMatchObject({ path: '/api/v2/tickets', status: 0 });
    sim.faults.clear();
    expect((await call(sim, 'GET', '/tickets')).status).toBe(200);
  });

  it('random faults: seeded, in the asked proportions, counted; a hang answers nothing in time but the request is processed later', async () => {
    const run = async (seed: number) => {
      const sim2 = await startFreshserviceSimulator({ seed: 'empty', rateLimit: false });
      try {
        sim2.faults.set({ random: { seed, p5xx: 0.2, p429: 0.1, pReset: 0.1, retryAfterSeconds: 3 } });
        const statuses: Array<number | 'reset'> = [];
        for (let i = 0; i < 200; i++) {
          try {
            const r = await call(sim2, 'GET', '/agents/me');
            statuses.push(r.status);
            if (r.status === 429) expect(r.headers.get('retry-after')).toBe('3');
          } catch {
            statuses.push('reset');
          }
        }
        return { statuses, counts: sim2.faults.injectedCounts() };
      } finally {
        await sim2.close();
      }
    };
    const a = await run(7);
    const b = await run(7);
    expect(b.statuses).toEqual(a.statuses);
    expect(a.counts.requests).toBe(200);
    expect(a.statuses.filter((s) => typeof s === 'number' && s >= 500).length).toBe(a.counts.status5xx);
    expect(a.statuses.filter((s) => s === 429).length).toBe(a.counts.status429);
    expect(a.statuses.filter((s) => s === 'reset').length).toBe(a.counts.reset);
    expect(a.counts.status5xx).toBeGreaterThan(20);
    expect(a.counts.status5xx).toBeLessThan(65);
    expect(a.counts.status429).toBeGreaterThan(5);
    expect(a.counts.reset).toBeGreaterThan(5);
    expect(a.statuses.filter((s) => s === 200).length).toBe(200 - a.counts.status5xx - a.counts.status429 - a.counts.reset);
    expect((await run(8)).statuses).not.toEqual(a.statuses);

    // pathPattern narrows; a hang of 300 ms outlasts a 100 ms client timeout, and the create still happens.
    sim.faults.set({ random: { seed: 1, pHang: 1, hangMs: 300, pathPattern: '^/api/v2/tickets$' } });
    expect((await call(sim, 'GET', '/agents/me')).status).toBe(200);
    const before = sim.state.tickets.size;
    await expect(call(sim, 'POST', '/tickets', { body: minimalTicket, signal: AbortSignal.timeout(100) })).rejects.toThrow();
    expect(sim.state.tickets.size).toBe(before);
    await new Promise((r) => setTimeout(r, 400));
    expect(sim.state.tickets.size).toBe(before + 1);
    expect(sim.faults.injectedCounts()).toMatchObject({ requests: 1, hang: 1 });
    sim.faults.set({ random: null });
    expect(sim.faults.get().random).toBeNull();
    expect((await call(sim, 'POST', '/tickets', { body: minimalTicket })).status).toBe(201);
  });

  it('close() returns while a request hangs', async () => {
    sim.faults.set({ hang: true });
    const pending = call(sim, 'GET', '/tickets').catch((e: unknown) => e);
    await new Promise((r) => setTimeout(r, 20));
    await sim.close();
    expect(await pending).toBeInstanceOf(Error);
  });

  it('HTTP control: PUT/GET/DELETE /_sim/faults, requests log and agents list', async () => {
    const put = await call(sim, 'PUT', '/_sim/faults', { key: null, body: { status5xx: 500, rules: [{ pathPattern: 'agents', status: 404 }] } });
    expect(put.status).toBe(200);
    expect((await call(sim, 'GET', '/_sim/faults', { key: null })).json).toMatchObject({
      status5xx: { status: 500 },
      rules: [{ pathPattern: 'agents', status: 404 }],
    });
    expect((await call(sim, 'GET', '/tickets')).status).toBe(500);
    expect((await call(sim, 'PUT', '/_sim/faults', { key: null, body: { nonsense: true } })).status).toBe(400);
    expect((await call(sim, 'DELETE', '/_sim/faults', { key: null })).status).toBe(204);
    expect((await call(sim, 'GET', '/tickets')).status).toBe(200);
    const log = (await call(sim, 'GET', '/_sim/requests', { key: null })).json.requests;
    expect(log.at(-1)).toMatchObject({ method: 'GET', path: '/api/v2/tickets', status: 200, credits: 1, agentId: sim.agents[0]!.id });
    expect((await call(sim, 'DELETE', '/_sim/requests', { key: null })).status).toBe(204);
    expect(sim.requests).toEqual([]);
    const agents = (await call(sim, 'GET', '/_sim/agents', { key: null })).json.agents;
    expect(agents.map((a: any) => a.profile)).toEqual(sim.agents.map((a) => a.profile));
    expect(agents[0].apiKey).toBe(sim.keyFor('admin'));
  });
});
