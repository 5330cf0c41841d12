import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
// The guide's Troubleshooting section lives in the platform's manifest.
import { FRESHSERVICE_TROUBLESHOOTING as TROUBLESHOOTING_HINTS } from '../../src/connectors/freshservice/manifest.ts';
import { testFreshserviceConnection } from '../../src/connectors/freshservice/test-connection.ts';
import { startFreshserviceSimulator, type FreshserviceSimulator } from '../../src/simulator/freshservice/index.ts';

let sim: FreshserviceSimulator;
beforeAll(async () => {
  sim = await startFreshserviceSimulator({ seed: 'demo' });
});
afterAll(async () => sim?.close());
afterEach(() => {
  sim.faults.clear();
  sim.clearRequests();
});

const run = (apiKey: string, apiUrl = sim.url, timeoutMs = 2000) => testFreshserviceConnection({ apiUrl, apiKey }, { timeoutMs });

describe('Test Connection against the simulator', () => {
  it('correctly configured agent: three roles, all groups, a handful of calls', async () => {
    const r = await run(sim.keyFor('admin'));
    if (!r.ok) throw new Error(`expected success, got ${JSON.stringify(r.error)}`);
    const admin = sim.agents.find((a) => a.profile === 'admin')!;
    expect(r.agent).toEqual({ id: admin.id, name: admin.name, email: admin.email });
    expect(r.agent.id).toBeGreaterThan(2 ** 31);
    expect([...r.roles].sort()).toEqual(['Account Admin', 'IT Agent', 'IT Supervisor']);
    expect(r.groupAccess.scope).toBe('all');
    // "All groups" is a scope, not a list: new groups are covered too, so none are enumerated.
    expect(r.groupAccess.groups).toEqual([]);
    expect(r.checks.every((c) => c.status === 'passed')).toBe(true);
    expect(sim.requests.length).toBeLessThanOrEqual(6);
  });

  it('agent in selected groups: scope selected with only those groups', async () => {
    const r = await run(sim.keyFor('selected'));
    if (!r.ok) throw new Error(`expected success, got ${JSON.stringify(r.error)}`);
    expect(r.groupAccess).toEqual({ scope: 'selected', groups: [{ id: expect.any(Number), name: 'Network Team' }] });
    expect(r.warnings.join(' ')).toMatch(/selected groups/i);
  });

  it.each([
    ['a wrong key', 'NotTheRightKey123456'],
    ['a key whose API access is switched off', 'no_api_key'],
    ['a deactivated agent', 'inactive'],
  ])('%s: Authentication Failed with the guide hints', async (_label, keyOrProfile) => {
    const key = keyOrProfile.length > 12 ? keyOrProfile : sim.keyFor(keyOrProfile);
    const r = await run(key);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.error.code).toBe('authentication_failed');
    expect(r.error.hints).toEqual(TROUBLESHOOTING_HINTS.authentication_failed);
    expect(r.checks.find((c) => c.id === 'authenticate')?.status).toBe('failed');
  });

  it.each(['agent_only', 'supervisor_only'])('%s: Permission Denied naming the missing role', async (profile) => {
    const r = await run(sim.keyFor(profile));
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.error.code).toBe('permission_denied');
    expect(r.error.hints).toEqual(TROUBLESHOOTING_HINTS.permission_denied);
    expect(r.error.message).toMatch(/Account Admin/);
  });

  it('an instance that never answers: Connection Timeout within the bound', async () => {
    sim.faults.set({ hang: true });
    const started = Date.now();
    const r = await run(sim.keyFor('admin'), sim.url, 400);
    expect(Date.now() - started).toBeLessThan(5000);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.code).toBe('connection_timeout');
  });

  it('a path that is not the API root: Invalid API URL', async () => {
    const r = await run(sim.keyFor('admin'), `${sim.url}/helpdesk`);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.code).toBe('invalid_api_url');
  });

  it('rate limited (429 burst): says so and when to retry, not a credentials problem', async () => {
    sim.faults.set({ burst429: { count: 10, retryAfterSeconds: 30 } });
    const r = await run(sim.keyFor('admin'));
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.error.code).toBe('rate_limited');
      expect(r.error.message).toMatch(/30/);
    }
  });

  it('a 5xx from the platform is a platform error, not a wrong key', async () => {
    sim.faults.set({ status5xx: 503 });
    const r = await run(sim.keyFor('admin'));
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.code).toBe('platform_error');
  });
});
