import type { FastifyInstance } from 'fastify';
import { findTickets } from '../../db/repositories/ticket-find.ts';
import { requireUser } from '../auth.ts';
import type { AppContext } from '../context.ts';
import { ApiError, errorBodySchema } from '../errors.ts';

const side = { type: 'string', enum: ['source', 'target'] } as const;

const findSchema = {
  tags: ['sync'],
  summary: 'Find a ticket by its number across your connections',
  description:
    'Looks the number up in the sync records of every connection your organisation takes part in: tickets linked to a copy ' +
    "(yours or your partner's, on either side), and your own tickets the sync recorded without a copy. " +
    "Your partner's tickets that were never copied are not found. Accepts 123, #123 or INC-123 (any letters-and-dash prefix).",
  querystring: {
    type: 'object',
    required: ['number'],
    additionalProperties: false,
    properties: { number: { type: 'string', maxLength: 64, description: 'The ticket number: 123, #123 or INC-123' } },
  },
  response: {
    200: {
      type: 'object',
      properties: {
        number: { type: 'string', description: 'The ticket id looked for (the number without # or prefix)' },
        matches: {
          type: 'array',
          items: {
            type: 'object',
            properties: {
              connectionId: { type: 'string' },
              contractName: { type: 'string' },
              partnerName: { type: ['string', 'null'] },
              yourSide: { ...side, description: "Your organisation's side of the connection" },
              side: { ...side, description: 'The side whose ticket has this number' },
              ticketId: { type: 'string' },
              sourceTicketId: { type: ['string', 'null'] },
              targetTicketId: { type: ['string', 'null'], description: 'Null for a ticket of yours that has no copy' },
              linked: { type: 'boolean' },
              timelinePath: {
                type: 'string',
                description: 'The ticket timeline page in the web app; its API is GET /api/v1/connections/{id}/tickets/{side}/{ticketId}/timeline',
              },
            },
          },
        },
      },
    },
    400: errorBodySchema,
  },
} as const;

/** "#123", "INC-123", "sr-123", " 123 " → "123"; null when it is not a ticket number. */
export function ticketNumberOf(input: string): string | null {
  const m = /^\s*#?\s*(?:[A-Za-z]{1,10}\s*-\s*)?#?(\d{1,18})\s*$/.exec(input);
  return m ? m[1]!.replace(/^0+(?=\d)/, '') : null;
}

/** GET /tickets/find?number=… — where a ticket number appears in the caller's connections (viewers too). */
export async function ticketFindRoutes(app: FastifyInstance, ctx: AppContext): Promise<void> {
  app.get('/tickets/find', { preHandler: requireUser, schema: findSchema }, async (req) => {
    const { number } = req.query as { number: string };
    const id = ticketNumberOf(number);
    if (!id) throw new ApiError(400, 'validation_failed', 'number must be a ticket number such as 123, #123 or INC-123', { field: 'number' });
    const found = await findTickets(ctx.db, req.auth!.organisationId, id);
    return {
      number: id,
      matches: found.map((f) => ({
        ...f,
        timelinePath: `/connections/${encodeURIComponent(f.connectionId)}/tickets/${f.side}/${encodeURIComponent(f.ticketId)}`,
      })),
    };
  });
}
