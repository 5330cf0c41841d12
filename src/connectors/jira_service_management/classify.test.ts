import { describe, expect, it } from 'vitest';
import { NetworkError, type HttpResponse } from '../../connector-kit/http.ts';
import { classifyFailure } from './classify.ts';

const res = (status: number, headers: Record<string, string> = {}): HttpResponse => ({
  status,
  headers: new Headers(headers),
  text: '',
  json: undefined,
  rateLimit: { total: null, remaining: null, usedByRequest: null, retryAfterSeconds: null },
});

describe('classifyFailure', () => {
  it.each([
    ['401 text/plain', res(401, { 'content-type': 'text/plain' }), 'authentication_failed', /expired/],
    ['403', res(403), 'permission_denied', /403/],
    ['429', res(429, { 'retry-after': '3' }), 'rate_limited', /wait 3 s/],
    ['503', res(503), 'platform_error', /503/],
    ['redirect to log-in', res(302, { location: 'https://id.atlassian.com/login?continue=x' }), 'invalid_api_url', /log-in page/],
    ['other redirect', res(301, { location: 'https://example.com/' }), 'invalid_api_url', /redirects/],
    ['404', res(404), 'invalid_api_url', /No Jira API/],
    ['418', res(418), 'invalid_api_url', /418/],
    ['dns', new NetworkError('dns', 'ENOTFOUND'), 'invalid_api_url', /host name/],
    ['tls', new NetworkError('tls', 'bad cert'), 'invalid_api_url', /secure connection/],
    ['blocked', new NetworkError('blocked', 'private address'), 'invalid_api_url', /refused/],
    ['refused', new NetworkError('refused', 'ECONNREFUSED'), 'connection_refused', /refused/],
    ['timeout', new NetworkError('timeout', 'No answer'), 'connection_timeout', /could not be reached/],
    ['reset', new NetworkError('reset', 'ECONNRESET'), 'connection_timeout', /could not be reached/],
  ])('%s', (_n, failure, code, message) => {
    const c = classifyFailure(failure, 'reading the account');
    expect(c.code).toBe(code);
    expect(c.message).toMatch(message);
  });
});
