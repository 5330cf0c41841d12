/**
 * OAuth 2.0 for connectors whose manifest says `auth: 'oauth'`: authorization code (with PKCE S256 where the
 * manifest says `pkce`), the code exchange, and refresh with rotation. The protocol checks are oauth4webapi's;
 * this module adds what a connector needs around them: tokens as credential fields, and refreshes serialised
 * per credential set (in the process, and across processes through the store's refresh lock) so a rotated
 * refresh token is never lost to a concurrent refresh.
 */
import * as oauth from 'oauth4webapi';
import type { CredentialStore, PlatformCredentials } from '../connectors/platform-definition.ts';
import type { InstanceSettings, OAuthSettings, PlatformManifest } from '../core/platform-manifest.ts';

/** The credential fields the tokens are kept in (secret, beside the manifest's own fields). */
export const OAUTH_TOKEN_FIELDS = { accessToken: 'oauthAccessToken', refreshToken: 'oauthRefreshToken', expiresAt: 'oauthExpiresAt' } as const;

/** How long a started authorization may take before its state is refused. */
export const OAUTH_STATE_TTL_MS = 10 * 60_000;

/** A token this close to its expiry is refreshed before use (clocks and request time differ). */
const EXPIRY_MARGIN_MS = 60_000;

/** Token answers larger than this are refused (a token answer is a few KB at most). */
const MAX_TOKEN_RESPONSE_BYTES = 64 * 1024;

/** The secret fields of a manifest's credential set, with the token fields when the platform uses OAuth. */
export function secretFieldNames(manifest: PlatformManifest): string[] {
  const own = manifest.credentials.filter((f) => f.secret).map((f) => f.name);
  return manifest.auth === 'oauth' || manifest.oauth?.instanceClient ? [...own, ...Object.values(OAUTH_TOKEN_FIELDS)] : own;
}

/**
 * Whether an organisation can connect this platform with OAuth here: its way in is OAuth, or it offers an
 * instance-wide OAuth app as a second way in and this instance registered one (both settings set).
 */
export function oauthOffered(manifest: PlatformManifest, instance: InstanceSettings = {}): boolean {
  const settings = manifest.oauth;
  if (!settings) return false;
  if (settings.instanceClient) return Boolean(instance[settings.instanceClient.idSetting] && instance[settings.instanceClient.secretSetting]);
  return manifest.auth === 'oauth';
}

export interface OAuthClientConfig {
  settings: OAuthSettings;
  /** The account's normalised API URL (the endpoints are derived from it). */
  apiUrl: string;
  clientId: string;
  clientSecret: string | null;
  redirectUri: string;
  /** Checks each destination before a request (the SSRF guard, connector-kit/ssrf.ts); throws to refuse. */
  guard?: (url: URL) => Promise<unknown>;
  /** Allows http:// endpoints (the simulator, a platform on a private network when private URLs are allowed). */
  allowHttp?: boolean;
  timeoutMs?: number;
  /** Test hook: the fetch used for the token endpoint. */
  fetch?: typeof fetch;
  /** The instance's platform settings: an instance-wide OAuth app, overridden endpoints (see InstanceSettings). */
  instance?: InstanceSettings;
}

export interface OAuthTokens {
  accessToken: string;
  refreshToken: string | null;
  /** ISO time, or null when the platform does not say. */
  expiresAt: string | null;
}

export type OAuthErrorKind = 'denied' | 'invalid_grant' | 'protocol' | 'network' | 'not_configured';

/** Why an OAuth step failed; `message` is safe to show (it never holds a token or secret). */
export class OAuthError extends Error {
  constructor(
    readonly kind: OAuthErrorKind,
    message: string,
  ) {
    super(message);
  }
}

/** The client settings of an OAuth platform from its saved credentials, or what is missing. */
export function oauthClientFor(
  manifest: PlatformManifest,
  creds: PlatformCredentials,
  redirectUri: string,
  opts: Pick<OAuthClientConfig, 'guard' | 'allowHttp' | 'timeoutMs' | 'fetch' | 'instance'> = {},
): OAuthClientConfig {
  const settings = manifest.oauth;
  const app = settings?.instanceClient;
  if (settings && app) {
    const clientId = opts.instance?.[app.idSetting];
    const clientSecret = opts.instance?.[app.secretSetting];
    if (!clientId || !clientSecret)
      throw new OAuthError(
        'not_configured',
        `This Support Fusion has no OAuth app for ${manifest.name}: its administrator sets ${app.idSetting} and ${app.secretSetting} (see docs/configuration.md). Until then, use the other credentials in Settings.`,
      );
    return { settings, apiUrl: creds.apiUrl, clientId, clientSecret, redirectUri, ...opts };
  }
  if (manifest.auth !== 'oauth' || !settings) throw new OAuthError('not_configured', `${manifest.name} does not sign in with OAuth.`);
  const clientId = creds.fields[settings.clientIdField]?.trim();
  if (!clientId) throw new OAuthError('not_configured', `Save the OAuth client id (${settings.clientIdField}) in Settings first.`);
  let clientSecret: string | null = null;
  if (settings.clientSecretField) {
    clientSecret = creds.fields[settings.clientSecretField]?.trim() || null;
    if (!clientSecret) throw new OAuthError('not_configured', `Save the OAuth client secret (${settings.clientSecretField}) in Settings first.`);
  }
  return { settings, apiUrl: creds.apiUrl, clientId, clientSecret, redirectUri, ...opts };
}

function server(c: OAuthClientConfig): oauth.AuthorizationServer {
  const authorize = new URL(c.settings.authorizeUrl(c.apiUrl, c.instance));
  return { issuer: authorize.origin, authorization_endpoint: authorize.href, token_endpoint: c.settings.tokenUrl(c.apiUrl, c.instance) };
}

const clientAuth = (c: OAuthClientConfig) => (c.clientSecret ? oauth.ClientSecretPost(c.clientSecret) : oauth.None());

function requestOptions(c: OAuthClientConfig): oauth.TokenEndpointRequestOptions {
  const timeoutMs = c.timeoutMs ?? 30_000;
  return {
    [oauth.allowInsecureRequests]: c.allowHttp ?? false,
    signal: () => AbortSignal.timeout(timeoutMs),
    [oauth.customFetch]: async (url, init) => {
      await c.guard?.(new URL(url));
      const res = await (c.fetch ?? fetch)(url, init as RequestInit);
      const length = Number(res.headers.get('content-length') ?? 0);
      if (length > MAX_TOKEN_RESPONSE_BYTES) throw new OAuthError('protocol', `The token endpoint answered ${length} bytes; a token answer is far smaller.`);
      return res;
    },
  };
}

/** The authorize URL to send the browser to, with a fresh random state and (with PKCE) the verifier to keep. */
export async function startAuthorization(c: OAuthClientConfig): Promise<{ authorizeUrl: string; state: string; codeVerifier: string | null }> {
  const state = oauth.generateRandomState();
  const url = new URL(server(c).authorization_endpoint!);
  url.searchParams.set('response_type', 'code');
  url.searchParams.set('client_id', c.clientId);
  url.searchParams.set('redirect_uri', c.redirectUri);
  url.searchParams.set('state', state);
  if (c.settings.scopes.length > 0) url.searchParams.set('scope', c.settings.scopes.join(' '));
  for (const [name, value] of Object.entries(c.settings.authorizeParams ?? {})) url.searchParams.set(name, value);
  let codeVerifier: string | null = null;
  if (c.settings.pkce) {
    codeVerifier = oauth.generateRandomCodeVerifier();
    url.searchParams.set('code_challenge', await oauth.calculatePKCECodeChallenge(codeVerifier));
    url.searchParams.set('code_challenge_method', 'S256');
  }
  return { authorizeUrl: url.href, state, codeVerifier };
}

/**
 * Exchanges the code of the browser's return for tokens. `expected.state` is the state this flow started
 * with (the caller has already found and consumed it); an error answer (the person declined) is `denied`.
 */
export async function finishAuthorization(
  c: OAuthClientConfig,
  callback: URLSearchParams,
  expected: { state: string; codeVerifier: string | null },
): Promise<OAuthTokens> {
  const as = server(c);
  const client: oauth.Client = { client_id: c.clientId };
  let params: URLSearchParams;
  try {
    params = oauth.validateAuthResponse(as, client, callback, expected.state);
  } catch (err) {
    if (err instanceof oauth.AuthorizationResponseError)
      throw new OAuthError('denied', `The platform did not authorise: ${describe(err.error, err.error_description)}.`);
    throw new OAuthError('protocol', `The platform's answer to the authorization is not valid: ${safeMessage(err)}.`);
  }
  return call(async () => {
    const res = await oauth.authorizationCodeGrantRequest(
      as,
      client,
      clientAuth(c),
      params,
      c.redirectUri,
      expected.codeVerifier ?? oauth.nopkce,
      requestOptions(c),
    );
    return oauth.processAuthorizationCodeResponse(as, client, res);
  });
}

/** One refresh: new tokens (with a new refresh token where the platform rotates; else the old one kept). */
export async function refreshTokens(c: OAuthClientConfig, refreshToken: string): Promise<OAuthTokens> {
  const as = server(c);
  const client: oauth.Client = { client_id: c.clientId };
  const tokens = await call(async () => {
    const res = await oauth.refreshTokenGrantRequest(as, client, clientAuth(c), refreshToken, requestOptions(c));
    return oauth.processRefreshTokenResponse(as, client, res);
  });
  return { ...tokens, refreshToken: tokens.refreshToken ?? refreshToken };
}

async function call(run: () => Promise<oauth.TokenEndpointResponse>): Promise<OAuthTokens> {
  let answer: oauth.TokenEndpointResponse;
  try {
    answer = await run();
  } catch (err) {
    if (err instanceof OAuthError) throw err;
    if (err instanceof oauth.ResponseBodyError) {
      const kind = err.error === 'invalid_grant' ? 'invalid_grant' : 'protocol';
      throw new OAuthError(kind, `The token endpoint refused: ${describe(err.error, err.error_description)} (HTTP ${err.status}).`);
    }
    if (err instanceof oauth.OperationProcessingError) throw new OAuthError('protocol', `The token endpoint's answer is not valid: ${safeMessage(err)}.`);
    throw new OAuthError('network', `The token endpoint could not be reached: ${safeMessage(err)}.`);
  }
  if (answer.token_type.toLowerCase() !== 'bearer')
    throw new OAuthError('protocol', `The token endpoint answered a ${answer.token_type} token; only bearer tokens are supported.`);
  return {
    accessToken: answer.access_token,
    refreshToken: answer.refresh_token ?? null,
    expiresAt: typeof answer.expires_in === 'number' ? new Date(Date.now() + answer.expires_in * 1000).toISOString() : null,
  };
}

const describe = (code: string, description: string | undefined) => (description ? `${code} (${description.slice(0, 200)})` : code);
const safeMessage = (err: unknown) => (err instanceof Error ? err.message.slice(0, 200) : 'unknown error');

/** Tokens as credential fields (what a CredentialStore keeps). */
export function tokenFields(tokens: OAuthTokens): Record<string, string> {
  return {
    [OAUTH_TOKEN_FIELDS.accessToken]: tokens.accessToken,
    [OAUTH_TOKEN_FIELDS.refreshToken]: tokens.refreshToken ?? '',
    [OAUTH_TOKEN_FIELDS.expiresAt]: tokens.expiresAt ?? '',
  };
}

/** The token fields of a stored set (what a save of the same platform keeps: they are never typed in Settings). */
export function storedTokenFields(fields: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.values(OAUTH_TOKEN_FIELDS).flatMap((name) => (fields[name] ? [[name, fields[name]]] : [])));
}

export function tokensFromFields(fields: Record<string, string>): OAuthTokens | null {
  const accessToken = fields[OAUTH_TOKEN_FIELDS.accessToken];
  if (!accessToken) return null;
  return { accessToken, refreshToken: fields[OAUTH_TOKEN_FIELDS.refreshToken] || null, expiresAt: fields[OAUTH_TOKEN_FIELDS.expiresAt] || null };
}

/**
 * Refreshes in flight and the last rotation, per credential set (`key`). Refreshes of one set run one at a
 * time; one that waited and finds its refresh token already rotated by the one before takes that result
 * instead of spending a dead token (with rotation the platform would refuse it, and the set would be lost).
 * Across processes the store's refresh lock does the same (refreshUnderLock).
 */
const rotations = new Map<string, { tail: Promise<unknown>; done: number; last: { from: string; tokens: OAuthTokens; seq: number } | null }>();

export function refreshSerialised(
  key: string,
  held: string | OAuthTokens,
  refresh: (token: string) => Promise<OAuthTokens>,
  store?: CredentialStore,
): Promise<OAuthTokens> {
  const current: OAuthTokens = typeof held === 'string' ? { accessToken: '', refreshToken: held, expiresAt: null } : held;
  const refreshToken = current.refreshToken ?? '';
  let entry = rotations.get(key);
  if (!entry) rotations.set(key, (entry = { tail: Promise.resolve(), done: 0, last: null }));
  const e = entry;
  const queuedAfter = e.done;
  const run = e.tail.then(async () => {
    const last = e.last;
    // Reused when that token was rotated away (it is dead) or refreshed while this call waited (fresh enough).
    if (last && last.from === refreshToken && (last.tokens.refreshToken !== refreshToken || last.seq > queuedAfter)) return last.tokens;
    const tokens = await refreshUnderLock(current, refresh, store);
    e.done += 1;
    e.last = { from: refreshToken, tokens, seq: e.done };
    return tokens;
  });
  e.tail = run.catch(() => undefined);
  return run;
}

/**
 * One refresh of the tokens `current` holds, under the store's refresh lock when it has one: the stored
 * tokens are read again once the lock is held, and when another process stored others meanwhile (it
 * rotated the refresh token, or refreshed the access token this holder was refused) those are taken and the
 * platform is not called. The new tokens are stored before the lock is let go: a rotated token only in
 * memory dies with the process.
 */
export async function refreshUnderLock(current: OAuthTokens, refresh: (token: string) => Promise<OAuthTokens>, store?: CredentialStore): Promise<OAuthTokens> {
  const refreshToken = current.refreshToken;
  if (!refreshToken) throw new OAuthError('invalid_grant', 'The access token expired and the platform gave no refresh token: connect again in Settings.');
  if (!store?.withRefreshLock) {
    const tokens = await refresh(refreshToken);
    await store?.update(tokenFields(tokens));
    return tokens;
  }
  return store.withRefreshLock(async (locked) => {
    const stored = tokensFromFields(locked.fields);
    if (stored?.refreshToken && (stored.refreshToken !== refreshToken || (current.accessToken !== '' && stored.accessToken !== current.accessToken))) {
      return stored;
    }
    const tokens = await refresh(refreshToken);
    await locked.update(tokenFields(tokens));
    return tokens;
  });
}

/**
 * A connector's access token for one credential set: the saved one while it is valid, refreshed (and the
 * refresh stored through `store`) when it is about to expire or when the platform refused it (`refresh()`).
 */
export class OAuthTokenSource {
  private tokens: OAuthTokens | null;

  constructor(
    private readonly client: OAuthClientConfig,
    fields: Record<string, string>,
    /** Identifies the credential set across connectors of this process (e.g. "platform:<organisation id>"). */
    private readonly key: string,
    private readonly store?: CredentialStore,
    private readonly now: () => number = Date.now,
  ) {
    this.tokens = tokensFromFields(fields);
  }

  async accessToken(): Promise<string> {
    if (!this.tokens) throw new OAuthError('not_configured', 'Not connected: use "Connect" in Settings to authorise Support Fusion on the platform.');
    const expires = this.tokens.expiresAt ? Date.parse(this.tokens.expiresAt) : Number.POSITIVE_INFINITY;
    if (expires - EXPIRY_MARGIN_MS > this.now()) return this.tokens.accessToken;
    return (await this.refresh()).accessToken;
  }

  /** A new access token (after a 401, or at expiry). */
  async refresh(): Promise<OAuthTokens> {
    const held = this.tokens;
    if (!held?.refreshToken)
      throw new OAuthError('invalid_grant', 'The access token expired and the platform gave no refresh token: connect again in Settings.');
    this.tokens = await refreshSerialised(this.key, held, (t) => refreshTokens(this.client, t), this.store);
    return this.tokens;
  }
}

/**
 * What a connector of an OAuth platform builds from its credentials and options: the token source that
 * keeps rotated tokens through the connector's CredentialStore. Refreshes need no redirect URI. The key
 * (API URL and client id) serialises refreshes of every connector holding this set in this process.
 */
export function oauthTokenSourceFor(
  manifest: PlatformManifest,
  creds: PlatformCredentials,
  opts: { credentialStore?: CredentialStore | undefined } & Pick<OAuthClientConfig, 'guard' | 'allowHttp' | 'timeoutMs' | 'fetch' | 'instance'> = {},
): OAuthTokenSource {
  const { credentialStore, ...clientOpts } = opts;
  const client = oauthClientFor(manifest, creds, '', clientOpts);
  return new OAuthTokenSource(client, creds.fields, `${creds.apiUrl}|${client.clientId}`, credentialStore);
}
