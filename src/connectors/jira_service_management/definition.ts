import type { PlatformDefinition } from '../platform-definition.ts';
import { normaliseApiUrl, validateJiraCredentials } from './api-url.ts';
import type { JiraCredentials } from './api.ts';
import { jiraOAuthHttp, oauthTestResult, usesOAuth } from './auth.ts';
import { createJiraConnector } from './connector.ts';
import { jiraManifest } from './manifest.ts';
import { JIRA_SETTINGS } from './oauth-settings.ts';
import { testJiraConnection } from './test-connection.ts';
import { jiraWebhook } from './webhook.ts';

const hasInstanceApp = (instance: Record<string, string>) => !!instance[JIRA_SETTINGS.clientId] && !!instance[JIRA_SETTINGS.clientSecret];

const isBlank = (v: unknown) => v === undefined || v === null || (typeof v === 'string' && v.trim() === '');

const credsOf = (apiUrl: string, fields: Record<string, string>): JiraCredentials => ({ apiUrl, email: fields.email ?? '', apiToken: fields.apiToken ?? '' });

export const jiraServiceManagement: PlatformDefinition = {
  manifest: jiraManifest,
  normaliseApiUrl,
  // Both e-mail and API token, or neither: the OAuth way, connected from Settings, where the instance has an Atlassian app.
  validateCredentials: (fields, instance) => {
    if (!isBlank(fields.email) || !isBlank(fields.apiToken)) return validateJiraCredentials(fields);
    if (!instance || hasInstanceApp(instance)) return { ok: true, fields: {} };
    return {
      ok: false,
      field: 'email',
      message: `Enter the integration account's e-mail and API token. Connecting with OAuth 2.0 instead needs an Atlassian app on this Support Fusion instance (${JIRA_SETTINGS.clientId} and ${JIRA_SETTINGS.clientSecret}), which is not set.`,
    };
  },
  createConnector: (creds, opts) =>
    createJiraConnector(credsOf(creds.apiUrl, creds.fields), {
      ...opts,
      limits: opts.limits,
      ...(usesOAuth(creds.fields) ? { http: jiraOAuthHttp(jiraManifest, creds, opts, 'throw') } : {}),
    }),
  testConnection: async (creds, opts) => {
    if (!usesOAuth(creds.fields)) return testJiraConnection(credsOf(creds.apiUrl, creds.fields), opts);
    const http = jiraOAuthHttp(jiraManifest, creds, opts);
    return oauthTestResult(await testJiraConnection(credsOf(creds.apiUrl, creds.fields), { ...opts, http }), http);
  },
  ticketWebUrl: (origin, ticket) => `${origin}/browse/${encodeURIComponent(ticket.displayId)}`,
  webhook: jiraWebhook,
};
