import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { finishAuthorization, OAUTH_TOKEN_FIELDS, oauthClientFor, startAuthorization, tokenFields, type OAuthTokens } from '../../src/connector-kit/oauth.ts';
import type { CredentialStore } from '../../src/connectors/platform-definition.ts';
import { requirePlatform } from '../../src/connectors/registry.ts';
import type { TicketConnector } from '../../src/core/connector.ts';
import { startJiraSimulator, type JiraSimulator } from '../../src/simulator/jira/index.ts';

/**
 * The Jira connector on the OAuth way: every call of a sync (search, create, transitions, comments,
 * attachments up and down) through the gateway with a bearer token, none on the site, and a token the
 * platform stops accepting refreshed once and stored.
 */
const JIRA = 'jira_service_management';
let sim: JiraSimulator;
let settings: Record<string, string>;
let tokens: OAuthTokens;

beforeAll(async () => {
  sim = await startJiraSimulator({ seed: 'demo', rateLimit: false });
  settings = {
    SF_JIRA_OAUTH_CLIENT_ID: sim.oauth.clientId,
    SF_JIRA_OAUTH_CLIENT_SECRET: sim.oauth.clientSecret,
    SF_JIRA_OAUTH_AUTH_URL: sim.oauth.authUrl,
    SF_JIRA_API_GATEWAY_URL: sim.oauth.apiGatewayUrl,
  };
  const client = oauthClientFor(requirePlatform(JIRA).manifest, { apiUrl: sim.url, fields: {} }, 'http://localhost/cb', {
    instance: settings,
    allowHttp: true,
  });
  const started = await startAuthorization(client);
  const consent = await fetch(started.authorizeUrl, { redirect: 'manual' });
  tokens = await finishAuthorization(client, new URL(consent.headers.get('location')!).searchParams, started);
});
afterAll(async () => sim?.close());

function memoryStore(fields: Record<string, string>): CredentialStore & { fields: Record<string, string> } {
  return { fields, update: async (f) => void Object.assign(fields, f) };
}

const connector = (store: CredentialStore & { fields: Record<string, string> }): TicketConnector =>
  requirePlatform(JIRA).createConnector(
    { apiUrl: sim.url, fields: { ...store.fields } },
    { timeoutMs: 5000, sideSettings: { project: 'SUP' }, credentialStore: store, platformSettings: settings },
  );

describe('Jira connector with OAuth 2.0 (3LO)', () => {
  it('syncs through the gateway with a bearer token: no call on the site', async () => {
    const jira = connector(memoryStore(tokenFields(tokens)));
    sim.clearRequests();
    const since = new Date(Date.now() - 120_000);
    const t = await jira.createTicket({ type: 'Incident', subject: 'Printer via OAuth', description: '<p>jams</p>', requesterId: '', marker: 'sf-oauth1' });
    expect(t.displayId).toMatch(/^SUP-\d+$/);
    const ids: string[] = [];
    for await (const page of jira.changes(null, { since })) ids.push(...page.changes.map((c) => c.id));
    expect(ids).toContain(t.id);
    const closed = (await jira.fieldDefinitions()).find((d) => d.role === 'status')!.choices.find((c) => c.label === 'Closed')!;
    expect((await jira.updateTicket(t.id, { fields: { status: String(closed.value) } })).fields.status).toBe(String(closed.value));
    const internal = await jira.addComment(t.id, { body: '<p>note</p>', private: true, marker: 'sf-oauth-c1' });
    expect(internal.private).toBe(true);
    const [att] = await jira.addAttachments(t.id, [{ name: 'n.txt', contentType: 'text/plain', data: new TextEncoder().encode('via gateway') }]);
    expect(new TextDecoder().decode((await jira.downloadAttachment(att!)).data)).toBe('via gateway');
    expect(sim.requests.length).toBeGreaterThan(5);
    expect(sim.requests.filter((r) => !r.path.startsWith(`/ex/jira/${sim.cloudId}/`)).map((r) => r.path)).toEqual([]);
    expect(ticketUrlOf(jira, t)).toBe(`${sim.url}/browse/${t.displayId}`);
  });

  it('a token Jira stops accepting is refreshed once and the rotation stored; a grant that is gone says to connect again', async () => {
    const store = memoryStore(tokenFields(tokens));
    const jira = connector(store);
    sim.oauth.server.validAccessTokens.delete(tokens.accessToken);
    const before = sim.oauth.server.calls.filter((c) => c.grantType === 'refresh_token').length;
    expect((await jira.whoAmI()).email).toBe(sim.emailFor('admin'));
    expect(sim.oauth.server.calls.filter((c) => c.grantType === 'refresh_token').length - before).toBe(1);
    expect(store.fields[OAUTH_TOKEN_FIELDS.refreshToken]).not.toBe(tokens.refreshToken);
    // A grant revoked at Atlassian: the refresh is refused, and the connector says to connect again.
    const dead = tokenFields({ accessToken: 'at_revoked', refreshToken: 'rt_revoked', expiresAt: null });
    const stale = requirePlatform(JIRA).createConnector({ apiUrl: sim.url, fields: dead }, { timeoutMs: 5000, platformSettings: settings });
    await expect(stale.whoAmI()).rejects.toMatchObject({ kind: 'authentication', message: expect.stringMatching(/connect .*again/i) });
  });

  it('without the instance app, the OAuth way names the settings to set', async () => {
    const jira = requirePlatform(JIRA).createConnector({ apiUrl: sim.url, fields: tokenFields(tokens) }, { timeoutMs: 5000 });
    await expect(jira.whoAmI()).rejects.toMatchObject({ kind: 'authentication', message: expect.stringContaining('SF_JIRA_OAUTH_CLIENT_ID') });
  });
});

function ticketUrlOf(jira: TicketConnector, t: { id: string; displayId: string }) {
  return jira.ticketUrl?.(t as never);
}
