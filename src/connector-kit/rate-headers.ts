/**
 * The one reading of an answer's rate-limit headers, for every platform (the HTTP client fills
 * `HttpResponse.rateLimit` with it).
 *
 * Header names are case-insensitive, and platforms spell them differently: X-RateLimit-Total or -Limit,
 * X-Rate-Limit (-Remaining), the draft standard RateLimit-Limit / -Remaining / -Reset. The first spelling
 * present wins, in that order, so a platform sending several is read the same way every time.
 */
export interface RateLimitInfo {
  total: number | null;
  remaining: number | null;
  usedByRequest: number | null;
  retryAfterSeconds: number | null;
  /**
   * Which of the platform's limits refused the call (`RateLimit-Reason`), when it says: the caller decides
   * whether the whole account, one endpoint or one record has to wait. Absent when the answer says nothing.
   */
  reason?: string;
}

const TOTAL = ['x-ratelimit-total', 'x-ratelimit-limit', 'x-rate-limit', 'ratelimit-limit'];
const REMAINING = ['x-ratelimit-remaining', 'x-rate-limit-remaining', 'ratelimit-remaining'];

export function readRateLimit(h: Headers, now = Date.now()): RateLimitInfo {
  const num = (name: string) => {
    const v = h.get(name);
    if (v === null || v.trim() === '') return null;
    const n = Number(v);
    return Number.isFinite(n) ? n : null;
  };
  const first = (names: string[]) => names.map(num).find((n) => n !== null) ?? null;
  const reason = h.get('ratelimit-reason')?.trim();
  return {
    total: first(TOTAL),
    remaining: first(REMAINING),
    usedByRequest: num('x-ratelimit-used-currentrequest'),
    retryAfterSeconds: retryAfterOf(h, now),
    ...(reason ? { reason } : {}),
  };
}

// Epoch times in X-RateLimit-Reset: from 2001 on in seconds, from 1e12 on in milliseconds. A smaller
// number could be seconds from now or an epoch; it is not guessed at.
const EPOCH_SECONDS = 1e9;
const EPOCH_MS = 1e12;

/**
 * Seconds to wait, the first of:
 * - Retry-After, in seconds or as an HTTP date;
 * - Beta-Retry-After (the name a limit in its beta phase gives the same wait), in either form;
 * - X-RateLimit-Reset as a time: ISO 8601, or epoch seconds / milliseconds. A reset already past (the
 *   clocks differ) waits one second, not none, so a 429 is not sent again at once into the same limit;
 * - RateLimit-Reset, seconds from now.
 * Null when the answer says nothing readable.
 */
function retryAfterOf(h: Headers, now: number): number | null {
  const untilTime = (at: number) => (Number.isFinite(at) ? Math.max(0, Math.ceil((at - now) / 1000)) : null);
  const wait = (v: string) => (/^\d+(\.\d+)?$/.test(v) ? Number(v) : untilTime(Date.parse(v)));
  const retryAfter = h.get('retry-after')?.trim();
  if (retryAfter) return wait(retryAfter);
  const beta = h.get('beta-retry-after')?.trim();
  if (beta) return wait(beta);
  const reset = h.get('x-ratelimit-reset')?.trim();
  if (reset) {
    const digits = /^\d+$/.test(reset);
    const n = Number(reset);
    const at = !digits ? Date.parse(reset) : n >= EPOCH_MS ? n : n >= EPOCH_SECONDS ? n * 1000 : NaN;
    const seconds = untilTime(at);
    if (seconds !== null) return Math.max(1, seconds);
  }
  const relative = h.get('ratelimit-reset')?.trim();
  if (relative && /^\d+$/.test(relative)) return Number(relative);
  return null;
}
