import type { FastifyInstance, FastifyRequest } from 'fastify';
import { findConnectionForOrganisation, sideOf, type ConnectionRecord } from '../../db/repositories/connections.ts';
import {
  addSyncHint,
  ensureWebhookSecret,
  ensureWebhookToken,
  findWebhookTarget,
  recordWebhookEvent,
  rotateWebhookToken,
  webhookLastEvent,
  WebhookTokenUnreadableError,
  type WebhookTarget,
} from '../../db/repositories/webhooks.ts';
import { webhookBaseProblem } from '../public-url.ts';
import type { InboundHook } from '../../connectors/platform-definition.ts';
import { platformDefinition, platformName } from '../../connectors/registry.ts';
import { getPlatformConfig } from '../../db/repositories/platform-configs.ts';
import { defaultPlatformId } from '../../sync/side-connector.ts';
import { audit } from '../audit.ts';
import { requireAdmin } from '../auth.ts';
import type { AppContext } from '../context.ts';
import { ApiError } from '../errors.ts';
import { peekWait, recordAttempt, reserveAttempt } from '../../db/repositories/throttles.ts';
import { HOOK_CALLS_PER_MINUTE, HOOK_FAILURES_PER_MINUTE, tooManyAttempts, WEBHOOK_CALLS_PER_TOKEN, WEBHOOK_UNKNOWN_PER_ADDRESS } from '../throttles.ts';
import { webhookSchemas as s } from './webhooks.schemas.ts';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** Hook URLs are this prefix, the side's platform id, and its token. */
export const HOOK_PREFIX = '/api/v1/hooks/';
const HOOK_BODY_LIMIT = 64 * 1024;
const PLATFORM_ID = /^[a-z0-9_]{1,64}$/;
/** Ticket ids are opaque to the server (each platform's receiver reads them); bounded all the same. */
const MAX_TICKET_ID_LENGTH = 255;
const MAX_TICKETS_PER_CALL = 100;
/**
 * Unknown webhook tokens per calling address: after this many in a minute, every hook call from that
 * address is refused (429) until the minute has passed, whatever its token. Tokens carry 256 bits, so
 * this is not what stops guessing; it keeps a scanner from costing a database lookup per try.
 * Known tokens have their own per-token rate (WEBHOOK_CALLS_PER_TOKEN in ../throttles.ts).
 */
export { HOOK_FAILURES_PER_MINUTE };

/**
 * Near-real-time sync (product: "Real-time updates"): each organisation pastes its own webhook URL into
 * its platform's automation (the manifest's webhook setup says where). A call names tickets; they are
 * stored as sync hints and a run of the connection is queued. The platform's receiver (its definition's
 * `webhook`) proves the call (a signature, or the URL's token alone) and reads the ticket ids; the payload
 * is never trusted beyond them: the run reads the tickets again through the API.
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

  /** The platform a side's hook belongs to: its organisation's (an API override has no platform of its own). */
  async function platformOfOrganisation(organisationId: string): Promise<string> {
    return (await getPlatformConfig(ctx.db, organisationId))?.platform ?? defaultPlatformId();
  }

  /**
   * The URL and what the card says about it: whether the platform can reach it, its last call, how to set
   * it up on the platform and, for platforms that sign their calls, the secret to sign them with.
   */
  async function webhookView(req: FastifyRequest, c: ConnectionRecord, side: 'source' | 'target', token: string) {
    const base = baseOf(req);
    const platform = await platformOfOrganisation(req.auth!.organisationId);
    const url = `${base}${HOOK_PREFIX}${platform}/${token}`;
    const setup = platformDefinition(platform)?.manifest.webhook?.(url) ?? null;
    const signed = setup !== null && setup.verification !== 'url-token';
    const last = await webhookLastEvent(ctx.db, c.id, side);
    return {
      url,
      unreachable: webhookBaseProblem(base, { fromPublicUrl: ctx.config.publicUrl !== undefined, platformName: platformName(platform) }),
      lastEvent: last ? { receivedAt: last.receivedAt.toISOString(), accepted: last.accepted, reason: last.reason } : null,
      setup,
      ...(signed ? { signingSecret: await ensureWebhookSecret(ctx.db, ctx.masterKey, c.id, side) } : {}),
    };
  }

  app.get('/connections/:id/webhook', { onRequest: requireAdmin, schema: s.get }, async (req) => {
    const { c, side } = await ownActiveSide(req);
    try {
      return await webhookView(req, c, side, await ensureWebhookToken(ctx.db, ctx.masterKey, c.id, side));
    } catch (err) {
      if (err instanceof WebhookTokenUnreadableError) {
        req.log.warn({ connectionId: c.id, side, err: err.message }, 'webhook token unreadable');
        const name = platformName(await platformOfOrganisation(req.auth!.organisationId));
        throw new ApiError(
          409,
          'webhook_unreadable',
          `The saved webhook URL cannot be read (the server secret key changed). Rotate it to get a new URL, then paste that into ${name}.`,
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
    // Any content type is taken as raw bytes: a signature covers them exactly, and the platform's receiver
    // reads the body itself, so one that is not JSON gets (and the card shows) a message saying how to fix it.
    hooks.removeAllContentTypeParsers();
    hooks.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: HOOK_BODY_LIMIT }, (_req, body, done) => done(null, body));

    hooks.post(
      '/hooks/:platform/:token',
      {
        schema: s.hook,
        bodyLimit: HOOK_BODY_LIMIT,
        // The URL holds the token: keep Fastify's per-request lines (which print it) out of the log.
        logLevel: 'warn',
        // The token is checked before the body is read: for an unknown one the answer is 404 whatever was sent.
        onRequest: async (req) => {
          const { platform, token } = req.params as { platform: string; token: string };
          const address = [{ rule: WEBHOOK_UNKNOWN_PER_ADDRESS, subject: req.ip }];
          const wait = await peekWait(ctx.db, address);
          if (wait > 0) throw tooManyAttempts(wait, (w) => `Too many calls with unknown webhook URLs from this address; try again in ${w}.`);
          let target = PLATFORM_ID.test(platform) ? await findWebhookTarget(ctx.db, token) : undefined;
          // A token under another platform's path is as unknown as any other (the answer tells neither apart).
          if (target && (await platformOfOrganisation(target.organisationId)) !== platform) target = undefined;
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
        const { platform } = req.params as { platform: string };
        const receiver = platformDefinition(platform)?.webhook;
        const setup = platformDefinition(platform)?.manifest.webhook?.('');
        if (!receiver || !setup)
          throw new ApiError(
            404,
            'not_found',
            `${platformName(platform)} has no webhooks in this version of Support Fusion; the scheduled sync picks changes up.`,
          );
        const rawBody = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
        const hook: InboundHook = { headers: headersOf(req), rawBody, json: parseJson(rawBody) };
        const secret = setup.verification === 'url-token' ? null : await ensureWebhookSecret(ctx.db, ctx.masterKey, target.connectionId, target.side);
        if (!receiver.verify(hook, secret)) {
          throw new ApiError(
            401,
            'invalid_signature',
            `The call is not signed with this webhook URL's signing secret. Copy the secret again from the connection’s Sync tab into ${platformName(platform)}.`,
          );
        }
        const reading = receiver.read(hook);
        if (!reading.ok) throw new ApiError(400, reading.code ?? 'invalid_body', reading.message, reading.field ? { field: reading.field } : {});
        const ticketIds = checkTicketIds(reading.ticketIds);
        // A reported deletion is only a claim (the signature proves the sender, not the fact): the run confirms it by reading the ticket.
        await addSyncHint(ctx.db, target.connectionId, target.side, ticketIds, { deleted: reading.deleted ?? [] });
        await noteEvent(req, target, { accepted: true });
        try {
          await ctx.jobs?.enqueueConnection(target.connectionId, 'webhook');
        } catch (err) {
          // The hint is stored: the next run (scheduled or manual) picks the ticket up.
          req.log.error({ err, connectionId: target.connectionId }, 'webhook: queueing a sync failed');
        }
        // This route logs at warn and above (see logLevel); the accepted call is worth an info line, without the token.
        app.log.info({ connectionId: target.connectionId, side: target.side, ticketIds, deleted: reading.deleted ?? [] }, 'webhook accepted');
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

function headersOf(req: FastifyRequest): Record<string, string | undefined> {
  const out: Record<string, string | undefined> = {};
  for (const [name, value] of Object.entries(req.headers)) out[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : value;
  return out;
}

function parseJson(body: Buffer): unknown {
  try {
    return body.length === 0 ? undefined : (JSON.parse(body.toString('utf8')) as unknown);
  } catch {
    return undefined;
  }
}

/** What a receiver read, bounded: ids are opaque, but a call names a few short ones, never none. */
function checkTicketIds(ids: readonly string[]): string[] {
  const bad = (message: string) => new ApiError(400, 'invalid_ticket_id', message, { field: 'ticket_id' });
  if (ids.length === 0) throw bad('The call names no ticket; check the body the platform sends (the webhook card shows it).');
  if (ids.length > MAX_TICKETS_PER_CALL) throw bad(`The call names ${ids.length} tickets; at most ${MAX_TICKETS_PER_CALL} are taken in one call.`);
  for (const id of ids) {
    if (typeof id !== 'string' || id === '' || id.length > MAX_TICKET_ID_LENGTH || /[\u0000-\u001f]/.test(id)) {
      throw bad(`A ticket id must be 1 to ${MAX_TICKET_ID_LENGTH} printable characters.`);
    }
  }
  return [...new Set(ids)];
}
