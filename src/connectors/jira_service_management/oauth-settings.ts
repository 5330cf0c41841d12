/**
 * The instance settings of Jira's OAuth 2.0 (3LO) way in, and 3LO as Atlassian runs it [jira-api.md §1.3]
 * (kept apart from auth.ts so the manifest can name them without importing the connector).
 */
import type { InstanceSettings, OAuthSettings } from '../../core/platform-manifest.ts';

/** The instance settings (environment variables) of the Atlassian app and of the endpoints a simulator replaces. */
export const JIRA_SETTINGS = {
  clientId: 'SF_JIRA_OAUTH_CLIENT_ID',
  clientSecret: 'SF_JIRA_OAUTH_CLIENT_SECRET',
  authUrl: 'SF_JIRA_OAUTH_AUTH_URL',
  gatewayUrl: 'SF_JIRA_API_GATEWAY_URL',
} as const;

const AUTH_ORIGIN = 'https://auth.atlassian.com';
const GATEWAY_ORIGIN = 'https://api.atlassian.com';

const authOrigin = (instance: InstanceSettings = {}) => (instance[JIRA_SETTINGS.authUrl] ?? AUTH_ORIGIN).replace(/\/+$/, '');
export const gatewayOrigin = (instance: InstanceSettings = {}) => (instance[JIRA_SETTINGS.gatewayUrl] ?? GATEWAY_ORIGIN).replace(/\/+$/, '');

/** 3LO as Atlassian runs it [§1.3]: audience and consent prompt on authorize, offline_access for a refresh token, rotating refresh tokens. */
export const jiraOAuthSettings: OAuthSettings = {
  authorizeUrl: (_site, instance) => `${authOrigin(instance)}/authorize`,
  tokenUrl: (_site, instance) => `${authOrigin(instance)}/oauth/token`,
  scopes: [
    'read:jira-work',
    'write:jira-work',
    'read:jira-user',
    'manage:jira-webhook',
    'read:servicedesk-request',
    'write:servicedesk-request',
    'manage:servicedesk-customer',
    'offline_access',
  ],
  pkce: false,
  refreshRotates: true,
  // Not credential fields: the app is the instance's (instanceClient).
  clientIdField: 'oauthClientId',
  clientSecretField: 'oauthClientSecret',
  authorizeParams: { audience: 'api.atlassian.com', prompt: 'consent' },
  instanceClient: { idSetting: JIRA_SETTINGS.clientId, secretSetting: JIRA_SETTINGS.clientSecret },
};
