import { afterAll, describe, expect, it } from 'vitest';
import { testFreshserviceConnection } from '../../src/connectors/freshservice/test-connection.ts';
import { closedPortUrl, rawServer } from '../helpers/raw-servers.ts';

// Addresses that are not Freshservice at all: each must land in the right troubleshooting category.
const servers: Array<{ close(): Promise<void> }> = [];
afterAll(async () => Promise.all(servers.map((s) => s.close())));

async function run(url: string, timeoutMs = 800) {
  return testFreshserviceConnection({ apiUrl: url, apiKey: 'whatever-key-123' }, { timeoutMs });
}

describe('Test Connection against servers that are not Freshservice', () => {
  it('an HTML page answering 200 is an Invalid API URL', async () => {
    const s = await rawServer((_q, res) => res.writeHead(200, { 'content-type': 'text/html' }).end('<html>login</html>'));
    servers.push(s);
    const r = await run(s.url);
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.error.code).toBe('invalid_api_url');
      expect(r.error.hints[0]).toBe('Use the complete URL including https:// (e.g., https://yourcompany.freshservice.com)');
      expect(r.checks.find((c) => c.id === 'reach')?.status).toBe('failed');
    }
  });

  it('JSON of another shape is an Invalid API URL', async () => {
    const s = await rawServer((_q, res) => res.writeHead(200, { 'content-type': 'application/json' }).end('{"hello":"world"}'));
    servers.push(s);
    const r = await run(s.url);
    expect(!r.ok && r.error.code).toBe('invalid_api_url');
  });

  it('a redirect is not followed and is an Invalid API URL', async () => {
    let hits = 0;
    const target = await rawServer((_q, res) => {
      hits++;
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"agent":{"id":1,"first_name":"x","email":"x"}}');
    });
    const s = await rawServer((_q, res) => res.writeHead(302, { location: `${target.url}/api/v2/agents/me` }).end());
    servers.push(s, target);
    const r = await run(s.url);
    expect(!r.ok && r.error.code).toBe('invalid_api_url');
    expect(!r.ok && r.error.message).toMatch(/redirects/);
    expect(hits).toBe(0);
  });

  it('a server that never answers is a Connection Timeout within the bound', async () => {
    const s = await rawServer(() => {
      /* never answers */
    });
    servers.push(s);
    const r = await run(s.url, 300);
    expect(!r.ok && r.error.code).toBe('connection_timeout');
    expect(!r.ok && r.error.message).toMatch(/No answer within 0.3 s/);
    expect(!r.ok && r.error.hints).toContain('Verify your Freshservice instance is accessible from the internet');
  });

  it('a refused connection is Connection Refused, not a timeout, and says so at once', async () => {
    const r = await run(await closedPortUrl(), 5000);
    expect(!r.ok && r.error.code).toBe('connection_refused');
    expect(!r.ok && r.error.message).toMatch(/refused/i);
    expect(!r.ok && r.error.message).not.toMatch(/no answer within|timed? ?out/i);
    expect(!r.ok && r.error.hints[0]).toMatch(/check the API URL/);
    expect(!r.ok && r.checks.find((c) => c.id === 'reach')?.status).toBe('failed');
  });

  it('a reset connection is a Connection Timeout', async () => {
    const s = await rawServer((req) => req.socket.destroy());
    servers.push(s);
    const r = await run(s.url);
    expect(!r.ok && r.error.code).toBe('connection_timeout');
  });

  it('a 5xx is a platform error, not one of the four setup problems', async () => {
    const s = await rawServer((_q, res) => res.writeHead(503, { 'content-type': 'application/json' }).end('{}'));
    servers.push(s);
    const r = await run(s.url);
    expect(!r.ok && r.error.code).toBe('platform_error');
  });

  it('an unknown host name is an Invalid API URL', async () => {
    const r = await run('http://no-such-host.invalid');
    expect(!r.ok && r.error.code).toBe('invalid_api_url');
  });
});
