import type { Db } from '../database.ts';
import type { Side } from './connections.ts';

export interface CachedFields {
  /** Which account the fields were read from (platform and URL); another one makes the entry stale. */
  source: string;
  fields: unknown;
  fetchedAt: Date;
}

export async function getCachedFields(db: Db, connectionId: string, side: Side): Promise<CachedFields | undefined> {
  const row = await db
    .selectFrom('field_cache')
    .select(['source', 'fields', 'fetched_at'])
    .where('connection_id', '=', connectionId)
    .where('side', '=', side)
    .executeTakeFirst();
  return row ? { source: row.source, fields: row.fields, fetchedAt: row.fetched_at } : undefined;
}

export async function putCachedFields(db: Db, connectionId: string, side: Side, entry: CachedFields): Promise<void> {
  const values = { source: entry.source, fields: JSON.stringify(entry.fields), fetched_at: entry.fetchedAt };
  await db
    .insertInto('field_cache')
    .values({ connection_id: connectionId, side, ...values })
    .onConflict((oc) => oc.columns(['connection_id', 'side']).doUpdateSet(values))
    .execute();
}

/** Forgets a connection's cached fields (both sides, or one): its credentials or settings changed. */
export async function forgetCachedFields(db: Db, connectionId: string, side?: Side): Promise<void> {
  let q = db.deleteFrom('field_cache').where('connection_id', '=', connectionId);
  if (side) q = q.where('side', '=', side);
  await q.execute();
}
