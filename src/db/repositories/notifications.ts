import { sql } from 'kysely';
import type { Db } from '../database.ts';

/**
 * Notification channels of an organisation and the failure episode of each connection (migration
 * 0018_notifications). Secrets arrive here already sealed (src/notifications/channel-secrets.ts).
 */

export const CHANNEL_KINDS = ['email', 'slack', 'teams', 'webhook'] as const;
export type ChannelKind = (typeof CHANNEL_KINDS)[number];

export interface ChannelRecord {
  id: string;
  organisationId: string;
  kind: ChannelKind;
  name: string;
  enabled: boolean;
  /** What is not secret (SMTP host, port, security, user, from, recipients); never a password or URL with a token. */
  settings: Record<string, unknown>;
  secretCiphertext: string;
  /** Shown in place of the secret: a host and the last characters, never enough to use it. */
  secretHint: string;
  lastDelivery: { at: Date; ok: boolean; error: string | null } | null;
  createdAt: Date;
  updatedAt: Date;
}

type Row = {
  id: string;
  organisation_id: string;
  kind: string;
  name: string;
  enabled: boolean;
  settings: unknown;
  secret_ciphertext: string;
  secret_hint: string;
  last_delivery_at: Date | null;
  last_delivery_ok: boolean | null;
  last_delivery_error: string | null;
  created_at: Date;
  updated_at: Date;
};

const toRecord = (r: Row): ChannelRecord => ({
  id: r.id,
  organisationId: r.organisation_id,
  kind: r.kind as ChannelKind,
  name: r.name,
  enabled: r.enabled,
  settings: (typeof r.settings === 'string' ? JSON.parse(r.settings) : r.settings) as Record<string, unknown>,
  secretCiphertext: r.secret_ciphertext,
  secretHint: r.secret_hint,
  lastDelivery: r.last_delivery_at ? { at: r.last_delivery_at, ok: !!r.last_delivery_ok, error: r.last_delivery_error } : null,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

export async function listChannels(db: Db, organisationId: string): Promise<ChannelRecord[]> {
  const rows = await db
    .selectFrom('notification_channels')
    .selectAll()
    .where('organisation_id', '=', organisationId)
    .orderBy('created_at')
    .orderBy('id')
    .execute();
  return rows.map(toRecord);
}

/** The channel, only when it belongs to the organisation (another organisation's id is simply not found). */
export async function getChannel(db: Db, organisationId: string, id: string): Promise<ChannelRecord | undefined> {
  const r = await db.selectFrom('notification_channels').selectAll().where('organisation_id', '=', organisationId).where('id', '=', id).executeTakeFirst();
  return r ? toRecord(r) : undefined;
}

export interface ChannelInput {
  id: string;
  organisationId: string;
  kind: ChannelKind;
  name: string;
  enabled: boolean;
  settings: Record<string, unknown>;
  secretCiphertext: string;
  secretHint: string;
}

export async function insertChannel(db: Db, c: ChannelInput): Promise<ChannelRecord> {
  const now = new Date();
  const r = await db
    .insertInto('notification_channels')
    .values({
      id: c.id,
      organisation_id: c.organisationId,
      kind: c.kind,
      name: c.name,
      enabled: c.enabled,
      settings: JSON.stringify(c.settings),
      secret_ciphertext: c.secretCiphertext,
      secret_hint: c.secretHint,
      created_at: now,
      updated_at: now,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  return toRecord(r);
}

/** Saves new settings; the last delivery result is forgotten, since it said nothing about these. */
export async function updateChannel(db: Db, c: Omit<ChannelInput, 'kind'>): Promise<ChannelRecord | undefined> {
  const r = await db
    .updateTable('notification_channels')
    .set({
      name: c.name,
      enabled: c.enabled,
      settings: JSON.stringify(c.settings),
      secret_ciphertext: c.secretCiphertext,
      secret_hint: c.secretHint,
      last_delivery_at: null,
      last_delivery_ok: null,
      last_delivery_error: null,
      updated_at: new Date(),
    })
    .where('organisation_id', '=', c.organisationId)
    .where('id', '=', c.id)
    .returningAll()
    .executeTakeFirst();
  return r ? toRecord(r) : undefined;
}

export async function deleteChannel(db: Db, organisationId: string, id: string): Promise<ChannelRecord | undefined> {
  const r = await db.deleteFrom('notification_channels').where('organisation_id', '=', organisationId).where('id', '=', id).returningAll().executeTakeFirst();
  return r ? toRecord(r) : undefined;
}

export async function recordDelivery(db: Db, channelId: string, result: { ok: boolean; error: string | null }): Promise<void> {
  await db
    .updateTable('notification_channels')
    .set({ last_delivery_at: new Date(), last_delivery_ok: result.ok, last_delivery_error: result.error })
    .where('id', '=', channelId)
    .execute();
}

/** The enabled channels of these organisations (the two sides of a connection). */
export async function enabledChannelsOf(db: Db, organisationIds: string[]): Promise<ChannelRecord[]> {
  if (organisationIds.length === 0) return [];
  const rows = await db
    .selectFrom('notification_channels')
    .selectAll()
    .where('organisation_id', 'in', organisationIds)
    .where('enabled', '=', true)
    .orderBy('created_at')
    .execute();
  return rows.map(toRecord);
}

/** What a notification about a connection's last finished run needs to know. */
export interface RunEndFacts {
  connectionId: string;
  contractName: string;
  /** active, or pending/revoked: a revoked connection's last failed run announces nothing. */
  connectionStatus: string;
  sides: Record<'source' | 'target', { organisationId: string; organisationName: string }>;
  run: {
    id: string;
    status: string;
    trigger: string;
    error: string | null;
    finishedAt: Date | null;
    counts: { created: number; updated: number; closed: number; failed: number };
    /** The side the engine found at fault and how (0019), when it knew. */
    failure: { side: 'source' | 'target'; kind: string } | null;
  };
}

/** The connection's newest finished run with both organisations' names, or null (no finished run, not active, sides missing). */
export async function lastFinishedRun(db: Db, connectionId: string): Promise<RunEndFacts | null> {
  const [conn, sides, run] = await Promise.all([
    db.selectFrom('connections').select(['id', 'contract_name', 'status']).where('id', '=', connectionId).executeTakeFirst(),
    db
      .selectFrom('connection_sides as s')
      .innerJoin('organisations as o', 'o.id', 's.organisation_id')
      .select(['s.side', 's.organisation_id', 'o.name'])
      .where('s.connection_id', '=', connectionId)
      .execute(),
    db
      .selectFrom('sync_runs')
      .select([
        'id',
        'status',
        'trigger',
        'error',
        'finished_at',
        'created_count',
        'updated_count',
        'closed_count',
        'failed_count',
        'failure_side',
        'failure_kind',
      ])
      .where('connection_id', '=', connectionId)
      .where('status', '!=', 'running')
      .orderBy('started_at', 'desc')
      .orderBy('id', 'desc')
      .limit(1)
      .executeTakeFirst(),
  ]);
  const source = sides.find((s) => s.side === 'source');
  const target = sides.find((s) => s.side === 'target');
  if (!conn || !run || !source || !target) return null;
  return {
    connectionId,
    contractName: conn.contract_name,
    connectionStatus: conn.status,
    sides: {
      source: { organisationId: source.organisation_id, organisationName: source.name },
      target: { organisationId: target.organisation_id, organisationName: target.name },
    },
    run: {
      id: run.id,
      status: run.status,
      trigger: run.trigger,
      error: run.error,
      finishedAt: run.finished_at,
      counts: { created: run.created_count, updated: run.updated_count, closed: run.closed_count, failed: run.failed_count },
      failure: (run.failure_side === 'source' || run.failure_side === 'target') && run.failure_kind ? { side: run.failure_side, kind: run.failure_kind } : null,
    },
  };
}

/**
 * Claims the transition of a connection into `state` for the run that showed it. One statement, so of two
 * workers (or a worker and a restarted one) that see the same run end, exactly one gets `true`: a new
 * failure episode is claimed when the connection was not failing (no row counts as not failing); a
 * recovery only when it was failing, so a first successful run announces nothing.
 */
export async function claimTransition(db: Db, connectionId: string, state: 'failing' | 'ok', runId: string): Promise<boolean> {
  // A claimant that read an older run than the newest finished one (another run ended meanwhile) claims nothing.
  const newest = sql`NOT EXISTS (SELECT 1 FROM sync_runs n, sync_runs r WHERE r.id = ${runId} AND n.connection_id = ${connectionId} AND n.status <> 'running' AND n.started_at > r.started_at)`;
  if (state === 'failing') {
    const r = await sql<{ connection_id: string }>`
      INSERT INTO connection_alert_states (connection_id, state, run_id, changed_at) SELECT ${connectionId}::uuid, 'failing', ${runId}::uuid, now() WHERE ${newest}
      ON CONFLICT (connection_id) DO UPDATE SET state = 'failing', run_id = EXCLUDED.run_id, changed_at = now()
        WHERE connection_alert_states.state <> 'failing'
      RETURNING connection_id`.execute(db);
    return r.rows.length > 0;
  }
  const r = await sql<{ connection_id: string }>`
    UPDATE connection_alert_states SET state = 'ok', run_id = ${runId}, changed_at = now()
    WHERE connection_id = ${connectionId} AND state = 'failing' AND ${newest}
    RETURNING connection_id`.execute(db);
  return r.rows.length > 0;
}

/**
 * Connections whose newest run finished since `since` and whose recorded episode disagrees with it (a
 * run that ended while no worker could announce it: a process stopped in between, or runs marked Failed
 * at start-up). The scheduler tick announces them late rather than never.
 */
export async function unannouncedTransitions(db: Db, since: Date): Promise<string[]> {
  const r = await sql<{ connection_id: string }>`
    SELECT l.connection_id FROM (
      SELECT DISTINCT ON (connection_id) connection_id, status, finished_at FROM sync_runs
      WHERE status <> 'running' AND finished_at >= ${since} ORDER BY connection_id, started_at DESC, id DESC
    ) l
    JOIN connections c ON c.id = l.connection_id AND c.status = 'active'
    LEFT JOIN connection_alert_states a ON a.connection_id = l.connection_id
    WHERE ((l.status = 'failed' AND coalesce(a.state, 'ok') <> 'failing') OR (l.status <> 'failed' AND a.state = 'failing'))`.execute(db);
  return r.rows.map((x) => x.connection_id);
}
