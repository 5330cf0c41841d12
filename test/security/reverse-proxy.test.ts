import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig, type AppConfig } from '../../src/config/env.ts';
import { buildApp } from '../../src/server/app.ts';
import { startStack, type TestStack } from '../helpers/stack.ts';

/**
 * Issue 11 item 10, behind a reverse proxy: X-Forwarded-For / -Proto / -Host are believed only from
 * proxies SF_TRUST_PROXY trusts (so req.ip, which the throttles key on, and req.protocol are right and a
 * client cannot forge them); the session cookie is Secure and HSTS is sent when the public URL is https
 * or the trusted proxy says so, and never on plain http.
 */

let stack: TestStack;
const apps: FastifyInstance[] = [];
const PROXY = '10.0.0.1';
const CLIENT = '203.0.113.7';
let user = { email: '', password: '' };

async function appWith(config: Partial<AppConfig>): Promise<FastifyInstance> {
  const app = await buildApp({ config: { ...stack.config, ...config }, db: stack.database.db, masterKey: Buffer.alloc(32) }, { logger: false });
  // What the routes and throttles see of the client.
  app.get('/test/whoami', async (req) => ({ ip: req.ip, protocol: req.protocol, host: req.host }));
  apps.push(app);
  return app;
}

beforeAll(async () => {
  stack = await startStack({ listen: false });
  user = { email: 'proxy-admin@example.com', password: 'correct horse battery proxy' };
  const r = await stack.app.inject({ method: 'POST', url: '/api/v1/signup', payload: { organisation: 'Proxied', ...user } });
  if (r.statusCode !== 201) throw new Error(`signup: ${r.statusCode} ${r.body}`);
});
afterAll(async () => {
  for (const app of apps) await app.close();
  await stack?.close();
});

const forwarded = (headers: Record<string, string> = {}) => ({
  'x-forwarded-for': CLIENT,
  'x-forwarded-proto': 'https',
  'x-forwarded-host': 'sync.example.com',
  ...headers,
});

async function whoami(app: FastifyInstance, headers: Record<string, string>, remoteAddress = PROXY) {
  const res = await app.inject({ url: '/test/whoami', headers: { host: 'internal:3000', ...headers }, remoteAddress });
  return { ...(res.json() as { ip: string; protocol: string; host: string }), hsts: res.headers['strict-transport-security'] };
}

async function sessionCookie(app: FastifyInstance, headers: Record<string, string>, remoteAddress = PROXY): Promise<string> {
  const res = await app.inject({ method: 'POST', url: '/api/v1/session', headers: { host: 'internal:3000', ...headers }, remoteAddress, payload: user });
  expect(res.statusCode, res.body).toBe(200);
  const cookies = [res.headers['set-cookie']].flat().filter((c) => c?.startsWith('sf_session='));
  expect(cookies).toHaveLength(1);
  return cookies[0]!;
}

describe('SF_TRUST_PROXY', () => {
  it('is parsed as Fastify takes it, and a wrong value stops start-up naming the variable', () => {
    const parse = (v: string | undefined) => loadConfig({ SF_DATA_DIR: stack.dataDir, ...(v === undefined ? {} : { SF_TRUST_PROXY: v }) }).trustProxy;
    expect(parse(undefined)).toBe(false);
    expect(parse('false')).toBe(false);
    expect(parse('0')).toBe(false);
    expect(parse('true')).toBe(true);
    expect(parse('1')).toBe(1);
    expect(parse('2')).toBe(2);
    expect(parse('10.0.0.0/8, 127.0.0.1,::1, fd00::/8,loopback')).toEqual(['10.0.0.0/8', '127.0.0.1', '::1', 'fd00::/8', 'loopback']);
    for (const bad of ['maybe', '10.0.0.0/33', '10.0.0', 'example.com', '-1']) {
      expect(() => parse(bad), bad).toThrow(ConfigError);
      expect(() => parse(bad), bad).toThrow(/SF_TRUST_PROXY/);
    }
  });

  it('off (the default): forwarded headers are ignored, so a client cannot pick its address or claim HTTPS', async () => {
    const app = await appWith({});
    expect(await whoami(app, forwarded())).toEqual({ ip: PROXY, protocol: 'http', host: 'internal:3000', hsts: undefined });
    expect(await sessionCookie(app, forwarded())).not.toMatch(/;\s*Secure/i);
  });

  it('a list of proxy addresses: believed from those proxies only', async () => {
    const app = await appWith({ trustProxy: ['10.0.0.0/24'] });
    expect(await whoami(app, forwarded())).toMatchObject({ ip: CLIENT, protocol: 'https', host: 'sync.example.com' });
    // A client reaching the port directly, with forged headers, is itself.
    expect(await whoami(app, forwarded(), '198.51.100.20')).toMatchObject({ ip: '198.51.100.20', protocol: 'http', host: 'internal:3000' });
  });

  it('a hop count: 1 believes the address the proxy appended, not what the client wrote before it', async () => {
    const app = await appWith({ trustProxy: 1 });
    const who = await whoami(app, forwarded({ 'x-forwarded-for': `198.51.100.99, ${CLIENT}` }));
    expect(who).toMatchObject({ ip: CLIENT, protocol: 'https' });
    const two = await appWith({ trustProxy: 2 });
    expect((await whoami(two, forwarded({ 'x-forwarded-for': `198.51.100.99, ${CLIENT}` }))).ip).toBe('198.51.100.99');
  });

  it('true trusts every hop', async () => {
    const app = await appWith({ trustProxy: true });
    expect(await whoami(app, forwarded())).toMatchObject({ ip: CLIENT, protocol: 'https' });
  });
});

describe('HTTPS: Secure session cookie and HSTS', () => {
  it('when the trusted proxy says https: Secure cookie and HSTS; over its plain http: neither', async () => {
    const app = await appWith({ trustProxy: [PROXY] });
    const https = await whoami(app, forwarded());
    expect(https.hsts).toMatch(/^max-age=\d{7,}/);
    expect(await sessionCookie(app, forwarded())).toMatch(/;\s*Secure/i);
    const http = forwarded({ 'x-forwarded-proto': 'http' });
    expect((await whoami(app, http)).hsts).toBeUndefined();
    expect(await sessionCookie(app, http)).not.toMatch(/;\s*Secure/i);
  });

  it('when SF_PUBLIC_URL is https, even with a proxy that says nothing (or is not trusted)', async () => {
    const app = await appWith({ publicUrl: 'https://sync.example.com' });
    const who = await whoami(app, {});
    expect(who.protocol).toBe('http');
    expect(who.hsts).toMatch(/^max-age=/);
    const cookie = await sessionCookie(app, {});
    expect(cookie).toMatch(/;\s*Secure/i);
    // Once, not twice, and HttpOnly / SameSite stay.
    expect(cookie.match(/secure/gi)).toHaveLength(1);
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Lax/i);
  });

  it('an http public URL without a proxy: no Secure, no HSTS (the cookie must still work)', async () => {
    const app = await appWith({ publicUrl: 'http://sync.lan:3000' });
    expect((await whoami(app, {})).hsts).toBeUndefined();
    expect(await sessionCookie(app, {})).not.toMatch(/;\s*Secure/i);
  });
});
