/** The signed-in pages and how their paths look; App.tsx renders the page a path matches. */
export type ConnectionTab = 'configuration' | 'mappings' | 'sync';
export type TicketSide = 'source' | 'target';

export type Route =
  | { name: 'home' }
  | { name: 'dashboard' }
  | { name: 'settings' }
  | { name: 'connections' }
  | { name: 'connection'; id: string; tab: ConnectionTab }
  | { name: 'sync' }
  | { name: 'syncRun'; runId: string }
  | { name: 'ticket'; id: string; side: TicketSide; ticketId: string }
  | { name: 'members' }
  | { name: 'apiTokens' }
  | { name: 'account' }
  | { name: 'audit' }
  | { name: 'notifications' }
  | { name: 'guide' }
  | { name: 'notFound' };

const TABS: Record<string, ConnectionTab> = { '': 'configuration', mappings: 'mappings', sync: 'sync' };

export function matchRoute(path: string): Route {
  const parts = path.replace(/\/+$/, '').split('/').filter(Boolean).map(decodeURIComponent);
  const [first, second, third, ...rest] = parts;
  if (!first) return { name: 'home' };
  // /connections/:id/tickets/:side/:ticketId — a ticket's timeline
  if (first === 'connections' && second && third === 'tickets' && rest.length === 2 && (rest[0] === 'source' || rest[0] === 'target') && rest[1]) {
    return { name: 'ticket', id: second, side: rest[0], ticketId: rest[1] };
  }
  if (rest.length) return { name: 'notFound' };
  if (first === 'dashboard' && !second) return { name: 'dashboard' };
  if (first === 'settings' && !second) return { name: 'settings' };
  if (first === 'connections') {
    if (!second) return { name: 'connections' };
    const tab = TABS[third ?? ''];
    return tab ? { name: 'connection', id: second, tab } : { name: 'notFound' };
  }
  if (first === 'members' && !second) return { name: 'members' };
  if (first === 'api-tokens' && !second) return { name: 'apiTokens' };
  if (first === 'account' && !second) return { name: 'account' };
  if (first === 'audit-log' && !second) return { name: 'audit' };
  if (first === 'notifications' && !second) return { name: 'notifications' };
  // A platform's setup guide: its manifest names the path (/guide, /guide/<platform>).
  if (first === 'guide' && !third) return { name: 'guide' };
  if (first === 'sync') {
    if (!second) return { name: 'sync' };
    if (!third) return { name: 'syncRun', runId: second };
  }
  return { name: 'notFound' };
}

export const connectionPath = (id: string, tab: ConnectionTab = 'configuration') =>
  `/connections/${encodeURIComponent(id)}${tab === 'configuration' ? '' : `/${tab}`}`;

export const syncRunPath = (runId: string) => `/sync/${encodeURIComponent(runId)}`;

export const ticketPath = (connectionId: string, side: TicketSide, ticketId: string) =>
  `/connections/${encodeURIComponent(connectionId)}/tickets/${side}/${encodeURIComponent(ticketId)}`;

/** The token of a public invitation link (/invite/:token), or null for any other path. */
export function inviteToken(path: string): string | null {
  const m = /^\/invite\/([^/]+)\/?$/.exec(path);
  return m ? decodeURIComponent(m[1]!) : null;
}
