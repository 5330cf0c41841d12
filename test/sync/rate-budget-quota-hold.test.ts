import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type DatabaseHandle } from '../../src/db/database.ts';
import { createRateBudget } from '../../src/db/repositories/rate-budget.ts';

const T0 = Date.parse('2026-03-02T10:15:00Z');

// A 429 whose platform says the whole account is held (a used-up hourly quota) holds every worker of the
// shared budget until the reset, past the 60 s window a plain 429's wait is bounded by.
describe('shared rate budget: a used-up quota holds the account until it resets', () => {
  let handle: DatabaseHandle;
  let n = 0;
  beforeAll(async () => {
    handle = await openDatabase({ dataDir: '/nonexistent', inMemory: true });
  });
  afterAll(async () => handle?.close());

  function budget() {
    const clock = { t: T0 };
    const waits: number[] = [];
    const b = createRateBudget(handle.db, {
      headroom: 0.2,
      defaultLimit: 100,
      marginMs: 0,
      jitterMs: 0,
      now: () => clock.t,
      sleep: async (ms) => void (clock.t += ms),
      onWait: (w) => waits.push(w.until.getTime() - T0),
    });
    return { b, waits, account: `quota${++n}.example.net` };
  }

  it.each([
    ['a plain 429 asking 45 min waits one window', { retryAfterMs: 2_700_000 }, [60_000]],
    ['a quota hold of 45 min waits 45 min', { retryAfterMs: 2_700_000, holdAccountMs: 2_700_000 }, [2_700_000]],
    ['a quota hold is at most an hour', { retryAfterMs: 9_000_000, holdAccountMs: 9_000_000 }, [3_600_000]],
    ['a short 429 waits what it asks', { retryAfterMs: 2_000 }, [2_000]],
  ])('%s', async (_n, info, want) => {
    const { b, waits, account } = budget();
    await b.observe(account, { total: null, remaining: 0, ...info });
    await b.acquire(account, 1);
    expect(waits).toEqual(want);
  });

  it('a later short 429 does not shorten the hold', async () => {
    const { b, waits, account } = budget();
    await b.observe(account, { total: null, remaining: 0, retryAfterMs: 600_000, holdAccountMs: 600_000 });
    await b.observe(account, { total: null, remaining: 0, retryAfterMs: 1_000 });
    await b.acquire(account, 1);
    expect(waits).toEqual([600_000]);
  });
});
