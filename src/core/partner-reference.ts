import type { FieldValue, RemoteTicket } from './connector.ts';

/**
 * The partner's ticket reference (issue 12 item 16): the number of the ticket a copy was made from, and a
 * link to it, for the organisation receiving the copy. They are offered as read-only pseudo-fields of the
 * sending ticket, so a field mapping can write them into a text field and the description builder can
 * list them; they are never written into a platform under their own names.
 *
 * The link contains the sending side's platform address (e.g. its helpdesk domain): it leaves that
 * side only when the side's configuration shares ticket links (`ticketLinks.share`, on by default).
 */
export const PARTNER_TICKET_ID = 'partner.ticketId';
export const PARTNER_TICKET_URL = 'partner.ticketUrl';

export const PARTNER_FIELDS: Readonly<Record<string, string>> = {
  [PARTNER_TICKET_ID]: 'Partner ticket number',
  [PARTNER_TICKET_URL]: 'Partner ticket link',
};

export const isPartnerField = (name: string): boolean => name in PARTNER_FIELDS;

export interface PartnerReference {
  /** As the sending platform shows it, e.g. "INC-34". */
  displayId: string;
  /** Null when the sending side does not share links to its tickets (or its platform has none). */
  url: string | null;
}

/** The ticket with its reference readable as the pseudo-fields (a copy; the original is not changed). */
export function withPartnerReference(t: RemoteTicket, ref: PartnerReference): RemoteTicket {
  const fields: Record<string, FieldValue> = { ...t.fields, [PARTNER_TICKET_ID]: ref.displayId, [PARTNER_TICKET_URL]: ref.url };
  return { ...t, fields };
}

/** Only http(s) links are passed on: anything else from a platform is not a link to a ticket. */
export function safeTicketUrl(url: string | null | undefined): string | null {
  if (!url) return null;
  try {
    const u = new URL(url);
    return u.protocol === 'https:' || u.protocol === 'http:' ? u.toString() : null;
  } catch {
    return null;
  }
}
