import { afterEach, describe, expect, it } from 'vitest';
import { startFreshserviceSimulator, type FreshserviceSimulator, type SimulatorOptions } from '../../src/simulator/freshservice/index.ts';
import { call } from './helpers.ts';

let sims: FreshserviceSimulator[] = [];
async function start(opts: SimulatorOptions = {}) {
  const sim = await startFreshserviceSimulator(opts);
  sims.push(sim);
  return sim;
}
afterEach(async () => {
  await Promise.all(sims.map((s) => s.close()));
  sims = [];
});

const used = (r: { headers: Headers }) => Number(r.headers.get('x-ratelimit-used-currentrequest'));

describe('rate limiting', () => {
  it('sends the headers on every /api/v2 answer, errors included; Total follows the plan', async () => {
    const sim = await start({ plan: 'starter' });
    for (const r of [
      await call(sim, 'GET', '/agents/me'),
      await call(sim, 'GET', '/tickets/9999'),
      await call(sim, 'GET', '/tickets', { key: 'bad' }),
      await call(sim, 'GET', '/nope'),
    ]) {
      expect(r.headers.get('x-ratelimit-total')).toBe('100');
      expect(r.headers.get('x-ratelimit-remaining')).toMatch(/^\d+$/);
      expect(used(r)).toBe(1);
      expect(r.headers.get('x-freshservice-api-version')).toBe('latest=v2; requested=v2');
    }
    expect((await call(sim, 'GET', '/agents/me')).headers.get('x-ratelimit-remaining')).toBe('95');
    expect((await call(sim, 'GET', '/_sim/requests')).headers.get('x-ratelimit-total')).toBeNull();
  });

  it('charges include= embeds: +1 each on a single ticket (conversations = 2 total), +2 each on lists', async () => {
    const sim = await start();
    const id = [...sim.state.tickets.keys()][0];
    expect(used(await call(sim, 'GET', `/tickets/${id}`))).toBe(1);
    expect(used(await call(sim, 'GET', `/tickets/${id}?include=conversations`))).toBe(2);
    expect(used(await call(sim, 'GET', `/tickets/${id}?include=requester,stats`))).toBe(3);
    expect(used(await call(sim, 'GET', '/tickets?include=stats'))).toBe(3);
    expect(used(await call(sim, 'GET', '/tickets?include=stats,requester'))).toBe(5);
    expect(sim.requests.map((r) => r.credits)).toEqual([1, 2, 3, 3, 5]);
  });

  it('429 with Retry-After until the window resets; failed calls count; 429s are not charged', async () => {
    let clock = Date.parse('2025-06-01T12:00:00Z');
    const sim = await start({ rateLimit: { overall: 3, windowMs: 60_000 }, now: () => new Date(clock) });
    expect((await call(sim, 'GET', '/agents/me', { key: 'wrong' })).status).toBe(401);
    await call(sim, 'GET', '/agents/me');
    clock += 15_000;
    expect((await call(sim, 'GET', '/agents/me')).headers.get('x-ratelimit-remaining')).toBe('0');
    const limited = await call(sim, 'GET', '/agents/me');
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('45');
    expect(limited.headers.get('x-ratelimit-remaining')).toBe('0');
    expect(limited.json).toBeTypeOf('object');
    clock += 45_000;
    expect((await call(sim, 'GET', '/agents/me')).status).toBe(200);
  });

  it('sub-limits apply per operation inside the overall pool', async () => {
    const sim = await start({ rateLimit: { overall: 50, subLimits: { list_tickets: 2, view_ticket: 1 } } });
    expect((await call(sim, 'GET', '/tickets')).status).toBe(200);
    expect((await call(sim, 'GET', '/tickets')).status).toBe(200);
    expect((await call(sim, 'GET', '/tickets')).status).toBe(429);
    expect((await call(sim, 'GET', '/agents/me')).status).toBe(200);
    const id = [...sim.state.tickets.keys()][0];
    expect((await call(sim, 'GET', `/tickets/${id}?include=stats`)).status).toBe(429); // 2 credits > sub-limit 1
    expect((await call(sim, 'GET', `/tickets/${id}`)).status).toBe(200);
  });

  it('rateLimit: false never limits but still reports; /_sim/reset-rate-limit starts a new window', async () => {
    const off = await start({ rateLimit: false, plan: 'starter' });
    for (let i = 0; i < 5; i++) expect((await call(off, 'GET', '/agents/me')).status).toBe(200);
    const sim = await start({ rateLimit: { overall: 1 } });
    await call(sim, 'GET', '/agents/me');
    expect((await call(sim, 'GET', '/agents/me')).status).toBe(429);
    expect((await call(sim, 'POST', '/_sim/reset-rate-limit', { key: null })).status).toBe(204);
    expect((await call(sim, 'GET', '/agents/me')).status).toBe(200);
  });
});
