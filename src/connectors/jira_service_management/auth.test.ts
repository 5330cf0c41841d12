import { describe, expect, it } from 'vitest';
import { cloudIdFor, usesOAuth } from './auth.ts';
import { jiraOAuthSettings } from './oauth-settings.ts';

const acme = { id: 'c-acme', url: 'https://acme.atlassian.net', name: 'acme' };
const other = { id: 'c-other', url: 'https://other.atlassian.net', name: 'other' };

describe('cloudIdFor', () => {
  it.each([
    { name: 'the saved site among several', site: 'https://acme.atlassian.net', resources: [other, acme], want: 'c-acme' },
    { name: 'case and a trailing slash do not matter', site: 'https://ACME.atlassian.net/', resources: [acme], want: 'c-acme' },
  ])('$name', ({ site, resources, want }) => {
    expect(cloudIdFor(site, resources)).toEqual({ ok: true, cloudId: want });
  });

  it.each([
    { name: 'another site granted', resources: [other], says: ['https://acme.atlassian.net', 'it may use https://other.atlassian.net'] },
    { name: 'no site granted', resources: [], says: ['https://acme.atlassian.net', 'no Jira site'] },
  ])('names the site when the app was not granted it: $name', ({ resources, says }) => {
    const r = cloudIdFor('https://acme.atlassian.net', resources);
    expect(r.ok).toBe(false);
    for (const s of says) expect(r.ok ? '' : r.message).toContain(s);
  });
});

describe('the way in', () => {
  it.each<{ fields: Record<string, string>; oauth: boolean }>([
    { fields: { email: 'a@b.co', apiToken: 'ATATT3x0123456789' }, oauth: false },
    { fields: { email: 'a@b.co', apiToken: 'ATATT3x0123456789', oauthAccessToken: 'at' }, oauth: false },
    { fields: {}, oauth: true },
    { fields: { oauthAccessToken: 'at', oauthRefreshToken: 'rt' }, oauth: true },
  ])('$fields signs in with OAuth: $oauth', ({ fields, oauth }) => {
    expect(usesOAuth(fields)).toBe(oauth);
  });

  it('uses Atlassian endpoints unless the instance points them at a simulator', () => {
    expect(jiraOAuthSettings.authorizeUrl('https://acme.atlassian.net')).toBe('https://auth.atlassian.com/authorize');
    expect(jiraOAuthSettings.tokenUrl('https://acme.atlassian.net', { SF_JIRA_OAUTH_AUTH_URL: 'http://127.0.0.1:9' })).toBe('http://127.0.0.1:9/oauth/token');
    expect(jiraOAuthSettings.scopes).toContain('offline_access');
    expect(jiraOAuthSettings.authorizeParams).toEqual({ audience: 'api.atlassian.com', prompt: 'consent' });
  });
});
