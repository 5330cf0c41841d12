import { errorBodySchema } from '../errors.ts';

const runStatus = { type: 'string', enum: ['running', 'success', 'partial', 'failed', 'no_tickets'] } as const;

export const syncRunSchema = {
  type: 'object',
  properties: {
    id: { type: 'string' },
    connectionId: { type: 'string' },
    trigger: { type: 'string', enum: ['manual', 'automatic', 'webhook', 'ticket'] },
    status: runStatus,
    since: { type: ['string', 'null'], format: 'date-time' },
    startedAt: { type: 'string', format: 'date-time' },
    finishedAt: { type: ['string', 'null'], format: 'date-time' },
    counts: {
      type: 'object',
      properties: { created: { type: 'integer' }, updated: { type: 'integer' }, closed: { type: 'integer' }, failed: { type: 'integer' } },
    },
    error: { type: ['string', 'null'], description: 'Why the run failed, for Failed runs' },
    waitingUntil: {
      type: ['string', 'null'],
      format: 'date-time',
      description: "Set while a running run waits for API budget (the platform account's shared rate budget is used up): when it expects to go on. Waiting is not an error",
    },
    waitingReason: { type: ['string', 'null'], description: 'Why the run is waiting, while it is' },
    progress: {
      type: 'object',
      description: 'Live progress, written by the engine while the run works (at most every 500 ms); the last values stay after it ends',
      properties: {
        phase: { type: ['string', 'null'], enum: ['listing changes', 'syncing tickets', 'saving cursors', null] },
        ticketsSeen: {
          type: 'integer',
          description: "Tickets the run has to work (changes listed, retries, hints); tickets a side's filters keep back are not counted",
        },
        ticketsDone: { type: 'integer', description: 'Tickets worked so far' },
      },
    },
  },
} as const;

const detail = {
  type: 'object',
  properties: {
    sourceTicketId: { type: ['string', 'null'] },
    targetTicketId: { type: ['string', 'null'] },
    outcome: { type: 'string', enum: ['created', 'updated', 'closed', 'failed'] },
    error: { type: ['string', 'null'] },
    failedComments: { type: 'integer' },
    failedAttachments: { type: 'integer' },
    ownerOnly: {
      type: 'boolean',
      description: 'The ticket (yours) failed before your filters had admitted it: only your organisation sees this row, and it is in no count',
    },
  },
} as const;

const uuidParam = (name: string) => ({ type: 'object', required: [name], properties: { [name]: { type: 'string' } } }) as const;

export const syncRunSchemas = {
  start: {
    tags: ['sync'],
    summary: 'Start a manual sync of a connection from a start date',
    params: uuidParam('id'),
    body: {
      type: 'object',
      required: ['since'],
      additionalProperties: false,
      properties: { since: { type: 'string', description: 'ISO 8601 date (2026-11-01) or date-time; not in the future' } },
    },
    response: {
      202: { type: 'object', properties: { id: { type: 'string' }, status: runStatus } },
      400: errorBodySchema,
      404: errorBodySchema,
      409: errorBodySchema,
    },
  },
  list: {
    tags: ['sync'],
    summary: 'Sync history, newest first (default: the last 7 days)',
    querystring: {
      type: 'object',
      additionalProperties: false,
      properties: {
        connection: { type: 'string' },
        status: { type: 'string' },
        from: { type: 'string', description: 'ISO 8601; default 7 days ago' },
        to: { type: 'string', description: 'ISO 8601; default now' },
      },
    },
    response: { 200: { type: 'object', properties: { runs: { type: 'array', items: syncRunSchema } } }, 400: errorBodySchema },
  },
  get: {
    tags: ['sync'],
    summary: 'One sync run with a detail row per ticket touched',
    params: uuidParam('id'),
    response: {
      200: { type: 'object', properties: { ...syncRunSchema.properties, details: { type: 'array', items: detail } } },
      404: errorBodySchema,
    },
  },
} as const;
