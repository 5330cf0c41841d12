import fastifyHelmet from '@fastify/helmet';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AppConfig } from '../config/env.ts';

/** Strict-Transport-Security for HTTPS answers: half a year, this host only (a self-hosted instance may share its domain). */
export const HSTS = 'max-age=15552000';

/**
 * The built UI (dist/web) loads only its own module scripts and stylesheet (Vite emits no inline script;
 * `test/browser` runs the UI under this policy), and the API answers JSON: nothing needs more than 'self'.
 * Ticket content is rendered as text, so no remote image is ever shown. No `upgrade-insecure-requests`:
 * an instance on plain http in a LAN would then fail to load its own assets.
 */
export const CONTENT_SECURITY_POLICY = {
  'default-src': ["'self'"],
  'script-src': ["'self'"],
  'style-src': ["'self'"],
  'img-src': ["'self'"],
  'font-src': ["'self'"],
  'connect-src': ["'self'"],
  'object-src': ["'none'"],
  'base-uri': ["'none'"],
  'form-action': ["'self'"],
  'frame-ancestors': ["'none'"],
};

/**
 * Whether the browser talks to us over HTTPS: the public URL says so (TLS ends at a proxy in front), or
 * the connection does — `req.protocol` believes X-Forwarded-Proto only from proxies SF_TRUST_PROXY trusts.
 */
export function isHttpsRequest(req: FastifyRequest, config: Pick<AppConfig, 'publicUrl'>): boolean {
  return config.publicUrl?.toLowerCase().startsWith('https://') === true || req.protocol === 'https';
}

/**
 * SF_TRUST_PROXY for Fastify. A hop count is turned into a function: Fastify (5.12) takes a bare number
 * as "trust nothing", since it cannot check the direct peer. `n` trusts the n nearest hops, so with `1`
 * the client address is the one the proxy itself appended (a client's own X-Forwarded-For entries are
 * further left and ignored); like `true`, it suits a port only the proxies can reach.
 */
export function fastifyTrustProxy(value: boolean | number | string[]): boolean | string[] | ((address: string, hop: number) => boolean) {
  if (typeof value === 'number') return (_address, hop) => hop < value;
  return value;
}

/** Every Set-Cookie of the answer with the Secure attribute (once). */
function secureCookies(reply: FastifyReply): void {
  const header = reply.getHeader('set-cookie');
  if (header === undefined) return;
  const list = (Array.isArray(header) ? header : [String(header)]).map((c) => (/;\s*secure\s*(;|$)/i.test(c) ? c : `${c}; Secure`));
  // reply.header appends to an existing Set-Cookie rather than replacing it.
  reply.removeHeader('set-cookie');
  reply.header('set-cookie', list);
}

/**
 * Security headers on every answer (helmet: CSP, frame-ancestors / X-Frame-Options, nosniff,
 * Referrer-Policy no-referrer so an invitation link's token is never sent on), and over HTTPS also HSTS
 * and Secure cookies. Registered after @fastify/cookie, so its onSend (which writes Set-Cookie) runs first.
 */
export async function registerTransportSecurity(app: FastifyInstance, config: Pick<AppConfig, 'publicUrl'>): Promise<void> {
  await app.register(fastifyHelmet, {
    contentSecurityPolicy: { useDefaults: false, directives: CONTENT_SECURITY_POLICY },
    // Sent below, and only over HTTPS: on plain http it means nothing to a browser and misleads a reader.
    strictTransportSecurity: false,
    referrerPolicy: { policy: 'no-referrer' },
    xFrameOptions: { action: 'deny' },
    crossOriginEmbedderPolicy: false,
  });
  app.addHook('onSend', async (req, reply, payload) => {
    if (isHttpsRequest(req, config)) {
      reply.header('strict-transport-security', HSTS);
      secureCookies(reply);
    }
    return payload;
  });
}
