import type { Db } from '../db/database.ts';
import { getConnectionSide } from '../db/repositories/connections.ts';
import { getPlatformConfig } from '../db/repositories/platform-configs.ts';
import type { Side } from '../db/repositories/sync-store.ts';
import { ticketWebUrl } from '../connectors/ticket-links.ts';
import { defaultPlatformId } from '../sync/side-connector.ts';

/** A side's ticket address maker: its platform and the account its API override or platform settings name. */
async function sideLinks(db: Db, connectionId: string, side: Side): Promise<{ shares: boolean; url: (ticketId: string) => string | null }> {
  const row = await getConnectionSide(db, connectionId, side);
  const platform = row ? await getPlatformConfig(db, row.organisationId) : undefined;
  const apiUrl = row?.apiOverride?.apiUrl ?? platform?.apiUrl ?? null;
  const platformId = platform?.platform ?? defaultPlatformId();
  return {
    // The same switch that puts "Partner ticket: INC-34 (link)" into copies (on unless the side turned it off).
    shares: row?.configuration.ticketLinks?.share ?? true,
    url: (ticketId) => (apiUrl ? ticketWebUrl(platformId, apiUrl, ticketId) : null),
  };
}

/**
 * Links from ticket numbers to the tickets in their platform, for the organisation on `viewerSide`: its own
 * side's tickets always; the partner's only while the partner shares ticket links (`ticketLinks.share`), the
 * consent under which its links travel into copies anyway. Callers show only rows the viewer may see.
 */
export async function ticketUrlsFor(db: Db, connectionId: string, viewerSide: Side): Promise<(side: Side, ticketId: string | null) => string | null> {
  const partnerSide: Side = viewerSide === 'source' ? 'target' : 'source';
  const [own, partner] = await Promise.all([sideLinks(db, connectionId, viewerSide), sideLinks(db, connectionId, partnerSide)]);
  return (side, ticketId) => {
    if (!ticketId) return null;
    if (side === viewerSide) return own.url(ticketId);
    return partner.shares ? partner.url(ticketId) : null;
  };
}
