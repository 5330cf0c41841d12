import { describe, expect, it } from 'vitest';
import { readRateLimit as readThroughHttp } from './http.ts';
import { readRateLimit } from './rate-headers.ts';

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

describe('rate-limit headers with the beta and clock-skew readings', () => {
  const at = Date.parse('2026-01-01T01:01:00Z');
  it.each([
    ['Retry-After', { 'retry-after': '3' }, 3],
    ['Beta-Retry-After alone', { 'beta-retry-after': '2' }, 2],
    ['Beta-Retry-After as an HTTP date', { 'beta-retry-after': 'Thu, 01 Jan 2026 01:01:20 GMT' }, 20],
    ['Retry-After wins over Beta-Retry-After', { 'retry-after': '4', 'beta-retry-after': '9' }, 4],
    ['Beta-Retry-After wins over a reset time', { 'beta-retry-after': '2', 'x-ratelimit-reset': '2026-01-01T01:01:30Z' }, 2],
    ['ISO X-RateLimit-Reset', { 'x-ratelimit-reset': '2026-01-01T01:01:05Z' }, 5],
    ['minute-precision reset', { 'x-ratelimit-reset': '2026-01-01T01:02Z' }, 60],
    ['a reset in the past waits a second', { 'x-ratelimit-reset': '2026-01-01T01:00:00Z' }, 1],
    ['Retry-After 0 is no wait', { 'retry-after': '0', 'x-ratelimit-reset': '2026-01-01T01:00:00Z' }, 0],
    ['Retry-After wins over a reset time', { 'retry-after': '1', 'x-ratelimit-reset': '2026-01-01T01:01:30Z' }, 1],
    ['Retry-After as an HTTP date', { 'retry-after': 'Thu, 01 Jan 2026 01:01:30 GMT' }, 30],
    ['neither', {}, null],
    ['garbage', { 'retry-after': 'soon', 'x-ratelimit-reset': 'later' }, null],
    ['garbage beta', { 'beta-retry-after': 'soon' }, null],
    ['X-RateLimit-Reset in epoch seconds', { 'x-ratelimit-reset': String(at / 1000 + 7) }, 7],
    ['X-RateLimit-Reset in epoch milliseconds', { 'x-ratelimit-reset': String(at + 7_000) }, 7],
    ['an epoch reset in the past waits a second', { 'x-ratelimit-reset': String(at / 1000 - 60) }, 1],
    ['a small number in X-RateLimit-Reset is not guessed at', { 'x-ratelimit-reset': '30' }, null],
    ['RateLimit-Reset, seconds from now', { 'ratelimit-reset': '12' }, 12],
    ['Beta-Retry-After wins over RateLimit-Reset', { 'beta-retry-after': '3', 'ratelimit-reset': '12' }, 3],
  ])('%s', (_n, headers, seconds) => {
    expect(readRateLimit(new Headers(headers), at).retryAfterSeconds).toBe(seconds);
  });

  it('reads the limit and what remains as the standard reading does', () => {
    const headers = { 'X-RateLimit-Limit': '350', 'X-RateLimit-Remaining': '0', 'Beta-Retry-After': '1' };
    expect(readRateLimit(new Headers(headers), at)).toEqual({ total: 350, remaining: 0, usedByRequest: null, retryAfterSeconds: 1 });
  });

  it.each([
    ['jira-burst-based', { 'RateLimit-Reason': 'jira-burst-based' }, 'jira-burst-based'],
    ['spacing trimmed', { 'ratelimit-reason': ' jira-quota-tenant-based ' }, 'jira-quota-tenant-based'],
    ['none', { 'Retry-After': '1' }, undefined],
    ['empty', { 'RateLimit-Reason': '' }, undefined],
  ])('RateLimit-Reason: %s', (_n, headers, reason) => {
    expect(readRateLimit(new Headers(headers), at).reason).toBe(reason);
  });

  it('the HTTP client reads with the same reader, so every platform honours Beta-Retry-After', () => {
    const headers = new Headers({ 'Beta-Retry-After': '2', 'X-RateLimit-Total': '100', 'RateLimit-Reason': 'jira-burst-based' });
    expect(readThroughHttp(headers, at)).toEqual(readRateLimit(headers, at));
    expect(readThroughHttp(headers, at)).toMatchObject({ retryAfterSeconds: 2, total: 100, reason: 'jira-burst-based' });
  });
});
