import { errorBodySchema } from '../errors.ts';

const side = { type: 'string', enum: ['source', 'target'] } as const;

const params = {
  type: 'object',
  required: ['id', 'side', 'ticketId'],
  properties: {
    id: { type: 'string', description: 'Connection id' },
    side: { type: 'string', description: 'source or target: whose helpdesk the ticket is in' },
    ticketId: { type: 'string', description: "The ticket's id on that side's platform" },
  },
} as const;

const request = {
  type: 'object',
  properties: {
    side,
    call: { type: 'string', description: 'The connector call, e.g. getTicket, createTicket, updateTicket, addComment' },
    ref: { type: ['string', 'null'], description: 'What it was about (ticket #42, a file name)' },
    ok: { type: 'boolean' },
    result: { type: 'string', description: 'What came back in a few words, or the error' },
    ms: { type: 'integer' },
  },
} as const;

const event = {
  type: 'object',
  properties: {
    id: { type: 'string' },
    at: { type: 'string', format: 'date-time' },
    runId: { type: ['string', 'null'] },
    side,
    ticketId: { type: 'string', description: 'The ticket the engine was working (this one or its linked counterpart)' },
    kind: {
      type: 'string',
      description:
        'read, mapped, written, comment_copied, attachment_copied, retried, failed, skipped_unchanged, skipped_echo, skipped_filtered, skipped_missing, requested (a person asked for Retry or Resync)',
    },
    summary: { type: 'string' },
    requests: { type: 'array', items: request },
    outcome: { type: ['string', 'null'], description: "On a pass's last step: created, updated, closed, failed or unchanged" },
    subject: { type: ['string', 'null'], description: "The worked ticket's subject when the step was recorded (plain text, at most 200 characters)" },
  },
} as const;

const url = {
  type: ['string', 'null'],
  description: "Opens the ticket in its platform: your own side's, or the partner's while it shares ticket links",
} as const;
const ref = { type: 'object', properties: { side, id: { type: 'string' }, url } } as const;

const started = {
  202: { type: 'object', properties: { id: { type: 'string', description: 'The run started for it' }, status: { type: 'string' } } },
  400: errorBodySchema,
  403: errorBodySchema,
  404: errorBodySchema,
  409: errorBodySchema,
} as const;

export const ticketTimelineSchemas = {
  timeline: {
    tags: ['sync'],
    summary: "A ticket's timeline: every step the sync took for it and its linked copy, newest first (kept SF_RETENTION_DAYS, 90 by default; at most 200)",
    params,
    response: {
      200: {
        type: 'object',
        properties: {
          ticket: {
            type: 'object',
            properties: {
              side,
              id: { type: 'string' },
              url,
              linked: { anyOf: [ref, { type: 'null' }] },
              lastOutcome: { type: ['string', 'null'] },
              retry: {
                anyOf: [
                  {
                    type: 'object',
                    properties: { side, ticketId: { type: 'string' }, attempts: { type: 'integer' }, lastError: { type: ['string', 'null'] } },
                  },
                  { type: 'null' },
                ],
              },
            },
          },
          events: { type: 'array', items: event },
        },
      },
      400: errorBodySchema,
      404: errorBodySchema,
    },
  },
  retry: {
    tags: ['sync'],
    summary: 'Retry a ticket: it joins the retry set and a run is started that works it (member or admin)',
    params,
    response: started,
  },
  resync: {
    tags: ['sync'],
    summary: "Resync a linked ticket: the original's mapped fields are written to its copy again, in a run started for it (member or admin)",
    params,
    response: started,
  },
} as const;
