import type { JiraUser } from './model.ts';
import type { JiraState } from './state.ts';

/** The user a Basic e-mail:token header names, or null (wrong, expired, malformed or missing: Jira falls back to anonymous). */
export function authenticate(state: JiraState, header: string | undefined): JiraUser | null {
  if (!header) return null;
  const m = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header);
  if (!m) return null; // Bearer (OAuth/scoped tokens) goes through the gateway host, not simulated here.
  const decoded = Buffer.from(m[1]!, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return null;
  const email = decoded.slice(0, colon);
  const token = decoded.slice(colon + 1);
  const user = state.userByEmail(email);
  if (!user || !user.active || user.token === null || user.token !== token) return null;
  if (user.tokenExpiresMs !== null && state.now() >= user.tokenExpiresMs) return null;
  return user;
}
