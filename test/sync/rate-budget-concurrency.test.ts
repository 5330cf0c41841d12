import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PlatformError } from '../../src/core/connector.ts';
import type { HttpClient } from '../../src/connector-kit/http.ts';
import { PlatformApi } from '../../src/connector-kit/platform-api.ts';
import { withRateModel, type BudgetModel, type ReleaseLease } from '../../src/connector-kit/rate-gate.ts';
import { openDatabase, type DatabaseHandle } from '../../src/db/database.ts';
import { createRateBudget } from '../../src/db/repositories/rate-budget.ts';
import { createTempDatabase, testDatabaseUrl } from '../helpers/postgres.ts';

const T0 = Date.parse('2026-11-02T09:00:00Z');

/** Two at once, and windows too wide to bind: only the cap on requests in flight makes anyone wait. */
const capTwo: BudgetModel = { windows: [{ windowMs: 60_000, limit: 1_000 }], reportsHeaders: false, maxConcurrent: 2 };

/**
 * A budget (one worker process) on a shared fake clock whose sleeps never end by themselves: a waiter goes
 * on only when a release in its process wakes it, or when the test ends its sleep (`wake`).
 */
function worker(handle: DatabaseHandle, clock: { t: number }) {
  const sleepers: Array<() => void> = [];
  let waited = () => {};
  let nextWait = new Promise<void>((r) => (waited = r));
  const budget = createRateBudget(handle.db, {
    headroom: 0,
    marginMs: 0,
    jitterMs: 0,
    now: () => clock.t,
    sleep: (ms) =>
      new Promise<void>((resolve) => {
        sleepers.push(resolve);
        void ms;
      }),
    onWait: () => {
      waited();
      nextWait = new Promise<void>((r) => (waited = r));
    },
  });
  return {
    budget,
    gate: withRateModel(budget, capTwo),
    /** Resolves when this worker has next had to wait. */
    waiting: () => nextWait,
    wake: () => sleepers.splice(0).forEach((s) => s()),
  };
}

const leases = (handle: DatabaseHandle, account: string) =>
  handle.db.selectFrom('rate_leases').select(['id', 'expires_at']).where('account', '=', account).execute();

function concurrencyTests(handles: () => [DatabaseHandle, DatabaseHandle]) {
  let n = 0;
  const account = () => `inflight${++n}-${process.pid}.example.com`;

  it('cap 2: the third request waits until one of the two in flight is released', async () => {
    const [h] = handles();
    const clock = { t: T0 };
    const w = worker(h, clock);
    const a = account();
    const first = (await w.gate.acquire(a, 1, undefined, undefined, { requestTimeoutMs: 10_000 })) as ReleaseLease;
    const second = (await w.gate.acquire(a, 1, undefined, undefined, { requestTimeoutMs: 10_000 })) as ReleaseLease;
    expect(typeof first).toBe('function');
    expect(await leases(h, a)).toHaveLength(2);

    const heard: string[] = [];
    let granted = false;
    const waiting = w.waiting();
    const third = w.gate
      .acquire(a, 1, (info) => heard.push(info.reason ?? ''), undefined, { requestTimeoutMs: 10_000 })
      .then((r) => {
        granted = true;
        return r as ReleaseLease;
      });
    await waiting;
    expect(granted).toBe(false);
    expect(heard[0]).toMatch(/at most 2 at once from all workers together/);

    await first();
    const release = await third;
    expect(await leases(h, a)).toHaveLength(2);
    await first(); // a second call of the same release changes nothing
    expect(await leases(h, a)).toHaveLength(2);
    await second();
    await release();
    expect(await leases(h, a)).toHaveLength(0);
  });

  it("another worker's release is seen when the waiter looks again", async () => {
    const [h1, h2] = handles();
    const clock = { t: T0 };
    const one = worker(h1, clock);
    const two = worker(h2, clock);
    const a = account();
    const held = [await one.gate.acquire(a, 1), await one.gate.acquire(a, 1)] as ReleaseLease[];
    let granted = false;
    const waiting = two.waiting();
    const third = two.gate.acquire(a, 1).then((r) => {
      granted = true;
      return r as ReleaseLease;
    });
    await waiting;
    const again = two.waiting();
    two.wake(); // still two in flight: it waits once more
    await again;
    expect(granted).toBe(false);
    await held[0]!();
    two.wake();
    await (
      await third
    )();
    await held[1]!();
    expect(await leases(h1, a)).toHaveLength(0);
  });

  it("a crashed worker's leases stop counting once its requests' timeout (and margin) has passed", async () => {
    const [h1, h2] = handles();
    const clock = { t: T0 };
    const crashed = worker(h1, clock);
    const a = account();
    await crashed.gate.acquire(a, 1, undefined, undefined, { requestTimeoutMs: 5_000 });
    await crashed.gate.acquire(a, 1, undefined, undefined, { requestTimeoutMs: 5_000 });
    const expiries = (await leases(h1, a)).map((l) => l.expires_at.getTime());
    expect(expiries.every((e) => e > T0 + 5_000)).toBe(true);

    const survivor = worker(h2, clock);
    let waits = 0;
    const waiting = survivor.waiting();
    const granted = survivor.gate.acquire(a, 1, () => (waits += 1));
    await waiting;
    clock.t = Math.max(...expiries);
    survivor.wake();
    const release = (await granted) as ReleaseLease;
    expect(waits).toBe(1);
    expect(await leases(h2, a)).toHaveLength(1); // the crashed worker's are gone, the survivor's own is there
    await release();
    expect(await leases(h2, a)).toHaveLength(0);
  });

  it('a failing request releases its lease, so the next one goes without waiting', async () => {
    const [h] = handles();
    const clock = { t: T0 };
    const w = worker(h, clock);
    const a = account();
    const http: HttpClient = {
      request: async () => {
        throw new Error('connection reset');
      },
    };
    const api = new PlatformApi(
      {
        name: 'Capped',
        platform: 'capped',
        baseUrl: new URL(`https://${a}/api/`),
        auth: { kind: 'none' },
        rateWindow: 'account',
        errorOf: (res) => new PlatformError('network', `status ${res.status}`),
        unexpectedShape: () => new PlatformError('network', 'unexpected shape'),
      },
      { timeoutMs: 5_000, http, rateGate: w.gate, sleep: async () => {}, retryPolicy: { maxAttempts: 1 } },
    );
    for (let i = 0; i < 3; i++) await expect(api.raw('POST', 'tickets', { what: 'create a ticket' })).rejects.toThrow('connection reset');
    expect(await leases(h, a)).toHaveLength(0);
    expect(w.budget.waits).toBe(0);
  });

  it('a model without a cap takes no lease', async () => {
    const [h] = handles();
    const w = worker(h, { t: T0 });
    const a = account();
    const gate = withRateModel(w.budget, { ...capTwo, maxConcurrent: null });
    for (let i = 0; i < 3; i++) expect(await gate.acquire(a, 1)).toBeUndefined();
    expect(await leases(h, a)).toHaveLength(0);
  });
}

describe('requests in flight capped per account (embedded PGlite, fake clock)', () => {
  let handle: DatabaseHandle;
  beforeAll(async () => {
    handle = await openDatabase({ dataDir: '/nonexistent', inMemory: true });
  });
  afterAll(async () => {
    await handle?.close();
  });
  concurrencyTests(() => [handle, handle]);
});

describe.skipIf(!testDatabaseUrl)('requests in flight capped per account (PostgreSQL, two processes)', () => {
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
  concurrencyTests(() => [handles[0]!, handles[1]!]);
});
