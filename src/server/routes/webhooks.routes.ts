import type { FastifyInstance, FastifyRequest } from 'fastify';
import { findConnectionForOrganisation, sideOf, type ConnectionRecord } from '../../db/repositories/connections.ts';
import {
  addSyncHint,
  ensureWebhookToken,
  findWebhookTarget,
  recordWebhookEvent,
  rotateWebhookToken,
  webhookLastEvent,
  WebhookTokenUnreadableError,
  type WebhookTarget,
} from '../../db/repositories/webhooks.ts';
import { webhookBaseProblem } from '../public-url.ts';
import { audit } from '../audit.ts';
import { requireAdmin } from '../auth.ts';
import type { AppContext } from '../context.ts';
import { ApiError } from '../errors.ts';
import { peekWait, recordAttempt, reserveAttempt } from '../../db/repositories/throttles.ts';
import { HOOK_CALLS_PER_MINUTE, HOOK_FAILURES_PER_MINUTE, tooManyAttempts, WEBHOOK_CALLS_PER_TOKEN, WEBHOOK_UNKNOWN_PER_ADDRESS } from '../throttles.ts';
import { webhookSchemas as s } from './webhooks.schemas.ts';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
export const HOOK_PATH = '/api/v1/hooks/freshservice/';
const HOOK_BODY_LIMIT = 64 * 1024;
/** Freshservice ticket ids are well below this; a longer run of digits is a mistake, not a ticket. */
const MAX_TICKET_ID_DIGITS = 15;
const DISPLAY_ID = /^#?(?:[A-Za-z]{2,10}-)?(\d+)$/;
/** What the workflow's Advanced (JSON) content should be: {{ticket.id}} renders as "#INC-123", which is not a JSON number. */
export const WEBHOOK_BODY = '{"ticket_id": "{{ticket.id_numeric}}"}';
/**
 * Unknown webhook tokens per calling address: after this many in a minute, every hook call from that
 * address is refused (429) until the minute has passed, whatever its token. Tokens carry 256 bits, so
 * this is not what stops guessing; it keeps a scanner from costing a database lookup per try.
 * Known tokens have their own per-token rate (WEBHOOK_CALLS_PER_TOKEN in ../throttles.ts).
 */
export { HOOK_FAILURES_PER_MINUTE };

/**
 * Near-real-time sync (product: "Real-time updates"): each organisation pastes its own webhook URL into a
 * Freshservice Workflow Automator "Trigger Webhook" action. A call names a ticket; it is stored as a sync
 * hint and a run of the connection is queued. The payload is never trusted beyond the id: the run reads
 * the ticket again through the API.
 */
export async function webhookRoutes(app: FastifyInstance, ctx: AppContext): Promise<void> {
  /** The caller's side of an active connection it belongs to; 404 for anything else (never reveals others'). */
  async function ownActiveSide(req: FastifyRequest): Promise<{ c: ConnectionRecord; side: 'source' | 'target' }> {
    const { id } = req.params as { id: string };
    const orgId = req.auth!.organisationId;
    const c = UUID.test(id) ? await findConnectionForOrganisation(ctx.db, id, orgId) : undefined;
    if (!c) throw new ApiError(404, 'not_found', 'There is no such connection for your organisation; it may have been revoked.');
    if (c.status !== 'active') {
      throw new ApiError(409, 'connection_not_active', 'The webhook URL is available once your partner has accepted the connection; it is still pending.');
    }
    return { c, side: sideOf(c, orgId) };
  }

  function baseOf(req: FastifyRequest): string {
    return ctx.config.publicUrl ?? `${req.protocol}://${req.host}`;
  }

  /** The URL and what the card says about it: whether Freshservice can reach it, and its last call. */
  async function webhookView(req: FastifyRequest, c: ConnectionRecord, side: 'source' | 'target', token: string) {
    const base = baseOf(req);
    const last = await webhookLastEvent(ctx.db, c.id, side);
    return {
      url: `${base}${HOOK_PATH}${token}`,
      unreachable: webhookBaseProblem(base, { fromPublicUrl: ctx.config.publicUrl !== undefined }),
      lastEvent: last ? { receivedAt: last.receivedAt.toISOString(), accepted: last.accepted, reason: last.reason } : null,
    };
  }

  app.get('/connections/:id/webhook', { onRequest: requireAdmin, schema: s.get }, async (req) => {
    const { c, side } = await ownActiveSide(req);
    try {
      return await webhookView(req, c, side, await ensureWebhookToken(ctx.db, ctx.masterKey, c.id, side));
    } catch (err) {
      if (err instanceof WebhookTokenUnreadableError) {
        req.log.warn({ connectionId: c.id, side, err: err.message }, 'webhook token unreadable');
        throw new ApiError(
          409,
          'webhook_unreadable',
          'The saved webhook URL cannot be read (the server secret key changed). Rotate it to get a new URL, then paste that into Freshservice.',
        );
      }
      throw err;
    }
  });

  app.post('/connections/:id/webhook/rotate', { onRequest: requireAdmin, schema: s.rotate }, async (req) => {
    const { c, side } = await ownActiveSide(req);
    const token = await rotateWebhookToken(ctx.db, ctx.masterKey, c.id, side);
    req.log.info({ connectionId: c.id, side }, 'webhook token rotated');
    // The URL is a secret: the log only says it was replaced.
    await audit(ctx.db, req, {
      action: 'connection.webhook_rotated',
      target: { type: 'connection', id: c.id, label: c.contractName },
      before: { webhookUrl: '•••• (replaced)' },
      after: { webhookUrl: '•••• (new)' },
    });
    return webhookView(req, c, side, token);
  });

  // Its own scope: the lenient body parser below applies to this route only.
  await app.register(async (hooks) => {
    const targets = new WeakMap<FastifyRequest, WebhookTarget>();
    // Freshservice sends application/json; anything else is read as text and must still be JSON. JSON too is
    // parsed by ticketIdFrom, so a body that is not JSON gets (and the card shows) a message saying how to fix it.
    hooks.removeContentTypeParser(['application/json']);
    hooks.addContentTypeParser('*', { parseAs: 'string', bodyLimit: HOOK_BODY_LIMIT }, (_req, body, done) => done(null, body));

    hooks.post(
      '/hooks/freshservice/:token',
      {
        schema: s.hook,
        bodyLimit: HOOK_BODY_LIMIT,
        // The URL holds the token: keep Fastify's per-request lines (which print it) out of the log.
        logLevel: 'warn',
        // The token is checked before the body is read: for an unknown one the answer is 404 whatever was sent.
        onRequest: async (req) => {
          const { token } = req.params as { token: string };
          const address = [{ rule: WEBHOOK_UNKNOWN_PER_ADDRESS, subject: req.ip }];
          const wait = await peekWait(ctx.db, address);
          if (wait > 0) throw tooManyAttempts(wait, (w) => `Too many calls with unknown webhook URLs from this address; try again in ${w}.`);
          const target = await findWebhookTarget(ctx.db, token);
          if (!target) {
            await recordAttempt(ctx.db, address);
            throw new ApiError(404, 'not_found', 'Unknown webhook URL. Copy it again from the connection’s Sync tab in Support Fusion.');
          }
          // Per URL, whoever calls: a burst of made-up ticket ids cannot fill the connection's runs.
          const rate = await reserveAttempt(ctx.db, [{ rule: WEBHOOK_CALLS_PER_TOKEN, subject: `${target.connectionId}:${target.side}` }]);
          if (rate.outcome !== 'allowed') {
            await noteEvent(req, target, {
              accepted: false,
              reason: `more than ${HOOK_CALLS_PER_MINUTE} calls in a minute (429); the next scheduled sync picks the changes up`,
            });
            throw tooManyAttempts(
              rate.outcome === 'wait' ? rate.retryAfterMs : 1000,
              (w) =>
                `Too many calls to this webhook URL (at most ${HOOK_CALLS_PER_MINUTE} a minute); try again in ${w}. Changes meanwhile are picked up by the next scheduled sync.`,
            );
          }
          targets.set(req, target);
        },
        // Whatever refuses a known URL's call (its body, its size, its content type) is what the card shows.
        onError: async (req, _reply, err) => {
          const target = targets.get(req);
          if (target) await noteEvent(req, target, { accepted: false, reason: err.message });
        },
      },
      async (req, reply) => {
        const target = targets.get(req)!;
        const ticketId = ticketIdFrom(req.body);
        await addSyncHint(ctx.db, target.connectionId, target.side, ticketId);
        await noteEvent(req, target, { accepted: true });
        try {
          await ctx.jobs?.enqueueConnection(target.connectionId, 'webhook');
        } catch (err) {
          // The hint is stored: the next run (scheduled or manual) picks the ticket up.
          req.log.error({ err, connectionId: target.connectionId }, 'webhook: queueing a sync failed');
        }
        // This route logs at warn and above (see logLevel); the accepted call is worth an info line, without the token.
        app.log.info({ connectionId: target.connectionId, side: target.side, ticketId }, 'webhook accepted');
        return reply.status(202).send({ status: 'accepted' });
      },
    );
  });

  /** Best effort: the caller's answer never depends on whether the note was written. */
  async function noteEvent(req: FastifyRequest, target: WebhookTarget, event: { accepted: boolean; reason?: string }): Promise<void> {
    try {
      await recordWebhookEvent(ctx.db, target.connectionId, target.side, event);
    } catch (err) {
      req.log.warn({ err, connectionId: target.connectionId }, 'webhook: recording the last event failed');
    }
  }
}

/** ticket_id from a webhook body: a positive whole number, or its digits as text. */
export function ticketIdFrom(body: unknown): string {
  let value = body;
  if (typeof value === 'string' || Buffer.isBuffer(value)) {
    const text = String(value).trim();
    if (text === '') throw badBody(`The request body is empty. In the Freshservice workflow choose Advanced (JSON) content: ${WEBHOOK_BODY}.`);
    try {
      value = JSON.parse(text);
    } catch {
      throw new ApiError(
        400,
        'invalid_json',
        `The request body is not valid JSON. In the Freshservice workflow choose Advanced (JSON) content: ${WEBHOOK_BODY} (with the quotes: {{ticket.id}} without them is not JSON).`,
      );
    }
  }
  if (value === undefined || value === null)
    throw badBody(`The request body is empty. In the Freshservice workflow choose Advanced (JSON) content: ${WEBHOOK_BODY}.`);
  if (typeof value !== 'object' || Array.isArray(value)) throw badBody(`The request body must be a JSON object: ${WEBHOOK_BODY}.`);
  const raw = (value as Record<string, unknown>).ticket_id;
  if (raw === undefined || raw === null || raw === '') throw bad(`ticket_id is required: send ${WEBHOOK_BODY} from the Freshservice workflow.`);
  if (typeof raw === 'number') {
    if (Number.isSafeInteger(raw) && raw > 0) return String(raw);
  } else if (typeof raw === 'string') {
    // "123", and the display form "#INC-123" / "SR-123" a placeholder may render (same id in the API).
    const digits = DISPLAY_ID.exec(raw.trim())?.[1];
    if (digits && digits.length <= MAX_TICKET_ID_DIGITS && Number(digits) > 0) return String(Number(digits));
  }
  if (typeof raw === 'string' && raw.includes('{{')) {
    throw bad(`ticket_id is ${describe(raw)}: Freshservice did not replace the placeholder. Check its spelling: ${WEBHOOK_BODY}.`);
  }
  throw bad(`ticket_id must be a positive whole number (the Freshservice ticket id), not ${describe(raw)}.`);
}

function badBody(message: string): ApiError {
  return new ApiError(400, 'invalid_body', message);
}

function bad(message: string): ApiError {
  return new ApiError(400, 'invalid_ticket_id', message, { field: 'ticket_id' });
}

function describe(v: unknown): string {
  if (typeof v === 'string') return `the text ${JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}…` : v)}`;
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'an object';
  return `${typeof v} ${JSON.stringify(v)}`;
}
