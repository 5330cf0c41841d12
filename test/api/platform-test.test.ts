import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFreshserviceSimulator, type FreshserviceSimulator } from '../../src/simulator/freshservice/index.ts';
import { signUpAndLogIn, startStack, type TestStack } from '../helpers/stack.ts';

let stack: TestStack;
let sim: FreshserviceSimulator;
let auth: Record<string, string>;
beforeAll(async () => {
  sim = await startFreshserviceSimulator({ seed: 'demo' });
  stack = await startStack({ listen: false });
  auth = (await signUpAndLogIn(stack.app, 'ptest')).auth;
});
afterAll(async () => {
  await stack?.close();
  await sim?.close();
});

const save = (apiKey: string) =>
  stack.app.inject({ method: 'PUT', url: '/api/v1/platform', headers: auth, payload: { platform: 'freshservice', apiUrl: sim.url, apiKey } });
const test = () => stack.app.inject({ method: 'POST', url: '/api/v1/platform/test', headers: auth });

describe('POST /api/v1/platform/test against the simulator', () => {
  it('success has exactly the contract shape and is kept as lastTest', async () => {
    expect((await save(sim.keyFor('admin'))).statusCode).toBe(200);
    const r = await test();
    expect(r.statusCode).toBe(200);
    const body = r.json();
    expect(body).toMatchObject({
      ok: true,
      agent: { id: expect.any(Number), name: expect.any(String), email: expect.any(String) },
      groupAccess: { scope: 'all', groups: [] },
      warnings: [],
    });
    expect([...body.roles].sort()).toEqual(['Account Admin', 'IT Agent', 'IT Supervisor']);
    expect(JSON.stringify(body)).not.toContain(sim.keyFor('admin'));
    const view = (await stack.app.inject({ url: '/api/v1/platform', headers: auth })).json();
    expect(view.lastTest).toMatchObject({ ok: true, testedAt: expect.any(String) });
  });

  it('a wrong key is 200 with ok false and the authentication_failed hints', async () => {
    // A working configuration is replaced only by one that passes (platform-replace.test.ts): start afresh.
    auth = (await signUpAndLogIn(stack.app, 'ptest2')).auth;
    await save('WrongKeyWrongKey1234');
    const body = (await test()).json();
    expect(body.ok).toBe(false);
    expect(body.error.code).toBe('authentication_failed');
    expect(body.error.hints).toContain('Verify the API key was copied completely without extra characters');
  });

  it('an IT Agent-only key is permission_denied', async () => {
    await save(sim.keyFor('agent_only'));
    expect((await test()).json().error.code).toBe('permission_denied');
  });

  it('a hanging instance is connection_timeout within SF_PLATFORM_TIMEOUT_MS', async () => {
    await save(sim.keyFor('admin'));
    sim.faults.set({ hang: true });
    try {
      expect((await test()).json().error.code).toBe('connection_timeout');
    } finally {
      sim.faults.clear();
    }
  });

  it('needs a session', async () => {
    const r = await stack.app.inject({ method: 'POST', url: '/api/v1/platform/test' });
    expect(r.statusCode).toBe(401);
  });
});
