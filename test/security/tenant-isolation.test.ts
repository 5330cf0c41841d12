import type { InjectOptions } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSyncPair, type SyncPair } from '../helpers/sync-pair.ts';
import { savePlatform, signUpAndLogIn } from '../helpers/stack.ts';
import { inviteMember, tokenOfUrl } from '../helpers/members.ts';
import { documentedRoutes, registeredRoutes } from './helpers.ts';

/**
 * Tenant isolation: organisation A (Acme, connected to its partner Globex, with a finished sync run, a
 * pending connection and a webhook URL) and an outsider, organisation B. For every /api/v1 route B's
 * session is used with A's ids; the answer is 404 (or 403), never A's data, and A's state is unchanged.
 *
 * The table below classifies every route. A route the server serves that the table does not classify
 * fails the test: a new route cannot be added without deciding how it is isolated.
 */

type Kind =
  /** Takes an id of another organisation's object: must answer 404/403 and reveal nothing. */
  | 'foreign-id'
  /** Takes no id: it works on the caller's own organisation; the answer must reveal nothing of A. */
  | 'own'
  /** Not organisation data at all (health, the platform list). */
  | 'public'
  /** Authenticated by a secret in the URL, not by the session (brute-force.test.ts covers the secret). */
  | 'url-secret'
  /** A browser's return from another site (OAuth): a wrong secret sends it to Settings with the error, nothing else. */
  | 'redirect-secret';

interface Ids {
  connection: string;
  pending: string;
  run: string;
  mappings: unknown;
  /** A member of A (a user id) and A's pending invitation. */
  member: string;
  invitation: string;
  /** A ticket of A's source that the sync linked (its timeline, Retry and Resync). */
  ticket: string;
  /** An API token of A's admin. */
  apiToken: string;
  /** A change pending on A's connection (A's partner switched reverse sync on). */
  proposal: string;
  /** A's webhook notification channel. */
  notificationChannel: string;
}

interface Case {
  kind: Kind;
  /** Requests B sends (its session is added); one per foreign id to try. */
  requests(ids: Ids): InjectOptions[];
  /** For `own` routes: statuses that are fine. */
  ok?: number[];
}

const connectionIds = (ids: Ids) => [ids.connection, ids.pending];
const perConnection = (method: InjectOptions['method'], suffix: string, payload?: (ids: Ids) => unknown) => (ids: Ids) =>
  connectionIds(ids).map((id) => ({ method, url: `/api/v1/connections/${id}${suffix}`, ...(payload ? { payload: payload(ids) as object } : {}) }));

/** A's linked ticket on both sides of both of A's connections. */
const perTicket = (method: InjectOptions['method'], action: string) => (ids: Ids) =>
  connectionIds(ids).flatMap((id) =>
    (['source', 'target'] as const).map((side) => ({ method, url: `/api/v1/connections/${id}/tickets/${side}/${ids.ticket}/${action}` })),
  );

const ROUTES: Record<string, Case> = {
  'GET /api/v1/health': { kind: 'public', requests: () => [{ method: 'GET', url: '/api/v1/health' }] },
  'GET /api/v1/health/ready': { kind: 'public', requests: () => [{ method: 'GET', url: '/api/v1/health/ready' }] },
  'GET /api/v1/platforms': { kind: 'public', requests: () => [{ method: 'GET', url: '/api/v1/platforms' }] },
  'GET /api/v1/signup': { kind: 'public', requests: () => [{ method: 'GET', url: '/api/v1/signup' }] },
  // B's own password (a wrong current one: 400) and B's own sign-up link (not used in the default open mode: 409).
  'PUT /api/v1/me/password': {
    kind: 'own',
    ok: [400],
    requests: () => [{ method: 'PUT', url: '/api/v1/me/password', payload: { currentPassword: 'not the password', newPassword: 'a new long password' } }],
  },
  'POST /api/v1/signup-links': { kind: 'own', ok: [409], requests: () => [{ method: 'POST', url: '/api/v1/signup-links' }] },
  'POST /api/v1/signup': {
    kind: 'own',
    ok: [201],
    requests: () => [
      {
        method: 'POST',
        url: '/api/v1/signup',
        payload: { organisation: 'Intruder Two', email: `intruder-${Date.now()}@example.com`, password: 'a long password 1' },
      },
    ],
  },
  'POST /api/v1/session': {
    kind: 'own',
    ok: [200],
    requests: () => [{ method: 'POST', url: '/api/v1/session', payload: { email: 'SELF', password: 'SELF' } }],
  },
  'DELETE /api/v1/session': { kind: 'own', ok: [204], requests: () => [{ method: 'DELETE', url: '/api/v1/session' }] },
  'GET /api/v1/me': { kind: 'own', ok: [200], requests: () => [{ method: 'GET', url: '/api/v1/me' }] },
  'PUT /api/v1/me/name': { kind: 'own', ok: [200], requests: () => [{ method: 'PUT', url: '/api/v1/me/name', payload: { name: 'Intruder' } }] },
  'GET /api/v1/platform': { kind: 'own', ok: [200], requests: () => [{ method: 'GET', url: '/api/v1/platform' }] },
  'PUT /api/v1/platform': {
    kind: 'own',
    ok: [200],
    requests: () => [{ method: 'PUT', url: '/api/v1/platform', payload: { platform: 'freshservice', apiUrl: 'intruder', apiKey: 'IntruderKey000000001' } }],
  },
  'POST /api/v1/platform/test': { kind: 'own', ok: [200], requests: () => [{ method: 'POST', url: '/api/v1/platform/test' }] },
  'POST /api/v1/connections': {
    kind: 'own',
    ok: [201],
    requests: () => [{ method: 'POST', url: '/api/v1/connections', payload: { role: 'target', contractName: 'Intruder' } }],
  },
  'GET /api/v1/connections': { kind: 'own', ok: [200], requests: () => [{ method: 'GET', url: '/api/v1/connections' }] },
  // A code is the secret that lets a partner in (brute-force.test.ts); B's own guess is simply refused.
  'POST /api/v1/connections/accept': {
    kind: 'own',
    ok: [400],
    requests: () => [{ method: 'POST', url: '/api/v1/connections/accept', payload: { verificationCode: 'ABCD-EFGH-JKMN-PQRS-TVWX' } }],
  },
  'GET /api/v1/connections/{id}': { kind: 'foreign-id', requests: perConnection('GET', '') },
  'DELETE /api/v1/connections/{id}': { kind: 'foreign-id', requests: perConnection('DELETE', '') },
  'PUT /api/v1/connections/{id}/automatic-sync': { kind: 'foreign-id', requests: perConnection('PUT', '/automatic-sync', () => ({ enabled: true })) },
  'GET /api/v1/connections/{id}/configuration': { kind: 'foreign-id', requests: perConnection('GET', '/configuration') },
  'PUT /api/v1/connections/{id}/configuration': {
    kind: 'foreign-id',
    requests: perConnection('PUT', '/configuration', () => ({
      configuration: {},
      apiOverride: { apiUrl: 'http://127.0.0.1:9', apiKey: 'IntruderKey000000001' },
    })),
  },
  'GET /api/v1/connections/{id}/mappings': { kind: 'foreign-id', requests: perConnection('GET', '/mappings') },
  'PUT /api/v1/connections/{id}/mappings': { kind: 'foreign-id', requests: perConnection('PUT', '/mappings', (ids) => ({ mappings: ids.mappings })) },
  'GET /api/v1/connections/{id}/fields': { kind: 'foreign-id', requests: perConnection('GET', '/fields') },
  'GET /api/v1/connections/{id}/workspaces': { kind: 'foreign-id', requests: perConnection('GET', '/workspaces') },
  'GET /api/v1/connections/{id}/change-proposals': { kind: 'foreign-id', requests: perConnection('GET', '/change-proposals') },
  'POST /api/v1/connections/{id}/change-proposals/{proposalId}/approve': {
    kind: 'foreign-id',
    requests: (ids) => perConnection('POST', `/change-proposals/${ids.proposal}/approve`)(ids),
  },
  'POST /api/v1/connections/{id}/change-proposals/{proposalId}/reject': {
    kind: 'foreign-id',
    requests: (ids) => perConnection('POST', `/change-proposals/${ids.proposal}/reject`)(ids),
  },
  'POST /api/v1/connections/{id}/change-proposals/{proposalId}/withdraw': {
    kind: 'foreign-id',
    requests: (ids) => perConnection('POST', `/change-proposals/${ids.proposal}/withdraw`)(ids),
  },
  'POST /api/v1/connections/{id}/sync-runs': { kind: 'foreign-id', requests: perConnection('POST', '/sync-runs', () => ({ since: '2020-01-01' })) },
  'POST /api/v1/connections/{id}/dry-runs': { kind: 'foreign-id', requests: perConnection('POST', '/dry-runs', () => ({ since: '2020-01-01' })) },
  'GET /api/v1/connections/{id}/webhook': { kind: 'foreign-id', requests: perConnection('GET', '/webhook') },
  'POST /api/v1/connections/{id}/webhook/rotate': { kind: 'foreign-id', requests: perConnection('POST', '/webhook/rotate') },
  // A's connection id as a query filter: B's list stays B's (empty), not A's runs.
  'GET /api/v1/sync-runs': {
    kind: 'own',
    ok: [200],
    requests: (ids) => [
      { method: 'GET', url: `/api/v1/sync-runs?connection=${ids.connection}` },
      { method: 'GET', url: `/api/v1/sync-runs?connection=${ids.connection}&from=2000-01-01` },
      { method: 'GET', url: '/api/v1/sync-runs?from=2000-01-01' },
    ],
  },
  'GET /api/v1/connections/{id}/tickets/{side}/{ticketId}/timeline': { kind: 'foreign-id', requests: perTicket('GET', 'timeline') },
  // A's linked ticket number, in every accepted spelling: B's search covers B's connections only (no match, nothing of A's).
  'GET /api/v1/tickets/find': {
    kind: 'own',
    ok: [200],
    requests: (ids) =>
      [ids.ticket, `#${ids.ticket}`, `INC-${ids.ticket}`].map((n) => ({ method: 'GET', url: `/api/v1/tickets/find?number=${encodeURIComponent(n)}` })),
  },
  'POST /api/v1/connections/{id}/tickets/{side}/{ticketId}/retry': { kind: 'foreign-id', requests: perTicket('POST', 'retry') },
  'POST /api/v1/connections/{id}/tickets/{side}/{ticketId}/resync': { kind: 'foreign-id', requests: perTicket('POST', 'resync') },
  'GET /api/v1/sync-runs/{id}': { kind: 'foreign-id', requests: (ids) => [{ method: 'GET', url: `/api/v1/sync-runs/${ids.run}` }] },
  // The live event stream of A's run: refused before any stream starts.
  'GET /api/v1/sync-runs/{id}/events': { kind: 'foreign-id', requests: (ids) => [{ method: 'GET', url: `/api/v1/sync-runs/${ids.run}/events` }] },
  // A's run: its rows (pages, CSV) and its retries are refused to B like the run itself.
  'GET /api/v1/sync-runs/{id}/details': {
    kind: 'foreign-id',
    requests: (ids) => [
      { method: 'GET', url: `/api/v1/sync-runs/${ids.run}/details` },
      { method: 'GET', url: `/api/v1/sync-runs/${ids.run}/details?q=${ids.ticket}` },
    ],
  },
  'GET /api/v1/sync-runs/{id}/details.csv': { kind: 'foreign-id', requests: (ids) => [{ method: 'GET', url: `/api/v1/sync-runs/${ids.run}/details.csv` }] },
  'POST /api/v1/sync-runs/{id}/retry-failed': { kind: 'foreign-id', requests: (ids) => [{ method: 'POST', url: `/api/v1/sync-runs/${ids.run}/retry-failed` }] },
  'POST /api/v1/sync-runs/{id}/details/{detailId}/retry': {
    kind: 'foreign-id',
    requests: (ids) => ['1', '2', '999'].map((d) => ({ method: 'POST', url: `/api/v1/sync-runs/${ids.run}/details/${d}/retry` })),
  },
  // B's own dashboard: its connections and platform accounts only, nothing of A's (names, ids, hosts).
  'GET /api/v1/dashboard': {
    kind: 'own',
    ok: [200],
    requests: () => [
      { method: 'GET', url: '/api/v1/dashboard' },
      { method: 'GET', url: '/api/v1/dashboard?tz=Europe/Paris' },
    ],
  },
  // Members: B's list is B's; A's member and invitation ids are not found.
  'GET /api/v1/members': { kind: 'own', ok: [200], requests: () => [{ method: 'GET', url: '/api/v1/members' }] },
  'PATCH /api/v1/members/{id}': {
    kind: 'foreign-id',
    requests: (ids) => [ids.member, ids.invitation].map((id) => ({ method: 'PATCH', url: `/api/v1/members/${id}`, payload: { role: 'viewer' } })),
  },
  'POST /api/v1/members/{id}/password-reset': {
    kind: 'foreign-id',
    requests: (ids) => [ids.member, ids.invitation].map((id) => ({ method: 'POST', url: `/api/v1/members/${id}/password-reset` })),
  },
  'DELETE /api/v1/members/{id}': {
    kind: 'foreign-id',
    requests: (ids) => [ids.member, ids.invitation].map((id) => ({ method: 'DELETE', url: `/api/v1/members/${id}` })),
  },
  'POST /api/v1/invitations': { kind: 'own', ok: [201], requests: () => [{ method: 'POST', url: '/api/v1/invitations', payload: { role: 'admin' } }] },
  'GET /api/v1/invitations': { kind: 'own', ok: [200], requests: () => [{ method: 'GET', url: '/api/v1/invitations' }] },
  // API tokens: B's list is B's; A's token id (and other ids of A's) are not found.
  'GET /api/v1/api-tokens': { kind: 'own', ok: [200], requests: () => [{ method: 'GET', url: '/api/v1/api-tokens' }] },
  'POST /api/v1/api-tokens': {
    kind: 'own',
    ok: [201],
    requests: () => [{ method: 'POST', url: '/api/v1/api-tokens', payload: { name: 'intruder token', role: 'admin' } }],
  },
  'DELETE /api/v1/api-tokens/{id}': {
    kind: 'foreign-id',
    requests: (ids) => [ids.apiToken, ids.member, ids.invitation].map((id) => ({ method: 'DELETE', url: `/api/v1/api-tokens/${id}` })),
  },
  'DELETE /api/v1/invitations/{id}': {
    kind: 'foreign-id',
    requests: (ids) => [ids.invitation, ids.member].map((id) => ({ method: 'DELETE', url: `/api/v1/invitations/${id}` })),
  },
  // An invitation's token is its credential (only its hash is stored): A's ids in its place find nothing.
  'GET /api/v1/invitations/{token}/preview': {
    kind: 'url-secret',
    requests: (ids) => [ids.invitation, ids.member, ids.connection].map((t) => ({ method: 'GET', url: `/api/v1/invitations/${t}/preview` })),
  },
  'POST /api/v1/invitations/{token}/accept': {
    kind: 'url-secret',
    requests: (ids) =>
      [ids.invitation, ids.member].map((t) => ({
        method: 'POST',
        url: `/api/v1/invitations/${t}/accept`,
        payload: { email: `intruder-accept-${t.slice(0, 8)}@example.com`, password: 'a long password 1' },
      })),
  },
  // A's user ids and e-mail as filters: B's log stays B's.
  'GET /api/v1/audit-log': {
    kind: 'own',
    ok: [200],
    requests: (ids) => [
      { method: 'GET', url: '/api/v1/audit-log' },
      { method: 'GET', url: `/api/v1/audit-log?actor=${ids.member}` },
      { method: 'GET', url: '/api/v1/audit-log?actor=acme' },
    ],
  },
  // Notification channels: B's list is B's; A's channel (and A's other ids) are not found.
  'GET /api/v1/notifications/channels': { kind: 'own', ok: [200], requests: () => [{ method: 'GET', url: '/api/v1/notifications/channels' }] },
  'POST /api/v1/notifications/channels': {
    kind: 'own',
    ok: [201],
    requests: () => [
      {
        method: 'POST',
        url: '/api/v1/notifications/channels',
        payload: { kind: 'slack', name: 'Intruder alerts', settings: { url: 'http://127.0.0.1:9/intruder' } },
      },
    ],
  },
  'PUT /api/v1/notifications/channels/{id}': {
    kind: 'foreign-id',
    requests: (ids) =>
      [ids.notificationChannel, ids.connection].map((id) => ({
        method: 'PUT',
        url: `/api/v1/notifications/channels/${id}`,
        payload: { name: 'taken over', settings: { url: 'http://127.0.0.1:9/stolen' } },
      })),
  },
  'DELETE /api/v1/notifications/channels/{id}': {
    kind: 'foreign-id',
    requests: (ids) => [ids.notificationChannel, ids.connection].map((id) => ({ method: 'DELETE', url: `/api/v1/notifications/channels/${id}` })),
  },
  'POST /api/v1/notifications/channels/{id}/test': {
    kind: 'foreign-id',
    requests: (ids) => [ids.notificationChannel].map((id) => ({ method: 'POST', url: `/api/v1/notifications/channels/${id}/test` })),
  },
  'POST /api/v1/notifications/channels/{id}/signing-secret': {
    kind: 'foreign-id',
    requests: (ids) => [ids.notificationChannel].map((id) => ({ method: 'POST', url: `/api/v1/notifications/channels/${id}/signing-secret` })),
  },
  'POST /api/v1/platform/oauth/start': { kind: 'own', ok: [400], requests: () => [{ method: 'POST', url: '/api/v1/platform/oauth/start' }] },
  // The state in the URL is the credential: another organisation's ids in its place are refused (a redirect saying so).
  'GET /api/v1/platform/oauth/callback': {
    kind: 'redirect-secret',
    requests: (ids) => [ids.connection, ids.run, 'A'.repeat(43)].map((t) => ({ method: 'GET', url: `/api/v1/platform/oauth/callback?state=${t}&code=x` })),
  },
  'POST /api/v1/hooks/{platform}/{token}': {
    kind: 'url-secret',
    requests: (ids) =>
      [ids.connection, ids.run, 'A'.repeat(43)].map((t) => ({ method: 'POST', url: `/api/v1/hooks/freshservice/${t}`, payload: { ticket_id: 1 } })),
  },
  // The token in the URL is the credential. With B's session and A's ids in its place, nothing is found.
};

let pair: SyncPair;
let b: Awaited<ReturnType<typeof signUpAndLogIn>>;
let ids: Ids;
/** Strings only A (or its partner) may see. */
let secretsOfA: string[];

const asA = (url: string) => pair.stack.app.inject({ url, headers: pair.source.auth });

/** Everything A can read about itself, to compare before and after B's attempts. */
async function viewOfA() {
  const out: Record<string, unknown> = {};
  for (const url of [
    '/api/v1/me',
    '/api/v1/platform',
    '/api/v1/connections',
    `/api/v1/connections/${ids.connection}`,
    `/api/v1/connections/${ids.connection}/configuration`,
    `/api/v1/connections/${ids.connection}/mappings`,
    `/api/v1/connections/${ids.connection}/change-proposals`,
    `/api/v1/connections/${ids.connection}/webhook`,
    `/api/v1/connections/${ids.pending}`,
    `/api/v1/connections/${ids.pending}/configuration`,
    '/api/v1/sync-runs?from=2000-01-01',
    `/api/v1/sync-runs/${ids.run}`,
    `/api/v1/connections/${ids.connection}/tickets/source/${ids.ticket}/timeline`,
    '/api/v1/members',
    '/api/v1/invitations',
    '/api/v1/api-tokens',
    '/api/v1/notifications/channels',
    '/api/v1/audit-log?limit=200',
  ]) {
    const r = await asA(url);
    out[url] = { status: r.statusCode, body: r.json() };
  }
  const partner = await pair.stack.app.inject({ url: `/api/v1/connections/${ids.connection}/configuration`, headers: pair.target.auth });
  out.partner = partner.json();
  return out;
}

beforeAll(async () => {
  pair = await startSyncPair();
  const run = await pair.sync();
  expect(run.status).toMatch(/success|partial|no_tickets/);
  const pending = await pair.stack.app.inject({
    method: 'POST',
    url: '/api/v1/connections',
    headers: pair.source.auth,
    payload: { role: 'source', contractName: 'Acme secret pending contract' },
  });
  const webhook = (await asA(`/api/v1/connections/${pair.connectionId}/webhook`)).json().url as string;
  const memberOfA = await inviteMember(pair.stack.app, pair.source.auth, 'member', 'acme-member');
  const invitationOfA = (
    await pair.stack.app.inject({
      method: 'POST',
      url: '/api/v1/invitations',
      headers: pair.source.auth,
      payload: { role: 'admin', email: 'acme-next@example.com' },
    })
  ).json();
  const apiTokenOfA = (
    await pair.stack.app.inject({
      method: 'POST',
      url: '/api/v1/api-tokens',
      headers: pair.source.auth,
      payload: { name: 'Acme secret automation', role: 'admin' },
    })
  ).json();
  const channelOfA = (
    await pair.stack.app.inject({
      method: 'POST',
      url: '/api/v1/notifications/channels',
      headers: pair.source.auth,
      payload: { kind: 'webhook', name: 'Acme secret alerts', settings: { url: 'http://127.0.0.1:9/acme-alerts-token' } },
    })
  ).json();
  const partnerConfig = (await pair.stack.app.inject({ url: `/api/v1/connections/${pair.connectionId}/configuration`, headers: pair.target.auth })).json()
    .configuration;
  const proposal = await pair.stack.app.inject({
    method: 'PUT',
    url: `/api/v1/connections/${pair.connectionId}/configuration`,
    headers: pair.target.auth,
    payload: { configuration: { ...partnerConfig, reverseSync: { enabled: true } } },
  });
  ids = {
    connection: pair.connectionId,
    pending: pending.json().id,
    run: run.id,
    mappings: (await asA(`/api/v1/connections/${pair.connectionId}/mappings`)).json().mappings,
    member: memberOfA.id,
    invitation: invitationOfA.id,
    ticket: run.details.find((d: { outcome: string }) => d.outcome === 'created').sourceTicketId,
    apiToken: apiTokenOfA.id,
    proposal: proposal.json().proposal.id,
    notificationChannel: channelOfA.id,
  };
  b = await signUpAndLogIn(pair.stack.app, 'intruder');
  await savePlatform(pair.stack.app, b);
  // B has data of its own, so "empty" is not the only thing it could see.
  await pair.stack.app.inject({ method: 'POST', url: '/api/v1/connections', headers: b.auth, payload: { role: 'source', contractName: 'Intruder own' } });
  const platformOfA = (await asA('/api/v1/platform')).json();
  secretsOfA = [
    pair.source.organisation.id,
    pair.source.organisation.name,
    pair.target.organisation.id,
    pair.target.organisation.name,
    ids.connection,
    ids.pending,
    ids.run,
    ids.proposal,
    'Acme managed IT',
    'Acme secret pending contract',
    webhook.split('/').pop()!,
    platformOfA.apiUrl,
    pair.source.sim.keyFor('admin'),
    memberOfA.email,
    'acme-next@example.com',
    tokenOfUrl(invitationOfA.url),
    apiTokenOfA.token,
    'Acme secret automation',
    channelOfA.id,
    'Acme secret alerts',
    'acme-alerts-token',
    channelOfA.signingSecret,
    (await asA('/api/v1/me')).json().user.email,
  ];
});
afterAll(async () => pair?.close());

describe('tenant isolation', () => {
  it('the route table classifies every route the server serves, and nothing else', () => {
    const served = registeredRoutes(pair.stack.app);
    const documented = documentedRoutes(pair.stack.app)
      .map((r) => `${r.method} ${r.path}`)
      .sort();
    expect(served.length).toBeGreaterThan(20);
    // Hidden routes would escape a table built from the document alone.
    expect(documented).toEqual(served);
    const unclassified = served.filter((r) => !(r in ROUTES));
    const stale = Object.keys(ROUTES).filter((r) => !served.includes(r));
    expect(unclassified, 'routes without an isolation rule: add them to ROUTES').toEqual([]);
    expect(stale, 'ROUTES entries for routes that no longer exist').toEqual([]);
  });

  it('B with A’s ids gets 404 or 403 on every route, and never sees A’s data', async () => {
    const before = await viewOfA();
    const failures: string[] = [];
    for (const [route, c] of Object.entries(ROUTES)) {
      for (const req of c.requests(ids)) {
        let headers: Record<string, string> = b.auth;
        if (route === 'DELETE /api/v1/session') {
          // Logging out must end B's session only: use a second session of B's.
          const again = await pair.stack.app.inject({ method: 'POST', url: '/api/v1/session', payload: { email: b.email, password: b.password } });
          headers = { authorization: `Bearer ${again.json().token}` };
        }
        if (route === 'POST /api/v1/session') req.payload = { email: b.email, password: b.password };
        const r = await pair.stack.app.inject({ ...req, headers: { ...headers, ...(req.headers as Record<string, string> | undefined) } });
        const what = `${route} as ${req.method} ${req.url} → ${r.statusCode} ${r.body.slice(0, 200)}`;
        const seen = secretsOfA.filter((s) => r.body.includes(s) || JSON.stringify(r.headers).includes(s));
        if (seen.length > 0) failures.push(`${what}: reveals ${seen.join(', ')}`);
        if (r.statusCode >= 500) failures.push(`${what}: server error`);
        if (c.kind === 'foreign-id' || c.kind === 'url-secret') {
          if (r.statusCode !== 404 && r.statusCode !== 403) failures.push(`${what}: expected 404 or 403`);
          else if (!(typeof r.json().error?.code === 'string' && typeof r.json().error?.message === 'string')) failures.push(`${what}: not the error shape`);
        }
        if (c.kind === 'redirect-secret' && (r.statusCode !== 302 || !/^\/settings\?oauth=error&reason=[a-z_]+$/.test(String(r.headers.location))))
          failures.push(`${what}: expected a redirect to Settings with the error`);
        if (c.kind === 'own' && !c.ok!.includes(r.statusCode)) failures.push(`${what}: expected ${c.ok!.join('/')}`);
        if (c.kind === 'public' && r.statusCode !== 200) failures.push(`${what}: expected 200`);
      }
    }
    expect(failures).toEqual([]);
    expect(await viewOfA()).toEqual(before);
    // B's session still works (its own logout ended only the second session).
    expect((await pair.stack.app.inject({ url: '/api/v1/me', headers: b.auth })).statusCode).toBe(200);
  });

  it('the same 404 for A’s ids as for ids that do not exist (existence is not revealed)', async () => {
    const missing = '00000000-0000-4000-8000-000000000000';
    for (const suffix of ['', '/configuration', '/mappings', '/fields', '/workspaces', '/webhook', '/change-proposals']) {
      const foreign = await pair.stack.app.inject({ url: `/api/v1/connections/${ids.connection}${suffix}`, headers: b.auth });
      const none = await pair.stack.app.inject({ url: `/api/v1/connections/${missing}${suffix}`, headers: b.auth });
      expect(foreign.statusCode).toBe(404);
      expect(foreign.body).toBe(none.body);
    }
    const run = await pair.stack.app.inject({ url: `/api/v1/sync-runs/${ids.run}`, headers: b.auth });
    const noRun = await pair.stack.app.inject({ url: `/api/v1/sync-runs/${missing}`, headers: b.auth });
    expect(run.body).toBe(noRun.body);
    const events = await pair.stack.app.inject({ url: `/api/v1/sync-runs/${ids.run}/events`, headers: b.auth });
    const noEvents = await pair.stack.app.inject({ url: `/api/v1/sync-runs/${missing}/events`, headers: b.auth });
    expect(events.statusCode).toBe(404);
    expect(events.body).toBe(noEvents.body);
  });

  it('A’s partner sees the shared connection, but not A’s pending one or A’s own settings', async () => {
    const partner = pair.target.auth;
    expect((await pair.stack.app.inject({ url: `/api/v1/connections/${ids.connection}`, headers: partner })).statusCode).toBe(200);
    expect((await pair.stack.app.inject({ url: `/api/v1/connections/${ids.pending}`, headers: partner })).statusCode).toBe(404);
    const config = (await pair.stack.app.inject({ url: `/api/v1/connections/${ids.connection}/configuration`, headers: partner })).json();
    expect(config.side).toBe('target');
    const platform = (await pair.stack.app.inject({ url: '/api/v1/platform', headers: partner })).json();
    expect(platform.apiUrl).not.toBe((await asA('/api/v1/platform')).json().apiUrl);
  });
});
