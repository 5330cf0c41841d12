/**
 * Jira Service Management, bad input (issue 14): a malformed site URL, a token pasted with spaces, an e-mail
 * that is not the token's owner, a project (or request type) the account cannot see, a request type whose form
 * cannot carry the marker (no Labels field). Each is a clear error naming what to fix, and nothing is stored
 * half-way: what was saved before is still what the API answers.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startJiraSimulator, type JiraSimulator } from '../../src/simulator/jira/index.ts';
import { signUpAndLogIn, startStack, type TestStack } from '../helpers/stack.ts';

let stack: TestStack;
let sim: JiraSimulator;

beforeAll(async () => {
  [sim, stack] = await Promise.all([startJiraSimulator({ seed: 'two-projects', rateLimit: false }), startStack({ listen: false })]);
}, 60_000);
afterAll(async () => {
  await stack?.close();
  await sim?.close();
});

type Auth = Record<string, string>;
const put = (auth: Auth, apiUrl: string, credentials: Record<string, string>) =>
  stack.app.inject({ method: 'PUT', url: '/api/v1/platform', headers: auth, payload: { platform: 'jira_service_management', apiUrl, credentials } });
const view = async (auth: Auth) => (await stack.app.inject({ url: '/api/v1/platform', headers: auth })).json();
const good = () => ({ email: sim.emailFor('admin'), apiToken: sim.tokenFor('admin') });

describe('Settings: the site URL, e-mail and API token', () => {
  let auth: Auth;
  beforeAll(async () => {
    auth = (await signUpAndLogIn(stack.app, 'jira-bad-input')).auth;
  });

  it.each([
    { apiUrl: 'id.atlassian.com', says: /id\.atlassian\.com is an Atlassian account page/ },
    { apiUrl: 'https://api.atlassian.com/ex/jira/0777', says: /OAuth gateway/ },
    { apiUrl: 'https://acme.jira.com', says: /old Jira address/ },
    { apiUrl: 'https://a.b.atlassian.net', says: /not a Jira site address/ },
    { apiUrl: 'https://jira.acme-corp.com/browse/SUP-1', says: /not a Jira Cloud address/ },
    { apiUrl: 'ftp://acme.atlassian.net', says: /./ },
    { apiUrl: 'https://acme atlassian net', says: /./ },
  ])('a malformed site URL ($apiUrl) is a 400 naming apiUrl, with the hints; nothing is saved', async ({ apiUrl, says }) => {
    const res = await put(auth, apiUrl, good());
    expect(res.statusCode, res.body).toBe(400);
    expect(res.json().error).toMatchObject({ code: 'invalid_api_url', field: 'apiUrl', message: expect.stringMatching(says) });
    expect(res.json().error.hints).toContain('Use the address you see in the browser when Jira is open, e.g. https://yourcompany.atlassian.net');
    expect((await view(auth)).platform).toBeNull();
  });

  it('no e-mail and API token on an instance without an Atlassian app (no OAuth way in): a 400 naming email and the settings; nothing is saved', async () => {
    const res = await put(auth, sim.url, {});
    expect(res.statusCode, res.body).toBe(400);
    expect(res.json().error).toMatchObject({
      field: 'credentials.email',
      message: expect.stringMatching(/Enter the integration account's e-mail and API token\..*SF_JIRA_OAUTH_CLIENT_ID and SF_JIRA_OAUTH_CLIENT_SECRET/),
    });
    expect((await view(auth)).platform).toBeNull();
  });

  it('a token with a space or line break inside is a 400 naming apiToken; nothing is saved', async () => {
    const token = sim.tokenFor('admin');
    for (const pasted of [`${token.slice(0, 10)} ${token.slice(10)}`, `${token.slice(0, 10)}\n${token.slice(10)}`]) {
      const res = await put(auth, sim.url, { email: sim.emailFor('admin'), apiToken: pasted });
      expect(res.statusCode, res.body).toBe(400);
      expect(res.json().error).toMatchObject({
        code: 'invalid_credential',
        field: 'credentials.apiToken',
        message: expect.stringMatching(/API token contains spaces or line breaks/),
      });
      expect((await view(auth)).platform).toBeNull();
    }
  });

  it('spaces and line breaks around the token and the e-mail are trimmed: saved, and the test passes', async () => {
    const res = await put(auth, `  ${sim.url}/jira/servicedesk/projects/SUP `, {
      email: `  ${sim.emailFor('admin')} `,
      apiToken: ` ${sim.tokenFor('admin')}\n`,
    });
    expect(res.statusCode, res.body).toBe(200);
    expect((await view(auth)).apiUrl).toBe(sim.url);
    const tested = (await stack.app.inject({ method: 'POST', url: '/api/v1/platform/test', headers: auth })).json();
    expect(tested.ok, JSON.stringify(tested)).toBe(true);
  });

  it('a bad value after a good save leaves the good one in place', async () => {
    const before = await view(auth);
    const res = await put(auth, sim.url, { email: 'not-an-email', apiToken: sim.tokenFor('admin') });
    expect(res.statusCode).toBe(400);
    expect(res.json().error).toMatchObject({ field: 'credentials.email', message: expect.stringMatching(/not an e-mail address/) });
    expect(await view(auth)).toEqual(before);
  });

  it('an e-mail that is not the token’s owner: Test Connection fails as authentication_failed, naming the e-mail', async () => {
    const other = (await signUpAndLogIn(stack.app, 'jira-other-email')).auth;
    const email = sim.emailFor('agent');
    expect((await put(other, sim.url, { email, apiToken: sim.tokenFor('admin') })).statusCode).toBe(200);
    const res = await stack.app.inject({ method: 'POST', url: '/api/v1/platform/test', headers: other });
    const body = res.json();
    expect(body.ok).toBe(false);
    expect(body.error.code).toBe('authentication_failed');
    expect(body.error.message).toContain(`Check that ${email} is the e-mail of the Atlassian account that created the token`);
    expect(body.error.hints).toContain('Check that the e-mail is the one of the Atlassian account that created the token');
  });
});

describe("a connection side's settings", () => {
  let auth: { source: Auth; target: Auth };
  let connectionId = '';
  const configuration = async () => (await stack.app.inject({ url: `/api/v1/connections/${connectionId}/configuration`, headers: auth.target })).json();
  const saveSettings = async (sideSettings: Record<string, string>) => {
    const current = (await configuration()).configuration;
    return stack.app.inject({
      method: 'PUT',
      url: `/api/v1/connections/${connectionId}/configuration`,
      headers: auth.target,
      payload: { configuration: { ...current, sideSettings } },
    });
  };

  beforeAll(async () => {
    auth = { source: (await signUpAndLogIn(stack.app, 'jira-src')).auth, target: (await signUpAndLogIn(stack.app, 'jira-tgt')).auth };
    for (const a of [auth.source, auth.target]) expect((await put(a, sim.url, good())).statusCode).toBe(200);
    const created = await stack.app.inject({
      method: 'POST',
      url: '/api/v1/connections',
      headers: auth.source,
      payload: { role: 'source', contractName: 'Bad input' },
    });
    connectionId = created.json().id;
    const accepted = await stack.app.inject({
      method: 'POST',
      url: '/api/v1/connections/accept',
      headers: auth.target,
      payload: { verificationCode: created.json().verificationCode },
    });
    expect(accepted.statusCode, accepted.body).toBe(200);
  });

  it('a project the account cannot see is a 400 naming the setting and the key, with the projects it sees; nothing is saved', async () => {
    const before = (await configuration()).configuration;
    const res = await saveSettings({ project: 'HR' });
    expect(res.statusCode, res.body).toBe(400);
    const error = res.json().error;
    expect(error).toMatchObject({ code: 'validation_failed', field: 'configuration.sideSettings.project' });
    expect(error.message).toContain('Project "HR"');
    expect(error.message).toContain('setting Project');
    expect(error.message).toContain('Support (SUP)');
    expect(error.message).toContain('Kanban (KAN)');
    expect((await configuration()).configuration).toEqual(before);
  });

  it('a request type the project does not have is a 400 naming the setting and the ones it has', async () => {
    const res = await saveSettings({ project: 'SUP', requestType: 'Order a pony' });
    expect(res.statusCode, res.body).toBe(400);
    expect(res.json().error).toMatchObject({
      field: 'configuration.sideSettings.requestType',
      message: expect.stringContaining('Request type "Order a pony"'),
    });
    expect(res.json().error.message).toContain('Get IT help (Service Request)');
    // Request types live in service projects: KAN has none.
    const software = await saveSettings({ project: 'KAN', requestType: 'Get IT help' });
    expect(software.statusCode, software.body).toBe(400);
    expect(software.json().error.message).toMatch(/no request type to choose from/);
  });

  it('a request type whose form has no Labels field is a 400 naming the setting, the request type and the fix in Jira; nothing is saved', async () => {
    const before = (await configuration()).configuration;
    const res = await saveSettings({ project: 'SUP', requestType: 'report a system PROBLEM' });
    expect(res.statusCode, res.body).toBe(400);
    const error = res.json().error;
    expect(error).toMatchObject({ code: 'validation_failed', field: 'configuration.sideSettings.requestType' });
    expect(error.message).toContain('Request type "report a system PROBLEM" cannot be used (setting Request type)');
    expect(error.message).toContain('The request type "Report a system problem" (setting "Request type") has no Labels field on its request form');
    expect(error.message).toContain('add the Labels field to the request form (Project settings > Request types > Report a system problem');
    expect(error.message).toContain('or choose another request type');
    expect(error.message).toMatch(/Nothing was saved\.$/);
    expect((await configuration()).configuration).toEqual(before);
  });

  it('values the account offers are saved (keys and names in any case)', async () => {
    const res = await saveSettings({ project: 'sup', issueType: 'incident', requestType: 'get it help' });
    expect(res.statusCode, res.body).toBe(200);
    expect((await configuration()).configuration.sideSettings).toEqual({ project: 'sup', issueType: 'incident', requestType: 'get it help' });
    // Saved again unchanged: not asked again (nothing to check).
    sim.clearRequests();
    expect((await saveSettings({ project: 'sup', issueType: 'incident', requestType: 'get it help' })).statusCode).toBe(200);
    expect(sim.requests.filter((r) => r.path.includes('/project'))).toEqual([]);
  });
});
