import { errorBodySchema } from '../errors.ts';

/** JSON schemas of the members and invitations API (shown in /api/docs). */
const role = { type: 'string', enum: ['admin', 'member', 'viewer'] } as const;
const idParams = { type: 'object', required: ['id'], properties: { id: { type: 'string', description: 'uuid' } } } as const;
const tokenParams = {
  type: 'object',
  required: ['token'],
  properties: { token: { type: 'string', description: 'The secret token of the invitation link' } },
} as const;
const errors = { 400: errorBodySchema, 401: errorBodySchema, 403: errorBodySchema, 404: errorBodySchema } as const;

const member = {
  type: 'object',
  required: ['id', 'email', 'name', 'role', 'createdAt', 'you'],
  properties: {
    id: { type: 'string' },
    email: { type: 'string' },
    name: { type: ['string', 'null'] },
    role,
    createdAt: { type: 'string', format: 'date-time' },
    you: { type: 'boolean', description: 'This member is the caller.' },
  },
} as const;

const invitation = {
  type: 'object',
  required: ['id', 'role', 'email', 'createdAt', 'expiresAt'],
  properties: {
    id: { type: 'string' },
    role,
    email: { type: ['string', 'null'] },
    createdAt: { type: 'string', format: 'date-time' },
    expiresAt: { type: 'string', format: 'date-time' },
  },
} as const;

const user = {
  type: 'object',
  properties: {
    organisation: { type: 'object', properties: { id: { type: 'string' }, name: { type: 'string' } } },
    user: { type: 'object', properties: { id: { type: 'string' }, email: { type: 'string' }, role } },
    token: { type: 'string', description: 'Bearer token, as POST /session returns; the session cookie is set too.' },
  },
} as const;

export const memberSchemas = {
  list: {
    tags: ['members'],
    summary: "The organisation's members and their roles",
    response: { 200: { type: 'object', required: ['members'], properties: { members: { type: 'array', items: member } } }, 401: errorBodySchema },
  },
  patch: {
    tags: ['members'],
    summary: "Change a member's role (admins); the organisation always keeps at least one admin",
    description: 'Errors: 404 not_found, 409 last_admin (the only administrator cannot be made member or viewer).',
    params: idParams,
    body: { type: 'object', required: ['role'], additionalProperties: false, properties: { role } },
    response: { 200: member, ...errors, 409: errorBodySchema },
  },
  remove: {
    tags: ['members'],
    summary: 'Remove a member (admins); their sessions end at once',
    description: 'Errors: 404 not_found, 409 last_admin (the only administrator cannot be removed).',
    params: idParams,
    response: { 200: { type: 'object', properties: { id: { type: 'string' }, removed: { type: 'boolean' } } }, ...errors, 409: errorBodySchema },
  },
  resetPassword: {
    tags: ['members'],
    summary: "Reset a member's password (admins): a temporary password, shown once; the member's sessions end",
    description:
      'Give the temporary password to the member over a channel you trust; they log in with it and set their own on the Account page. Errors: 404 not_found, 409 own_password (change your own on the Account page).',
    params: idParams,
    response: {
      200: {
        type: 'object',
        required: ['id', 'email', 'temporaryPassword', 'sessionsEnded'],
        properties: { id: { type: 'string' }, email: { type: 'string' }, temporaryPassword: { type: 'string' }, sessionsEnded: { type: 'integer' } },
      },
      ...errors,
      409: errorBodySchema,
    },
  },
  invite: {
    tags: ['members'],
    summary: 'Create a one-time invitation link with a role (admins); valid 7 days',
    description: 'Only a hash of the token is stored: the link is shown once. With an e-mail, only that address can accept it.',
    body: {
      type: 'object',
      required: ['role'],
      additionalProperties: false,
      properties: { role, email: { type: 'string', maxLength: 254 } },
    },
    response: {
      201: {
        type: 'object',
        required: ['id', 'url', 'expiresAt'],
        properties: {
          id: { type: 'string' },
          url: { type: 'string' },
          role,
          email: { type: ['string', 'null'] },
          expiresAt: { type: 'string', format: 'date-time' },
        },
      },
      ...errors,
    },
  },
  invitations: {
    tags: ['members'],
    summary: 'Pending invitations (admins): not yet accepted, revoked or expired',
    response: {
      200: { type: 'object', required: ['invitations'], properties: { invitations: { type: 'array', items: invitation } } },
      401: errorBodySchema,
      403: errorBodySchema,
    },
  },
  revoke: {
    tags: ['members'],
    summary: 'Revoke a pending invitation (admins); its link stops working',
    params: idParams,
    response: { 200: { type: 'object', properties: { id: { type: 'string' }, revoked: { type: 'boolean' } } }, ...errors },
  },
  preview: {
    tags: ['members'],
    summary: 'What an invitation link is for (no session): organisation name and role; 404 once used, revoked or expired',
    security: [],
    params: tokenParams,
    response: {
      200: {
        type: 'object',
        properties: {
          organisation: { type: 'object', properties: { name: { type: 'string' } } },
          role,
          email: { type: ['string', 'null'] },
          expiresAt: { type: 'string', format: 'date-time' },
        },
      },
      404: errorBodySchema,
      410: errorBodySchema,
      429: errorBodySchema,
    },
  },
  accept: {
    tags: ['members'],
    summary: 'Accept an invitation (no session): creates the user in the organisation and logs them in',
    description:
      'The token works once. Errors: 404 invitation_not_found (used, revoked, expired or unknown), 410 invitation_withdrawn (its creator is no longer an admin), 409 email_taken, 400 for a bad e-mail or password.',
    security: [],
    params: tokenParams,
    body: {
      type: 'object',
      required: ['email', 'password'],
      additionalProperties: false,
      properties: { email: { type: 'string', maxLength: 254 }, password: { type: 'string', maxLength: 200 }, name: { type: 'string', maxLength: 200 } },
    },
    response: { 201: user, 400: errorBodySchema, 404: errorBodySchema, 409: errorBodySchema, 410: errorBodySchema, 429: errorBodySchema },
  },
} as const;
