/**
 * A small OAuth 2.0 authorization server for tests of connector-kit/oauth.ts and the OAuth routes: an
 * authorize endpoint that approves at once and redirects back with a code, and a token endpoint that checks
 * the client, the redirect URI and PKCE (S256), and refreshes with rotation (the old refresh token dies).
 */
import { createHash, randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface OAuthServerOptions {
  clientId: string;
  /** null: a public client (PKCE only, no secret). */
  clientSecret: string | null;
  /** Access token lifetime in seconds. */
  expiresIn?: number;
  /** Whether a refresh answers a new refresh token (and kills the old one). */
  rotate?: boolean;
  /** Whether the authorize endpoint refuses requests without an S256 challenge. */
  requirePkce?: boolean;
  /** The authorize endpoint's path (default /oauth/authorize; Atlassian's is /authorize). */
  authorizePath?: string;
  /** Authorize parameters that must be sent with these values (Atlassian: audience, prompt=consent). */
  requireAuthorizeParams?: Record<string, string>;
  /** A scope without which no refresh token is issued (Atlassian: offline_access); unset: always issued. */
  refreshScope?: string;
}

export interface OAuthServerCall {
  path: string;
  grantType: string | null;
}

export interface OAuthServer {
  url: string;
  authorizeUrl: string;
  tokenUrl: string;
  /** Every call to the token endpoint, in order. */
  calls: OAuthServerCall[];
  /** Access tokens currently valid. */
  validAccessTokens: Set<string>;
  /** Makes the next authorize answer `error=access_denied` (the person declined). */
  declineNext(): void;
  /** Holds token answers until release() (to line up concurrent refreshes). */
  hold(): { release(): void; waiting(n: number): Promise<void> };
  close(): Promise<void>;
}

interface Grant {
  clientId: string;
  redirectUri: string;
  challenge: string | null;
  scopes: string[];
}

const token = (prefix: string) => `${prefix}_${randomBytes(18).toString('base64url')}`;
const s256 = (verifier: string) => createHash('sha256').update(verifier).digest('base64url');

export async function startOAuthServer(opts: OAuthServerOptions): Promise<OAuthServer> {
  const codes = new Map<string, Grant>();
  const refreshTokens = new Set<string>();
  const validAccessTokens = new Set<string>();
  const calls: OAuthServerCall[] = [];
  let decline = false;
  let gate: { promise: Promise<void>; queued: number; onQueue: Array<() => void> } | null = null;

  const json = (res: ServerResponse, status: number, body: unknown) => {
    res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' });
    res.end(JSON.stringify(body));
  };
  const refuse = (res: ServerResponse, status: number, error: string, description: string) => json(res, status, { error, error_description: description });

  const refreshScopes = new Map<string, string[]>();
  const issue = (res: ServerResponse, scopes: string[]) => {
    const access = token('at');
    validAccessTokens.add(access);
    const body: Record<string, unknown> = { access_token: access, token_type: 'Bearer', expires_in: opts.expiresIn ?? 3600, scope: scopes.join(' ') };
    if (!opts.refreshScope || scopes.includes(opts.refreshScope)) {
      const refresh = token('rt');
      refreshTokens.add(refresh);
      refreshScopes.set(refresh, scopes);
      body.refresh_token = refresh;
    }
    json(res, 200, body);
  };

  const clientOk = (req: IncomingMessage, form: URLSearchParams): boolean => {
    let id = form.get('client_id');
    let secret = form.get('client_secret');
    const basic = req.headers.authorization;
    if (basic?.startsWith('Basic ')) {
      const [u, p] = Buffer.from(basic.slice(6), 'base64').toString().split(':');
      id = decodeURIComponent(u ?? '');
      secret = decodeURIComponent(p ?? '');
    }
    return id === opts.clientId && (opts.clientSecret === null || secret === opts.clientSecret);
  };

  const authorize = (url: URL, res: ServerResponse) => {
    const q = url.searchParams;
    const redirectUri = q.get('redirect_uri');
    if (q.get('client_id') !== opts.clientId || !redirectUri) return refuse(res, 400, 'invalid_request', 'unknown client or no redirect_uri');
    const back = new URL(redirectUri);
    const state = q.get('state');
    if (state) back.searchParams.set('state', state);
    const challenge = q.get('code_challenge');
    if (decline) {
      decline = false;
      back.searchParams.set('error', 'access_denied');
      back.searchParams.set('error_description', 'The user declined');
    } else if (Object.entries(opts.requireAuthorizeParams ?? {}).some(([k, v]) => q.get(k) !== v)) {
      const [k, v] = Object.entries(opts.requireAuthorizeParams ?? {}).find(([name, value]) => q.get(name) !== value)!;
      back.searchParams.set('error', 'invalid_request');
      back.searchParams.set('error_description', `${k}=${v} is required`);
    } else if ((opts.requirePkce && !challenge) || (challenge && q.get('code_challenge_method') !== 'S256')) {
      back.searchParams.set('error', 'invalid_request');
      back.searchParams.set('error_description', 'PKCE with S256 is required');
    } else {
      const code = token('code');
      codes.set(code, { clientId: opts.clientId, redirectUri, challenge, scopes: (q.get('scope') ?? '').split(' ').filter(Boolean) });
      back.searchParams.set('code', code);
    }
    res.writeHead(302, { location: back.href });
    res.end();
  };

  const tokenEndpoint = async (req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const form = new URLSearchParams(Buffer.concat(chunks).toString());
    const grantType = form.get('grant_type');
    calls.push({ path: '/oauth/token', grantType });
    if (gate) {
      gate.queued += 1;
      for (const f of gate.onQueue.splice(0)) f();
      await gate.promise;
    }
    if (!clientOk(req, form)) return refuse(res, 401, 'invalid_client', 'wrong client id or secret');
    if (grantType === 'authorization_code') {
      const code = form.get('code') ?? '';
      const grant = codes.get(code);
      codes.delete(code);
      if (!grant) return refuse(res, 400, 'invalid_grant', 'unknown or used code');
      if (form.get('redirect_uri') !== grant.redirectUri) return refuse(res, 400, 'invalid_grant', 'redirect_uri differs');
      if (grant.challenge && s256(form.get('code_verifier') ?? '') !== grant.challenge) return refuse(res, 400, 'invalid_grant', 'PKCE verification failed');
      return issue(res, grant.scopes);
    }
    if (grantType === 'refresh_token') {
      const refresh = form.get('refresh_token') ?? '';
      if (!refreshTokens.has(refresh)) return refuse(res, 400, 'invalid_grant', 'unknown or revoked refresh token');
      if (opts.rotate ?? true) {
        refreshTokens.delete(refresh);
        return issue(res, refreshScopes.get(refresh) ?? []);
      }
      const access = token('at');
      validAccessTokens.add(access);
      return json(res, 200, { access_token: access, token_type: 'Bearer', expires_in: opts.expiresIn ?? 3600 });
    }
    return refuse(res, 400, 'unsupported_grant_type', `grant_type ${grantType ?? '(none)'} is not supported`);
  };

  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (req.method === 'GET' && url.pathname === (opts.authorizePath ?? '/oauth/authorize')) return authorize(url, res);
    if (req.method === 'POST' && url.pathname === '/oauth/token') {
      tokenEndpoint(req, res).catch(() => refuse(res, 500, 'server_error', 'simulator failure'));
      return;
    }
    refuse(res, 404, 'not_found', `no route ${req.method} ${url.pathname}`);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url: base,
    authorizeUrl: `${base}${opts.authorizePath ?? '/oauth/authorize'}`,
    tokenUrl: `${base}/oauth/token`,
    calls,
    validAccessTokens,
    declineNext: () => {
      decline = true;
    },
    hold() {
      let release!: () => void;
      const g = { promise: new Promise<void>((r) => (release = r)), queued: 0, onQueue: [] as Array<() => void> };
      gate = g;
      return {
        release: () => {
          gate = null;
          release();
        },
        waiting: (n: number) =>
          new Promise<void>((resolve) => {
            const check = () => (g.queued >= n ? resolve() : g.onQueue.push(check));
            check();
          }),
      };
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
