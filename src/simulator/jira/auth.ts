import { startOAuthServer, type OAuthServer } from '../kit/oauth-server.ts';
import type { JiraUser } from './model.ts';
import type { JiraState } from './state.ts';

/**
 * The user an Authorization header names, or null (wrong, expired, malformed or missing: Jira falls back to
 * anonymous). Basic e-mail:token works on the site and the gateway; a Bearer (OAuth 3LO) token only through
 * the gateway (`/ex/jira/{cloudId}`), as on Jira Cloud [§1.1].
 */
export function authenticate(state: JiraState, header: string | undefined, oauth?: JiraOAuth | null): JiraUser | null {
  if (!header) return null;
  const bearer = /^Bearer\s+(\S+)\s*$/i.exec(header);
  if (bearer) return oauth ? oauth.userOf(bearer[1]!) : null;
  const m = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header);
  if (!m) return null;
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

/** The 3LO scopes the simulated Atlassian app holds (what accessible-resources lists for the site). */
export const JIRA_OAUTH_SCOPES = [
  'read:jira-work',
  'write:jira-work',
  'read:jira-user',
  'manage:jira-webhook',
  'read:servicedesk-request',
  'write:servicedesk-request',
  'manage:servicedesk-customer',
];

export interface JiraOAuth {
  /** auth.atlassian.com's stand-in: `/authorize` and `/oauth/token`, a host of its own (the kit OAuth server). */
  server: OAuthServer;
  clientId: string;
  clientSecret: string;
  /** The account a consent signs in as (default: the admin profile). */
  profile: string;
  /** Sites accessible-resources lists; null: this site alone. A site left out is one the app was not granted. */
  grantedSites: string[] | null;
  userOf(accessToken: string): JiraUser | null;
}

/** Atlassian's authorization server for this site's 3LO app: audience and consent prompt required, refresh tokens only with offline_access, rotating. */
export async function startJiraOAuth(state: JiraState, opts: { clientId?: string; clientSecret?: string } = {}): Promise<JiraOAuth> {
  const clientId = opts.clientId ?? `sim-${state.siteName}-client-0001`;
  const clientSecret = opts.clientSecret ?? `sim-${state.siteName}-secret-0001`;
  const server = await startOAuthServer({
    clientId,
    clientSecret,
    rotate: true,
    authorizePath: '/authorize',
    requireAuthorizeParams: { audience: 'api.atlassian.com', prompt: 'consent' },
    refreshScope: 'offline_access',
  });
  const oauth: JiraOAuth = {
    server,
    clientId,
    clientSecret,
    profile: 'admin',
    grantedSites: null,
    userOf(accessToken) {
      if (!server.validAccessTokens.has(accessToken)) return null;
      const user = state.userByProfile(oauth.profile);
      return user?.active ? user : null;
    },
  };
  return oauth;
}

/**
 * `GET https://api.atlassian.com/oauth/token/accessible-resources` [§1.1]: the sites the bearer's grant
 * covers, each with its cloud id; 401 without a valid token.
 */
export function accessibleResources(
  oauth: JiraOAuth,
  header: string | undefined,
  site: { cloudId: string; name: string; url: string },
): { status: number; body: unknown } {
  const token = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '')?.[1];
  if (!token || !oauth.server.validAccessTokens.has(token)) return { status: 401, body: { code: 401, message: 'Unauthorized' } };
  const urls = oauth.grantedSites ?? [site.url];
  return {
    status: 200,
    body: urls.map((url, i) => ({
      id: url === site.url ? site.cloudId : `00000000-0000-4000-8000-${String(i + 1).padStart(12, '0')}`,
      name: url === site.url ? site.name : new URL(url).hostname.split('.')[0],
      url,
      scopes: JIRA_OAUTH_SCOPES,
      avatarUrl: 'https://site-admin-avatar-cdn.prod.public.atl-paas.net/avatars/240/rocket.png',
    })),
  };
}
