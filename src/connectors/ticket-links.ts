/**
 * Where a person opens a ticket in its platform's own web UI, per platform: facts about each platform,
 * beside the connectors, with no I/O. Platforms without an entry get no link.
 */
const builders: Record<string, (origin: string, ticketId: string) => string> = {
  // The agent portal shows a ticket at /a/tickets/<id> on the account's own host (the host of the API URL,
  // https://<name>.freshservice.com; API v2 allows no vanity domain, so the API host is the portal host).
  freshservice: (origin, id) => `${origin}/a/tickets/${encodeURIComponent(id)}`,
};

/** The web address of a ticket, or null when the platform or the URL gives none. */
export function ticketWebUrl(platform: string, apiUrl: string, ticketId: string): string | null {
  const build = Object.hasOwn(builders, platform) ? builders[platform] : undefined;
  if (!build || !URL.canParse(apiUrl)) return null;
  const url = new URL(apiUrl);
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return null;
  return build(url.origin, ticketId);
}
