import { errorBodySchema } from '../errors.ts';

const runStatus = { type: 'string', enum: ['running', 'success', 'partial', 'failed', 'no_tickets'] } as const;

const stepCount = { type: 'object', properties: { planned: { type: 'integer' }, done: { type: 'integer' }, failed: { type: 'integer' } } } as const;

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
      description:
        "Set while a running run waits for API budget (the platform account's shared rate budget is used up): when it expects to go on. Waiting is not an error",
    },
    waitingReason: { type: ['string', 'null'], description: 'Why the run is waiting, while it is' },
    progress: {
      type: 'object',
      description: 'Live progress, written by the engine while the run works (at most every 500 ms); the last values stay after it ends',
      properties: {
        phase: { type: ['string', 'null'], enum: ['listing changes', 'screening tickets', 'syncing tickets', 'saving cursors', null] },
        ticketsSeen: {
          type: 'integer',
          description: "Tickets the run has to work (changes listed, retries, hints); tickets a side's filters keep back are not counted",
        },
        ticketsDone: { type: 'integer', description: 'Tickets worked so far' },
        steps: {
          type: 'object',
          description:
            "Planned and done by step; they add up: your listed tickets = your kept back + your travelling once screened; tickets.planned = both sides' travelling tickets; " +
            'planned = done + failed when a step is over. Absent for runs of older versions',
          properties: {
            yours: {
              type: 'object',
              description:
                "Your organisation's own tickets (only on the run's event stream): listed, screened against your filters, kept back by them (or failed before they applied), travelling",
              properties: { listed: { type: 'integer' }, screened: { type: 'integer' }, keptBack: { type: 'integer' }, travelling: { type: 'integer' } },
            },
            tickets: {
              ...stepCount,
              properties: {
                ...stepCount.properties,
                fromPartner: { type: ['integer', 'null'], description: "How many of the tickets worked are your partner's" },
              },
            },
            comments: { ...stepCount, description: 'Comments found to copy (both directions), copied, failed' },
            attachments: { ...stepCount, description: 'Ticket attachments found to copy, copied, failed' },
          },
        },
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
    id: { type: 'string', description: 'The row, for POST /sync-runs/:id/details/:detailId/retry' },
    subject: { type: ['string', 'null'], description: "The worked ticket's subject (plain text, at most 200 characters); null when it was not read" },
    sourceTicketUrl: {
      type: ['string', 'null'],
      description: "Opens the source ticket in its platform: your own side's, or the partner's while it shares ticket links",
    },
    targetTicketUrl: {
      type: ['string', 'null'],
      description: "Opens the target ticket in its platform: your own side's, or the partner's while it shares ticket links",
    },
    retryable: {
      type: 'boolean',
      description: "A failure you may retry (POST /sync-runs/:id/details/:detailId/retry): your own ticket's, or your partner's that your platform refused",
    },
  },
} as const;

export const runDetailSchema = detail;

/** A failed run's guidance for the reader's organisation (its own part: "your key was rejected" or "the partner's platform is failing"). */
const runFailure = {
  anyOf: [
    { type: 'null' },
    {
      type: 'object',
      description: 'Which side a failed run failed on, and what the reading organisation should do; null when not known',
      properties: {
        side: { type: 'string', enum: ['source', 'target'] },
        kind: { type: 'string', description: 'authentication, permission, network, timeout, not_configured, …' },
        yours: { type: 'boolean', description: "The side at fault is the reader's own" },
        organisation: { type: 'string', description: 'The organisation whose side failed' },
        message: { type: 'string', description: 'What to do, for the reading organisation' },
      },
    },
  ],
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
        cursor: { type: 'string', description: "The previous page's nextCursor, with the same filters; leave out for the newest runs" },
        limit: { type: 'string', pattern: '^[0-9]{1,4}$', description: 'Runs per page, 1–500 (default and most: 500)' },
      },
    },
    response: {
      200: {
        type: 'object',
        properties: {
          runs: { type: 'array', items: syncRunSchema },
          nextCursor: { type: ['string', 'null'], description: 'Pass as cursor for the next (older) page; null on the last page' },
        },
      },
      400: errorBodySchema,
    },
  },
  get: {
    tags: ['sync'],
    summary: 'One sync run with a detail row per ticket touched',
    params: uuidParam('id'),
    response: {
      200: { type: 'object', properties: { ...syncRunSchema.properties, failure: runFailure, details: { type: 'array', items: detail } } },
      404: errorBodySchema,
    },
  },
} as const;
