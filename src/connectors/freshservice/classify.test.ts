import { describe, expect, it } from 'vitest';
import { NetworkError, type HttpResponse } from '../../connector-kit/http.ts';
import { readRateLimit } from '../../connector-kit/http.ts';
import { classifyFailure } from './classify.ts';

function res(status: number, json?: unknown, headers: Record<string, string> = {}): HttpResponse {
  const h = new Headers(headers);
  return { status, headers: h, text: json === undefined ? '' : JSON.stringify(json), json, rateLimit: readRateLimit(h) };
}

describe('classifyFailure', () => {
  it.each([
    [res(401, { code: 'invalid_credentials', message: 'You have to be logged in to perform this action.' }), 'authentication_failed', /rejected the API key/],
    [res(401, { code: 'unsupported_authentication_type' }), 'authentication_failed', /user name and password/],
    [res(401), 'authentication_failed', /rejected/],
    [res(403, { code: 'access_denied', message: 'You are not authorized to perform this action.' }), 'permission_denied', /not allowed.*403/],
    [res(403, { code: 'account_suspended' }), 'permission_denied', /suspended/],
    [res(403, { code: 'require_feature' }), 'permission_denied', /plan/],
    [res(404), 'invalid_api_url', /No Freshservice API/],
    [res(405), 'invalid_api_url', /status 405/],
    [res(406), 'invalid_api_url', /status 406/],
    [res(301, undefined, { location: 'https://www.freshworks.com/signup' }), 'invalid_api_url', /redirects to https:\/\/www.freshworks.com/],
    [res(429, {}, { 'retry-after': '37' }), 'rate_limited', /wait 37 s/],
    [res(500), 'platform_error', /500/],
    [res(503), 'platform_error', /503/],
    [new NetworkError('timeout', 'No answer within 10 s'), 'connection_timeout', /No answer within 10 s/],
    [new NetworkError('refused', 'Connection refused (ECONNREFUSED)'), 'connection_refused', /connection was refused: nothing accepts connections/],
    [new NetworkError('reset', 'Connection reset'), 'connection_timeout', /reset/],
    [new NetworkError('unreachable', 'Network unreachable'), 'connection_timeout', /unreachable/],
    [new NetworkError('dns', 'Host name not found (ENOTFOUND)'), 'invalid_api_url', /could not be found/],
    [new NetworkError('tls', 'TLS handshake failed'), 'invalid_api_url', /secure connection/],
    [new NetworkError('too_large', 'Response too large'), 'invalid_api_url', /not what/],
  ])('%#: classifies as %s', (failure, code, message) => {
    const c = classifyFailure(failure, 'reading the agent');
    expect(c.code).toBe(code);
    expect(c.message).toMatch(message);
  });
});
