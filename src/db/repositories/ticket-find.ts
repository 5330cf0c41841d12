import type { Db } from '../database.ts';
import type { Side } from './sync-store.ts';

/** One ticket found by its number in a connection the caller takes part in. */
export interface FoundTicket {
  connectionId: string;
  contractName: string;
  /** The partner organisation's name (null while the connection is pending). */
  partnerName: string | null;
  /** The caller's side of the connection. */
  yourSide: Side;
  /** The side whose ticket has the number asked for. */
  side: Side;
  ticketId: string;
  /** Both sides' ids; the other one is null for a ticket of yours that never travelled. */
  sourceTicketId: string | null;
  targetTicketId: string | null;
  linked: boolean;
}

const MAX_FOUND = 50;

/**
 * Where ticket `ticketId` appears in the organisation's connections: linked pairs on either side (a copy
 * is known to both organisations), and the organisation's own tickets the sync recorded without a link
 * (kept back by a filter, or failed before copying). The partner's tickets that never travelled are not
 * looked at: they are none of the caller's business.
 */
export async function findTickets(db: Db, organisationId: string, ticketId: string): Promise<FoundTicket[]> {
  const mine = await db
    .selectFrom('connection_sides as me')
    .innerJoin('connections as c', 'c.id', 'me.connection_id')
    .leftJoin('connection_sides as them', (j) => j.onRef('them.connection_id', '=', 'me.connection_id').onRef('them.side', '<>', 'me.side'))
    .leftJoin('organisations as o', 'o.id', 'them.organisation_id')
    .select(['me.connection_id as connectionId', 'me.side as side', 'c.contract_name as contractName', 'o.name as partnerName'])
    .where('me.organisation_id', '=', organisationId)
    .execute();
  if (mine.length === 0) return [];
  const byConnection = new Map(mine.map((m) => [m.connectionId, m]));
  const ids = [...byConnection.keys()];

  const links = await db
    .selectFrom('ticket_links')
    .select(['connection_id', 'source_ticket_id', 'target_ticket_id'])
    .where('connection_id', 'in', ids)
    .where((eb) => eb.or([eb('source_ticket_id', '=', ticketId), eb('target_ticket_id', '=', ticketId)]))
    .orderBy('created_at', 'desc')
    .limit(MAX_FOUND)
    .execute();
  const out: FoundTicket[] = [];
  const seen = new Set<string>();
  for (const l of links) {
    const m = byConnection.get(l.connection_id)!;
    for (const side of ['source', 'target'] as const) {
      if ((side === 'source' ? l.source_ticket_id : l.target_ticket_id) !== ticketId) continue;
      seen.add(`${l.connection_id}:${side}`);
      out.push({
        connectionId: l.connection_id,
        contractName: m.contractName,
        partnerName: m.partnerName,
        yourSide: m.side as Side,
        side,
        ticketId,
        sourceTicketId: l.source_ticket_id,
        targetTicketId: l.target_ticket_id,
        linked: true,
      });
    }
  }

  // The caller's own tickets the sync has a record of but no copy (their timeline is theirs alone).
  const ownSides = mine.filter((m) => !seen.has(`${m.connectionId}:${m.side}`));
  if (ownSides.length > 0) {
    const events = await db
      .selectFrom('ticket_events')
      .select(['connection_id', 'side'])
      .distinct()
      .where('ticket_id', '=', ticketId)
      .where((eb) => eb.or(ownSides.map((m) => eb.and([eb('connection_id', '=', m.connectionId), eb('side', '=', m.side)]))))
      .limit(MAX_FOUND)
      .execute();
    for (const e of events) {
      const m = byConnection.get(e.connection_id)!;
      const side = m.side as Side;
      out.push({
        connectionId: e.connection_id,
        contractName: m.contractName,
        partnerName: m.partnerName,
        yourSide: side,
        side,
        ticketId,
        ...(side === 'source' ? { sourceTicketId: ticketId, targetTicketId: null } : { sourceTicketId: null, targetTicketId: ticketId }),
        linked: false,
      });
    }
  }
  // Yours first, then by contract name.
  return out.sort((a, b) => Number(b.side === b.yourSide) - Number(a.side === a.yourSide) || a.contractName.localeCompare(b.contractName)).slice(0, MAX_FOUND);
}
