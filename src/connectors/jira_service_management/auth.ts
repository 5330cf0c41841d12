/**
 * Jira's two ways in [jira-api.md §1]: the integration account's e-mail + API token (Basic, on the site URL),
 * or OAuth 2.0 (3LO) through the instance's Atlassian app, whose bearer tokens only work through the API
 * gateway `https://api.atlassian.com/ex/jira/{cloudId}`. The cloud id is the one accessible-resources lists
 * for the saved Site URL. The OAuth way is an HttpClient in front of the gateway, so the API layer and Test
 * Connection make the same calls (`/rest/api/3/...`) either way.
 */
import { createHttpClient, type HttpClient, type HttpResponse, type RequestOptions } from '../../connector-kit/http.ts';
import { OAuthError, oauthTokenSourceFor, type OAuthTokenSource } from '../../connector-kit/oauth.ts';
import { assertAllowedDestination, type AddressPolicy } from '../../connector-kit/ssrf.ts';
import type { ConnectionTestResult } from '../../core/connection-test.ts';
import { PlatformError } from '../../core/connector.ts';
import type { InstanceSettings, PlatformManifest } from '../../core/platform-manifest.ts';
import type { CredentialStore } from '../platform-definition.ts';
import { gatewayOrigin } from './oauth-settings.ts';

export interface AccessibleResource {
  id: string;
  url: string;
  name?: string;
}

const sameSite = (a: string, b: string) => a.replace(/\/+$/, '').toLowerCase() === b.replace(/\/+$/, '').toLowerCase();

/**
 * The cloud id of `siteUrl` among the sites the grant covers, or why there is none (a message naming the
 * site and what the app was granted instead).
 */
export function cloudIdFor(siteUrl: string, resources: AccessibleResource[]): { ok: true; cloudId: string } | { ok: false; message: string } {
  const match = resources.find((r) => sameSite(r.url, siteUrl));
  if (match) return { ok: true, cloudId: match.id };
  const granted = resources.map((r) => r.url).join(', ');
  return {
    ok: false,
    message:
      `The Atlassian app was not granted access to ${siteUrl}` +
      (granted ? ` (it may use ${granted})` : ' (it may use no Jira site)') +
      '. Use "Connect to Jira Service Management" again and choose this site on the consent screen, or correct the Site URL.',
  };
}

function parseResources(res: HttpResponse): AccessibleResource[] | null {
  if (!Array.isArray(res.json)) return null;
  const out: AccessibleResource[] = [];
  for (const r of res.json as unknown[]) {
    const o = r as { id?: unknown; url?: unknown; name?: unknown };
    if (typeof o?.id === 'string' && typeof o.url === 'string') out.push({ id: o.id, url: o.url, ...(typeof o.name === 'string' ? { name: o.name } : {}) });
  }
  return out;
}

/** An answer made here, not by Jira: the OAuth way failed before a request could be sent (no tokens, a site not granted). */
function localAnswer(status: 401 | 403, message: string): HttpResponse {
  const body = { errorMessages: [message], errors: {} };
  return {
    status,
    headers: new Headers({ 'content-type': 'application/json' }),
    text: JSON.stringify(body),
    json: body,
    rateLimit: { total: null, remaining: null, usedByRequest: null, retryAfterSeconds: null },
  };
}

/**
 * An HttpClient for the OAuth way: `gateway` is a client whose base URL is the gateway origin (without
 * credentials of its own). Paths under the site (`/rest/...`, or absolute URLs on the site or the gateway)
 * go to `/ex/jira/{cloudId}/...` with the bearer token; other hosts (a download's storage) get no token.
 * A 401 refreshes the tokens once (the source stores rotations through the connector's CredentialStore).
 */
export function jiraGatewayClient(
  gateway: HttpClient,
  opts: { siteUrl: string; gatewayUrl: string; tokens: OAuthTokenSource; refuse?: Refusal },
): JiraGatewayClient {
  const site = new URL(opts.siteUrl).origin;
  let refused: string | null = null;
  const local = (status: 401 | 403, message: string) => {
    refused = message;
    if (opts.refuse === 'throw') throw new PlatformError(status === 401 ? 'authentication' : 'permission', message, { status });
    return localAnswer(status, message);
  };
  const gatewayAt = new URL(opts.gatewayUrl).origin;
  let cloudBase: Promise<string | HttpResponse> | null = null;

  const withToken = (o: RequestOptions, token: string): RequestOptions => ({ ...o, headers: { ...o.headers, authorization: `Bearer ${token}` } });

  /** Sends with the current token; on 401 once more with a refreshed one. A missing or dead grant answers 401 with what to do. */
  async function send(method: string, url: string, o: RequestOptions): Promise<HttpResponse> {
    let token: string;
    try {
      token = await opts.tokens.accessToken();
    } catch (err) {
      if (err instanceof OAuthError) return local(401, err.message);
      throw err;
    }
    const res = await gateway.request(method, url, withToken(o, token));
    if (res.status !== 401) return res;
    try {
      token = (await opts.tokens.refresh()).accessToken;
    } catch (err) {
      if (err instanceof OAuthError) return local(401, `${err.message} Connect to Jira Service Management again in Settings.`);
      throw err;
    }
    return gateway.request(method, url, withToken(o, token));
  }

  async function resolveCloud(): Promise<string | HttpResponse> {
    const res = await send('GET', `${gatewayAt}/oauth/token/accessible-resources`, {});
    if (res.status !== 200) return res;
    const resources = parseResources(res);
    if (!resources) return local(403, 'Atlassian answered the list of accessible sites in an unexpected form; try again later.');
    const found = cloudIdFor(site, resources);
    return found.ok ? `${gatewayAt}/ex/jira/${encodeURIComponent(found.cloudId)}` : local(403, found.message);
  }

  return {
    refusal: () => refused,
    async request(method, path, o = {}) {
      const absolute = /^https?:\/\//i.test(path);
      const target = absolute ? new URL(path) : null;
      // Only the API takes the token: a download's storage (a pre-signed redirect target) gets none.
      if (target && ((target.origin !== site && target.origin !== gatewayAt) || !/^\/(rest|ex\/jira)\//.test(target.pathname)))
        return gateway.request(method, path, o);
      // Resolved once per client; a failure (a network error, a refusal) is asked again next time.
      cloudBase ??= resolveCloud().then(
        (r) => {
          if (typeof r !== 'string') cloudBase = null;
          return r;
        },
        (err: unknown) => {
          cloudBase = null;
          throw err;
        },
      );
      const base = await cloudBase;
      if (typeof base !== 'string') return base;
      const rest = target ? `${target.pathname}${target.search}` : path;
      // A URL Jira answered through the gateway already carries the prefix.
      const url = target?.origin === gatewayAt && rest.startsWith('/ex/jira/') ? target.href : `${base}${rest}`;
      return send(method, url, o);
    },
  };
}

/** Whether a saved set signs in with OAuth: no e-mail and API token (they take precedence when saved). */
export const usesOAuth = (fields: Record<string, string>) => !fields.email && !fields.apiToken;

/**
 * What the OAuth way does when it cannot ask Jira (no tokens, no app, a site not granted): answer the 401/403
 * Jira would (Test Connection classifies it, oauthTestResult words it), or throw the PlatformError a sync reports.
 */
export type Refusal = 'answer' | 'throw';

/** The OAuth way's client; `refusal()` is why it last answered without asking Jira (no tokens, a site not granted), if it did. */
export interface JiraGatewayClient extends HttpClient {
  refusal(): string | null;
}

/** A client that answers every request with `message` as a 401 (the OAuth way cannot start: no app on this instance). */
function refusing(message: string, refuse: Refusal): JiraGatewayClient {
  return {
    refusal: () => message,
    request: async () => {
      if (refuse === 'throw') throw new PlatformError('authentication', message, { status: 401 });
      return localAnswer(401, message);
    },
  };
}

/**
 * Test Connection's result for the OAuth way: where the client refused on its own, its reason replaces
 * the wording written for e-mail and API token, and the authentication step says what it checked.
 */
export function oauthTestResult(result: ConnectionTestResult, http: JiraGatewayClient): ConnectionTestResult {
  const checks = result.checks.map((c) => (c.id === 'authenticate' ? { ...c, label: 'Authenticate with the Atlassian app (OAuth)' } : c));
  const refusal = http.refusal();
  if (result.ok || !refusal) return { ...result, checks };
  return {
    ...result,
    error: { ...result.error, message: refusal },
    checks: checks.map((c) => (c.status === 'failed' ? { ...c, detail: refusal } : c)),
  };
}

/**
 * The OAuth way's HttpClient for a saved set: tokens from its fields, refreshed and kept through
 * `credentialStore`, calls through the instance's gateway.
 */
export function jiraOAuthHttp(
  manifest: PlatformManifest,
  creds: { apiUrl: string; fields: Record<string, string> },
  opts: {
    timeoutMs: number;
    addressPolicy?: AddressPolicy | undefined;
    credentialStore?: CredentialStore | undefined;
    platformSettings?: InstanceSettings | undefined;
  },
  refuse: Refusal = 'answer',
): JiraGatewayClient {
  const instance = opts.platformSettings ?? {};
  const gatewayUrl = gatewayOrigin(instance);
  let tokens: OAuthTokenSource;
  try {
    tokens = oauthTokenSourceFor(manifest, creds, {
      credentialStore: opts.credentialStore,
      instance,
      timeoutMs: opts.timeoutMs,
      // As every platform request: checked by the SSRF policy, http only where private addresses are allowed.
      allowHttp: !opts.addressPolicy || opts.addressPolicy.allowPrivate,
      ...(opts.addressPolicy ? { guard: (url: URL) => assertAllowedDestination(url, opts.addressPolicy!) } : {}),
    });
  } catch (err) {
    if (err instanceof OAuthError) return refusing(`${err.message} Or enter the e-mail and API token of the integration account.`, refuse);
    throw err;
  }
  const gateway = createHttpClient({
    baseUrl: gatewayUrl,
    auth: { kind: 'none' },
    timeoutMs: opts.timeoutMs,
    platform: manifest.id,
    ...(opts.addressPolicy ? { addressPolicy: opts.addressPolicy } : {}),
  });
  return jiraGatewayClient(gateway, { siteUrl: creds.apiUrl, gatewayUrl, tokens, refuse });
}
