import { errorBodySchema } from '../errors.ts';

/** JSON schemas of the webhook API (shown in /api/docs). */
const idParams = { type: 'object', required: ['id'], properties: { id: { type: 'string', description: 'Connection id (uuid)' } } } as const;
const webhookUrl = {
  type: 'object',
  required: ['url'],
  properties: {
    url: {
      type: 'string',
      description:
        "Absolute URL with a secret token, to paste into the platform's automation (setup says where); its path names the side's platform. Treat it like a password.",
    },
    unreachable: {
      type: ['string', 'null'],
      description: 'Why the platform cannot call this URL (its host is loopback, private or a local-only name: set SF_PUBLIC_URL), or null when it may.',
    },
    setup: {
      description: "How to set the hook up on the caller's platform (from its manifest), with the URL in place; null when the platform has no webhooks.",
      anyOf: [
        { type: 'null' },
        {
          type: 'object',
          required: ['steps', 'body', 'verification'],
          properties: {
            steps: { type: 'array', items: { type: 'string' } },
            body: { type: ['string', 'null'], description: 'The request body the platform must send, when it is typed in by hand' },
            verification: { type: 'string', enum: ['url-token', 'hmac-sha256', 'hmac-sha1', 'basic'] },
          },
        },
      ],
    },
    signingSecret: {
      type: 'string',
      description:
        'For platforms that sign their calls (setup.verification other than url-token): the secret to enter on the platform. Rotating the URL replaces it.',
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
    summary: 'The platform calls this when a ticket changes: queues a sync of the tickets it names (no session; the token is the credential)',
    description:
      "platform: the side's platform id (as in the URL GET …/webhook answers; another platform's id answers like an unknown token). " +
      "The body is the platform's own (GET …/webhook setup.body says what to send where it is typed by hand); " +
      'platforms that sign their calls are checked against the ' +
      "URL's signing secret (401 invalid_signature). Ticket ids are opaque (1 to 255 characters, at most 100 a call). The payload is " +
      'only a hint: the tickets are read again through the API before they are synced. 202 {"status":"accepted"} for a valid token; ' +
      '404 not_found for any token that does not belong to an active connection of that platform; 400 for a body that names no usable ticket; ' +
      '429 too_many_attempts with Retry-After above 60 calls a minute per URL, or after 60 unknown tokens a minute from one address.',
    security: [],
    params: { type: 'object', required: ['platform', 'token'], properties: { platform: { type: 'string' }, token: { type: 'string' } } },
    response: {
      202: { type: 'object', required: ['status'], properties: { status: { type: 'string', enum: ['accepted'] } } },
      400: errorBodySchema,
      401: errorBodySchema,
      404: errorBodySchema,
      413: errorBodySchema,
      415: errorBodySchema,
      429: errorBodySchema,
    },
  },
} as const;
