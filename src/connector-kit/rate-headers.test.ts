import { describe, expect, it } from 'vitest';
import { readRateLimit } from './http.ts';

const NOW = Date.parse('2026-01-01T01:00:00Z');
const read = (headers: Record<string, string>) => readRateLimit(new Headers(headers), NOW);

describe('rate-limit headers, every spelling', () => {
  it.each([
    [
      { 'X-RateLimit-Total': '100', 'X-RateLimit-Remaining': '7' },
      { total: 100, remaining: 7 },
    ],
    [
      { 'X-Ratelimit-Total': '100', 'X-Ratelimit-Remaining': '7' },
      { total: 100, remaining: 7 },
    ],
    [
      { 'X-RateLimit-Limit': '350', 'X-RateLimit-Remaining': '0' },
      { total: 350, remaining: 0 },
    ],
    [
      { 'X-Rate-Limit': '700', 'X-Rate-Limit-Remaining': '699' },
      { total: 700, remaining: 699 },
    ],
    [
      { 'ratelimit-limit': '100', 'ratelimit-remaining': '99' },
      { total: 100, remaining: 99 },
    ],
    // Both spellings at once: the first in order wins, every time.
    [
      { 'X-RateLimit-Total': '100', 'X-RateLimit-Limit': '5' },
      { total: 100, remaining: null },
    ],
    [{ 'X-RateLimit-Total': 'lots' }, { total: null, remaining: null }],
  ])('%j', (headers, want) => {
    expect(read(headers)).toMatchObject(want);
  });

  it.each([
    [{ 'Retry-After': '30' }, 30],
    [{ 'Retry-After': '1.5' }, 1.5],
    [{ 'Retry-After': 'Thu, 01 Jan 2026 01:01:00 GMT' }, 60],
    [{ 'Retry-After': 'Wed, 31 Dec 2025 23:00:00 GMT' }, 0],
    [{ 'X-RateLimit-Reset': '2026-01-01T01:01:01Z' }, 61],
    [{ 'X-RateLimit-Reset': '2026-01-01T01:02Z' }, 120],
    [{ 'RateLimit-Reset': '12' }, 12],
    [{ 'Retry-After': '5', 'X-RateLimit-Reset': '2026-01-01T02:00:00Z' }, 5],
    [{ 'Retry-After': 'soon' }, null],
    [{}, null],
  ])('wait from %j is %s s', (headers, seconds) => {
    expect(read(headers).retryAfterSeconds).toBe(seconds);
  });
});
