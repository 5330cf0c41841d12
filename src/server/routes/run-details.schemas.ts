import { errorBodySchema } from '../errors.ts';
import { runDetailSchema } from './sync-runs.schemas.ts';

const runParam = { type: 'object', required: ['id'], properties: { id: { type: 'string', description: 'Sync run id' } } } as const;

const started = {
  type: 'object',
  properties: {
    id: { type: 'string', description: 'The run started to work the tickets again' },
    status: { type: 'string' },
    tickets: { type: 'integer', description: 'Tickets queued for the retry' },
  },
} as const;

export const runDetailSchemas = {
  page: {
    tags: ['sync'],
    summary: "A run's ticket rows a page at a time, searchable (the rows your organisation may see)",
    params: runParam,
    querystring: {
      type: 'object',
      additionalProperties: false,
      properties: {
        cursor: { type: 'string', description: "The previous page's nextCursor, with the same q and outcome" },
        limit: { type: 'string', pattern: '^[0-9]{1,4}$', description: 'Rows per page, 1–1000 (default 200)' },
        q: { type: 'string', maxLength: 200, description: 'Every word must match: a ticket number (either side, exactly), or text of the subject or error' },
        outcome: { type: 'string', enum: ['created', 'updated', 'closed', 'failed'] },
      },
    },
    response: {
      200: {
        type: 'object',
        properties: {
          details: { type: 'array', items: runDetailSchema },
          nextCursor: { type: ['string', 'null'], description: 'Pass as cursor for the next page; null on the last page' },
        },
      },
      400: errorBodySchema,
      404: errorBodySchema,
    },
  },
  csv: {
    tags: ['sync'],
    summary: "A run's ticket rows as CSV (the rows your organisation may see; cells that a spreadsheet would take for a formula start with ')",
    params: runParam,
    response: {
      200: { description: 'CSV, UTF-8 with a byte order mark, one header line', content: { 'text/csv': { schema: { type: 'string' } } } },
      404: errorBodySchema,
    },
  },
  retryFailed: {
    tags: ['sync'],
    summary: 'Retry every failed ticket of a run that your organisation may see, in one run started for them (member or admin)',
    params: runParam,
    response: { 202: started, 403: errorBodySchema, 404: errorBodySchema, 409: errorBodySchema },
  },
  retryDetail: {
    tags: ['sync'],
    summary:
      "Retry the ticket of one failed row of a run (member or admin): your own tickets, and your partner's that your platform refused (403 not_yours_to_retry for a failure on the partner's side)",
    params: {
      type: 'object',
      required: ['id', 'detailId'],
      properties: { id: { type: 'string', description: 'Sync run id' }, detailId: { type: 'string', description: 'The row id (details[].id)' } },
    },
    response: { 202: started, 403: errorBodySchema, 404: errorBodySchema, 409: errorBodySchema },
  },
} as const;
