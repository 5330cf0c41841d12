import { afterAll, afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import { JiraApi } from '../../src/connectors/jira_service_management/api.ts';
import type { RateGate } from '../../src/connector-kit/rate-gate.ts';
import type { RetryPolicy } from '../../src/connector-kit/retry.ts';
import { startJiraSimulator, type JiraSimulator } from '../../src/simulator/jira/index.ts';
import type { JiraRateOptions } from '../../src/simulator/jira/rate.ts';

// Jira's 429s against the simulator's rate buckets [spec 3]: each RateLimit-Reason pauses what it names,
// no call fails, and the waits are the ones Jira asked for. Time is the faked Date: a recorded sleep moves
// it on, and the simulator's windows run on it too; no wall time is waited or measured.

let sim: JiraSimulator | undefined;
let sleeps: { ms: number; reason?: string | undefined }[] = [];
/** The next sleep is held until released (the call is then mid-wait while others go on). */
let holdNext = false;
let held: { release: () => void; started: Promise<void> } | null = null;
let heldStarted: () => void = () => {};
let news: { remaining: number | null; holdAccountMs?: number | null | undefined }[] = [];
let lastWaitReason: string | undefined;

const gate: RateGate = {
  async acquire() {},
  async observe(_account, info) {
    news.push({ remaining: info.remaining, holdAccountMs: info.holdAccountMs });
  },
};

const sleep = (ms: number): Promise<void> => {
  sleeps.push({ ms, reason: lastWaitReason });
  lastWaitReason = undefined;
  if (holdNext) {
    holdNext = false;
    return new Promise<void>((resolve) => {
      held!.release = () => {
        vi.setSystemTime(Date.now() + ms);
        resolve();
      };
      heldStarted();
    });
  }
  vi.setSystemTime(Date.now() + ms);
  return Promise.resolve();
};

function holdTheNextSleep(): Promise<void> {
  holdNext = true;
  const started = new Promise<void>((r) => (heldStarted = r));
  held = { release: () => {}, started };
  return started;
}

async function setup(rateLimit: JiraRateOptions, policy: Partial<RetryPolicy> = {}): Promise<{ api: JiraApi; ids: string[] }> {
  sim = await startJiraSimulator({ seed: 'demo', rateLimit });
  const { ids } = sim.seedIssues([{ summary: 'A' }, { summary: 'B' }, { summary: 'C' }, { summary: 'D' }]);
  const api = new JiraApi(
    { apiUrl: sim.url, email: sim.emailFor('admin'), apiToken: sim.tokenFor('admin') },
    {
      timeoutMs: 5000,
      sleep,
      rateGate: gate,
      retryPolicy: { maxRetryAfterMs: 3_700_000, ...policy },
      onBudgetWait: (w) => void (lastWaitReason = w.reason),
    },
  );
  sim.limiter.windows.reset();
  sim.clearRequests();
  return { api, ids };
}

const read = (api: JiraApi, id: string) => api.json('GET', `/rest/api/3/issue/${id}`, z.unknown(), { what: `read issue ${id}` });
const me = (api: JiraApi) => api.json('GET', '/rest/api/3/myself', z.unknown(), { what: 'read the integration account' });
const edit = (api: JiraApi, id: string, summary: string) =>
  api.raw('PUT', `/rest/api/3/issue/${id}`, { what: `update issue ${id}`, body: { fields: { summary } } });
const refusals = () => sim!.requests.filter((r) => r.status === 429).map((r) => `${r.method} ${r.path}`);
const sent = (method: string, path: string) => sim!.requests.filter((r) => r.method === method && r.path === path).length;

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['Date'], now: Date.parse('2026-03-02T10:00:00Z') });
  sleeps = [];
  news = [];
  holdNext = false;
  held = null;
});
afterEach(async () => {
  await sim?.close();
  sim = undefined;
  vi.useRealTimers();
});
afterAll(() => vi.useRealTimers());

describe("Jira's RateLimit-Reason decides what waits", () => {
  it('jira-per-issue-on-write: only writes to that issue wait; other issues are written at once', async () => {
    const { api, ids } = await setup({ burst: { PUT: 1000, GET: 1000 } });
    const [x, y] = ids as [string, string];
    for (let i = 0; i < 20; i++) await edit(api, x, `X ${i}`);
    const started = holdTheNextSleep();
    const refused = edit(api, x, 'X 20');
    await started;
    expect(refusals()).toEqual([`PUT /rest/api/3/issue/${x}`]);
    const retryAfter = sleeps[0]!.ms;
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(2_000);

    await edit(api, y, 'Y');
    expect(sleeps, 'another issue does not wait').toHaveLength(1);

    const before = sent('PUT', `/rest/api/3/issue/${x}`);
    const second = edit(api, x, 'X 21');
    await second;
    expect(sleeps[1], 'the same issue waits out its pause first').toEqual({ ms: retryAfter, reason: expect.stringMatching(new RegExp(`issue ${x}`)) });
    expect(sent('PUT', `/rest/api/3/issue/${x}`) - before, 'and is sent once, after it').toBe(1);
    held!.release();
    await refused;
    expect(refusals(), 'one 429 in all').toHaveLength(1);
    expect(
      news.filter((n) => n.remaining === 0),
      'the account budget is not paused for one issue',
    ).toEqual([]);
  });

  it('jira-burst-based: only that endpoint slows down; others go on', async () => {
    const { api, ids } = await setup({ burst: { GET: 2 }, perIssue: false });
    const [a, b, c, d] = ids as [string, string, string, string];
    await read(api, a);
    await read(api, b);
    const started = holdTheNextSleep();
    const refused = read(api, c);
    await started;
    expect(refusals()).toEqual([`GET /rest/api/3/issue/${c}`]);
    expect(sleeps[0]!.ms).toBeLessThanOrEqual(1_000);

    await me(api);
    expect(sleeps, 'another endpoint does not wait').toHaveLength(1);

    await read(api, d);
    expect(sleeps[1], 'the same endpoint waits out its pause').toEqual({ ms: sleeps[0]!.ms, reason: expect.stringContaining('GET /rest/api/3/issue/{id}') });
    held!.release();
    await refused;
    expect(refusals(), 'one 429 in all').toHaveLength(1);
    expect(
      news.filter((n) => n.remaining === 0),
      'the account budget is not paused for one endpoint',
    ).toEqual([]);
  });

  it('jira-quota-tenant-based: every call of the account waits until the quota resets', async () => {
    // The retrier's own slow-down on a nearly spent quota is left out: the waits asserted are the 429's.
    const { api, ids } = await setup({ hourlyPoints: 2, burst: { GET: 1000 } }, { throttleBelow: 0 });
    const [a, b] = ids as [string, string];
    await me(api);
    await read(api, a);
    const started = holdTheNextSleep();
    const refused = read(api, b);
    await started;
    expect(refusals()).toEqual([`GET /rest/api/3/issue/${b}`]);
    const untilReset = sleeps[0]!.ms;
    expect(untilReset).toBeGreaterThan(3_500_000);

    const before = sim!.requests.length;
    await me(api);
    expect(sleeps[1], 'another endpoint waits for the reset too').toEqual({ ms: untilReset, reason: expect.stringContaining('quota') });
    expect(sim!.requests.length - before, 'and is sent once, after it').toBe(1);
    held!.release();
    await refused;
    expect(refusals(), 'one 429 in all').toHaveLength(1);
    expect(
      news.filter((n) => n.remaining === 0),
      'the shared budget holds every worker until the reset',
    ).toEqual([{ remaining: 0, holdAccountMs: untilReset }]);
  });

  it('a storm of reads and writes on a few issues ends with every call done and no call failed', async () => {
    const { api, ids } = await setup({ burst: { GET: 3, PUT: 2 } });
    const calls = Array.from({ length: 30 }, (_, i) => (i % 3 === 0 ? edit(api, ids[i % 2]!, `S ${i}`) : read(api, ids[i % 4]!)));
    const outcomes = await Promise.allSettled(calls);
    expect(outcomes.filter((o) => o.status === 'rejected')).toEqual([]);
    expect(refusals().length, 'the storm met 429s').toBeGreaterThan(0);
    expect(Math.max(...sleeps.map((s) => s.ms)), 'no wait longer than a burst window').toBeLessThanOrEqual(1_000);
  });
});
