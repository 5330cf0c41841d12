import type { PlatformDefinition } from '../platform-definition.ts';
import { normaliseApiUrl, validateJiraCredentials } from './api-url.ts';
import type { JiraCredentials } from './api.ts';
import { createJiraConnector } from './connector.ts';
import { jiraManifest } from './manifest.ts';
import { testJiraConnection } from './test-connection.ts';
import { jiraWebhook } from './webhook.ts';

const credsOf = (apiUrl: string, fields: Record<string, string>): JiraCredentials => ({ apiUrl, email: fields.email ?? '', apiToken: fields.apiToken ?? '' });

export const jiraServiceManagement: PlatformDefinition = {
  manifest: jiraManifest,
  normaliseApiUrl,
  validateCredentials: validateJiraCredentials,
  createConnector: (creds, opts) => createJiraConnector(credsOf(creds.apiUrl, creds.fields), { ...opts, limits: opts.limits }),
  testConnection: (creds, opts) => testJiraConnection(credsOf(creds.apiUrl, creds.fields), opts),
  ticketWebUrl: (origin, ticket) => `${origin}/browse/${encodeURIComponent(ticket.displayId)}`,
  webhook: jiraWebhook,
};
