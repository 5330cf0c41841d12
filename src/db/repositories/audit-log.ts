import { sql } from 'kysely';
import type { Db } from '../database.ts';

/** Every action the audit log records (the UI's filter offers these). */
export const AUDIT_ACTIONS = [
  'platform.saved',
  'platform.tested',
  'connection.sync_started',
  'connection.dry_run',
  'connection.created',
  'connection.accepted',
  'connection.revoked',
  'connection.configuration_saved',
  'connection.mappings_saved',
  'connection.automatic_sync_changed',
  'connection.webhook_rotated',
  'connection.change_proposed',
  'connection.change_approved',
  'connection.change_rejected',
  'connection.change_withdrawn',
  'connection.change_superseded',
  'connection.change_applied',
  'member.role_changed',
  'member.removed',
  'member.name_changed',
  'invitation.created',
  'invitation.revoked',
  'invitation.accepted',
  'signup_link.created',
  'signup_link.used',
  'user.created',
  'user.password_changed',
  'user.password_reset',
  'ticket.retry_requested',
  'ticket.resync_requested',
  'api_token.created',
  'api_token.revoked',
  'notification_channel.created',
  'notification_channel.updated',
  'notification_channel.removed',
] as const;
export type AuditAction = (typeof AUDIT_ACTIONS)[number];

export interface AuditEventInput {
  organisationId: string;
  actor: { userId: string | null; email: string };
  action: AuditAction;
  target: { type: string; id?: string | null; label?: string | null };
  /** Already masked: callers never pass a secret (see src/server/audit.ts). */
  before?: unknown;
  after?: unknown;
}

export interface AuditEventRecord {
  id: string;
  at: Date;
  actor: { id: string | null; email: string };
  action: string;
  target: { type: string; id: string | null; label: string | null };
  before: unknown;
  after: unknown;
}

/** Appends one event. There is deliberately no update or delete here (and the table refuses updates). */
export async function recordAuditEvent(db: Db, e: AuditEventInput): Promise<void> {
  await db
    .insertInto('audit_events')
    .values({
      organisation_id: e.organisationId,
      actor_user_id: e.actor.userId,
      actor_email: e.actor.email,
      action: e.action,
      target_type: e.target.type,
      target_id: e.target.id ?? null,
      target_label: e.target.label ?? null,
      before: e.before === undefined ? null : JSON.stringify(e.before),
      after: e.after === undefined ? null : JSON.stringify(e.after),
    })
    .execute();
}

export interface AuditFilter {
  action?: string;
  /** A user id, or part of an e-mail address (any case). */
  actor?: string;
  from?: Date;
  to?: Date;
  /** Events older than this event id (the next page). */
  before?: string;
  limit: number;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The organisation's events, newest first; one more than `limit` is read to know whether a next page exists. */
export async function listAuditEvents(db: Db, organisationId: string, f: AuditFilter): Promise<{ events: AuditEventRecord[]; more: boolean }> {
  let q = db.selectFrom('audit_events').selectAll().where('organisation_id', '=', organisationId);
  if (f.action) q = q.where('action', '=', f.action);
  if (f.actor) {
    if (UUID.test(f.actor)) q = q.where('actor_user_id', '=', f.actor);
    else q = q.where(sql<boolean>`strpos(lower(actor_email), ${f.actor.toLowerCase()}) > 0`);
  }
  if (f.from) q = q.where('created_at', '>=', f.from);
  if (f.to) q = q.where('created_at', '<=', f.to);
  if (f.before) q = q.where('id', '<', f.before);
  const rows = await q
    .orderBy('id', 'desc')
    .limit(f.limit + 1)
    .execute();
  return {
    more: rows.length > f.limit,
    events: rows.slice(0, f.limit).map((r) => ({
      id: String(r.id),
      at: r.created_at,
      actor: { id: r.actor_user_id, email: r.actor_email },
      action: r.action,
      target: { type: r.target_type, id: r.target_id, label: r.target_label },
      before: r.before,
      after: r.after,
    })),
  };
}
