import { describe, expect, it } from 'vitest';
import { normaliseApiUrl, validateApiKey } from './api-url.ts';

const strict = { allowPrivate: false };
const dev = { allowPrivate: true };

describe('normaliseApiUrl', () => {
  it.each([
    ['https://acme.freshservice.com', 'https://acme.freshservice.com'],
    ['  https://acme.freshservice.com/  ', 'https://acme.freshservice.com'],
    ['https://acme.freshservice.com/api', 'https://acme.freshservice.com'],
    ['https://acme.freshservice.com/api/v2', 'https://acme.freshservice.com'],
    ['https://acme.freshservice.com/api/v2/', 'https://acme.freshservice.com'],
    ['https://ACME.Freshservice.com', 'https://acme.freshservice.com'],
    ['acme', 'https://acme.freshservice.com'],
    ['acme-corp', 'https://acme-corp.freshservice.com'],
    ['acme.freshservice.com', 'https://acme.freshservice.com'],
    ['acme.freshservice.com/api/v2', 'https://acme.freshservice.com'],
  ])('accepts %j as %s', (input, expected) => {
    expect(normaliseApiUrl(input, strict)).toEqual({ ok: true, url: expected });
  });

  it.each([
    ['', /Enter your Freshservice URL/],
    ['   ', /Enter your Freshservice URL/],
    ['http://acme.freshservice.com', /only answers over HTTPS.*SF_ALLOW_PRIVATE_PLATFORM_URLS/],
    ['https://acme.freshservice.com/a/tickets/1', /Remove the path "\/a\/tickets\/1"/],
    ['https://acme.freshservice.com/api/v3', /Remove the path/],
    ['https://acme.freshservice.com?x=1', /after "\?"/],
    ['https://user:pw@acme.freshservice.com', /user name or password/],
    ['https://acme.freshservice.com:8443', /Remove the port/],
    ['https://help.acme.com', /not a Freshservice address.*custom domains/],
    ['https://acme.freshdesk.com', /Freshdesk address/],
    ['https://acme.myfreshworks.com', /Freshworks sign-in address/],
    ['https://acme.freshservice.com.evil.example', /not a Freshservice address/],
    ['https://a.b.freshservice.com', /not a Freshservice account address/],
    ['http://127.0.0.1:4010', /private or loopback.*SF_ALLOW_PRIVATE_PLATFORM_URLS=1/],
    ['http://10.0.0.5', /private or loopback/],
    ['ftp://acme.freshservice.com', /must start with https/],
    ['https://acme .freshservice.com', /spaces/],
    ['https://acme.freshservice.com\u200b', /invisible/],
    ['https://', /not a valid URL/],
  ])('refuses %j', (input, message) => {
    const r = normaliseApiUrl(input, strict);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.message).toMatch(message);
  });

  it('refuses a 3000-character paste', () => {
    const r = normaliseApiUrl('x'.repeat(3000), strict);
    expect(r).toEqual({ ok: false, message: expect.stringMatching(/too long/) });
  });

  it.each([
    ['http://127.0.0.1:4010', 'http://127.0.0.1:4010'],
    ['http://127.0.0.1:4010/api/v2', 'http://127.0.0.1:4010'],
    ['http://localhost:4010/', 'http://localhost:4010'],
    ['http://simulator:4010', 'http://simulator:4010'],
    ['http://192.168.1.20', 'http://192.168.1.20'],
    ['http://[::1]:4010', 'http://[::1]:4010'],
    ['http://acme.freshservice.com', 'http://acme.freshservice.com'],
  ])('with private URLs allowed accepts %j', (input, expected) => {
    expect(normaliseApiUrl(input, dev)).toEqual({ ok: true, url: expected });
  });

  it.each(['http://8.8.8.8', 'https://example.org', 'http://127.0.0.1:4010/a/tickets'])('with private URLs allowed still refuses %j', (input) => {
    expect(normaliseApiUrl(input, dev).ok).toBe(false);
  });
});

describe('validateApiKey', () => {
  it.each([
    ['', /Enter the API key/],
    [undefined, /Enter the API key/],
    [42, /Enter the API key/],
    ['abc', /too short/],
    ['abcd efgh ijkl', /spaces or line breaks/],
    ['clé-non-ascii-1234', /never has/],
  ])('refuses %j', (key, message) => {
    const r = validateApiKey(key);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.message).toMatch(message);
  });

  it('refuses a 10 kB key, naming its length', () => {
    expect(validateApiKey('k'.repeat(10_240))).toEqual({ ok: false, message: expect.stringMatching(/10240 characters/) });
  });

  it('trims a pasted key', () => {
    expect(validateApiKey('  Yq8nL2pWx0aB7cD3eF9g\n')).toEqual({ ok: true, key: 'Yq8nL2pWx0aB7cD3eF9g' });
  });
});
