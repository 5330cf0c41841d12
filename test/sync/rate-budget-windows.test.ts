import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BudgetModel } from '../../src/connector-kit/rate-gate.ts';
import { withRateModel } from '../../src/connector-kit/rate-gate.ts';
import { openDatabase, type DatabaseHandle } from '../../src/db/database.ts';
import { createRateBudget } from '../../src/db/repositories/rate-budget.ts';

const T0 = Date.parse('2026-11-02T09:00:00Z');

/** A budget on a fake clock (sleeping moves it), no headroom, so each window allows its whole limit. */
function fakeBudget(handle: DatabaseHandle) {
  const clock = { t: T0 };
  const waits: Array<{ until: number; reason: string }> = [];
  const budget = createRateBudget(handle.db, {
    headroom: 0,
    marginMs: 0,
    jitterMs: 0,
    now: () => clock.t,
    sleep: async (ms) => {
      clock.t += ms;
    },
    onWait: (w) => waits.push({ until: w.until.getTime(), reason: w.reason ?? '' }),
  });
  return { budget, clock, waits };
}

const twoWindows: BudgetModel = {
  windows: [
    { windowMs: 4_000, limit: 8 },
    { windowMs: 1_000, limit: 5 },
  ],
  reportsHeaders: true,
};

describe('shared rate budget with several windows (embedded PGlite, fake clock)', () => {
  let handle: DatabaseHandle;
  let n = 0;
  const account = () => `windows${++n}.example.com`;
  beforeAll(async () => {
    handle = await openDatabase({ dataDir: '/nonexistent', inMemory: true });
  });
  afterAll(async () => {
    await handle?.close();
  });

  it('5 per 1 s and 8 per 4 s: the short window binds first, then the longer one although the short has room', async () => {
    const { budget, clock, waits } = fakeBudget(handle);
    const gate = withRateModel(budget, twoWindows);
    const a = account();
    for (let i = 0; i < 5; i++) await gate.acquire(a, 1);
    expect(waits).toEqual([]);

    await gate.acquire(a, 1); // the 6th waits for the 1 s window
    expect(waits).toHaveLength(1);
    expect(waits[0]!.until).toBe(T0 + 1_000);
    expect(waits[0]!.reason).toMatch(/at most 5 of its 5 credits per 1 s/);
    expect(clock.t).toBe(T0 + 1_000);

    await gate.acquire(a, 1);
    await gate.acquire(a, 1); // 8 within 4 s; only 3 of them within the last second
    expect(waits).toHaveLength(1);

    await gate.acquire(a, 1); // the 9th: the 1 s window has room, the 4 s window does not
    expect(waits).toHaveLength(2);
    expect(waits[1]!.until).toBe(T0 + 4_000);
    expect(waits[1]!.reason).toMatch(/at most 8 of its 8 credits per 4 s/);
    expect(clock.t).toBe(T0 + 4_000);
  });

  it('without a model the account keeps one 60 s window of the default limit', async () => {
    const { budget, waits } = fakeBudget(handle);
    const a = account();
    for (let i = 0; i < 100; i++) await budget.acquire(a, 1);
    expect(waits).toEqual([]);
    await budget.acquire(a, 1);
    expect(waits[0]).toMatchObject({ until: T0 + 60_000 });
    expect(waits[0]!.reason).toMatch(/at most 100 of its 100 credits a minute/);
  });

  it('a reported limit adapts the shortest window only; a model without headers keeps its own limits', async () => {
    const { budget, waits } = fakeBudget(handle);
    const reported = account();
    await budget.observe(reported, { total: 3, remaining: 3 });
    const gate = withRateModel(budget, twoWindows);
    for (let i = 0; i < 3; i++) await gate.acquire(reported, 1);
    await gate.acquire(reported, 1);
    expect(waits.at(-1)!.reason).toMatch(/at most 3 of its 3 credits per 1 s/);

    const silent = account();
    await budget.observe(silent, { total: 3, remaining: 3 });
    const silentGate = withRateModel(budget, { ...twoWindows, reportsHeaders: false });
    const before = waits.length;
    for (let i = 0; i < 5; i++) await silentGate.acquire(silent, 1);
    expect(waits).toHaveLength(before);
  });

  it('keeps reservations as long as an hourly window needs them', async () => {
    const { budget, clock } = fakeBudget(handle);
    const gate = withRateModel(budget, { windows: [{ windowMs: 3_600_000, limit: 2 }], reportsHeaders: false });
    const a = account();
    await gate.acquire(a, 1);
    await gate.acquire(a, 1);
    clock.t += 30 * 60_000;
    await budget.prune();
    const kept = await handle.db.selectFrom('rate_reservations').select('id').where('account', '=', a).execute();
    expect(kept).toHaveLength(2);
    const heard: string[] = [];
    await gate.acquire(a, 1, (w) => heard.push(w.reason ?? ''));
    expect(heard[0]).toMatch(/per hour/);
    expect(clock.t).toBe(T0 + 3_600_000);
  });

  it('another worker that never checks the hourly window (it serves other platforms) keeps the rows until that window has passed', async () => {
    const hourly = fakeBudget(handle);
    const gate = withRateModel(hourly.budget, { windows: [{ windowMs: 3_600_000, limit: 2 }], reportsHeaders: false });
    const a = account();
    await gate.acquire(a, 1);
    const other = fakeBudget(handle); // its own process: only the default one-minute window
    const rows = () => handle.db.selectFrom('rate_reservations').select('id').where('account', '=', a).execute();
    other.clock.t = T0 + 10 * 60_000;
    await other.budget.prune();
    expect(await rows()).toHaveLength(1);
    other.clock.t = T0 + 3_600_000 + 1;
    await other.budget.prune();
    expect(await rows()).toHaveLength(0);
  });
});
