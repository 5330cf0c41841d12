import { errorBodySchema } from '../errors.ts';

/** JSON schemas of the API tokens API (shown in /api/docs). */
const role = { type: 'string', enum: ['admin', 'member', 'viewer'] } as const;

const token = {
  type: 'object',
  required: ['id', 'name', 'role', 'hint', 'owner', 'createdAt', 'expiresAt', 'lastUsedAt', 'expired', 'you'],
  properties: {
    id: { type: 'string' },
    name: { type: 'string' },
    role: { ...role, description: 'The most the token may do; it acts with the lower of this and its owner’s current role.' },
    hint: { type: 'string', description: 'The first characters of the secret (sfp_ and 4 more), to tell tokens apart.' },
    owner: { type: 'object', required: ['id', 'email'], properties: { id: { type: 'string' }, email: { type: 'string' } } },
    createdAt: { type: 'string', format: 'date-time' },
    expiresAt: { type: ['string', 'null'], format: 'date-time', description: 'null: does not expire.' },
    lastUsedAt: { type: ['string', 'null'], format: 'date-time', description: 'Updated at most once a minute.' },
    expired: { type: 'boolean' },
    you: { type: 'boolean', description: 'The caller owns this token.' },
  },
} as const;

export const apiTokenSchemas = {
  list: {
    tags: ['api tokens'],
    summary: 'API tokens not revoked: your own, or every token of the organisation for an admin',
    response: { 200: { type: 'object', required: ['tokens'], properties: { tokens: { type: 'array', items: token } } }, 401: errorBodySchema },
  },
  create: {
    tags: ['api tokens'],
    summary: 'Create an API token with a role no higher than yours; the secret is in this answer only',
    description:
      'Send the secret as `Authorization: Bearer sfp_…`. Only its SHA-256 is stored. Errors: 403 token_role_too_high (a role above yours), ' +
      '403 api_token_not_allowed (the request itself was made with an API token: tokens cannot make tokens), 400 invalid_expiry.',
    body: {
      type: 'object',
      required: ['name', 'role'],
      additionalProperties: false,
      properties: {
        name: { type: 'string', minLength: 1, maxLength: 100 },
        role,
        expiresAt: { type: ['string', 'null'], format: 'date-time', description: 'In the future; omitted or null: the token does not expire.' },
      },
    },
    response: {
      201: {
        ...token,
        required: [...token.required, 'token'],
        properties: { ...token.properties, token: { type: 'string', description: 'The secret: shown once.' } },
      },
      400: errorBodySchema,
      401: errorBodySchema,
      403: errorBodySchema,
    },
  },
  revoke: {
    tags: ['api tokens'],
    summary: 'Revoke an API token: your own, or any of the organisation’s for an admin; it stops working at once',
    params: { type: 'object', required: ['id'], properties: { id: { type: 'string', description: 'uuid' } } },
    response: {
      200: { type: 'object', required: ['id', 'revoked'], properties: { id: { type: 'string' }, revoked: { type: 'boolean' } } },
      401: errorBodySchema,
      403: errorBodySchema,
      404: errorBodySchema,
    },
  },
} as const;
