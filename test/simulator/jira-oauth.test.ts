import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startJiraSimulator, type JiraSimulator } from '../../src/simulator/jira/index.ts';

/** The simulated Atlassian 3LO: auth host (kit OAuth server), accessible-resources and bearer tokens on the gateway only [jira-api.md §1.1, §1.3]. */
let sim: JiraSimulator;
beforeAll(async () => {
  sim = await startJiraSimulator({ rateLimit: false });
});
afterAll(async () => sim?.close());

async function authorize(params: Record<string, string>): Promise<URLSearchParams> {
  const url = new URL(`${sim.oauth.authUrl}/authorize`);
  for (const [k, v] of Object.entries({ response_type: 'code', client_id: sim.oauth.clientId, redirect_uri: 'http://localhost/cb', state: 's1', ...params }))
    url.searchParams.set(k, v);
  const res = await fetch(url, { redirect: 'manual' });
  return new URL(res.headers.get('location')!).searchParams;
}

async function token(form: Record<string, string>): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await fetch(`${sim.oauth.authUrl}/oauth/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ client_id: sim.oauth.clientId, client_secret: sim.oauth.clientSecret, redirect_uri: 'http://localhost/cb', ...form }),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

const consent = { audience: 'api.atlassian.com', prompt: 'consent' };

describe('Jira simulator 3LO', () => {
  it.each<{ name: string; params: Record<string, string>; says: string }>([
    { name: 'no audience', params: { prompt: 'consent' }, says: 'audience' },
    { name: 'no consent prompt', params: { audience: 'api.atlassian.com' }, says: 'prompt' },
  ])('refuses an authorize request with $name', async ({ params, says }) => {
    const back = await authorize(params);
    expect(back.get('error')).toBe('invalid_request');
    expect(back.get('error_description')).toContain(says);
  });

  it('gives a refresh token only with offline_access, and rotates it', async () => {
    const without = await token({ grant_type: 'authorization_code', code: (await authorize({ ...consent, scope: 'read:jira-work' })).get('code')! });
    expect(without.status).toBe(200);
    expect(without.body.refresh_token).toBeUndefined();
    const granted = await token({
      grant_type: 'authorization_code',
      code: (await authorize({ ...consent, scope: 'read:jira-work offline_access' })).get('code')!,
    });
    const first = granted.body.refresh_token as string;
    const rotated = await token({ grant_type: 'refresh_token', refresh_token: first });
    expect(rotated.body.refresh_token).toEqual(expect.any(String));
    expect((await token({ grant_type: 'refresh_token', refresh_token: first })).body.error).toBe('invalid_grant');
  });

  it('lists the site with its cloud id; a bearer token works through the gateway only', async () => {
    const { body } = await token({ grant_type: 'authorization_code', code: (await authorize(consent)).get('code')! });
    const bearer = { authorization: `Bearer ${body.access_token as string}` };
    const resources = await fetch(`${sim.oauth.apiGatewayUrl}/oauth/token/accessible-resources`, { headers: bearer });
    expect(await resources.json()).toEqual([expect.objectContaining({ id: sim.cloudId, url: sim.url, scopes: expect.arrayContaining(['read:jira-work']) })]);
    expect((await fetch(`${sim.oauth.apiGatewayUrl}/oauth/token/accessible-resources`)).status).toBe(401);
    expect((await fetch(`${sim.gatewayUrl}/rest/api/3/myself`, { headers: bearer })).status).toBe(200);
    expect((await fetch(`${sim.url}/rest/api/3/myself`, { headers: bearer })).status).toBe(401);
  });
});
