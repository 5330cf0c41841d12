/**
 * POST /api/v1/platform/test answers the account's access scope in the platform's own terms: a Jira
 * account's is the projects it may browse (accessScope, besides the contract's groupAccess), while a
 * Freshservice agent's stays its group access, with no accessScope.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFreshserviceSimulator, type FreshserviceSimulator } from '../../src/simulator/freshservice/index.ts';
import { startJiraSimulator, type JiraSimulator } from '../../src/simulator/jira/index.ts';
import { signUpAndLogIn, startStack, type TestStack } from '../helpers/stack.ts';

let stack: TestStack;
let jira: JiraSimulator;
let fresh: FreshserviceSimulator;
beforeAll(async () => {
  [jira, fresh, stack] = await Promise.all([
    startJiraSimulator({ seed: 'demo', rateLimit: false }),
    startFreshserviceSimulator({ seed: 'demo' }),
    startStack({ listen: false }),
  ]);
});
afterAll(async () => {
  await stack?.close();
  await Promise.allSettled([jira?.close(), fresh?.close()]);
});

async function testAs(org: string, payload: Record<string, unknown>) {
  const { auth } = await signUpAndLogIn(stack.app, org);
  const saved = await stack.app.inject({ method: 'PUT', url: '/api/v1/platform', headers: auth, payload });
  expect(saved.statusCode, saved.body).toBe(200);
  const r = await stack.app.inject({ method: 'POST', url: '/api/v1/platform/test', headers: auth });
  expect(r.statusCode).toBe(200);
  const view = (await stack.app.inject({ url: '/api/v1/platform', headers: auth })).json();
  return { body: r.json(), lastTest: view.lastTest };
}

describe('the access scope Test Connection answers', () => {
  it('Jira: the projects the account may browse, also kept in lastTest; groupAccess stays for the contract', async () => {
    const { body, lastTest } = await testAs('scope-jira', {
      platform: 'jira_service_management',
      apiUrl: jira.url,
      credentials: { email: jira.emailFor('admin'), apiToken: jira.tokenFor('admin') },
    });
    expect(body.ok, JSON.stringify(body)).toBe(true);
    expect(body.accessScope).toMatchObject({ title: 'Project access', summary: expect.stringMatching(/^Browse access: \d+ projects?$/) });
    expect(body.accessScope.items).toContainEqual({ id: 'SUP', name: 'SUP (Support)' });
    expect(body.groupAccess).toEqual({ scope: 'all', groups: [] });
    expect(lastTest.accessScope).toEqual(body.accessScope);
  });

  it('Freshservice: its group access as before, and no accessScope', async () => {
    const { body } = await testAs('scope-fs', { platform: 'freshservice', apiUrl: fresh.url, apiKey: fresh.keyFor('admin') });
    expect(body.ok, JSON.stringify(body)).toBe(true);
    expect(body.groupAccess).toEqual({ scope: 'all', groups: [] });
    expect(body).not.toHaveProperty('accessScope');
  });
});
