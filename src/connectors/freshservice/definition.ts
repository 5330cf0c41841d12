import type { PlatformDefinition } from '../platform-definition.ts';
import { normaliseApiUrl, validateApiKey } from './api-url.ts';
import { createFreshserviceConnector } from './connector.ts';
import { freshserviceManifest } from './manifest.ts';
import { testFreshserviceConnection } from './test-connection.ts';
import { freshserviceWebhook } from './webhook.ts';

const apiKeyOf = (fields: Record<string, string>) => fields.apiKey ?? '';

export const freshservice: PlatformDefinition = {
  manifest: freshserviceManifest,
  normaliseApiUrl,
  validateCredentials(fields) {
    const key = validateApiKey(fields.apiKey);
    return key.ok ? { ok: true, fields: { apiKey: key.key } } : { ok: false, field: 'apiKey', message: key.message };
  },
  createConnector: (creds, opts) => createFreshserviceConnector({ apiUrl: creds.apiUrl, apiKey: apiKeyOf(creds.fields) }, opts),
  testConnection: (creds, opts) => testFreshserviceConnection({ apiUrl: creds.apiUrl, apiKey: apiKeyOf(creds.fields) }, opts),
  // The agent portal shows a ticket at /a/tickets/<id> on the account's own host (API v2 allows no vanity domain).
  ticketWebUrl: (origin, ticket) => `${origin}/a/tickets/${encodeURIComponent(ticket.id)}`,
  webhook: freshserviceWebhook,
};
