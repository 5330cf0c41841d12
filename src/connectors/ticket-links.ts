import { platformDefinition } from './registry.ts';

/** The web address of a ticket in its platform's own UI, or null when the platform or the URL gives none. */
export function ticketWebUrl(platform: string, apiUrl: string, ticketId: string, displayId: string = ticketId): string | null {
  const def = platformDefinition(platform);
  if (!def || !URL.canParse(apiUrl)) return null;
  const url = new URL(apiUrl);
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return null;
  return def.ticketWebUrl(url.origin, { id: ticketId, displayId });
}
