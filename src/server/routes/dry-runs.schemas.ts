import { errorBodySchema } from '../errors.ts';

const side = { type: 'string', enum: ['source', 'target'] } as const;
const file = { type: 'object', properties: { name: { type: 'string' }, size: { type: 'integer' } } } as const;
const fieldValue = { anyOf: [{ type: 'string' }, { type: 'number' }, { type: 'boolean' }, { type: 'null' }] } as const;

const plannedTicket = {
  type: 'object',
  properties: {
    side: { ...side, description: 'The side the ticket is on: the side whose change would be sent' },
    ticketId: { type: 'string' },
    displayId: { type: ['string', 'null'], description: 'As the platform shows it, e.g. INC-34' },
    originSubject: { type: ['string', 'null'], description: "The ticket's own subject" },
    action: {
      type: 'string',
      enum: ['create', 'update', 'skip', 'fail'],
      description:
        'create: a copy would be created; update: the linked copy would be written; skip: read, nothing to write; fail: the sync would fail this ticket (see error)',
    },
    target: {
      type: 'object',
      description: 'Where the writes would go: the linked copy, or ticketId null for a copy to be created',
      properties: { side, ticketId: { type: ['string', 'null'] } },
    },
    type: { type: 'string', description: 'Ticket type of a copy to be created' },
    fields: { type: 'object', additionalProperties: fieldValue, description: 'Form-field values that would be written, exactly' },
    subject: { type: 'string', description: 'Subject that would be written' },
    description: { type: 'string', description: 'The composed, sanitised HTML description that would be written' },
    comments: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          private: { type: 'boolean' },
          bodyPreview: { type: 'string', description: 'Text of the copy (first 1000 characters)' },
          attachments: { type: 'array', items: file },
        },
      },
    },
    attachments: { type: 'array', items: file, description: 'Ticket attachments that would be copied (not downloaded for the preview)' },
    requester: {
      type: 'object',
      description: 'Requester of a copy to be created: matched by e-mail, created, or the default requester',
      properties: { email: { type: ['string', 'null'] }, action: { type: 'string', enum: ['match', 'create', 'default'] } },
    },
    error: { type: 'string' },
    excluded: {
      type: 'string',
      description:
        "Only on the asking organisation's own tickets: why its filters (or reverse sync) keep this one back. The partner's kept-back tickets are not listed at all",
    },
  },
} as const;

export const dryRunSchemas = {
  create: {
    tags: ['sync'],
    summary: 'Dry run: what a sync from a start date would write, without writing anything to either platform',
    description:
      'Runs the sync engine with every platform write and every database change held back: reads reach both platforms, ' +
      'nothing is created, updated, linked or recorded. Synchronous and bounded: at most 500 tickets, no new ticket after 40 s, and at most ' +
      "SF_DRY_RUN_BUDGET_SHARE (default 20%) of each side's per-minute API budget; `truncated` and `stopped` say when and where it stopped (a real sync would go on). Admins of either side.",
    params: { type: 'object', required: ['id'], properties: { id: { type: 'string' } } },
    body: {
      type: 'object',
      required: ['since'],
      additionalProperties: false,
      properties: { since: { type: 'string', description: 'ISO 8601 date (2026-11-01) or date-time; not in the future' } },
    },
    response: {
      200: {
        type: 'object',
        properties: {
          since: { type: 'string', format: 'date-time' },
          tickets: { type: 'array', items: plannedTicket },
          counts: {
            type: 'object',
            properties: { create: { type: 'integer' }, update: { type: 'integer' }, fail: { type: 'integer' }, skip: { type: 'integer' } },
          },
          truncated: { type: 'boolean', description: 'The dry run stopped at its limit; a real sync would go on with more tickets' },
          stopped: {
            anyOf: [
              { type: 'null' },
              {
                type: 'object',
                properties: {
                  reason: {
                    type: 'string',
                    enum: ['budget', 'tickets', 'time'],
                    description: "budget: its share of a side's API budget (SF_DRY_RUN_BUDGET_SHARE); tickets: 500; time: 40 s",
                  },
                  message: {
                    type: 'string',
                    description: 'Where it stopped and why, e.g. "Stopped after 200 of 1,340 tickets …, to stay within 20% of Contoso\'s API budget …"',
                  },
                  side: { type: ['string', 'null'], enum: ['source', 'target', null] },
                  during: { type: 'string', enum: ['listing', 'screening', 'working'] },
                  listPage: {
                    type: ['integer', 'null'],
                    description: "The page of that side's changed-ticket list it was reading, when it stopped while listing",
                  },
                },
              },
            ],
            description: 'Null when everything in scope was previewed',
          },
          budgetShare: {
            type: ['number', 'null'],
            description: "The share of each side's per-minute API budget a dry run may spend (SF_DRY_RUN_BUDGET_SHARE)",
          },
          ticketsInScope: { type: 'integer', description: 'Tickets a sync from this date would look at (both sides, with retries and hints)' },
          ticketsPreviewed: { type: 'integer', description: 'Of those, worked by the dry run' },
        },
      },
      400: errorBodySchema,
      404: errorBodySchema,
      409: errorBodySchema,
    },
  },
} as const;
