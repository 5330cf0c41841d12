import type { RemoteRequester, TicketConnector } from '../core/connector.ts';
import { plainText } from '../core/sanitize-html.ts';
import type { SideConfiguration } from '../core/sync-config.ts';

/** The requester configuration cannot be satisfied for this ticket: the ticket fails, the run goes on. */
export class RequesterError extends Error {}

/**
 * The requester of a copied ticket on the receiving side: matched by e-mail, created when the side
 * allows it, else the side's default requester.
 */
export async function resolveRequester(
  connector: TicketConnector,
  config: SideConfiguration,
  original: RemoteRequester | null,
  cache: Map<string, RemoteRequester> = new Map(),
): Promise<RemoteRequester> {
  const { mode, defaultRequesterEmail } = config.defaults.requester;
  const email = original?.email?.trim() || null;
  if (mode !== 'default' && email) {
    // One customer's tickets mostly come from a few people: look each up once per run.
    const key = email.toLowerCase();
    const cached = cache.get(key);
    if (cached) return cached;
    const found = await connector.findRequesterByEmail(email);
    if (found) return (cache.set(key, found), found);
    if (mode === 'match_or_create') {
      const created = await connector.createRequester({ email, name: original?.name ? plainText(original.name, { maxLength: 255, singleLine: true }) : null });
      cache.set(key, created);
      return created;
    }
  }
  if (!defaultRequesterEmail) {
    throw new RequesterError(
      email
        ? `No requester with e-mail ${email} on the receiving side and no default requester is configured; set one in the connection's Configuration`
        : "The ticket has no requester e-mail and no default requester is configured; set one in the connection's Configuration",
    );
  }
  const fallback = await connector.findRequesterByEmail(defaultRequesterEmail);
  if (!fallback)
    throw new RequesterError(`The default requester ${defaultRequesterEmail} does not exist on the receiving side; create it there or change the default`);
  return fallback;
}
