import { CompiledQuery } from 'kysely';
import type PgBoss from 'pg-boss';
import type { Resolver } from '../connector-kit/ssrf.ts';
import type { Db } from '../db/database.ts';
import { claimTransition, enabledChannelsOf, getChannel, lastFinishedRun, recordDelivery, unannouncedTransitions } from '../db/repositories/notifications.ts';
import { openSecrets } from './channel-settings.ts';
import { deliver, type DeliveryPolicy } from './deliver.ts';
import { buildNotification, type Notification, type Side } from './message.ts';

/**
 * Failure notifications (docs/operations.md "Failure notifications"). After a run ends, the worker that
 * worked it claims the connection's transition in the database — into a failure episode when the run
 * failed and the connection was not failing, out of it when a run finished without failing after one —
 * and only the claimant queues the messages, one job per enabled channel of either organisation, on the
 * `notification-delivery` queue. Delivery is a job of its own, retried with backoff, so a slow or broken
 * SMTP server or webhook never holds up a sync; its last result is shown on the channel.
 *
 * Partial runs (some tickets failed, the rest synced; failed tickets are retried on their own) neither
 * start nor continue an episode: as on the dashboard, a connection is Failing only when its last run Failed.
 */

export const NOTIFY_QUEUE = 'notification-delivery';

export interface DeliveryJob {
  organisationId: string;
  channelId: string;
  notification: Notification;
}

export interface NotifierContext {
  db: Db;
  masterKey: Buffer;
  config: { allowPrivatePlatformUrls: boolean; platformTimeoutMs: number; publicUrl: string | undefined };
  resolve?: Resolver;
}

export interface Notifier {
  /** After a run of the connection ended (or a Failed run was recorded): announce a transition once. */
  runEnded(connectionId: string): Promise<void>;
  /** Announces transitions whose run ended while nobody could (a stop in between, runs failed at start-up). */
  sweep(): Promise<void>;
  stop(): Promise<void>;
}

export interface NotifierOptions {
  /** Work deliveries in this process (SF_ROLE worker or all). */
  work: boolean;
  log?: (msg: string, data?: Record<string, unknown>) => void;
  info?: (msg: string, data?: Record<string, unknown>) => void;
  /** Attempts of a delivery that failed in a way that may pass (default 6, backoff from 30 s: about half an hour). */
  retryLimit?: number;
  retryDelaySeconds?: number;
  /** How far back the sweep looks for unannounced run ends (default a day). */
  sweepHours?: number;
}

export const deliveryPolicy = (ctx: NotifierContext): DeliveryPolicy => ({
  allowPrivate: ctx.config.allowPrivatePlatformUrls,
  timeoutMs: ctx.config.platformTimeoutMs,
  resolve: ctx.resolve,
});

export async function startNotifications(boss: PgBoss, ctx: NotifierContext, opts: NotifierOptions): Promise<Notifier> {
  await boss.createQueue(NOTIFY_QUEUE, {
    name: NOTIFY_QUEUE,
    policy: 'standard',
    retryLimit: opts.retryLimit ?? 6,
    retryDelay: opts.retryDelaySeconds ?? 30,
    retryBackoff: true,
    expireInSeconds: 120,
  });
  const workerIds: string[] = [];
  if (opts.work) {
    workerIds.push(
      await boss.work<DeliveryJob>(NOTIFY_QUEUE, { pollingIntervalSeconds: 1, batchSize: 1 }, async ([job]) => {
        if (!job) return;
        await deliverJob(ctx, job.data, opts);
      }),
    );
  }

  const runEnded = async (connectionId: string) => {
    const facts = await lastFinishedRun(ctx.db, connectionId);
    // A revoked connection's runs fail by design ("not active"): nobody needs telling.
    if (!facts || facts.connectionStatus !== 'active') return;
    const state = facts.run.status === 'failed' ? 'failing' : 'ok';
    const kind = state === 'failing' ? 'connection.failing' : 'connection.recovered';
    const orgs = [facts.sides.source.organisationId, facts.sides.target.organisationId];
    const channels = await enabledChannelsOf(ctx.db, [...new Set(orgs)]);
    // The claim and its messages commit together: a process that stops in between leaves neither, and the
    // next tick's sweep claims the transition again; a second claimant finds it taken and queues nothing.
    const claimed = await ctx.db.transaction().execute(async (trx) => {
      if (!(await claimTransition(trx, connectionId, state, facts.run.id))) return false;
      const db = { executeSql: async (text: string, values: unknown[] = []) => ({ rows: (await trx.executeQuery(CompiledQuery.raw(text, values))).rows }) };
      for (const c of channels) {
        // Each organisation hears only about its own side of the connection, in its own words.
        const side: Side = c.organisationId === facts.sides.source.organisationId ? 'source' : 'target';
        const notification = buildNotification(facts, kind, side, ctx.config.publicUrl);
        await boss.send(NOTIFY_QUEUE, { organisationId: c.organisationId, channelId: c.id, notification } satisfies DeliveryJob, { db });
      }
      return true;
    });
    if (!claimed) return;
    opts.info?.(kind === 'connection.failing' ? 'connection is failing: notifications queued' : 'connection recovered: notifications queued', {
      connectionId,
      runId: facts.run.id,
      channels: channels.length,
    });
  };

  return {
    runEnded,
    async sweep() {
      const since = new Date(Date.now() - (opts.sweepHours ?? 24) * 3_600_000);
      for (const id of await unannouncedTransitions(ctx.db, since)) await runEnded(id);
    },
    async stop() {
      for (const id of workerIds) await boss.offWork({ id });
    },
  };
}

/** One delivery: the channel read afresh (removed or switched off since: nothing sent), its result recorded. */
export async function deliverJob(ctx: NotifierContext, job: DeliveryJob, opts: Pick<NotifierOptions, 'log' | 'info'> = {}): Promise<void> {
  const channel = await getChannel(ctx.db, job.organisationId, job.channelId);
  if (!channel || !channel.enabled) return;
  let result;
  try {
    result = await deliver(
      { kind: channel.kind, settings: channel.settings, secrets: openSecrets(ctx.masterKey, channel) },
      job.notification,
      deliveryPolicy(ctx),
    );
  } catch (err) {
    result = { ok: false as const, retryable: true, error: `Delivery failed: ${(err as Error).message}` };
  }
  await recordDelivery(ctx.db, channel.id, result.ok ? { ok: true, error: null } : { ok: false, error: result.error });
  const ids = { organisationId: job.organisationId, channelId: channel.id, kind: channel.kind, event: job.notification.kind };
  if (result.ok) {
    opts.info?.('notification delivered', ids);
    return;
  }
  opts.log?.('notification not delivered', { ...ids, error: result.error, willRetry: result.retryable });
  // Thrown, pg-boss tries again with backoff; a refusal that cannot pass by itself is not retried.
  if (result.retryable) throw new Error(result.error);
}
