import { describe, expect, it } from 'vitest';
import { retryAfterSeconds } from './api.ts';
import { redirectProblem } from './attachments.ts';

describe('retryAfterSeconds', () => {
  const now = Date.parse('2026-01-01T01:01:00Z');
  it.each([
    ['Retry-After', { 'retry-after': '3' }, 3],
    ['Beta-Retry-After', { 'beta-retry-after': '2' }, 2],
    ['ISO X-RateLimit-Reset', { 'x-ratelimit-reset': '2026-01-01T01:01:05Z' }, 5],
    ['minute-precision reset', { 'x-ratelimit-reset': '2026-01-01T01:02Z' }, 60],
    ['a reset in the past waits a second', { 'x-ratelimit-reset': '2026-01-01T01:00:00Z' }, 1],
    ['Retry-After wins', { 'retry-after': '1', 'x-ratelimit-reset': '2026-01-01T01:01:30Z' }, 1],
    ['Retry-After as an HTTP date', { 'retry-after': 'Thu, 01 Jan 2026 01:01:30 GMT' }, 30],
    ['neither', {}, null],
    ['garbage', { 'retry-after': 'soon', 'x-ratelimit-reset': 'later' }, null],
  ])('%s', (_n, headers, seconds) => {
    expect(retryAfterSeconds(new Headers(headers), now)).toBe(seconds);
  });
});

describe('redirectProblem', () => {
  const site = new URL('https://acme.atlassian.net');
  it.each([
    ['the site itself', 'https://acme.atlassian.net/secure/attachment/1/a.txt', null],
    ['Atlassian media', 'https://api.media.atlassian.com/file/abc/binary?token=x', null],
    ['another site', 'https://evil.atlassian.net/x', /neither/],
    ['a look-alike media host', 'https://media.atlassian.com.evil.example/x', /neither/],
    ['media over http', 'http://api.media.atlassian.com/file', /HTTPS/],
    ['metadata address', 'http://169.254.169.254/latest', /neither/],
    ['credentials in the URL', 'https://u:p@api.media.atlassian.com/x', /credentials/],
    ['another scheme', 'file:///etc/passwd', /file:/],
  ])('%s', (_n, target, problem) => {
    const p = redirectProblem(new URL(target), site);
    if (problem === null) expect(p).toBeNull();
    else expect(p).toMatch(problem);
  });
});
