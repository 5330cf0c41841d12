import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import {
  CHANNEL_KINDS,
  deleteChannel,
  getChannel,
  insertChannel,
  listChannels,
  recordDelivery,
  updateChannel,
  type ChannelKind,
  type ChannelRecord,
} from '../../db/repositories/notifications.ts';
import {
  ChannelInputError,
  channelView,
  openSecrets,
  parseSettings,
  sealSecrets,
  secretHint,
  type ChannelSecrets,
} from '../../notifications/channel-settings.ts';
import { deliver } from '../../notifications/deliver.ts';
import { testNotification } from '../../notifications/message.ts';
import { deliveryPolicy } from '../../notifications/notifier.ts';
import { newSigningSecret } from '../../notifications/signature.ts';
import { audit, SECRET_CHANGED, SECRET_SET, SECRET_UNCHANGED } from '../audit.ts';
import { requireAdmin, requireUser } from '../auth.ts';
import type { AppContext } from '../context.ts';
import { ApiError } from '../errors.ts';
import { notificationSchemas as s } from './notifications.schemas.ts';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const NOT_FOUND = 'There is no such notification channel in your organisation; it may have been removed.';

/**
 * Failure notifications (docs/operations.md "Failure notifications"): per organisation, channels that
 * hear when a connection starts failing and when it recovers. Everyone may see which channels exist;
 * only admins change or test them. Secrets go in and never come out (the webhook's signing secret once,
 * when it is made).
 */
export async function notificationRoutes(app: FastifyInstance, ctx: AppContext): Promise<void> {
  const load = async (organisationId: string, id: string): Promise<ChannelRecord> => {
    const c = UUID.test(id) ? await getChannel(ctx.db, organisationId, id) : undefined;
    if (!c) throw new ApiError(404, 'not_found', NOT_FOUND);
    return c;
  };
  const parse = (kind: ChannelKind, settings: unknown, existing?: ChannelSecrets) => {
    try {
      return parseSettings(kind, settings, { allowPrivate: ctx.config.allowPrivatePlatformUrls, ...(existing ? { existing } : {}) });
    } catch (err) {
      if (err instanceof ChannelInputError) throw new ApiError(400, 'invalid_channel', err.message, { field: err.field });
      throw err;
    }
  };

  app.get('/notifications/channels', { onRequest: requireUser, schema: s.list }, async (req) => {
    const channels = await listChannels(ctx.db, req.auth!.organisationId);
    return { channels: channels.map(channelView), events: ['connection.failing', 'connection.recovered'], publicUrl: ctx.config.publicUrl ?? null };
  });

  app.post('/notifications/channels', { onRequest: requireAdmin, schema: s.create }, async (req, reply) => {
    const a = req.auth!;
    const body = req.body as { kind: ChannelKind; name: string; enabled?: boolean; settings: unknown };
    if (!CHANNEL_KINDS.includes(body.kind)) throw new ApiError(400, 'invalid_channel', `Choose one of: ${CHANNEL_KINDS.join(', ')}.`, { field: 'kind' });
    const name = body.name.trim();
    if (!name) throw new ApiError(400, 'invalid_channel', 'Give the channel a name, e.g. "Support team e-mail".', { field: 'name' });
    const parsed = parse(body.kind, body.settings);
    const id = randomUUID();
    const c = await insertChannel(ctx.db, {
      id,
      organisationId: a.organisationId,
      kind: body.kind,
      name,
      enabled: body.enabled ?? true,
      settings: parsed.settings,
      secretCiphertext: sealSecrets(ctx.masterKey, a.organisationId, parsed.secrets),
      secretHint: secretHint(body.kind, parsed.secrets),
    });
    await audit(ctx.db, req, {
      action: 'notification_channel.created',
      target: { type: 'notification_channel', id, label: name },
      before: null,
      after: auditView(c, SECRET_SET),
    });
    return reply.status(201).send({ ...channelView(c), ...(parsed.newSigningSecret ? { signingSecret: parsed.newSigningSecret } : {}) });
  });

  app.put('/notifications/channels/:id', { onRequest: requireAdmin, schema: s.update }, async (req) => {
    const a = req.auth!;
    const before = await load(a.organisationId, (req.params as { id: string }).id);
    const body = req.body as { name: string; enabled?: boolean; settings: unknown };
    const name = body.name.trim();
    if (!name) throw new ApiError(400, 'invalid_channel', 'Give the channel a name, e.g. "Support team e-mail".', { field: 'name' });
    const existing = openSecrets(ctx.masterKey, before);
    const parsed = parse(before.kind, body.settings, existing);
    const changed = JSON.stringify(parsed.secrets) !== JSON.stringify(existing);
    const c = await updateChannel(ctx.db, {
      id: before.id,
      organisationId: a.organisationId,
      name,
      enabled: body.enabled ?? before.enabled,
      settings: parsed.settings,
      secretCiphertext: changed ? sealSecrets(ctx.masterKey, a.organisationId, parsed.secrets) : before.secretCiphertext,
      secretHint: secretHint(before.kind, parsed.secrets),
    });
    if (!c) throw new ApiError(404, 'not_found', NOT_FOUND);
    await audit(ctx.db, req, {
      action: 'notification_channel.updated',
      target: { type: 'notification_channel', id: c.id, label: name },
      before: auditView(before, SECRET_UNCHANGED),
      after: auditView(c, changed ? SECRET_CHANGED : SECRET_UNCHANGED),
    });
    return channelView(c);
  });

  app.delete('/notifications/channels/:id', { onRequest: requireAdmin, schema: s.remove }, async (req) => {
    const a = req.auth!;
    const id = (req.params as { id: string }).id;
    const c = UUID.test(id) ? await deleteChannel(ctx.db, a.organisationId, id) : undefined;
    if (!c) throw new ApiError(404, 'not_found', NOT_FOUND);
    await audit(ctx.db, req, {
      action: 'notification_channel.removed',
      target: { type: 'notification_channel', id, label: c.name },
      before: auditView(c, SECRET_UNCHANGED),
      after: null,
    });
    return { id, removed: true };
  });

  app.post('/notifications/channels/:id/signing-secret', { onRequest: requireAdmin, schema: s.rotateSecret }, async (req) => {
    const a = req.auth!;
    const c = await load(a.organisationId, (req.params as { id: string }).id);
    if (c.kind !== 'webhook') throw new ApiError(400, 'invalid_channel', 'Only a webhook channel has a signing secret.', { field: 'kind' });
    const signingSecret = newSigningSecret();
    const secrets = { ...openSecrets(ctx.masterKey, c), signingSecret };
    await updateChannel(ctx.db, {
      id: c.id,
      organisationId: a.organisationId,
      name: c.name,
      enabled: c.enabled,
      settings: c.settings,
      secretCiphertext: sealSecrets(ctx.masterKey, a.organisationId, secrets),
      secretHint: c.secretHint,
    });
    await audit(ctx.db, req, {
      action: 'notification_channel.updated',
      target: { type: 'notification_channel', id: c.id, label: c.name },
      before: { signingSecret: SECRET_UNCHANGED },
      after: { signingSecret: SECRET_CHANGED },
    });
    return { id: c.id, signingSecret };
  });

  app.post('/notifications/channels/:id/test', { onRequest: requireAdmin, schema: s.test }, async (req) => {
    const a = req.auth!;
    const c = await load(a.organisationId, (req.params as { id: string }).id);
    const result = await deliver(
      { kind: c.kind, settings: c.settings, secrets: openSecrets(ctx.masterKey, c) },
      testNotification({ id: a.organisationId, name: a.organisationName }, c.name),
      deliveryPolicy(ctx),
    );
    await recordDelivery(ctx.db, c.id, result.ok ? { ok: true, error: null } : { ok: false, error: result.error });
    req.log.info({ channelId: c.id, kind: c.kind, ok: result.ok }, 'notification channel tested');
    return result.ok
      ? { ok: true, message: `Test message sent: ${result.detail}.` }
      : { ok: false, message: 'The test message was not delivered.', error: result.error };
  });
}

/** A channel in the audit log: what is not secret, and whether the secret was set or changed. */
function auditView(c: ChannelRecord, secret: string) {
  return { kind: c.kind, name: c.name, enabled: c.enabled, settings: c.settings, secret };
}
