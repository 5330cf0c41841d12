import { errorBodySchema } from '../errors.ts';

/** JSON schemas of the notification channels API (shown in /api/docs). */
const kind = { type: 'string', enum: ['email', 'slack', 'teams', 'webhook'] } as const;

const settings = {
  type: 'object',
  additionalProperties: false,
  description:
    'Per kind. email: host, port (default 587), security (tls | starttls | none; default starttls), username, password (secret), from, to (1–20 addresses). ' +
    'slack, teams, webhook: url (secret; https, or http only with SF_ALLOW_PRIVATE_PLATFORM_URLS=1). On an update, omitted secrets are kept; an e-mail password null removes it.',
  properties: {
    host: { type: 'string', maxLength: 253 },
    port: { type: 'integer', minimum: 1, maximum: 65535 },
    security: { type: 'string', enum: ['tls', 'starttls', 'none'] },
    username: { type: ['string', 'null'], maxLength: 254 },
    password: { type: ['string', 'null'], maxLength: 1000 },
    from: { type: 'string', maxLength: 254 },
    to: { type: 'array', items: { type: 'string', maxLength: 254 }, maxItems: 20 },
    url: { type: 'string', maxLength: 2000 },
  },
} as const;

const channel = {
  type: 'object',
  required: ['id', 'kind', 'name', 'enabled', 'settings', 'secretHint', 'lastDelivery', 'createdAt', 'updatedAt'],
  properties: {
    id: { type: 'string' },
    kind,
    name: { type: 'string' },
    enabled: { type: 'boolean' },
    settings: {
      type: 'object',
      description: 'What is not secret: for e-mail host, port, security, username, from and to; empty for the others.',
      properties: {
        host: { type: 'string' },
        port: { type: 'integer' },
        security: { type: 'string' },
        username: { type: ['string', 'null'] },
        from: { type: 'string' },
        to: { type: 'array', items: { type: 'string' } },
      },
    },
    secretHint: { type: 'string', description: 'In place of the secret: "password set", or the URL’s host and last characters. Never the secret.' },
    lastDelivery: {
      type: ['object', 'null'],
      required: ['at', 'ok', 'error'],
      properties: { at: { type: 'string', format: 'date-time' }, ok: { type: 'boolean' }, error: { type: ['string', 'null'] } },
    },
    createdAt: { type: 'string', format: 'date-time' },
    updatedAt: { type: 'string', format: 'date-time' },
  },
} as const;

const idParams = { type: 'object', required: ['id'], properties: { id: { type: 'string', description: 'uuid' } } } as const;
const name = { type: 'string', minLength: 1, maxLength: 100 } as const;

export const notificationSchemas = {
  list: {
    tags: ['notifications'],
    summary: 'The organisation’s notification channels (any role; secrets are never returned)',
    response: {
      200: {
        type: 'object',
        required: ['channels', 'events'],
        properties: {
          channels: { type: 'array', items: channel },
          events: { type: 'array', items: { type: 'string' }, description: 'What is notified: connection.failing, connection.recovered.' },
          publicUrl: { type: ['string', 'null'], description: 'SF_PUBLIC_URL: the base of run links in messages; null: messages name the run instead.' },
        },
      },
      401: errorBodySchema,
    },
  },
  create: {
    tags: ['notifications'],
    summary: 'Add a notification channel (admin); a webhook’s signing secret is in this answer only',
    description:
      'Errors: 400 invalid_channel (with `field`). A webhook channel gets a signing secret generated here: messages carry ' +
      '`X-Support-Fusion-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<raw body>">` (docs/operations.md).',
    body: {
      type: 'object',
      required: ['kind', 'name', 'settings'],
      additionalProperties: false,
      properties: { kind, name, enabled: { type: 'boolean' }, settings },
    },
    response: {
      201: {
        ...channel,
        properties: { ...channel.properties, signingSecret: { type: 'string', description: 'Webhook channels: the signing secret, shown once.' } },
      },
      400: errorBodySchema,
      401: errorBodySchema,
      403: errorBodySchema,
    },
  },
  update: {
    tags: ['notifications'],
    summary: 'Change a notification channel (admin); secrets left out are kept',
    params: idParams,
    body: {
      type: 'object',
      required: ['name', 'settings'],
      additionalProperties: false,
      properties: { name, enabled: { type: 'boolean' }, settings },
    },
    response: { 200: channel, 400: errorBodySchema, 401: errorBodySchema, 403: errorBodySchema, 404: errorBodySchema },
  },
  remove: {
    tags: ['notifications'],
    summary: 'Remove a notification channel (admin)',
    params: idParams,
    response: {
      200: { type: 'object', required: ['id', 'removed'], properties: { id: { type: 'string' }, removed: { type: 'boolean' } } },
      401: errorBodySchema,
      403: errorBodySchema,
      404: errorBodySchema,
    },
  },
  rotateSecret: {
    tags: ['notifications'],
    summary: 'Replace a webhook channel’s signing secret (admin); the new one is in this answer only',
    params: idParams,
    response: {
      200: { type: 'object', required: ['id', 'signingSecret'], properties: { id: { type: 'string' }, signingSecret: { type: 'string' } } },
      400: errorBodySchema,
      401: errorBodySchema,
      403: errorBodySchema,
      404: errorBodySchema,
    },
  },
  test: {
    tags: ['notifications'],
    summary: 'Send a test message through a channel now (admin) and say what came of it',
    description:
      'Always 200 when the channel exists: `ok` false with `error` in words (SMTP authentication failed, host unreachable, 404 from Slack, a refused private address…).',
    params: idParams,
    response: {
      200: {
        type: 'object',
        required: ['ok', 'message'],
        properties: { ok: { type: 'boolean' }, message: { type: 'string' }, error: { type: 'string' } },
      },
      401: errorBodySchema,
      403: errorBodySchema,
      404: errorBodySchema,
    },
  },
} as const;
