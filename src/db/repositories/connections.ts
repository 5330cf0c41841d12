import { sql, type ExpressionBuilder } from 'kysely';
import { Mappings, SideConfiguration } from '../../core/sync-config.ts';
import type { Db } from '../database.ts';
import type { Database } from '../schema.ts';

/**
 * Connections between two organisations (product.md §3) and each organisation's side of one (§4).
 * Every lookup made for a user is scoped to that user's organisation: a connection another
 * organisation owns is indistinguishable from one that does not exist.
 */
export type Side = 'source' | 'target';
export type ConnectionStatus = 'pending' | 'active' | 'revoked';
export type SyncState = 'initial_sync_required' | 'ready_for_automatic_sync';

export const otherSide = (side: Side): Side => (side === 'source' ? 'target' : 'source');

export interface ConnectionRecord {
  id: string;
  contractName: string;
  creatorOrganisationId: string;
  source: { id: string; name: string } | null;
  target: { id: string; name: string } | null;
  status: ConnectionStatus;
  syncState: SyncState;
  automaticSync: boolean;
  codeExpiresAt: Date;
  createdAt: Date;
  acceptedAt: Date | null;
}

/** A connection as one of its organisations sees it. */
export interface ConnectionView {
  id: string;
  contractName: string;
  role: Side;
  partner: { id: string; name: string } | null;
  status: ConnectionStatus;
  syncState: SyncState;
  automaticSync: boolean;
  createdAt: Date;
  expiresAt: Date;
}

export interface SideRecord {
  connectionId: string;
  side: Side;
  organisationId: string;
  configuration: SideConfiguration;
  apiOverride: { apiUrl: string; apiKeyCiphertext: string; apiKeyHint: string } | null;
}

/** The side `organisationId` holds in `c` (the creator's side while the connection is pending). */
export function sideOf(c: ConnectionRecord, organisationId: string): Side {
  if (c.source?.id === organisationId) return 'source';
  if (c.target?.id === organisationId) return 'target';
  throw new Error(`Organisation ${organisationId} is not part of connection ${c.id}`);
}

export function viewFor(c: ConnectionRecord, organisationId: string): ConnectionView {
  const role = sideOf(c, organisationId);
  return {
    id: c.id,
    contractName: c.contractName,
    role,
    partner: c[otherSide(role)],
    status: c.status,
    syncState: c.syncState,
    automaticSync: c.automaticSync,
    createdAt: c.createdAt,
    expiresAt: c.codeExpiresAt,
  };
}

export async function createConnection(
  db: Db,
  input: {
    creatorOrganisationId: string;
    role: Side;
    contractName: string;
    codeHash: string;
    expiresAt: Date;
    mappings: Mappings;
    configuration: SideConfiguration;
  },
): Promise<ConnectionRecord> {
  return db.transaction().execute(async (trx) => {
    const { id } = await trx
      .insertInto('connections')
      .values({
        contract_name: input.contractName,
        creator_organisation_id: input.creatorOrganisationId,
        source_organisation_id: input.role === 'source' ? input.creatorOrganisationId : null,
        target_organisation_id: input.role === 'target' ? input.creatorOrganisationId : null,
        status: 'pending',
        verification_code_hash: input.codeHash,
        code_expires_at: input.expiresAt,
        mappings: JSON.stringify(input.mappings),
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    await trx
      .insertInto('connection_sides')
      .values({ connection_id: id, side: input.role, organisation_id: input.creatorOrganisationId, configuration: JSON.stringify(input.configuration) })
      .execute();
    return (await findConnectionForOrganisation(trx, id, input.creatorOrganisationId))!;
  });
}

export type AcceptResult = { outcome: 'accepted'; connection: ConnectionRecord } | { outcome: 'unknown' | 'expired' | 'own' };

/**
 * Redeems a verification code for `organisationId`, in one transaction. The conditional UPDATE makes
 * a code single-use even when two accepts race: the second finds the hash already cleared.
 */
export async function acceptConnection(
  db: Db,
  input: { codeHash: string; organisationId: string; now: Date; configuration: SideConfiguration },
): Promise<AcceptResult> {
  return db.transaction().execute(async (trx): Promise<AcceptResult> => {
    const found = await trx
      .selectFrom('connections')
      .select(['id', 'creator_organisation_id', 'code_expires_at'])
      .where('verification_code_hash', '=', input.codeHash)
      .where('status', '=', 'pending')
      .executeTakeFirst();
    if (!found) return { outcome: 'unknown' };
    if (found.creator_organisation_id === input.organisationId) return { outcome: 'own' };
    if (found.code_expires_at.getTime() <= input.now.getTime()) return { outcome: 'expired' };

    const org = input.organisationId;
    const updated = await trx
      .updateTable('connections')
      .set({
        status: 'active',
        verification_code_hash: null,
        accepted_at: input.now,
        source_organisation_id: sql<string>`COALESCE(source_organisation_id, ${org}::uuid)`,
        target_organisation_id: sql<string>`COALESCE(target_organisation_id, ${org}::uuid)`,
      })
      .where('verification_code_hash', '=', input.codeHash)
      .where('status', '=', 'pending')
      .where('code_expires_at', '>', input.now)
      .where('creator_organisation_id', '<>', org)
      .returning(['id', 'source_organisation_id', 'creator_organisation_id'])
      .executeTakeFirst();
    if (!updated) return { outcome: 'unknown' }; // another accept won the race
    const side: Side = updated.source_organisation_id === updated.creator_organisation_id ? 'target' : 'source';
    await trx
      .insertInto('connection_sides')
      .values({ connection_id: updated.id, side, organisation_id: org, configuration: JSON.stringify(input.configuration) })
      .execute();
    return { outcome: 'accepted', connection: (await findConnectionForOrganisation(trx, updated.id, org))! };
  });
}

/** Active connections of the organisation, and pending ones it created; never revoked ones. Newest first. */
export async function listConnectionsForOrganisation(db: Db, organisationId: string): Promise<ConnectionRecord[]> {
  const rows = await selectConnections(db).where(visibleTo(organisationId)).orderBy('c.created_at', 'desc').orderBy('c.id').execute();
  return rows.map(toRecord);
}

/** The connection when `organisationId` may see it (same rule as the list), else undefined. */
export async function findConnectionForOrganisation(db: Db, connectionId: string, organisationId: string): Promise<ConnectionRecord | undefined> {
  const row = await selectConnections(db).where('c.id', '=', connectionId).where(visibleTo(organisationId)).executeTakeFirst();
  return row ? toRecord(row) : undefined;
}

/** Any connection by id, whatever its status (for the sync engine, which is not acting for a user). */
export async function getConnection(db: Db, connectionId: string): Promise<ConnectionRecord | undefined> {
  const row = await selectConnections(db).where('c.id', '=', connectionId).executeTakeFirst();
  return row ? toRecord(row) : undefined;
}

/** Either side revokes; a pending connection's code stops working (its hash is cleared). */
export async function revokeConnection(db: Db, connectionId: string, organisationId: string, now: Date): Promise<boolean> {
  const row = await db
    .updateTable('connections as c')
    .set({ status: 'revoked', revoked_at: now, verification_code_hash: null })
    .where('c.id', '=', connectionId)
    .where(visibleTo(organisationId))
    .returning('c.id')
    .executeTakeFirst();
  return row !== undefined;
}

export async function getConnectionSide(db: Db, connectionId: string, side: Side): Promise<SideRecord | undefined> {
  const row = await db
    .selectFrom('connection_sides')
    .select(['connection_id', 'side', 'organisation_id', 'configuration', 'api_override_url', 'api_override_key_ciphertext', 'api_override_key_hint'])
    .where('connection_id', '=', connectionId)
    .where('side', '=', side)
    .executeTakeFirst();
  if (!row) return undefined;
  return {
    connectionId: row.connection_id,
    side: row.side as Side,
    organisationId: row.organisation_id,
    configuration: SideConfiguration.parse(row.configuration),
    apiOverride:
      row.api_override_url && row.api_override_key_ciphertext
        ? { apiUrl: row.api_override_url, apiKeyCiphertext: row.api_override_key_ciphertext, apiKeyHint: row.api_override_key_hint ?? '' }
        : null,
  };
}

/** Replaces one side's configuration and API override (null removes the override). */
export async function saveConnectionSide(
  db: Db,
  connectionId: string,
  side: Side,
  input: { configuration: SideConfiguration; apiOverride: SideRecord['apiOverride'] },
): Promise<void> {
  await db
    .updateTable('connection_sides')
    .set({
      configuration: JSON.stringify(input.configuration),
      api_override_url: input.apiOverride?.apiUrl ?? null,
      api_override_key_ciphertext: input.apiOverride?.apiKeyCiphertext ?? null,
      api_override_key_hint: input.apiOverride?.apiKeyHint ?? null,
      updated_at: new Date(),
    })
    .where('connection_id', '=', connectionId)
    .where('side', '=', side)
    .executeTakeFirstOrThrow();
}

export async function getMappings(db: Db, connectionId: string): Promise<Mappings | undefined> {
  const row = await db.selectFrom('connections').select('mappings').where('id', '=', connectionId).executeTakeFirst();
  return row ? Mappings.parse(row.mappings) : undefined;
}

export async function saveMappings(db: Db, connectionId: string, mappings: Mappings): Promise<void> {
  await db
    .updateTable('connections')
    .set({ mappings: JSON.stringify(mappings) })
    .where('id', '=', connectionId)
    .executeTakeFirstOrThrow();
}

type ConnectionsAlias = Database & { c: Database['connections'] };

function visibleTo(organisationId: string) {
  return (eb: ExpressionBuilder<ConnectionsAlias, 'c'>) =>
    eb.or([
      eb.and([
        eb('c.status', '=', 'active'),
        eb.or([eb('c.source_organisation_id', '=', organisationId), eb('c.target_organisation_id', '=', organisationId)]),
      ]),
      eb.and([eb('c.status', '=', 'pending'), eb('c.creator_organisation_id', '=', organisationId)]),
    ]);
}

function selectConnections(db: Db) {
  return db
    .selectFrom('connections as c')
    .leftJoin('organisations as so', 'so.id', 'c.source_organisation_id')
    .leftJoin('organisations as tgo', 'tgo.id', 'c.target_organisation_id')
    .select([
      'c.id',
      'c.contract_name',
      'c.creator_organisation_id',
      'c.source_organisation_id',
      'c.target_organisation_id',
      'so.name as source_name',
      'tgo.name as target_name',
      'c.status',
      'c.sync_state',
      'c.automatic_sync',
      'c.code_expires_at',
      'c.created_at',
      'c.accepted_at',
    ]);
}

type ConnectionRow = Awaited<ReturnType<ReturnType<typeof selectConnections>['executeTakeFirstOrThrow']>>;

function toRecord(r: ConnectionRow): ConnectionRecord {
  return {
    id: r.id,
    contractName: r.contract_name,
    creatorOrganisationId: r.creator_organisation_id,
    source: r.source_organisation_id ? { id: r.source_organisation_id, name: r.source_name ?? '' } : null,
    target: r.target_organisation_id ? { id: r.target_organisation_id, name: r.target_name ?? '' } : null,
    status: r.status as ConnectionStatus,
    syncState: r.sync_state as SyncState,
    automaticSync: r.automatic_sync,
    codeExpiresAt: r.code_expires_at,
    createdAt: r.created_at,
    acceptedAt: r.accepted_at,
  };
}
