import { existsSync, readFileSync } from 'node:fs';
import { connect } from 'node:net';
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppConfig } from '../../src/config/env.ts';
import { buildApp, type BuildAppOptions } from '../../src/server/app.ts';
import { startStack, type TestStack } from '../helpers/stack.ts';

/**
 * Issue 11 item 8, the edges: a request must arrive whole within the request timeout (a body trickled
 * byte by byte is cut), every answer carries the security headers (CSP with frame-ancestors 'none',
 * nosniff, Referrer-Policy), and the cross-site check compares the Origin's scheme too.
 */

let stack: TestStack;
const apps: FastifyInstance[] = [];

async function appWith(config: Partial<AppConfig>, opts: BuildAppOptions = {}): Promise<FastifyInstance> {
  const app = await buildApp({ config: { ...stack.config, ...config }, db: stack.database.db, masterKey: Buffer.alloc(32) }, { logger: false, ...opts });
  apps.push(app);
  return app;
}

beforeAll(async () => {
  stack = await startStack({ listen: false });
});
afterAll(async () => {
  for (const app of apps) await app.close();
  await stack?.close();
});

/**
 * Sends a POST whose body is announced as `total` bytes and then trickled one byte per tick; resolves
 * with what the server answered and how many body bytes had been sent when the connection closed.
 */
function trickle(port: number, total: number, tickMs: number): Promise<{ answer: string; sent: number }> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    let answer = '';
    let sent = 0;
    let timer: NodeJS.Timeout | undefined;
    socket.on('connect', () => {
      socket.write(`POST /api/v1/session HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nContent-Type: application/json\r\nContent-Length: ${total}\r\n\r\n`);
      timer = setInterval(() => {
        if (sent >= total) return clearInterval(timer);
        socket.write(' ');
        sent += 1;
      }, tickMs);
    });
    socket.on('data', (d) => (answer += d.toString('latin1')));
    socket.on('error', () => {}); // a reset after the 408 is a way of closing too
    socket.on('close', () => {
      clearInterval(timer);
      resolve({ answer, sent });
    });
    socket.setTimeout(60_000, () => reject(new Error(`the connection was neither answered nor closed; ${sent} of ${total} bytes sent`)));
  });
}

describe('request timeout', () => {
  it('a body sent slowly is cut off with 408 once the request timeout has passed, long before it is complete', async () => {
    const app = await appWith({}, { requestTimeoutMs: 300 });
    await app.listen({ port: 0, host: '127.0.0.1' });
    const { port } = app.server.address() as AddressInfo;
    // 400 bytes at one per 20 ms would take 8 s; the 300 ms limit must end it after a handful.
    const { answer, sent } = await trickle(port, 400, 20);
    expect(answer).toMatch(/^HTTP\/1\.1 408 /);
    expect(sent).toBeLessThan(400);
  });

  it('the default is 30 s, and a request sent at normal speed is unaffected', async () => {
    const app = await appWith({});
    expect(app.server.requestTimeout).toBe(30_000);
    const res = await app.inject({ method: 'POST', url: '/api/v1/session', payload: { email: 'nobody@example.com', password: 'not the password' } });
    expect(res.statusCode).toBe(401);
  });
});

describe('security headers', () => {
  it('every answer (API, UI fallback, errors) has a CSP without inline script, frame-ancestors none, nosniff and no referrer', async () => {
    const app = await appWith({});
    for (const url of ['/api/v1/health', '/', '/invite/abc', '/api/v1/nope', '/api/docs']) {
      const res = await app.inject({ url });
      const csp = String(res.headers['content-security-policy']);
      expect(csp, url).toContain("frame-ancestors 'none'");
      expect(csp, url).toContain("script-src 'self'");
      expect(csp, url).toContain("default-src 'self'");
      expect(csp, url).toContain("object-src 'none'");
      expect(csp, url).not.toContain('unsafe-inline');
      expect(csp, url).not.toContain('unsafe-eval');
      expect(res.headers['x-content-type-options'], url).toBe('nosniff');
      expect(res.headers['x-frame-options'], url).toBe('DENY');
      // An invitation page's URL holds its token: no referrer is ever sent on.
      expect(res.headers['referrer-policy'], url).toBe('no-referrer');
      // Plain http: no HSTS (test/security/reverse-proxy.test.ts covers HTTPS).
      expect(res.headers['strict-transport-security'], url).toBeUndefined();
    }
  });

  it('the built UI needs no inline script: every script of index.html is loaded from a file', () => {
    // `npm test` builds dist/web first; a checkout without the build has nothing to check here.
    const index = 'dist/web/index.html';
    if (!existsSync(index)) return console.warn('dist/web is not built: the inline-script check of the built UI was skipped');
    const html = readFileSync(index, 'utf8');
    const scripts = [...html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/gi)];
    expect(scripts.length).toBeGreaterThan(0);
    for (const [, attrs, body] of scripts) {
      expect(attrs).toMatch(/\bsrc="\/assets\//);
      expect(body!.trim()).toBe('');
    }
    expect(html).not.toMatch(/\son[a-z]+=/i);
    expect(html).not.toMatch(/<style\b/i);
  });
});

describe('cross-site writes: the Origin is scheme, host and port', () => {
  const login = (app: FastifyInstance, headers: Record<string, string>, remoteAddress = '127.0.0.1') =>
    app.inject({
      method: 'POST',
      url: '/api/v1/session',
      headers: { host: 'sync.example.com', ...headers },
      remoteAddress,
      payload: { email: 'nobody@example.com', password: 'not the password' },
    });

  it('over plain http, a write from https://same-host (or another port) is refused; the same origin is let through', async () => {
    const app = await appWith({});
    expect((await login(app, { origin: 'http://sync.example.com' })).statusCode).toBe(401);
    const https = await login(app, { origin: 'https://sync.example.com' });
    expect(https.statusCode).toBe(403);
    expect(https.json().error.code).toBe('cross_site_request');
    expect((await login(app, { origin: 'http://sync.example.com:8080' })).statusCode).toBe(403);
    expect((await login(app, { origin: 'http://evil.example' })).statusCode).toBe(403);
  });

  it('behind a trusted proxy the forwarded scheme counts: https is ours, http is not', async () => {
    const app = await appWith({ trustProxy: 1 });
    const forwarded = { 'x-forwarded-proto': 'https', 'x-forwarded-for': '203.0.113.7' };
    const ok = await login(app, { ...forwarded, origin: 'https://sync.example.com' }, '10.0.0.1');
    expect(ok.statusCode, ok.body).toBe(401);
    expect((await login(app, { ...forwarded, origin: 'http://sync.example.com' }, '10.0.0.1')).statusCode).toBe(403);
  });

  it('an untrusted X-Forwarded-Proto changes nothing; SF_PUBLIC_URL names our origin when the proxy does not say', async () => {
    const untrusted = await appWith({});
    expect((await login(untrusted, { 'x-forwarded-proto': 'https', origin: 'https://sync.example.com' })).statusCode).toBe(403);
    const withPublicUrl = await appWith({ publicUrl: 'https://sync.example.com' });
    expect((await login(withPublicUrl, { origin: 'https://sync.example.com' })).statusCode).toBe(401);
    expect((await login(withPublicUrl, { origin: 'https://sync.example.com.evil.example' })).statusCode).toBe(403);
  });
});
