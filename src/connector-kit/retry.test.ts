import { describe, expect, it } from 'vitest';
import { PlatformError } from '../core/connector.ts';
import { NetworkError, type HttpResponse } from './http.ts';
import { createRetrier, type RetryPolicy } from './retry.ts';

type Step = { status: number; retryAfter?: number; remaining?: number; total?: number } | { network: NetworkError['kind'] };

function response(s: Extract<Step, { status: number }>): HttpResponse {
  return {
    status: s.status,
    headers: new Headers(),
    text: '',
    json: undefined,
    rateLimit: { total: s.total ?? null, remaining: s.remaining ?? null, usedByRequest: null, retryAfterSeconds: s.retryAfter ?? null },
  };
}

/** Runs one call through the retrier against a scripted sequence of answers; records sleeps and sends. */
async function run(steps: Step[], idempotent = true, policy: Partial<RetryPolicy> = {}) {
  const sleeps: number[] = [];
  let sent = 0;
  const retrier = createRetrier({ platform: 'Acme', policy, sleep: async (ms) => void sleeps.push(ms), random: () => 0.5 });
  const send = async () => {
    const step = steps[Math.min(sent, steps.length - 1)]!;
    sent += 1;
    if ('network' in step) throw new NetworkError(step.network, `simulated ${step.network}`);
    return response(step);
  };
  try {
    const res = await retrier.run(send, { what: 'read ticket 7', idempotent });
    return { status: res.status, error: null as PlatformError | null, sleeps, sent };
  } catch (err) {
    if (!(err instanceof PlatformError)) throw err;
    return { status: null, error: err, sleeps, sent };
  }
}

// Backoff with random() = 0.5: cap/2 + cap/4 → 375, 750, 1500 for base 500.
describe('retry policy', () => {
  it.each<{ name: string; steps: Step[]; idempotent?: boolean; status: number | null; kind?: PlatformError['kind']; sleeps: number[]; sent: number }>([
    { name: '200 at once', steps: [{ status: 200 }], status: 200, sleeps: [], sent: 1 },
    {
      name: '429 with Retry-After waits that long then succeeds',
      steps: [{ status: 429, retryAfter: 7 }, { status: 200 }],
      status: 200,
      sleeps: [7000],
      sent: 2,
    },
    {
      name: '429 on a POST create is retried (the platform did not act)',
      steps: [{ status: 429, retryAfter: 1 }, { status: 201 }],
      idempotent: false,
      status: 201,
      sleeps: [1000],
      sent: 2,
    },
    { name: '429 without Retry-After waits the default', steps: [{ status: 429 }, { status: 200 }], status: 200, sleeps: [5000], sent: 2 },
    {
      name: '429 beyond the per-wait bound → rate_limited at once',
      steps: [{ status: 429, retryAfter: 1521 }],
      status: null,
      kind: 'rate_limited',
      sleeps: [],
      sent: 1,
    },
    {
      name: '429 forever → rate_limited after 5 waits',
      steps: [{ status: 429, retryAfter: 2 }],
      status: null,
      kind: 'rate_limited',
      sleeps: [2000, 2000, 2000, 2000, 2000],
      sent: 6,
    },
    { name: '5xx twice then ok', steps: [{ status: 503 }, { status: 502 }, { status: 200 }], status: 200, sleeps: [375, 750], sent: 3 },
    { name: '5xx forever → server after 4 attempts', steps: [{ status: 500 }], status: null, kind: 'server', sleeps: [375, 750, 1500], sent: 4 },
    {
      name: '5xx on a non-idempotent POST → server, no retry',
      steps: [{ status: 503 }, { status: 201 }],
      idempotent: false,
      status: null,
      kind: 'server',
      sleeps: [],
      sent: 1,
    },
    { name: '5xx with Retry-After uses it', steps: [{ status: 503, retryAfter: 3 }, { status: 200 }], status: 200, sleeps: [3000], sent: 2 },
    { name: '400 → returned, no retry', steps: [{ status: 400 }, { status: 200 }], status: 400, sleeps: [], sent: 1 },
    { name: '404 → returned, no retry', steps: [{ status: 404 }, { status: 200 }], status: 404, sleeps: [], sent: 1 },
    { name: 'timeout retried', steps: [{ network: 'timeout' }, { status: 200 }], status: 200, sleeps: [375], sent: 2 },
    { name: 'timeout forever → timeout', steps: [{ network: 'timeout' }], status: null, kind: 'timeout', sleeps: [375, 750, 1500], sent: 4 },
    { name: 'reset retried', steps: [{ network: 'reset' }, { network: 'reset' }, { status: 200 }], status: 200, sleeps: [375, 750], sent: 3 },
    {
      name: 'reset on a non-idempotent POST → network, no retry',
      steps: [{ network: 'reset' }, { status: 201 }],
      idempotent: false,
      status: null,
      kind: 'network',
      sleeps: [],
      sent: 1,
    },
    {
      name: 'refused is retried even for POST (never reached the server)',
      steps: [{ network: 'refused' }, { status: 201 }],
      idempotent: false,
      status: 201,
      sleeps: [375],
      sent: 2,
    },
    { name: 'dns failure → network, no retry', steps: [{ network: 'dns' }, { status: 200 }], status: null, kind: 'network', sleeps: [], sent: 1 },
    {
      name: 'too large → unexpected_response, no retry',
      steps: [{ network: 'too_large' }, { status: 200 }],
      status: null,
      kind: 'unexpected_response',
      sleeps: [],
      sent: 1,
    },
  ])('$name', async (c) => {
    const r = await run(c.steps, c.idempotent ?? true);
    expect(r.status).toBe(c.status);
    expect(r.error?.kind).toBe(c.kind);
    expect(r.sleeps).toEqual(c.sleeps);
    expect(r.sent).toBe(c.sent);
  });

  it('rate_limited carries retryAfterMs and a readable message', async () => {
    const r = await run([{ status: 429, retryAfter: 1521 }]);
    expect(r.error?.details).toMatchObject({ status: 429, retryAfterMs: 1_521_000 });
    expect(r.error?.message).toMatch(/^Acme's API rate limit is used up \(while trying to read ticket 7\); it asks to wait 1521 s\.$/);
  });

  it('server message names the platform, status, attempts and the action', async () => {
    const r = await run([{ status: 503 }]);
    expect(r.error?.message).toBe('Acme answered 503 (server error) 4 times while trying to read ticket 7.');
  });

  it('backoff grows exponentially, is capped, and jitter stays within [cap/2, cap]', async () => {
    for (const rnd of [0, 0.999]) {
      const sleeps: number[] = [];
      const retrier = createRetrier({
        platform: 'Acme',
        policy: { maxAttempts: 7, baseDelayMs: 1000, maxDelayMs: 5000 },
        sleep: async (ms) => void sleeps.push(ms),
        random: () => rnd,
      });
      await expect(retrier.run(async () => response({ status: 500 }), { what: 'x', idempotent: true })).rejects.toThrow(PlatformError);
      const caps = [1000, 2000, 4000, 5000, 5000, 5000];
      expect(sleeps).toHaveLength(6);
      sleeps.forEach((ms, i) => {
        expect(ms).toBeGreaterThanOrEqual(caps[i]! / 2);
        expect(ms).toBeLessThanOrEqual(caps[i]!);
      });
    }
  });

  it.each([
    { name: 'low remaining (< 5%) → pause before the next call', remaining: 4, total: 100, pause: true },
    { name: 'remaining at 5% → no pause', remaining: 5, total: 100, pause: false },
    { name: 'no rate-limit headers → no pause', remaining: undefined, total: undefined, pause: false },
  ])('$name', async ({ remaining, total, pause }) => {
    const sleeps: number[] = [];
    const retrier = createRetrier({ platform: 'Acme', policy: { throttlePauseMs: 1234 }, sleep: async (ms) => void sleeps.push(ms) });
    const first = { status: 200, ...(remaining !== undefined ? { remaining } : {}), ...(total !== undefined ? { total } : {}) };
    await retrier.run(async () => response(first), { what: 'a', idempotent: true });
    expect(sleeps).toEqual([]);
    await retrier.run(async () => response({ status: 200, remaining: 90, total: 100 }), { what: 'b', idempotent: true });
    expect(sleeps).toEqual(pause ? [1234] : []);
    await retrier.run(async () => response({ status: 200 }), { what: 'c', idempotent: true });
    expect(sleeps).toEqual(pause ? [1234] : []); // one pause only: the flag is cleared
  });

  it('non-network exceptions pass through untouched', async () => {
    const retrier = createRetrier({ platform: 'Acme', sleep: async () => {} });
    await expect(retrier.run(async () => Promise.reject(new TypeError('bug')), { what: 'x', idempotent: true })).rejects.toThrow(TypeError);
  });
});
