import { errorBodySchema } from '../errors.ts';

const choice = {
  type: 'object',
  required: ['value', 'label'],
  properties: {
    value: { anyOf: [{ type: 'string' }, { type: 'number' }] },
    label: { type: 'string' },
    category: { type: 'string', description: 'Status choices: new, open, pending, resolved or closed (where the status stands on any platform)' },
    parent: { anyOf: [{ type: 'string' }, { type: 'number' }], description: 'Dependent picklists: the parent field value this choice belongs to' },
  },
} as const;

const fieldDefinition = {
  type: 'object',
  required: ['name', 'label', 'kind', 'choices', 'requiredForClosure'],
  properties: {
    name: { type: 'string' },
    label: { type: 'string' },
    kind: { type: 'string', enum: ['picklist', 'text', 'number', 'boolean', 'date', 'reference', 'other'] },
    choices: { type: 'array', items: choice },
    requiredForClosure: { type: 'boolean' },
    requiredForAgents: { type: 'boolean', description: 'The platform refuses a new ticket without a value for it: a default or a mapping must give one' },
    alwaysFilled: { type: 'boolean', description: 'Every created ticket has a value for it anyway (subject, requester, status, ...): needs no default' },
    role: { type: 'string', description: 'What the field means whatever it is called (status, priority, type, group, ...)' },
    dependsOn: { type: 'string', description: "Dependent picklists: the field whose value decides this one's choices" },
  },
} as const;

const fieldsSide = {
  type: 'object',
  required: ['fields', 'error'],
  properties: {
    fields: { type: 'array', items: fieldDefinition },
    platform: {
      type: 'string',
      description: 'The side’s platform id (GET /platforms) when its fields were read; values are mapped by meaning only between two different platforms',
    },
    creatableTypes: {
      anyOf: [{ type: 'null' }, { type: 'array', items: { type: 'string' } }],
      description: 'Ticket types this platform can create through its API (the first is used instead of any other); null: any type, or not known',
    },
    error: {
      anyOf: [{ type: 'null' }, { type: 'object', required: ['code', 'message'], properties: { code: { type: 'string' }, message: { type: 'string' } } }],
      description:
        'Why this side’s fields could not be loaded: partner_not_connected, not_configured, credentials_unreadable, or a platform error kind (authentication, permission, network, timeout, rate_limited, ...).',
    },
    fetchedAt: { type: 'string', format: 'date-time', description: 'When these fields were read from the platform (they are kept a few minutes)' },
  },
} as const;

export const fieldsSchemas = {
  fields: {
    tags: ['connections'],
    summary: "A side's (or both sides') ticket form fields with picklist choices, roles and status categories, from the field cache",
    description:
      'Fields are read with each side’s credentials and kept a few minutes (shared by every process); refresh=1 reads them from the platform now. ' +
      'With side, only that side is answered. Either organisation of the connection may read both sides.',
    params: { type: 'object', required: ['id'], properties: { id: { type: 'string', description: 'Connection id (uuid)' } } },
    querystring: {
      type: 'object',
      properties: {
        side: { type: 'string', enum: ['source', 'target'], description: 'Only this side (default: both)' },
        refresh: { type: 'string', enum: ['0', '1'], description: '1: read from the platform now instead of the cache' },
      },
      additionalProperties: false,
    },
    response: {
      200: { type: 'object', properties: { source: fieldsSide, target: fieldsSide } },
      400: errorBodySchema,
      401: errorBodySchema,
      403: errorBodySchema,
      404: errorBodySchema,
    },
  },
} as const;
