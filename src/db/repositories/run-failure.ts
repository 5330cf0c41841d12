import type { Db } from '../database.ts';

/** What the failure guidance of a run needs about the side at fault: whose it is and which key it used. */
export interface FailingSide {
  organisationId: string;
  organisationName: string;
  /** The organisation's platform id (Settings), null when it has none saved. */
  platform: string | null;
  /** The side used the connection's own API override, not the Settings key. */
  usesOverride: boolean;
}

export async function failingSide(db: Db, connectionId: string, side: string): Promise<FailingSide | null> {
  const r = await db
    .selectFrom('connection_sides as s')
    .innerJoin('organisations as o', 'o.id', 's.organisation_id')
    .leftJoin('platform_configs as p', 'p.organisation_id', 's.organisation_id')
    .select(['s.organisation_id', 'o.name', 'p.platform', 's.api_override_url'])
    .where('s.connection_id', '=', connectionId)
    .where('s.side', '=', side)
    .executeTakeFirst();
  return r ? { organisationId: r.organisation_id, organisationName: r.name, platform: r.platform ?? null, usesOverride: r.api_override_url !== null } : null;
}
