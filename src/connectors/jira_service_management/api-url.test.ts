import { describe, expect, it } from 'vitest';
import { normaliseApiUrl, validateJiraCredentials } from './api-url.ts';

describe('normaliseApiUrl', () => {
  it.each([
    ['acme', 'https://acme.atlassian.net'],
    ['https://acme.atlassian.net', 'https://acme.atlassian.net'],
    ['  https://ACME.atlassian.net/ ', 'https://acme.atlassian.net'],
    ['acme.atlassian.net', 'https://acme.atlassian.net'],
    ['https://acme.atlassian.net/jira/servicedesk/projects/SUP/queues/custom/1', 'https://acme.atlassian.net'],
    ['https://acme.atlassian.net/browse/SUP-123', 'https://acme.atlassian.net'],
    ['https://acme.atlassian.net/rest/api/3', 'https://acme.atlassian.net'],
    ['https://acme.atlassian.net/rest/servicedeskapi/request', 'https://acme.atlassian.net'],
    ['https://acme.atlassian.net/jira/software/projects/KAN/boards/1?selectedIssue=KAN-5', 'https://acme.atlassian.net'],
  ])('%s → %s', (input, url) => {
    expect(normaliseApiUrl(input, { allowPrivate: false })).toEqual({ ok: true, url });
  });

  it.each([
    ['', /Enter your Jira site URL/],
    ['https://acme.atlassian.net/wiki/spaces', /Remove the path/],
    ['https://acme.atlassian.net/?x=1', /Remove the part after/],
    ['http://acme.atlassian.net', /only over HTTPS/],
    ['https://acme.atlassian.net:8443', /Remove the port/],
    ['https://api.atlassian.com/ex/jira/abc', /OAuth gateway/],
    ['https://id.atlassian.com', /account page/],
    ['https://a.b.atlassian.net', /one name before/],
    ['https://jira.example.com', /not a Jira Cloud address/],
    ['http://127.0.0.1:8080', /private or loopback/],
    ['http://169.254.169.254', /private or loopback/],
    ['https://user:pw@acme.atlassian.net', /user name or password/],
    ['acme .atlassian.net', /spaces/],
    ['ftp://acme.atlassian.net', /must start with https/],
  ])('%s is refused', (input, message) => {
    const r = normaliseApiUrl(input, { allowPrivate: false });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.message).toMatch(message);
  });

  it('accepts a private address only when allowed', () => {
    expect(normaliseApiUrl('http://127.0.0.1:8080/rest/api/3', { allowPrivate: true })).toEqual({ ok: true, url: 'http://127.0.0.1:8080' });
    expect(normaliseApiUrl('http://example.com', { allowPrivate: true }).ok).toBe(false);
  });
});

describe('validateJiraCredentials', () => {
  const token = 'ATATT3xFfGF0abcdefghijklmnop';
  it.each([
    [
      { email: ' ann@acme.io ', apiToken: ` ${token}\n` },
      { ok: true, fields: { email: 'ann@acme.io', apiToken: token } },
    ],
    [{ apiToken: token }, { ok: false, field: 'email' }],
    [
      { email: 'not-an-email', apiToken: token },
      { ok: false, field: 'email' },
    ],
    [{ email: 'ann@acme.io' }, { ok: false, field: 'apiToken' }],
    [
      { email: 'ann@acme.io', apiToken: 'ATATT3x Ff GF0abcdefghijk' },
      { ok: false, field: 'apiToken' },
    ],
    [
      { email: 'ann@acme.io', apiToken: 'short' },
      { ok: false, field: 'apiToken' },
    ],
    [
      { email: 'ann@acme.io', apiToken: 'x'.repeat(600) },
      { ok: false, field: 'apiToken' },
    ],
  ])('%j', (fields, expected) => {
    expect(validateJiraCredentials(fields)).toMatchObject(expected);
  });
});
