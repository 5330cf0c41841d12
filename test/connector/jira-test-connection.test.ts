import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { TROUBLESHOOTING_HINTS } from '../../src/core/connection-test.ts';
import { JIRA_TROUBLESHOOTING } from '../../src/connectors/jira_service_management/manifest.ts';
import { testJiraConnection } from '../../src/connectors/jira_service_management/test-connection.ts';
import { startJiraSimulator, type JiraSimulator } from '../../src/simulator/jira/index.ts';
import { closedPortUrl, rawServer } from '../helpers/raw-servers.ts';

let sim: JiraSimulator;
beforeAll(async () => {
  sim = await startJiraSimulator({ seed: 'demo', rateLimit: false });
});
afterAll(async () => sim?.close());
afterEach(() => sim.faults.clear());

const test = (profile: string, over: { apiUrl?: string; email?: string; apiToken?: string } = {}, timeoutMs = 3000) =>
  testJiraConnection({ apiUrl: sim.url, email: sim.emailFor(profile), apiToken: sim.tokenFor(profile), ...over }, { timeoutMs });

describe('Jira Test Connection', () => {
  it('passes for an agent with the permissions sync needs, and says who it is', async () => {
    const r = await test('admin');
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.agent).toMatchObject({ email: sim.emailFor('admin') });
    expect(typeof r.agent.id).toBe('string');
    expect(r.roles).toContain('Transition Issues');
    expect(r.checks.map((c) => c.status)).toEqual(['passed', 'passed', 'passed', 'passed']);
    expect(r.checks.find((c) => c.id === 'projects')?.detail).toMatch(/SUP/);
    // Jira's scope is the projects the account may browse, not Freshservice's groups.
    expect(r.accessScope?.title).toBe('Project access');
    expect(r.accessScope?.items).toContainEqual({ id: 'SUP', name: 'SUP (Support)' });
  });

  it.each([
    ['a wrong token', 'admin', { apiToken: 'ATATT3xwrongwrongwrongwrong' }, 'authentication_failed', 'authenticate'],
    ['an expired token', 'expired', {}, 'authentication_failed', 'authenticate'],
    ['an e-mail that is not the token owner', 'admin', { email: 'someone.else@acme.example' }, 'authentication_failed', 'authenticate'],
    ['a read-only account', 'readonly', {}, 'permission_denied', 'permissions'],
  ])('%s → %s', async (_n, profile, over, code, step) => {
    const r = await test(profile, over);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.error.code).toBe(code);
    expect(r.error.hints).toEqual(JIRA_TROUBLESHOOTING[code as keyof typeof JIRA_TROUBLESHOOTING]);
    expect(r.checks.find((c) => c.id === step)?.status).toBe('failed');
  });

  it.each([
    [429, { 'retry-after': '30' }, 'rate_limited'],
    [503, {}, 'platform_error'],
    [403, {}, 'permission_denied'],
  ])('a %s on /myself → %s', async (status, headers, code) => {
    sim.faults.addRule({ method: 'GET', pathPattern: '/rest/api/3/myself$', status, headers, times: 1 });
    const r = await test('admin');
    expect(!r.ok && r.error.code).toBe(code);
  });

  it('a server that is not Jira → invalid_api_url; nothing listening → connection_refused; no answer → connection_timeout', async () => {
    const other = await rawServer((_q, res) => {
      res.writeHead(200, { 'content-type': 'text/html' });
      res.end('<html>hello</html>');
    });
    const hang = await rawServer(() => {});
    try {
      const r1 = await test('admin', { apiUrl: other.url });
      expect(!r1.ok && r1.error.code).toBe('invalid_api_url');
      const r2 = await test('admin', { apiUrl: await closedPortUrl() });
      expect(!r2.ok && r2.error.code).toBe('connection_refused');
      const r3 = await test('admin', { apiUrl: hang.url }, 300);
      expect(!r3.ok && r3.error.code).toBe('connection_timeout');
    } finally {
      await other.close();
      await hang.close();
    }
  });

  it('has Jira hints for every category, none of them Freshservice’s', () => {
    for (const code of Object.keys(TROUBLESHOOTING_HINTS) as Array<keyof typeof TROUBLESHOOTING_HINTS>) {
      expect(JIRA_TROUBLESHOOTING[code].length).toBeGreaterThan(0);
      expect(JIRA_TROUBLESHOOTING[code].join(' ')).not.toMatch(/Freshservice|API key/);
    }
  });
});
