import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RateGate } from '../../src/connector-kit/rate-gate.ts';
import { requestCredits } from '../../src/connectors/freshservice/api.ts';
import { rateLimitClassOf } from '../../src/connectors/freshservice/rate-classes.ts';
import { createFreshserviceConnector } from '../../src/connectors/freshservice/connector.ts';
import { openDatabase, type DatabaseHandle } from '../../src/db/database.ts';
import { createRateBudget, type RateBudgetOptions } from '../../src/db/repositories/rate-budget.ts';
import { startFreshserviceSimulator } from '../../src/simulator/freshservice/index.ts';
import { createTempDatabase, testDatabaseUrl } from '../helpers/postgres.ts';

const T0 = Date.parse('2026-11-02T09:00:00Z');

/** A budget on a fake clock: sleeping moves the clock; every wait is recorded. */
function fakeBudget(handle: DatabaseHandle, opts: Partial<RateBudgetOptions> = {}, clock = { t: T0 }) {
  const waits: Array<{ account: string; until: Date; reason?: string; at: number }> = [];
  const budget = createRateBudget(handle.db, {
    headroom: 0.2,
    defaultLimit: 100,
    marginMs: 0,
    jitterMs: 0,
    now: () => clock.t,
    sleep: async (ms) => {
      clock.t += ms;
    },
    onWait: (w) => waits.push({ ...w, at: clock.t }),
    ...opts,
  });
  return { budget, clock, waits };
}

describe('shared rate budget (embedded PGlite, fake clock)', () => {
  let handle: DatabaseHandle;
  let n = 0;
  /** A fresh account per test: the tests share one database. */
  const account = () => `acct${++n}.freshservice.com`;
  beforeAll(async () => {
    handle = await openDatabase({ dataDir: '/nonexistent', inMemory: true });
  });
  afterAll(async () => {
    await handle?.close();
  });

  it('lets 80 of 100 credits through at once; the 81st waits until the first leaves the 60 s window', async () => {
    const { budget, clock, waits } = fakeBudget(handle);
    const a = account();
    for (let i = 0; i < 80; i++) {
      await budget.acquire(a, 1);
      clock.t += 100; // 80 calls over 8 s
    }
    expect(waits).toEqual([]);
    expect(await budget.usage(a)).toMatchObject({ limit: 100, allowed: 80, used: 80, blockedUntil: null });

    const heard: Date[] = [];
    await budget.acquire(a, 1, (w) => heard.push(w.until));
    expect(waits).toHaveLength(1);
    expect(waits[0]!.until.getTime()).toBe(T0 + 60_000);
    expect(waits[0]!.reason).toMatch(/at most 80 of its 100 credits a minute/);
    expect(heard).toEqual([new Date(T0 + 60_000)]);
    expect(clock.t).toBe(T0 + 60_000);
    expect(budget.waits).toBe(1);
    expect((await budget.usage(a)).used).toBe(80); // the first left, the 81st came in
  });

  it('waits only as long as needed for the credits asked, and counts embeds', async () => {
    const { budget, clock, waits } = fakeBudget(handle);
    const a = account();
    for (let i = 0; i < 26; i++) {
      await budget.acquire(a, 3); // GET /tickets/:id?include=tags,requester
      clock.t += 1_000;
    }
    expect((await budget.usage(a)).used).toBe(78);
    await budget.acquire(a, 3); // 78 + 3 > 80: the first reservation (3) must leave
    expect(waits.map((w) => w.until.getTime())).toEqual([T0 + 60_000]);
    await budget.acquire(a, 1000); // more than the whole budget: capped, waits for an empty enough window
    expect((await budget.usage(a)).used).toBeLessThanOrEqual(80);
  });

  it("keeps a sub-limit of its own: 40 of Starter's 50 view credits, while other requests go on", async () => {
    const { budget, clock, waits } = fakeBudget(handle);
    const a = account();
    const view = rateLimitClassOf('GET', '/tickets/7')!;
    for (let i = 0; i < 10; i++) {
      await budget.acquire(a, 4, undefined, view); // a view with three embeds
      clock.t += 1_000;
    }
    expect(waits).toEqual([]);
    // Views are used up (40 credits); the overall budget (80) is not: a conversation read goes through.
    await budget.acquire(a, 1);
    expect(waits).toEqual([]);
    await budget.acquire(a, 4, undefined, view);
    expect(waits).toHaveLength(1);
    expect(waits[0]!.until.getTime()).toBe(T0 + 60_000);
    expect(waits[0]!.reason).toMatch(/at most 40 of its 50 "view_ticket" credits a minute/);
    // The sub-limit follows the plan the platform reports: Growth allows 80 × 0.8 = 64 view credits.
    const b = account();
    await budget.observe(b, { total: 200, remaining: 200 });
    for (let i = 0; i < 16; i++) await budget.acquire(b, 4, undefined, view);
    expect(waits).toHaveLength(1);
    await budget.acquire(b, 4, undefined, view);
    expect(waits).toHaveLength(2);
  });

  it('learns the limit from X-RateLimit-Total', async () => {
    const { budget, clock, waits } = fakeBudget(handle);
    const a = account();
    await budget.observe(a, { total: 400, remaining: 400 });
    expect(await budget.usage(a)).toMatchObject({ limit: 400, allowed: 320 });
    for (let i = 0; i < 320; i++) await budget.acquire(a, 1);
    expect(waits).toEqual([]);
    await budget.acquire(a, 1);
    expect(waits).toHaveLength(1);

    // A smaller limit (another plan) is learned as well, and the headroom can be changed per budget.
    const b = account();
    const other = fakeBudget(handle, { headroom: 0.5 }, clock);
    await other.budget.observe(b, { total: 50, remaining: 50 });
    expect(await other.budget.usage(b)).toMatchObject({ limit: 50, allowed: 25 });
  });

  it('waits for the platform window when the account reports less remaining than the headroom', async () => {
    const { budget, clock, waits } = fakeBudget(handle);
    const a = account();
    await budget.acquire(a, 1);
    // Someone else (the customer's agents, an app) is using the account: 10 of 100 left, fewer than the 20 kept free.
    await budget.observe(a, { total: 100, remaining: 10 });
    const observedAt = clock.t;
    clock.t += 5_000;
    await budget.observe(a, { total: 100, remaining: 5 }); // a later low answer does not extend the wait
    expect((await budget.usage(a)).blockedUntil).toEqual(new Date(observedAt + 60_000));
    await budget.acquire(a, 1);
    expect(waits).toHaveLength(1);
    expect(waits[0]!.until.getTime()).toBe(observedAt + 60_000);
    expect(waits[0]!.reason).toMatch(/reported only \d+ of its 100 API credits left/);
    expect(clock.t).toBe(observedAt + 60_000);
    expect((await budget.usage(a)).blockedUntil).toBeNull();

    // Exactly the headroom left is fine (that is what our own full use leaves).
    await budget.observe(a, { total: 100, remaining: 20 });
    await budget.acquire(a, 1);
    expect(waits).toHaveLength(1);
  });

  it('keeps accounts apart and shares one window between budgets on the same database', async () => {
    const clock = { t: T0 };
    const one = fakeBudget(handle, {}, clock);
    const two = fakeBudget(handle, {}, clock);
    const a = account();
    const b = account();
    for (let i = 0; i < 40; i++) await one.budget.acquire(a, 1);
    for (let i = 0; i < 40; i++) await two.budget.acquire(a, 1);
    for (let i = 0; i < 80; i++) await two.budget.acquire(b, 1);
    expect(one.waits.length + two.waits.length).toBe(0);
    await one.budget.acquire(a, 1);
    expect(one.waits).toHaveLength(1);
    expect(one.waits[0]!.account).toBe(a);
  });

  it('prunes reservations no window can see', async () => {
    const { budget, clock } = fakeBudget(handle);
    const a = account();
    await budget.acquire(a, 1);
    clock.t += 10 * 60_000;
    expect(await budget.prune()).toBeGreaterThan(0);
    const left = await handle.db
      .selectFrom('rate_reservations')
      .select('id')
      .where('at', '<', new Date(clock.t - 120_000))
      .execute();
    expect(left).toEqual([]);
  });

  it('works on the database clock', async () => {
    const budget = createRateBudget(handle.db, { headroom: 0.2, defaultLimit: 10, windowMs: 1_000, marginMs: 0 });
    const a = account();
    const waits: Date[] = [];
    const started = Date.now();
    for (let i = 0; i < 9; i++) await budget.acquire(a, 1, (w) => waits.push(w.until));
    expect(waits).toHaveLength(1); // 8 a second
    expect(Date.now() - started).toBeGreaterThanOrEqual(800);
  });
});

describe('Freshservice connector with a rate gate', () => {
  it('counts credits as Freshservice does', () => {
    expect(requestCredits('/tickets', { per_page: 100 })).toBe(1);
    expect(requestCredits('/tickets/42', { include: 'tags,requester' })).toBe(3);
    expect(requestCredits('/tickets', { include: 'requester' })).toBe(3);
    expect(requestCredits('/tickets/42/conversations', {})).toBe(1);
  });

  it('asks the gate before each request and tells it the rate-limit headers', async () => {
    const sim = await startFreshserviceSimulator({ seed: 'demo', rateLimit: { overall: 100 } });
    try {
      const calls: string[] = [];
      const gate: RateGate = {
        async acquire(account, credits, onWait, limitClass) {
          calls.push(`acquire ${account} ${credits} ${limitClass?.name}`);
          onWait?.({ account, until: new Date(0) });
        },
        async observe(account, info) {
          calls.push(`observe ${account} ${info.total}`);
        },
      };
      const waited: string[] = [];
      const c = createFreshserviceConnector(
        { apiUrl: sim.url, apiKey: sim.keyFor('admin') },
        { timeoutMs: 2_000, rateGate: gate, onBudgetWait: (w) => waited.push(w.account) },
      );
      const host = new URL(sim.url).host;
      const [first] = await c.listChangedTickets(new Date(Date.now() - 86_400_000));
      await c.getTicket(first!.id);
      expect(calls).toEqual([`acquire ${host} 1 list_tickets`, `observe ${host} 100`, `acquire ${host} 4 view_ticket`, `observe ${host} 100`]);
      expect(waited).toEqual([host, host]);
      const charged = sim.requests.map((r) => r.credits);
      expect(charged).toEqual([1, 4]);
    } finally {
      await sim.close();
    }
  });

  it('tells the gate about a 429 as an account with nothing left', async () => {
    const sim = await startFreshserviceSimulator({ seed: 'demo', rateLimit: { overall: 100 } });
    try {
      const seen: Array<number | null> = [];
      const gate: RateGate = {
        async acquire() {},
        async observe(_account, info) {
          seen.push(info.remaining);
        },
      };
      sim.faults.set({ burst429: { count: 1, retryAfterSeconds: 1 } });
      const c = createFreshserviceConnector({ apiUrl: sim.url, apiKey: sim.keyFor('admin') }, { timeoutMs: 10_000, rateGate: gate, sleep: async () => {} });
      await c.listChangedTickets(new Date(Date.now() - 86_400_000));
      expect(seen[0]).toBe(0);
      expect(seen[1]).toBeGreaterThan(0);
    } finally {
      await sim.close();
    }
  });
});

if (!testDatabaseUrl) console.log('SF_TEST_DATABASE_URL not set: skipping the rate budget test on a PostgreSQL server.');

describe.skipIf(!testDatabaseUrl)('shared rate budget on a PostgreSQL server', () => {
  let temp: Awaited<ReturnType<typeof createTempDatabase>>;
  let handles: DatabaseHandle[] = [];
  beforeAll(async () => {
    temp = await createTempDatabase();
    handles = await Promise.all([1, 2].map(() => openDatabase({ databaseUrl: temp.url, dataDir: '/nonexistent' })));
  });
  afterAll(async () => {
    await Promise.all(handles.map((h) => h.close()));
    await temp?.drop();
  });

  it('two processes acquiring at once share one window', async () => {
    const clock = { t: T0 };
    const refuse = async () => {
      throw new Error('would wait');
    };
    const budgets = handles.map((h) => createRateBudget(h.db, { headroom: 0.2, marginMs: 0, jitterMs: 0, now: () => clock.t, sleep: refuse }));
    const results = await Promise.allSettled(budgets.flatMap((b) => Array.from({ length: 60 }, () => b.acquire('shared.freshservice.com', 1))));
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(80);
    expect(results.filter((r) => r.status === 'rejected')).toHaveLength(40);
    expect((await budgets[1]!.usage('shared.freshservice.com')).used).toBe(80);
  });

  it('works on the database clock across processes', async () => {
    const budgets = handles.map((h) => createRateBudget(h.db, { headroom: 0.2, defaultLimit: 10, windowMs: 1_000, marginMs: 0 }));
    const waits: Date[] = [];
    const started = Date.now();
    await Promise.all(budgets.flatMap((b) => Array.from({ length: 6 }, () => b.acquire('clock.freshservice.com', 1, (w) => waits.push(w.until)))));
    expect(waits.length).toBeGreaterThanOrEqual(4); // 12 calls, 8 a second
    expect(Date.now() - started).toBeGreaterThanOrEqual(800);
  });
});
