import { errorBodySchema } from '../errors.ts';

/** JSON schemas of the webhook API (shown in /api/docs). */
const idParams = { type: 'object', required: ['id'], properties: { id: { type: 'string', description: 'Connection id (uuid)' } } } as const;
const webhookUrl = {
  type: 'object',
  required: ['url'],
  properties: {
    url: {
      type: 'string',
      description: 'Absolute URL with a secret token, to paste into a Freshservice "Trigger Webhook" action. Treat it like a password.',
    },
    unreachable: {
      type: ['string', 'null'],
      description: 'Why Freshservice cannot call this URL (its host is loopback, private or a local-only name: set SF_PUBLIC_URL), or null when it may.',
    },
    lastEvent: {
      description: 'The last call of this URL (null: none yet, or none since it was rotated). reason says why it was refused, as the caller was told.',
      anyOf: [
        { type: 'null' },
        {
          type: 'object',
          required: ['receivedAt', 'accepted', 'reason'],
          properties: { receivedAt: { type: 'string', format: 'date-time' }, accepted: { type: 'boolean' }, reason: { type: ['string', 'null'] } },
        },
      ],
    },
  },
} as const;
const errors = { 401: errorBodySchema, 403: errorBodySchema, 404: errorBodySchema } as const;

export const webhookSchemas = {
  get: {
    tags: ['webhooks'],
    summary: "Your side's webhook URL for this connection (created on first call; the partner never sees it)",
    description:
      'Each organisation of an active connection has its own URL. Errors: 404 not_found (no such connection for your organisation), ' +
      '409 connection_not_active (still pending), 409 webhook_unreadable (the stored token cannot be decrypted: rotate it).',
    params: idParams,
    response: { 200: webhookUrl, ...errors, 409: errorBodySchema },
  },
  rotate: {
    tags: ['webhooks'],
    summary: "Replace your side's webhook URL; the previous one stops working at once",
    params: idParams,
    response: { 200: webhookUrl, ...errors, 409: errorBodySchema },
  },
  hook: {
    tags: ['webhooks'],
    summary: 'Freshservice calls this when a ticket changes: queues a sync of that ticket (no session; the token is the credential)',
    description:
      'Body: a JSON object with ticket_id (a positive whole number, its digits as a string, or the display form "INC-123" / "#SR-45"); ' +
      'Freshservice: Advanced (JSON) content {"ticket_id": "{{ticket.id_numeric}}"}. Other fields are ignored. The payload is ' +
      'only a hint: the ticket is read again through the API before it is synced. 202 {"status":"accepted"} for a valid token; ' +
      '404 not_found for any token that does not belong to an active connection; 400 for a body without a usable ticket_id; ' +
      '429 too_many_attempts with Retry-After above 60 calls a minute per URL, or after 60 unknown tokens a minute from one address.',
    security: [],
    params: { type: 'object', required: ['token'], properties: { token: { type: 'string' } } },
    response: {
      202: { type: 'object', required: ['status'], properties: { status: { type: 'string', enum: ['accepted'] } } },
      400: errorBodySchema,
      404: errorBodySchema,
      413: errorBodySchema,
      415: errorBodySchema,
      429: errorBodySchema,
    },
  },
} as const;
