import diagnostics from 'node:diagnostics_channel';
import type { FastifyInstance } from 'fastify';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { createHttpClient, NetworkError, transport, type HttpClient, type HttpResponse } from '../../src/connector-kit/http.ts';
import { isPrivateAddress, type Resolver } from '../../src/connector-kit/ssrf.ts';
import { FreshserviceApi } from '../../src/connectors/freshservice/api.ts';
import { downloadAttachment, redirectProblem } from '../../src/connectors/freshservice/attachments.ts';
import { createFreshserviceConnector } from '../../src/connectors/freshservice/connector.ts';
import { testFreshserviceConnection } from '../../src/connectors/freshservice/test-connection.ts';
import { PlatformError } from '../../src/core/connector.ts';
import { buildApp } from '../../src/server/app.ts';
import { loadMasterKey } from '../../src/security/secret-key.ts';
import { rawServer } from '../helpers/raw-servers.ts';
import { savePlatform, signUpAndLogIn, startStack, type TestStack } from '../helpers/stack.ts';

/**
 * SSRF: platform URLs come from users. With SF_ALLOW_PRIVATE_PLATFORM_URLS off, loopback, private,
 * link-local and metadata destinations are refused when the URL is saved (whatever its spelling), when
 * a *.freshservice.com name resolves to one (the DNS step before every connection), and when an allowed
 * host redirects to one.
 */

const KEY = 'Yq8nL2pWx0aB7cD3eF9g';

/** Names the fake DNS knows; anything else is "not found" (no test reaches the real network). */
const ZONE: Record<string, string[]> = {
  'internal.freshservice.com': ['10.0.0.5'],
  'meta.freshservice.com': ['169.254.169.254'],
  'loop.freshservice.com': ['127.0.0.1'],
  'mixed.freshservice.com': ['52.1.2.3', '192.168.1.20'],
  'mapped.freshservice.com': ['::ffff:127.0.0.1'],
  'ula.freshservice.com': ['fd00::1'],
  'nat64.freshservice.com': ['64:ff9b::a9fe:a9fe'],
  'public.freshservice.com': ['52.1.2.3', '2606:4700::6810:84e5'],
  'files.storage.example': ['10.1.2.3'],
  'cdn.storage.example': ['52.7.7.7'],
};
const lookups: string[] = [];
const fakeDns: Resolver = async (host) => {
  lookups.push(host);
  const found = ZONE[host];
  if (!found) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${host}`), { code: 'ENOTFOUND' });
  return found;
};

/** Every URL the connectors' HTTP client asked for, so a test can prove a refused destination was never contacted. */
function spyOnFetch() {
  const real = transport.fetch;
  return vi.spyOn(transport, 'fetch').mockImplementation((input, init) => real(input, init));
}
/** The network stands in for a public platform: every request gets `answer`. */
const fakeNetwork = (answer: () => Response) =>
  vi.spyOn(transport, 'fetch').mockImplementation(async () => answer() as unknown as Awaited<ReturnType<typeof transport.fetch>>);
const fetchedHosts = (spy: ReturnType<typeof spyOnFetch>) => spy.mock.calls.map(([u]) => new URL(String(u instanceof Request ? u.url : u)).hostname);

afterEach(() => {
  vi.restoreAllMocks();
});

describe('addresses that are never reached', () => {
  it.each([
    '127.0.0.1',
    '127.255.255.254',
    '10.0.0.5',
    '172.16.0.1',
    '172.31.255.255',
    '192.168.1.1',
    '169.254.169.254',
    '100.64.0.1',
    '0.0.0.0',
    '224.0.0.1',
    '255.255.255.255',
    '::1',
    '::',
    'fd00::1',
    'fc12:3456::1',
    'fe80::1',
    '[::1]',
    'ff02::1',
    '::ffff:127.0.0.1',
    '::ffff:7f00:1',
    '::ffff:a9fe:a9fe',
    '64:ff9b::a9fe:a9fe',
    '2002:a00:5::1',
    '::127.0.0.1',
    'fe80::1%eth0',
  ])('%s is private', (a) => {
    expect(isPrivateAddress(a)).toBe(true);
  });

  it.each(['52.1.2.3', '8.8.8.8', '172.32.0.1', '100.128.0.1', '2606:4700::6810:84e5', '::ffff:8.8.8.8', '64:ff9b::808:808', 'acme.freshservice.com'])(
    '%s is not',
    (a) => {
      expect(isPrivateAddress(a)).toBe(false);
    },
  );
});

describe('with SF_ALLOW_PRIVATE_PLATFORM_URLS off', () => {
  let stack: TestStack;
  let app: FastifyInstance;
  let auth: Record<string, string>;
  let connectionId: string;

  beforeAll(async () => {
    stack = await startStack({ listen: false, env: { SF_ALLOW_PRIVATE_PLATFORM_URLS: '0' } });
    expect(stack.config.allowPrivatePlatformUrls).toBe(false);
    // The product app, with the fake DNS injected where connectors resolve platform hosts.
    const masterKey = await loadMasterKey(stack.config.secretKey, stack.config.dataDir);
    app = await buildApp({ config: stack.config, db: stack.database.db, masterKey, jobs: stack.jobs, resolve: fakeDns }, { logger: false });
    await app.ready();
    auth = (await signUpAndLogIn(app, 'ssrf')).auth;
    const other = await signUpAndLogIn(app, 'ssrfpartner');
    // Private URLs are refused here: a Freshservice name the fake DNS does not know.
    await savePlatform(app, { auth }, { apiUrl: 'https://placeholder.freshservice.com', apiKey: 'PlaceholderKey0000001' });
    const created = await app.inject({ method: 'POST', url: '/api/v1/connections', headers: auth, payload: { role: 'source', contractName: 'SSRF' } });
    connectionId = created.json().id;
    const accepted = await app.inject({
      method: 'POST',
      url: '/api/v1/connections/accept',
      headers: other.auth,
      payload: { verificationCode: created.json().verificationCode },
    });
    expect(accepted.statusCode).toBe(200);
  });
  afterAll(async () => {
    await app?.close();
    await stack?.close();
  });

  const BAD_URLS = [
    'http://127.0.0.1',
    'https://127.0.0.1',
    'https://localhost',
    'https://localhost:8443',
    'https://api.localhost',
    'https://10.0.0.5',
    'https://172.16.0.1',
    'https://192.168.1.1',
    'https://100.64.0.1',
    'https://0.0.0.0',
    'https://169.254.169.254',
    'http://169.254.169.254/latest/meta-data',
    'https://metadata.google.internal',
    'https://[::1]',
    'https://[fd00::1]',
    'https://[fe80::1]',
    'https://[::ffff:127.0.0.1]',
    'https://[::ffff:a9fe:a9fe]',
    'https://0x7f000001', // hexadecimal
    'https://2130706433', // decimal
    'https://0177.0.0.1', // octal
    'https://0x7f.1',
    'https://127.1',
    'https://017700000001',
    'https://internal', // single label (a compose service)
    'http://acme.freshservice.com', // plain http
    'https://acme.freshservice.com:8443', // another port
    'https://acme.freshservice.com@127.0.0.1', // credentials trick
    'https://127.0.0.1#@acme.freshservice.com',
    'https://127.0.0.1?.freshservice.com',
    'https://acme.freshservice.com.127.0.0.1.nip.io',
    'https://acme.freshservice.com.evil.example',
    'https://a.b.freshservice.com',
    'file:///etc/passwd',
    'gopher://127.0.0.1:6379/_INFO',
  ];

  it.each(BAD_URLS)('refuses %s as the platform URL and saves nothing', async (apiUrl) => {
    const before = (await app.inject({ url: '/api/v1/platform', headers: auth })).json();
    const r = await app.inject({ method: 'PUT', url: '/api/v1/platform', headers: auth, payload: { platform: 'freshservice', apiUrl, apiKey: KEY } });
    expect(r.statusCode).toBe(400);
    expect(r.json().error).toMatchObject({ code: 'invalid_api_url', field: 'apiUrl' });
    expect((await app.inject({ url: '/api/v1/platform', headers: auth })).json()).toEqual(before);
  });

  it.each(BAD_URLS)('refuses %s as a connection’s API override', async (apiUrl) => {
    const r = await app.inject({
      method: 'PUT',
      url: `/api/v1/connections/${connectionId}/configuration`,
      headers: auth,
      payload: { configuration: {}, apiOverride: { apiUrl, apiKey: KEY } },
    });
    expect(r.statusCode).toBe(400);
    expect(r.json().error).toMatchObject({ code: 'invalid_api_url', field: 'apiOverride.apiUrl' });
    expect((await app.inject({ url: `/api/v1/connections/${connectionId}/configuration`, headers: auth })).json().apiOverride).toBeNull();
  });

  it.each([
    ['internal.freshservice.com', '10.0.0.5'],
    ['meta.freshservice.com', '169.254.169.254'],
    ['loop.freshservice.com', '127.0.0.1'],
    ['mixed.freshservice.com', '192.168.1.20'],
    ['mapped.freshservice.com', '::ffff:127.0.0.1'],
    ['ula.freshservice.com', 'fd00::1'],
    ['nat64.freshservice.com', '64:ff9b::a9fe:a9fe'],
  ])('Test Connection to %s (resolves to %s) is refused after DNS, before anything is sent', async (host, address) => {
    const saved = await app.inject({
      method: 'PUT',
      url: '/api/v1/platform',
      headers: auth,
      payload: { platform: 'freshservice', apiUrl: `https://${host}`, apiKey: KEY },
    });
    expect(saved.statusCode).toBe(200); // the name itself is a valid Freshservice address
    const fetchSpy = spyOnFetch();
    lookups.length = 0;
    const r = await app.inject({ method: 'POST', url: '/api/v1/platform/test', headers: auth });
    expect(r.statusCode).toBe(200);
    const result = r.json();
    expect(result.ok).toBe(false);
    expect(result.error.code).toBe('invalid_api_url');
    expect(result.error.message).toContain(`resolves to ${address}`);
    expect(result.error.message).toMatch(/SF_ALLOW_PRIVATE_PLATFORM_URLS=1/);
    expect(result.checks[0]).toMatchObject({ id: 'reach', status: 'failed' });
    expect(lookups).toContain(host);
    expect(fetchedHosts(fetchSpy)).not.toContain(host);
  });

  it('a sync side whose platform resolves to a private address gets no request (fields are unavailable, saying why)', async () => {
    await app.inject({
      method: 'PUT',
      url: '/api/v1/platform',
      headers: auth,
      payload: { platform: 'freshservice', apiUrl: 'https://meta.freshservice.com', apiKey: KEY },
    });
    const fetchSpy = spyOnFetch();
    const r = await app.inject({ url: `/api/v1/connections/${connectionId}/fields`, headers: auth });
    expect(r.statusCode).toBe(200);
    expect(r.json().source.error.message).toContain('resolves to 169.254.169.254');
    expect(fetchedHosts(fetchSpy)).not.toContain('meta.freshservice.com');
  });

  it('an API override that resolves to a private address is refused the same way', async () => {
    const put = await app.inject({
      method: 'PUT',
      url: `/api/v1/connections/${connectionId}/configuration`,
      headers: auth,
      payload: { configuration: {}, apiOverride: { apiUrl: 'https://internal.freshservice.com', apiKey: KEY } },
    });
    expect(put.statusCode).toBe(200);
    const fetchSpy = spyOnFetch();
    const r = await app.inject({ url: `/api/v1/connections/${connectionId}/fields`, headers: auth });
    expect(r.json().source.error.message).toContain('resolves to 10.0.0.5');
    expect(fetchedHosts(fetchSpy)).not.toContain('internal.freshservice.com');
    await app.inject({
      method: 'PUT',
      url: `/api/v1/connections/${connectionId}/configuration`,
      headers: auth,
      payload: { configuration: {}, apiOverride: null },
    });
  });

  it('a name that resolves to public addresses only is contacted (the guard is not a blanket refusal)', async () => {
    await app.inject({
      method: 'PUT',
      url: '/api/v1/platform',
      headers: auth,
      payload: { platform: 'freshservice', apiUrl: 'https://public.freshservice.com', apiKey: KEY },
    });
    const fetchSpy = fakeNetwork(() => new Response('{"code":"access_denied"}', { status: 401, headers: { 'content-type': 'application/json' } }));
    const r = await app.inject({ method: 'POST', url: '/api/v1/platform/test', headers: auth });
    expect(r.json().error.code).toBe('authentication_failed');
    expect(fetchedHosts(fetchSpy)).toContain('public.freshservice.com');
  });
});

describe('the HTTP client’s destination check', () => {
  it('refuses a private literal unless private addresses are allowed, and sends nothing', async () => {
    let hits = 0;
    const server = await rawServer((_q, res) => {
      hits++;
      res.setHeader('content-type', 'application/json');
      res.end('{}');
    });
    try {
      const strict = createHttpClient({ baseUrl: `${server.url}/api/v2`, auth: { kind: 'none' }, timeoutMs: 2000, addressPolicy: { allowPrivate: false } });
      const err = await strict.request('GET', '/agents/me').catch((e: unknown) => e);
      expect(err).toBeInstanceOf(NetworkError);
      expect((err as NetworkError).kind).toBe('blocked');
      expect(hits).toBe(0);
      const open = createHttpClient({ baseUrl: `${server.url}/api/v2`, auth: { kind: 'none' }, timeoutMs: 2000, addressPolicy: { allowPrivate: true } });
      expect((await open.request('GET', '/agents/me')).status).toBe(200);
      expect(hits).toBe(1);
    } finally {
      await server.close();
    }
  });

  it('checks every request, also absolute URLs (a vetted redirect target) on another host', async () => {
    const fetchSpy = fakeNetwork(() => new Response('{}', { status: 200, headers: { 'content-type': 'application/json' } }));
    const http = createHttpClient({
      baseUrl: 'https://public.freshservice.com/api/v2',
      auth: { kind: 'basic', username: KEY, password: 'X' },
      timeoutMs: 2000,
      addressPolicy: { allowPrivate: false, resolve: fakeDns },
    });
    expect((await http.request('GET', '/tickets')).status).toBe(200);
    const err = await http.request('GET', 'https://files.storage.example/a.png').catch((e: unknown) => e);
    expect((err as NetworkError).kind).toBe('blocked');
    expect(fetchedHosts(fetchSpy)).toEqual(['public.freshservice.com']);
  });

  it('an unknown name is a DNS failure, not a request', async () => {
    const fetchSpy = vi.spyOn(transport, 'fetch');
    const r = await testFreshserviceConnection(
      { apiUrl: 'https://nosuch.freshservice.com', apiKey: KEY },
      { timeoutMs: 2000, addressPolicy: { allowPrivate: false, resolve: fakeDns } },
    );
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.message).toMatch(/host name could not be found/i);
    expect(fetchSpy).not.toHaveBeenCalled();
  });
});

describe('redirects', () => {
  it('API calls never follow a redirect, not even to an allowed address', async () => {
    let innerHits = 0;
    const inner = await rawServer((_q, res) => {
      innerHits++;
      res.end('{"agent":{"id":1}}');
    });
    const outer = await rawServer((_q, res) => {
      res.statusCode = 302;
      res.setHeader('location', `${inner.url}/api/v2/agents/me`);
      res.end();
    });
    try {
      const c = createFreshserviceConnector(
        { apiUrl: outer.url, apiKey: KEY },
        { timeoutMs: 2000, sleep: async () => {}, addressPolicy: { allowPrivate: true } },
      );
      const err = await c.whoAmI().catch((e: unknown) => e);
      expect(err).toBeInstanceOf(PlatformError);
      expect((err as Error).message).toMatch(/redirected/);
      const test = await testFreshserviceConnection({ apiUrl: outer.url, apiKey: KEY }, { timeoutMs: 2000, addressPolicy: { allowPrivate: true } });
      expect(test.ok).toBe(false);
      expect(innerHits).toBe(0);
    } finally {
      await outer.close();
      await inner.close();
    }
  });

  /** An HTTP client standing in for the allowed host https://acme.freshservice.com: its downloads redirect to `location`. */
  function redirectingHttp(location: string) {
    const requested: string[] = [];
    const answer = (status: number, headers: Record<string, string>, body = ''): HttpResponse => ({
      status,
      headers: new Headers(headers),
      text: '',
      json: undefined,
      bytes: new TextEncoder().encode(body),
      rateLimit: { total: null, remaining: null, usedByRequest: null, retryAfterSeconds: null },
    });
    const http: HttpClient = {
      async request(_method, path) {
        requested.push(path);
        if (path === '/attachments/7') return answer(302, { location });
        return answer(200, { 'content-type': 'image/png' }, 'PNG');
      },
    };
    return { http, requested };
  }
  const att = { id: '7', name: 'a.png', contentType: 'image/png', size: 3 };

  it.each([
    ['http://169.254.169.254/latest/meta-data/iam', 'a private address'],
    ['http://127.0.0.1:6379/', 'a private address'],
    ['http://[::1]/', 'a private address'],
    ['https://files.storage.example/a.png', 'resolves to a private address'], // a host Freshservice named, pointing inside
    ['https://other.example/a.png', 'neither the Freshservice host'],
    ['file:///etc/passwd', 'file:'],
  ])('a download redirected from the allowed host to %s is not followed', async (location, why) => {
    const { http, requested } = redirectingHttp(location);
    const api = new FreshserviceApi('https://acme.freshservice.com', KEY, { timeoutMs: 2000, http });
    const trusted = new Set(['files.storage.example', 'cdn.storage.example', '169.254.169.254', '127.0.0.1', '[::1]', '::1']);
    const err = await downloadAttachment(api, att, trusted, { resolve: fakeDns }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PlatformError);
    expect((err as Error).message).toContain('not followed');
    expect((err as Error).message).toContain(why);
    expect(requested).toEqual(['/attachments/7']);
  });

  it('a redirect to a storage host Freshservice named, on a public address, is followed once', async () => {
    const { http, requested } = redirectingHttp('https://cdn.storage.example/a.png?sig=1');
    const api = new FreshserviceApi('https://acme.freshservice.com', KEY, { timeoutMs: 2000, http });
    const file = await downloadAttachment(api, att, new Set(['cdn.storage.example']), { resolve: fakeDns });
    expect(new TextDecoder().decode(file.data)).toBe('PNG');
    expect(requested).toEqual(['/attachments/7', 'https://cdn.storage.example/a.png?sig=1']);
  });
});

describe('DNS rebinding: the connection goes to the address that was checked', () => {
  /** Every client socket's resolved address (from the lookup the socket itself made); the socket is then stopped. */
  function watchConnections() {
    const looked: Array<{ host: string; address: string | undefined; error: string | undefined }> = [];
    const onSocket = (message: unknown) => {
      const { socket } = message as { socket: import('node:net').Socket };
      socket.once('lookup', (err: Error | null, address: string, _family: unknown, host: string) => {
        looked.push({ host, address: err ? undefined : address, error: err ? ((err as NodeJS.ErrnoException).code ?? err.message) : undefined });
        // Nothing on the internet is contacted: the test stops each connection once it knows where it goes.
        socket.destroy(Object.assign(new Error('stopped by the test'), { code: 'ECONNRESET' }));
      });
    };
    diagnostics.subscribe('net.client.socket', onSocket);
    return { looked, stop: () => diagnostics.unsubscribe('net.client.socket', onSocket) };
  }

  it('a name that answers a public address at the check and 127.0.0.1 afterwards is connected at the public one, never at loopback', async () => {
    let loopbackHits = 0;
    const loopback = await rawServer((_q, res) => {
      loopbackHits++;
      res.end('{"agent":{"id":1}}');
    });
    const port = new URL(loopback.url).port;
    const answers: string[][] = [];
    const rebinding: Resolver = async (host) => {
      const answer = answers.length === 0 ? ['52.1.2.3'] : ['127.0.0.1'];
      answers.push(answer);
      if (host !== 'rebind.freshservice.com') throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${host}`), { code: 'ENOTFOUND' });
      return answer;
    };
    const watch = watchConnections();
    try {
      const http = createHttpClient({
        baseUrl: `http://rebind.freshservice.com:${port}/api/v2`,
        auth: { kind: 'none' },
        timeoutMs: 5000,
        addressPolicy: { allowPrivate: false, resolve: rebinding },
      });
      const err = await http.request('GET', '/agents/me').catch((e: unknown) => e);
      expect(err).toBeInstanceOf(NetworkError);
      expect(watch.looked).toEqual([{ host: 'rebind.freshservice.com', address: '52.1.2.3', error: undefined }]);
      // Checked once; the connection used that answer instead of asking again (which would have said 127.0.0.1).
      expect(answers).toEqual([['52.1.2.3']]);
      expect(loopbackHits).toBe(0);
    } finally {
      watch.stop();
      await loopback.close();
    }
  });

  it('private addresses allowed: the name is still resolved once and the connection uses that answer', async () => {
    let hits = 0;
    const server = await rawServer((_q, res) => {
      hits++;
      res.setHeader('content-type', 'application/json');
      res.end('{"ok":true}');
    });
    const port = new URL(server.url).port;
    const calls: string[] = [];
    const resolver: Resolver = async (host) => {
      calls.push(host);
      return ['127.0.0.1'];
    };
    try {
      // No DNS server knows this name: only the checked answer can have taken the request to the server.
      const http = createHttpClient({
        baseUrl: `http://platform.sf-test.invalid:${port}`,
        auth: { kind: 'none' },
        timeoutMs: 5000,
        addressPolicy: { allowPrivate: true, resolve: resolver },
      });
      const res = await http.request('GET', '/x');
      expect(res.json).toEqual({ ok: true });
      expect(hits).toBe(1);
      expect(calls).toEqual(['platform.sf-test.invalid']);
    } finally {
      await server.close();
    }
  });
});

describe('private platform URLs allowed: a download redirect never reaches the product itself', () => {
  let stack: TestStack;
  const productHits: string[] = [];
  beforeAll(async () => {
    // Listening, as `npm start` runs it: its port is the instance's own.
    stack = await startStack({ env: { SF_ALLOW_PRIVATE_PLATFORM_URLS: '1' } });
    stack.app.server.on('request', (req: { url?: string }) => productHits.push(req.url ?? ''));
  });
  afterAll(async () => {
    await stack?.close();
  });

  /** A platform on loopback whose attachment download redirects to `location`. */
  async function redirectingPlatform(location: (platformUrl: string) => string) {
    const hits: string[] = [];
    const server = await rawServer((req, res) => {
      hits.push(req.url ?? '');
      res.statusCode = 302;
      res.setHeader('location', location(server.url));
      res.end();
    });
    return { server, hits };
  }

  it.each([
    ['/metrics', (_p: string) => `${stack.url}/metrics`],
    ['/api', (_p: string) => `${stack.url}/api/v1/health`],
  ])('to the product’s %s: refused, the product gets no request', async (_name, location) => {
    const { server, hits } = await redirectingPlatform(location);
    productHits.length = 0;
    try {
      const c = createFreshserviceConnector(
        { apiUrl: server.url, apiKey: KEY },
        { timeoutMs: 2000, sleep: async () => {}, addressPolicy: { allowPrivate: true } },
      );
      const err = await c.downloadAttachment({ id: '7', name: 'a.png', contentType: 'image/png', size: 3 }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(PlatformError);
      // Another port of the platform's host is refused by the redirect check already, else by the client's own-port guard.
      expect((err as Error).message).toMatch(/this Support Fusion instance itself|another port of the Freshservice host/);
      expect(hits).toEqual(['/api/v2/attachments/7']);
      expect(productHits).toEqual([]);
    } finally {
      await server.close();
    }
  });

  it.each([
    ['a named attachment host on loopback', 'files.sf-test.invalid', ['127.0.0.1'], /loopback, link-local or metadata/],
    ['a named attachment host on the metadata address', 'meta.sf-test.invalid', ['169.254.169.254'], /loopback, link-local or metadata/],
    ['the metadata address itself', '169.254.169.254', [], /loopback, link-local or metadata/],
    ['a host nobody named', 'elsewhere.sf-test.invalid', ['10.0.0.9'], /neither the Freshservice host/],
    ['another port of the platform’s own host', '127.0.0.1:4011', [], /another port of the Freshservice host/],
  ])('to %s: refused before anything is sent', async (_name, host, addresses, why) => {
    const base = new URL('http://127.0.0.1:4010/api/v2');
    const problem = await redirectProblem(
      new URL(`http://${host}/f?sig=1`),
      base,
      new Set(['files.sf-test.invalid', 'meta.sf-test.invalid', '169.254.169.254']),
      async () => addresses,
    );
    expect(problem).toMatch(why);
  });

  it('to the platform’s own host, or a named attachment host on the private network, is still followed', async () => {
    const base = new URL('http://127.0.0.1:4010/api/v2');
    expect(await redirectProblem(new URL('http://127.0.0.1:4010/storage/a.png'), base, new Set(), async () => [])).toBeNull();
    expect(await redirectProblem(new URL('http://files.sf-test.invalid/a.png'), base, new Set(['files.sf-test.invalid']), async () => ['10.0.0.9'])).toBeNull();
  });

  it('no connector request reaches the product at all, whatever path (the platform URL itself pointing at it)', async () => {
    productHits.length = 0;
    const http = createHttpClient({ baseUrl: `${stack.url}/api/v1`, auth: { kind: 'none' }, timeoutMs: 2000, addressPolicy: { allowPrivate: true } });
    const err = await http.request('GET', '/health').catch((e: unknown) => e);
    expect((err as NetworkError).kind).toBe('blocked');
    expect((err as Error).message).toMatch(/this Support Fusion instance itself/);
    expect(productHits).toEqual([]);
  });
});
