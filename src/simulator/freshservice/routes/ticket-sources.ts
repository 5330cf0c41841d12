import { z } from 'zod';
import { requireRole } from '../auth.ts';
import { fieldError } from '../errors.ts';
import type { TicketSource } from '../model.ts';
import type { ApiResult, Ctx, RouteDef } from '../router.ts';
import { sourceChoicesOf } from '../ticket-fields.ts';
import { iso } from '../util.ts';
import { parseBody } from '../validate.ts';

const SourceCreate = z.strictObject({ name: z.string().min(1) });

export function sourceJson(s: TicketSource) {
  return {
    id: s.id,
    created_at: iso(s.created_at),
    updated_at: iso(s.updated_at),
    choice_id: s.choice_id,
    value: s.value,
    position: s.position,
    visible: s.visible,
    default: false,
  };
}

// https://api.freshservice.com/#create_source — an admin adds a source; tickets then use its choice_id.
function createSource(ctx: Ctx): ApiResult {
  requireRole(ctx.state, ctx.agent, 'Account Admin');
  const { name } = parseBody(SourceCreate, ctx.body);
  if (name.trim() === '') throw fieldError('name', 'invalid_value', 'It should not be blank');
  if (sourceChoicesOf(ctx.state).some((c) => c.value.trim().toLowerCase() === name.trim().toLowerCase()))
    throw fieldError('name', 'duplicate_value', 'It should be a unique value');
  return { status: 201, body: { source: sourceJson(ctx.state.addTicketSource(name)) } };
}

export const ticketSourceRoutes: RouteDef[] = [{ method: 'POST', path: '/ticket_fields/sources', body: 'json', handler: createSource }];
