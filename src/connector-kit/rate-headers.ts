import { readRateLimit as readStandardHeaders, type RateLimitInfo } from './http.ts';

/**
 * An answer's rate-limit headers: the spellings the HTTP client reads (http.ts `readRateLimit`), and
 * - `Beta-Retry-After`, the name some gateways use for Retry-After while a limit is in its beta phase:
 *   the wait it asks for is honoured when no Retry-After comes with it (it wins over a reset time, as
 *   Retry-After does);
 * - a reset time already past (the clocks differ): one second, not none, so a 429 is not sent again at
 *   once into the same limit.
 */
export function readRateLimit(h: Headers, now = Date.now()): RateLimitInfo {
  const beta = h.get('beta-retry-after');
  const headers = beta !== null && !h.has('retry-after') ? withRetryAfter(h, beta) : h;
  const info = readStandardHeaders(headers, now);
  const pastReset = info.retryAfterSeconds === 0 && !headers.has('retry-after') && h.has('x-ratelimit-reset');
  return pastReset ? { ...info, retryAfterSeconds: 1 } : info;
}

function withRetryAfter(h: Headers, value: string): Headers {
  const copy = new Headers(h);
  copy.set('retry-after', value);
  return copy;
}
