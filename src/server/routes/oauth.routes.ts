import type { FastifyInstance, FastifyReply } from 'fastify';
import type { AppConfig } from '../../config/env.ts';
import { assertAllowedDestination } from '../../connector-kit/ssrf.ts';
import {
  finishAuthorization,
  OAUTH_STATE_TTL_MS,
  OAUTH_TOKEN_FIELDS,
  OAuthError,
  oauthClientFor,
  secretFieldNames,
  startAuthorization,
  tokenFields,
  type OAuthClientConfig,
} from '../../connector-kit/oauth.ts';
import type { PlatformDefinition } from '../../connectors/platform-definition.ts';
import { platformDefinition } from '../../connectors/registry.ts';
import { saveOAuthState, takeOAuthState } from '../../db/repositories/oauth-states.ts';
import { credentialStoreFor, getPlatformConfig, openCredentials, type PlatformConfigRow } from '../../db/repositories/platform-configs.ts';
import { requireAdmin } from '../auth.ts';
import type { AppContext } from '../context.ts';
import { ApiError } from '../errors.ts';
import { oauthSchemas } from './oauth.schemas.ts';

export interface OAuthRouteOptions {
  /** Which definition serves a platform id: the registry's, unless a test hands in its own. */
  lookup?: (id: string) => PlatformDefinition | undefined;
}

export const OAUTH_CALLBACK_PATH = '/api/v1/platform/oauth/callback';

/** Where platforms send the browser back: SF_PUBLIC_URL's, else this machine's on SF_PORT. */
export function oauthRedirectUri(config: Pick<AppConfig, 'publicUrl' | 'port'>): string {
  const base = (config.publicUrl ?? `http://localhost:${config.port}`).replace(/\/+$/, '');
  return `${base}${OAUTH_CALLBACK_PATH}`;
}

/** Why the callback sent the browser back without a connection (the `reason` of /settings?oauth=error). */
type FailReason = 'denied' | 'invalid_state' | 'expired_state' | 'not_logged_in' | 'wrong_user' | 'platform_changed' | 'token_exchange_failed' | 'missing_code';

export async function oauthRoutes(app: FastifyInstance, ctx: AppContext, opts: OAuthRouteOptions = {}): Promise<void> {
  const lookup = opts.lookup ?? platformDefinition;
  const redirectUri = oauthRedirectUri(ctx.config);
  const policy = { allowPrivate: ctx.config.allowPrivatePlatformUrls === true, ...(ctx.resolve ? { resolve: ctx.resolve } : {}) };

  /** The OAuth client of a saved configuration; refusals as the start route answers them. */
  function clientOf(cfg: PlatformConfigRow, organisationId: string): { definition: PlatformDefinition; client: OAuthClientConfig } {
    const definition = lookup(cfg.platform);
    const oauth = definition?.manifest.oauth;
    // OAuth is the platform's way in, or its second one through an app the instance registered.
    if (!definition || !oauth || (definition.manifest.auth !== 'oauth' && !oauth.instanceClient)) {
      const name = definition?.manifest.name ?? cfg.platform;
      throw new ApiError(
        400,
        'not_oauth_platform',
        `${name} does not sign in with OAuth: its credentials are entered in Settings, there is nothing to connect.`,
      );
    }
    let fields: Record<string, string>;
    try {
      fields = openCredentials(ctx.masterKey, cfg.credentials, organisationId);
    } catch {
      throw new ApiError(
        409,
        'oauth_client_missing',
        'The saved credentials cannot be read (the secret key changed): save the OAuth client id and secret again in Settings.',
      );
    }
    try {
      const client = oauthClientFor(definition.manifest, { apiUrl: cfg.apiUrl, fields }, redirectUri, {
        allowHttp: policy.allowPrivate,
        guard: (url) => assertAllowedDestination(url, policy),
        timeoutMs: ctx.config.platformTimeoutMs,
        instance: ctx.config.platformSettings ?? {},
      });
      return { definition, client };
    } catch (err) {
      if (err instanceof OAuthError) throw new ApiError(409, 'oauth_client_missing', err.message);
      throw err;
    }
  }

  app.post('/platform/oauth/start', { preHandler: requireAdmin, schema: oauthSchemas.start }, async (req) => {
    const { organisationId, userId } = req.auth!;
    const cfg = await getPlatformConfig(ctx.db, organisationId);
    if (!cfg) throw new ApiError(409, 'platform_not_configured', 'Save your platform, its URL and the OAuth client id and secret in Settings first.');
    const { client } = clientOf(cfg, organisationId);
    const started = await startAuthorization(client);
    await saveOAuthState(ctx.db, started.state, {
      organisationId,
      userId,
      platform: cfg.platform,
      codeVerifier: started.codeVerifier,
      redirectUri,
      expiresAt: new Date(Date.now() + OAUTH_STATE_TTL_MS),
    });
    req.log.info({ platform: cfg.platform }, 'OAuth authorization started');
    return { authorizeUrl: started.authorizeUrl };
  });

  // No auth hook: a browser comes back here from the platform. The state, bound to the person who started
  // the flow, is the proof; the session (sent along, SameSite=Lax) must be that person's.
  app.get('/platform/oauth/callback', { schema: oauthSchemas.callback }, async (req, reply) => {
    const q = req.query as Record<string, string | undefined>;
    const fail = (reason: FailReason) => {
      req.log.info({ reason }, 'OAuth authorization not finished');
      return sendBack(reply, `/settings?oauth=error&reason=${reason}`);
    };
    if (!q.state) return fail('invalid_state');
    const state = await takeOAuthState(ctx.db, q.state);
    if (!state) return fail('invalid_state');
    if (state.expiresAt.getTime() <= Date.now()) return fail('expired_state');
    if (!req.auth) return fail('not_logged_in');
    if (req.auth.userId !== state.userId || req.auth.organisationId !== state.organisationId) return fail('wrong_user');
    if (q.error) return fail('denied');
    if (!q.code) return fail('missing_code');
    const cfg = await getPlatformConfig(ctx.db, state.organisationId);
    if (!cfg || cfg.platform !== state.platform) return fail('platform_changed');
    let definition: PlatformDefinition;
    let client: OAuthClientConfig;
    try {
      ({ definition, client } = clientOf(cfg, state.organisationId));
    } catch {
      return fail('platform_changed');
    }
    const params = new URLSearchParams(Object.entries(q).filter((e): e is [string, string] => typeof e[1] === 'string'));
    try {
      const tokens = await finishAuthorization({ ...client, redirectUri: state.redirectUri }, params, { state: q.state, codeVerifier: state.codeVerifier });
      const store = credentialStoreFor(
        ctx.db,
        ctx.masterKey,
        { kind: 'platform', organisationId: state.organisationId },
        secretFieldNames(definition.manifest),
      );
      await store.update(tokenFields(tokens));
      // The store writes only over the set it read: settings saved meanwhile win, and this flow did not connect them.
      const after = await getPlatformConfig(ctx.db, state.organisationId);
      const kept = after && openCredentials(ctx.masterKey, after.credentials, state.organisationId)[OAUTH_TOKEN_FIELDS.accessToken] === tokens.accessToken;
      if (!kept) return fail('platform_changed');
    } catch (err) {
      if (!(err instanceof OAuthError)) throw err;
      req.log.warn({ kind: err.kind, reason: err.message }, 'OAuth token exchange failed');
      return fail(err.kind === 'denied' ? 'denied' : 'token_exchange_failed');
    }
    req.log.info({ platform: cfg.platform }, 'OAuth authorization finished');
    return sendBack(reply, '/settings?oauth=connected');
  });
}

function sendBack(reply: FastifyReply, location: string): FastifyReply {
  return reply.header('cache-control', 'no-store').redirect(location, 302);
}
