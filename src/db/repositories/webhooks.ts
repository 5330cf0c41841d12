import { createHash, randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import { decryptSecret, encryptSecret } from '../../security/crypto.ts';
import type { Db } from '../database.ts';
import type { Side } from './connections.ts';

/**
 * Webhook tokens (one per connection side: the secret in the URL an organisation pastes into its
 * helpdesk), signing secrets (for platforms that sign their calls) and sync hints (ticket ids a webhook named, waiting for the next run of the connection).
 *
 * A token is 32 random bytes (base64url). Incoming calls are matched by its sha256 (unique column); the
 * token itself is also kept encrypted, bound to the side's organisation, so the URL can be shown again.
 */
export interface WebhookTarget {
  connectionId: string;
  side: Side;
  organisationId: string;
}

export interface SyncHint {
  side: Side;
  ticketId: string;
  /** The webhook reported the ticket deleted (absent: a change). */
  deleted?: true;
}

export function hashWebhookToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

function newToken(): { token: string; hash: string } {
  const token = randomBytes(32).toString('base64url');
  return { token, hash: hashWebhookToken(token) };
}

/** Tokens are base64url of 32 bytes (43 characters); anything else cannot match and is not looked up. */
export const WEBHOOK_TOKEN_SHAPE = /^[A-Za-z0-9_-]{43}$/;

export class WebhookTokenUnreadableError extends Error {}

/**
 * The side's token, created on first use. Two first calls racing agree on one token: only the update
 * that finds no token yet stores its own; the other reads the winner's.
 */
export async function ensureWebhookToken(db: Db, masterKey: Buffer, connectionId: string, side: Side): Promise<string> {
  const row = await sideRow(db, connectionId, side);
  if (row.webhook_token_ciphertext) return open(masterKey, row.webhook_token_ciphertext, row.organisation_id);
  const { token, hash } = newToken();
  const stored = await db
    .updateTable('connection_sides')
    .set({
      webhook_token_hash: hash,
      webhook_token_ciphertext: encryptSecret(masterKey, token, row.organisation_id),
      webhook_secret_ciphertext: encryptSecret(masterKey, newSigningSecret(), row.organisation_id),
    })
    .where('connection_id', '=', connectionId)
    .where('side', '=', side)
    .where('webhook_token_hash', 'is', null)
    .returning('connection_id')
    .executeTakeFirst();
  if (stored) return token;
  const again = await sideRow(db, connectionId, side);
  if (!again.webhook_token_ciphertext) throw new Error(`connection ${connectionId} ${side}: webhook token vanished while being created`);
  return open(masterKey, again.webhook_token_ciphertext, again.organisation_id);
}

function newSigningSecret(): string {
  return randomBytes(32).toString('base64url');
}

/**
 * The side's webhook signing secret (platforms that sign their calls with it), created with the token or,
 * for a side whose token predates it, on first use; two first calls agree on one, like the token.
 */
export async function ensureWebhookSecret(db: Db, masterKey: Buffer, connectionId: string, side: Side): Promise<string> {
  const row = await sideRow(db, connectionId, side);
  if (row.webhook_secret_ciphertext) return open(masterKey, row.webhook_secret_ciphertext, row.organisation_id);
  const secret = newSigningSecret();
  const stored = await db
    .updateTable('connection_sides')
    .set({ webhook_secret_ciphertext: encryptSecret(masterKey, secret, row.organisation_id) })
    .where('connection_id', '=', connectionId)
    .where('side', '=', side)
    .where('webhook_secret_ciphertext', 'is', null)
    .returning('connection_id')
    .executeTakeFirst();
  if (stored) return secret;
  const again = await sideRow(db, connectionId, side);
  if (!again.webhook_secret_ciphertext) throw new Error(`connection ${connectionId} ${side}: webhook secret vanished while being created`);
  return open(masterKey, again.webhook_secret_ciphertext, again.organisation_id);
}

/** Replaces the side's token (and its signing secret); the previous ones stop matching at once (the hash is overwritten). */
export async function rotateWebhookToken(db: Db, masterKey: Buffer, connectionId: string, side: Side): Promise<string> {
  const row = await sideRow(db, connectionId, side);
  const { token, hash } = newToken();
  await db
    .updateTable('connection_sides')
    // The last event was the old URL's: "No event yet" then tells whether the new one was pasted in.
    .set({
      webhook_token_hash: hash,
      webhook_token_ciphertext: encryptSecret(masterKey, token, row.organisation_id),
      webhook_secret_ciphertext: encryptSecret(masterKey, newSigningSecret(), row.organisation_id),
      webhook_last_event_at: null,
      webhook_last_event_accepted: null,
      webhook_last_event_reason: null,
    })
    .where('connection_id', '=', connectionId)
    .where('side', '=', side)
    .executeTakeFirstOrThrow();
  return token;
}

/** The last call of a side's webhook URL: when, and whether it was accepted (why not, in words). */
export interface WebhookLastEvent {
  receivedAt: Date;
  accepted: boolean;
  reason: string | null;
}

/**
 * Notes a call of the side's webhook URL. Only calls with a known token count (an unknown one has no
 * side); the reason is the answer the caller got, which the platform shows only in its own log, if at all.
 */
export async function recordWebhookEvent(
  db: Db,
  connectionId: string,
  side: Side,
  event: { accepted: boolean; reason?: string | null; at?: Date },
): Promise<void> {
  await db
    .updateTable('connection_sides')
    .set({
      webhook_last_event_at: event.at ?? new Date(),
      webhook_last_event_accepted: event.accepted,
      webhook_last_event_reason: event.accepted ? null : (event.reason ?? '').slice(0, 500) || null,
    })
    .where('connection_id', '=', connectionId)
    .where('side', '=', side)
    .execute();
}

export async function webhookLastEvent(db: Db, connectionId: string, side: Side): Promise<WebhookLastEvent | null> {
  const row = await db
    .selectFrom('connection_sides')
    .select(['webhook_last_event_at', 'webhook_last_event_accepted', 'webhook_last_event_reason'])
    .where('connection_id', '=', connectionId)
    .where('side', '=', side)
    .executeTakeFirst();
  if (!row?.webhook_last_event_at) return null;
  return { receivedAt: new Date(row.webhook_last_event_at), accepted: row.webhook_last_event_accepted === true, reason: row.webhook_last_event_reason };
}

/** The side a token belongs to, only while its connection is active (pending or revoked: undefined). */
export async function findWebhookTarget(db: Db, token: string): Promise<WebhookTarget | undefined> {
  if (!WEBHOOK_TOKEN_SHAPE.test(token)) return undefined;
  const row = await db
    .selectFrom('connection_sides as s')
    .innerJoin('connections as c', 'c.id', 's.connection_id')
    .select(['s.connection_id', 's.side', 's.organisation_id'])
    .where('s.webhook_token_hash', '=', hashWebhookToken(token))
    .where('c.status', '=', 'active')
    .executeTakeFirst();
  return row ? { connectionId: row.connection_id, side: row.side as Side, organisationId: row.organisation_id } : undefined;
}

/**
 * Notes that a ticket of `side` changed; the same ticket named twice before a run is one hint. `deleted`:
 * those of the tickets the webhook reported deleted (others it names are ignored).
 */
export async function addSyncHint(
  db: Db,
  connectionId: string,
  side: Side,
  ticketId: string | number | readonly string[],
  options: { deleted?: readonly string[] } = {},
): Promise<void> {
  const ids = typeof ticketId === 'object' ? [...new Set(ticketId)] : [String(ticketId)];
  if (ids.length === 0) return;
  const deleted = new Set(options.deleted ?? []);
  await db
    .insertInto('sync_hints')
    .values(ids.map((id) => ({ connection_id: connectionId, side, ticket_id: id, deleted: deleted.has(id) })))
    // A repeat refreshes the time: a hint that arrives while a run works the ticket outlives that run.
    // A reported deletion is kept when a change of the same ticket follows (calls may arrive out of order);
    // the engine's read decides either way.
    .onConflict((oc) =>
      oc.columns(['connection_id', 'side', 'ticket_id']).doUpdateSet({ created_at: new Date(), deleted: sql<boolean>`sync_hints.deleted OR excluded.deleted` }),
    )
    .execute();
}

/**
 * The connection's pending hints, oldest first, removed in the same statement: two runs never take the
 * same hint. Whoever takes them owns them (the sync engine, at the start of a run).
 */
export async function takeSyncHints(db: Db, connectionId: string): Promise<SyncHint[]> {
  const rows = await db.deleteFrom('sync_hints').where('connection_id', '=', connectionId).returning(['side', 'ticket_id', 'created_at', 'deleted']).execute();
  return rows
    .sort((x, y) => new Date(x.created_at).getTime() - new Date(y.created_at).getTime())
    .map((r) => ({ side: r.side as Side, ticketId: r.ticket_id, ...(r.deleted ? { deleted: true as const } : {}) }));
}

async function sideRow(db: Db, connectionId: string, side: Side) {
  const row = await db
    .selectFrom('connection_sides')
    .select(['organisation_id', 'webhook_token_ciphertext', 'webhook_secret_ciphertext'])
    .where('connection_id', '=', connectionId)
    .where('side', '=', side)
    .executeTakeFirst();
  if (!row) throw new Error(`connection ${connectionId} has no ${side} side row`);
  return row;
}

function open(masterKey: Buffer, ciphertext: string, organisationId: string): string {
  try {
    return decryptSecret(masterKey, ciphertext, organisationId);
  } catch (err) {
    throw new WebhookTokenUnreadableError(`The webhook token cannot be decrypted (${(err as Error).message})`);
  }
}
