import type { Db } from '../db/database.ts';
import { getConnectionSide } from '../db/repositories/connections.ts';
import { getPlatformConfig } from '../db/repositories/platform-configs.ts';
import type { Side } from '../db/repositories/sync-store.ts';
import { ticketWebUrl } from '../connectors/ticket-links.ts';

/**
 * Links from ticket numbers to the tickets in their platform, for the organisation on `viewerSide`: its own
 * side's tickets only (the account its API override or platform settings name). The partner's platform
 * address is the partner's configuration, which a side never learns (docs/architecture.md, Invariants).
 */
export async function ticketUrlsFor(db: Db, connectionId: string, viewerSide: Side): Promise<(side: Side, ticketId: string | null) => string | null> {
  const row = await getConnectionSide(db, connectionId, viewerSide);
  const platform = row ? await getPlatformConfig(db, row.organisationId) : undefined;
  const apiUrl = row?.apiOverride?.apiUrl ?? platform?.apiUrl ?? null;
  const platformId = platform?.platform ?? 'freshservice';
  return (side, ticketId) => (side === viewerSide && ticketId && apiUrl ? ticketWebUrl(platformId, apiUrl, ticketId) : null);
}
