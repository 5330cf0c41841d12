import { sql } from 'kysely';
import type { Db } from '../../../src/db/database.ts';

/** Work a later run must still do: retry set, open create intents, comment copies not yet confirmed. */
export async function pendingWork(db: Db, connectionId: string): Promise<number> {
  const r = await sql<{ n: number }>`
    SELECT
      (SELECT count(*) FROM sync_retries WHERE connection_id = ${connectionId})
    + (SELECT count(*) FROM create_intents WHERE connection_id = ${connectionId})
    + (SELECT count(*) FROM comment_ledger l JOIN ticket_links k ON k.id = l.link_id WHERE k.connection_id = ${connectionId} AND l.copy_comment_id IS NULL) AS n`.execute(
    db,
  );
  return Number(r.rows[0]?.n ?? 0);
}
