import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config/env.ts';

/** Instance settings platforms read (an Atlassian OAuth app and its endpoints): checked at start-up, handed over by name. */
const message = (env: Record<string, string>) => {
  try {
    loadConfig(env);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as Error).message;
  }
  throw new Error('expected a ConfigError');
};

describe('platform settings', () => {
  it('are handed over by name when set, and absent otherwise', () => {
    expect(loadConfig({}).platformSettings).toEqual({});
    const env = {
      SF_JIRA_OAUTH_CLIENT_ID: 'Abc123def456ghi789',
      SF_JIRA_OAUTH_CLIENT_SECRET: 'ATOA-secret-value-0001',
      SF_JIRA_API_GATEWAY_URL: 'http://127.0.0.1:4010',
    };
    expect(loadConfig(env).platformSettings).toEqual(env);
  });

  it.each<{ env: Record<string, string>; says: string }>([
    { env: { SF_JIRA_OAUTH_CLIENT_ID: 'Abc123def456ghi789' }, says: 'SF_JIRA_OAUTH_CLIENT_SECRET: must be set too when SF_JIRA_OAUTH_CLIENT_ID is' },
    { env: { SF_JIRA_OAUTH_CLIENT_SECRET: 'ATOA-secret-value-0001' }, says: 'SF_JIRA_OAUTH_CLIENT_ID: must be set too' },
    { env: { SF_JIRA_OAUTH_AUTH_URL: 'https://auth.atlassian.com/authorize' }, says: 'SF_JIRA_OAUTH_AUTH_URL: must be an origin' },
    { env: { SF_JIRA_OAUTH_CLIENT_ID: 'has spaces in it', SF_JIRA_OAUTH_CLIENT_SECRET: 'ATOA-secret-value-0001' }, says: 'Client ID' },
  ])('refuses $env', ({ env, says }) => {
    expect(message(env)).toContain(says);
  });

  it('never echoes the client secret', () => {
    const text = message({ SF_JIRA_OAUTH_CLIENT_ID: 'Abc123def456ghi789', SF_JIRA_OAUTH_CLIENT_SECRET: 'short secret' });
    expect(text).not.toContain('short secret');
    expect(text).toContain('a value of 12 characters');
  });
});
