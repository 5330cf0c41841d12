import type { InjectOptions } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inviteMember, tokenOfUrl, type InvitedMember } from '../helpers/members.ts';
import { startSyncPair, type SyncPair } from '../helpers/sync-pair.ts';
import { databaseSnapshot, registeredRoutes } from './helpers.ts';

/**
 * Roles are enforced by the API, per route. Organisation Acme (connected to Globex, with a finished run)
 * has an admin, a member and a viewer. Every /api/v1 route the server serves is classified below by the
 * least role that may use it; a route the table does not classify fails the test, so a new route cannot
 * be added without deciding who may call it.
 *
 * - viewer: reads (GET) — every state-changing route answers a viewer 403, and changes nothing;
 * - member: also operates syncs (Sync now, dry runs, automatic sync, retry and resync of a ticket) and edits field mappings;
 * - admin: everything else (credentials, connections, configuration, webhook URLs, members, audit log);
 * - public: no session needed (the session routes, health, webhooks and invitation links);
 * - self: any signed-in user, a viewer too, on their own things only (their API tokens).
 */

type MinRole = 'public' | 'self' | 'viewer' | 'member' | 'admin';

interface Ids {
  connection: string;
  pending: string;
  run: string;
  mappings: unknown;
  configuration: unknown;
  /** A spare member (a viewer) the admin may change and remove. */
  spare: string;
  invitation: string;
  invitationToken: string;
  webhookToken: string;
  /** An API token of the admin's. */
  apiToken: string;
  /** A pending change the member proposed (writes into the partner's platform), and one the partner proposed into Acme's. */
  outgoingProposal: string;
  incomingProposal: string;
  /** A webhook notification channel of Acme's (pointing at a closed local port). */
  notificationChannel: string;
}

interface Case {
  role: MinRole;
  request(ids: Ids): InjectOptions;
}

const MISSING = '00000000-0000-4000-8000-000000000000';
const conn =
  (method: InjectOptions['method'], suffix: string, payload?: (ids: Ids) => unknown) =>
  (ids: Ids): InjectOptions => ({
    method,
    url: `/api/v1/connections/${ids.connection}${suffix}`,
    ...(payload ? { payload: payload(ids) as object } : {}),
  });
const get = (url: string) => (): InjectOptions => ({ method: 'GET', url });

const ROUTES: Record<string, Case> = {
  'GET /api/v1/health': { role: 'public', request: get('/api/v1/health') },
  'GET /api/v1/health/ready': { role: 'public', request: get('/api/v1/health/ready') },
  'GET /api/v1/platforms': { role: 'public', request: get('/api/v1/platforms') },
  'GET /api/v1/signup': { role: 'public', request: get('/api/v1/signup') },
  'POST /api/v1/signup': { role: 'public', request: () => ({ method: 'POST', url: '/api/v1/signup', payload: {} }) },
  'POST /api/v1/session': { role: 'public', request: () => ({ method: 'POST', url: '/api/v1/session', payload: {} }) },
  'DELETE /api/v1/session': { role: 'public', request: () => ({ method: 'DELETE', url: '/api/v1/session' }) },
  'POST /api/v1/hooks/{platform}/{token}': {
    role: 'public',
    request: (ids) => ({ method: 'POST', url: `/api/v1/hooks/freshservice/${ids.webhookToken}`, payload: { ticket_id: 1 } }),
  },
  'POST /api/v1/platform/oauth/start': { role: 'admin', request: () => ({ method: 'POST', url: '/api/v1/platform/oauth/start' }) },
  'GET /api/v1/platform/oauth/callback': { role: 'public', request: get('/api/v1/platform/oauth/callback?state=x&code=y') },
  'GET /api/v1/invitations/{token}/preview': {
    role: 'public',
    request: (ids) => ({ method: 'GET', url: `/api/v1/invitations/${ids.invitationToken}/preview` }),
  },
  'POST /api/v1/invitations/{token}/accept': {
    role: 'public',
    request: (ids) => ({ method: 'POST', url: `/api/v1/invitations/${ids.invitationToken}/accept`, payload: {} }),
  },

  'GET /api/v1/me': { role: 'viewer', request: get('/api/v1/me') },
  'GET /api/v1/platform': { role: 'viewer', request: get('/api/v1/platform') },
  'GET /api/v1/connections': { role: 'viewer', request: get('/api/v1/connections') },
  'GET /api/v1/connections/{id}': { role: 'viewer', request: conn('GET', '') },
  'GET /api/v1/connections/{id}/configuration': { role: 'viewer', request: conn('GET', '/configuration') },
  'GET /api/v1/connections/{id}/mappings': { role: 'viewer', request: conn('GET', '/mappings') },
  'GET /api/v1/connections/{id}/fields': { role: 'viewer', request: conn('GET', '/fields') },
  'GET /api/v1/connections/{id}/workspaces': { role: 'viewer', request: conn('GET', '/workspaces') },
  'GET /api/v1/connections/{id}/change-proposals': { role: 'viewer', request: conn('GET', '/change-proposals') },
  'GET /api/v1/sync-runs': { role: 'viewer', request: get('/api/v1/sync-runs') },
  'GET /api/v1/sync-runs/{id}': { role: 'viewer', request: (ids) => ({ method: 'GET', url: `/api/v1/sync-runs/${ids.run}` }) },
  // A stream: asked for a run that does not exist, so the answer ends (404) instead of staying open.
  'GET /api/v1/sync-runs/{id}/events': { role: 'viewer', request: () => ({ method: 'GET', url: `/api/v1/sync-runs/${MISSING}/events` }) },
  'GET /api/v1/sync-runs/{id}/details': { role: 'viewer', request: (ids) => ({ method: 'GET', url: `/api/v1/sync-runs/${ids.run}/details` }) },
  'GET /api/v1/sync-runs/{id}/details.csv': { role: 'viewer', request: (ids) => ({ method: 'GET', url: `/api/v1/sync-runs/${ids.run}/details.csv` }) },
  'GET /api/v1/dashboard': { role: 'viewer', request: get('/api/v1/dashboard') },
  'GET /api/v1/connections/{id}/tickets/{side}/{ticketId}/timeline': { role: 'viewer', request: conn('GET', '/tickets/source/1/timeline') },
  'GET /api/v1/tickets/find': { role: 'viewer', request: get('/api/v1/tickets/find?number=INC-1') },
  'GET /api/v1/members': { role: 'viewer', request: get('/api/v1/members') },
  'GET /api/v1/api-tokens': { role: 'viewer', request: get('/api/v1/api-tokens') },
  // Which channels exist (never their secrets): anyone; changing and testing them: admins.
  'GET /api/v1/notifications/channels': { role: 'viewer', request: get('/api/v1/notifications/channels') },

  'POST /api/v1/api-tokens': { role: 'self', request: () => ({ method: 'POST', url: '/api/v1/api-tokens', payload: { name: 'roles', role: 'viewer' } }) },
  // A wrong current password: the route is reached (400), nothing changes.
  'PUT /api/v1/me/password': {
    role: 'self',
    request: () => ({ method: 'PUT', url: '/api/v1/me/password', payload: { currentPassword: 'not the password', newPassword: 'a new long password' } }),
  },
  'DELETE /api/v1/api-tokens/{id}': { role: 'self', request: (ids) => ({ method: 'DELETE', url: `/api/v1/api-tokens/${ids.apiToken}` }) },
  // One's own display name (issue 12 item 17): any signed-in person, only their own.
  'PUT /api/v1/me/name': { role: 'self', request: () => ({ method: 'PUT', url: '/api/v1/me/name', payload: { name: 'Roles Test' } }) },

  'PUT /api/v1/connections/{id}/mappings': { role: 'member', request: conn('PUT', '/mappings', (ids) => ({ mappings: ids.mappings })) },
  // Withdrawn by its proposer (the member); approved and rejected only by an admin of the side it writes into.
  'POST /api/v1/connections/{id}/change-proposals/{proposalId}/withdraw': {
    role: 'member',
    request: (ids) => ({ method: 'POST', url: `/api/v1/connections/${ids.connection}/change-proposals/${ids.outgoingProposal}/withdraw` }),
  },
  'PUT /api/v1/connections/{id}/automatic-sync': { role: 'member', request: conn('PUT', '/automatic-sync', () => ({ enabled: false })) },
  'POST /api/v1/connections/{id}/sync-runs': { role: 'member', request: conn('POST', '/sync-runs', () => ({ since: '2024-01-01' })) },
  'POST /api/v1/connections/{id}/dry-runs': { role: 'member', request: conn('POST', '/dry-runs', () => ({ since: '2024-01-01' })) },
  'POST /api/v1/connections/{id}/tickets/{side}/{ticketId}/retry': { role: 'member', request: conn('POST', '/tickets/source/1/retry') },
  'POST /api/v1/connections/{id}/tickets/{side}/{ticketId}/resync': { role: 'member', request: conn('POST', '/tickets/source/1/resync') },
  // A run that does not exist: the role is checked first, then the run (404); nothing is started.
  'POST /api/v1/sync-runs/{id}/retry-failed': { role: 'member', request: () => ({ method: 'POST', url: `/api/v1/sync-runs/${MISSING}/retry-failed` }) },
  'POST /api/v1/sync-runs/{id}/details/{detailId}/retry': {
    role: 'member',
    request: () => ({ method: 'POST', url: `/api/v1/sync-runs/${MISSING}/details/1/retry` }),
  },

  'PUT /api/v1/platform': {
    role: 'admin',
    request: () => ({ method: 'PUT', url: '/api/v1/platform', payload: { platform: 'freshservice', apiUrl: 'http://127.0.0.1:9' } }),
  },
  'POST /api/v1/platform/test': { role: 'admin', request: () => ({ method: 'POST', url: '/api/v1/platform/test' }) },
  'POST /api/v1/connections': {
    role: 'admin',
    request: () => ({ method: 'POST', url: '/api/v1/connections', payload: { role: 'source', contractName: 'Role test' } }),
  },
  'POST /api/v1/connections/accept': {
    role: 'admin',
    request: () => ({ method: 'POST', url: '/api/v1/connections/accept', payload: { verificationCode: 'ABCD-EFGH-JKMN-PQRS-TVWX' } }),
  },
  'PUT /api/v1/connections/{id}/configuration': {
    role: 'admin',
    request: conn('PUT', '/configuration', (ids) => ({ configuration: ids.configuration, apiOverride: null })),
  },
  // The URL is a secret of the organisation, like a credential: admins only, even to read.
  'GET /api/v1/connections/{id}/webhook': { role: 'admin', request: conn('GET', '/webhook') },
  'POST /api/v1/connections/{id}/change-proposals/{proposalId}/approve': {
    role: 'admin',
    request: (ids) => ({ method: 'POST', url: `/api/v1/connections/${ids.connection}/change-proposals/${ids.incomingProposal}/approve` }),
  },
  'POST /api/v1/connections/{id}/change-proposals/{proposalId}/reject': {
    role: 'admin',
    request: (ids) => ({ method: 'POST', url: `/api/v1/connections/${ids.connection}/change-proposals/${ids.incomingProposal}/reject` }),
  },
  'POST /api/v1/connections/{id}/webhook/rotate': { role: 'admin', request: conn('POST', '/webhook/rotate') },
  'DELETE /api/v1/connections/{id}': { role: 'admin', request: (ids) => ({ method: 'DELETE', url: `/api/v1/connections/${ids.pending}` }) },
  'PATCH /api/v1/members/{id}': { role: 'admin', request: (ids) => ({ method: 'PATCH', url: `/api/v1/members/${ids.spare}`, payload: { role: 'member' } }) },
  'POST /api/v1/members/{id}/password-reset': { role: 'admin', request: (ids) => ({ method: 'POST', url: `/api/v1/members/${ids.spare}/password-reset` }) },
  'POST /api/v1/signup-links': { role: 'admin', request: () => ({ method: 'POST', url: '/api/v1/signup-links' }) },
  'DELETE /api/v1/members/{id}': { role: 'admin', request: (ids) => ({ method: 'DELETE', url: `/api/v1/members/${ids.spare}` }) },
  'POST /api/v1/invitations': { role: 'admin', request: () => ({ method: 'POST', url: '/api/v1/invitations', payload: { role: 'admin' } }) },
  'GET /api/v1/invitations': { role: 'admin', request: get('/api/v1/invitations') },
  'DELETE /api/v1/invitations/{id}': { role: 'admin', request: (ids) => ({ method: 'DELETE', url: `/api/v1/invitations/${ids.invitation}` }) },
  'GET /api/v1/audit-log': { role: 'admin', request: get('/api/v1/audit-log') },
  'POST /api/v1/notifications/channels': {
    role: 'admin',
    request: () => ({
      method: 'POST',
      url: '/api/v1/notifications/channels',
      payload: { kind: 'slack', name: 'roles', settings: { url: 'http://127.0.0.1:9/roles' } },
    }),
  },
  'PUT /api/v1/notifications/channels/{id}': {
    role: 'admin',
    request: (ids) => ({ method: 'PUT', url: `/api/v1/notifications/channels/${ids.notificationChannel}`, payload: { name: 'renamed', settings: {} } }),
  },
  // Sends to a closed port: 200 with ok false (the delivery result), after the role check.
  'POST /api/v1/notifications/channels/{id}/test': {
    role: 'admin',
    request: (ids) => ({ method: 'POST', url: `/api/v1/notifications/channels/${ids.notificationChannel}/test` }),
  },
  'POST /api/v1/notifications/channels/{id}/signing-secret': {
    role: 'admin',
    request: (ids) => ({ method: 'POST', url: `/api/v1/notifications/channels/${ids.notificationChannel}/signing-secret` }),
  },
  'DELETE /api/v1/notifications/channels/{id}': {
    role: 'admin',
    request: (ids) => ({ method: 'DELETE', url: `/api/v1/notifications/channels/${ids.notificationChannel}` }),
  },
};

const RANK: Record<Exclude<MinRole, 'public'>, number> = { self: 0, viewer: 0, member: 1, admin: 2 };
const sessionRoutes = () => Object.entries(ROUTES).filter(([, c]) => c.role !== 'public') as Array<[string, Case & { role: Exclude<MinRole, 'public'> }]>;

let pair: SyncPair;
let ids: Ids;
let member: InvitedMember;
let viewer: InvitedMember;

/** Every table, without the rate budget (reads call the platforms, which reserves API budget). */
const snapshot = () => databaseSnapshot(pair.stack.database.db, { except: ['rate_reservations', 'rate_accounts'] });

beforeAll(async () => {
  pair = await startSyncPair();
  const admin = pair.source.auth;
  const asAdmin = async (req: InjectOptions) => (await pair.stack.app.inject({ ...req, headers: admin })).json();
  const run = await pair.sync();
  // Runs the requests below start are recorded, not worked: the state must only change through the request itself.
  pair.stack.jobs.enqueue = async () => {};
  pair.stack.jobs.enqueueConnection = async () => {};
  member = await inviteMember(pair.stack.app, admin, 'member', 'roles');
  viewer = await inviteMember(pair.stack.app, admin, 'viewer', 'roles');
  const spare = await inviteMember(pair.stack.app, admin, 'viewer', 'spare');
  const invitation = await asAdmin({ method: 'POST', url: '/api/v1/invitations', payload: { role: 'member' } });
  const pending = await asAdmin({ method: 'POST', url: '/api/v1/connections', payload: { role: 'source', contractName: 'Pending for roles' } });
  const c = `/api/v1/connections/${pair.connectionId}`;
  const mappings = (await asAdmin({ method: 'GET', url: `${c}/mappings` })).mappings;
  const outgoing = await pair.stack.app.inject({
    method: 'PUT',
    url: `${c}/mappings`,
    headers: member.auth,
    payload: {
      mappings: { types: { ...mappings.types, Incident: { ...mappings.types.Incident, descriptionBuilder: { fields: ['priority'], separator: '---' } } } },
    },
  });
  const partnerConfig = (await pair.stack.app.inject({ url: `${c}/configuration`, headers: pair.target.auth })).json().configuration;
  const incoming = await pair.stack.app.inject({
    method: 'PUT',
    url: `${c}/configuration`,
    headers: pair.target.auth,
    payload: { configuration: { ...partnerConfig, reverseSync: { enabled: true } } },
  });
  ids = {
    connection: pair.connectionId,
    pending: pending.id,
    run: run.id,
    mappings: (await asAdmin({ method: 'GET', url: `${c}/mappings` })).mappings,
    configuration: (await asAdmin({ method: 'GET', url: `${c}/configuration` })).configuration,
    spare: spare.id,
    invitation: invitation.id,
    invitationToken: tokenOfUrl(invitation.url),
    webhookToken: tokenOfUrl((await asAdmin({ method: 'GET', url: `${c}/webhook` })).url),
    apiToken: (await asAdmin({ method: 'POST', url: '/api/v1/api-tokens', payload: { name: 'admin automation', role: 'admin' } })).id,
    outgoingProposal: outgoing.json().proposal.id,
    incomingProposal: incoming.json().proposal.id,
    notificationChannel: (
      await asAdmin({
        method: 'POST',
        url: '/api/v1/notifications/channels',
        payload: { kind: 'webhook', name: 'Acme alerts', settings: { url: 'http://127.0.0.1:9/alerts' } },
      })
    ).id,
  };
}, 120_000);
afterAll(async () => pair?.close());

const send = (req: InjectOptions, who: { auth: Record<string, string> }) =>
  pair.stack.app.inject({ ...req, headers: { ...who.auth, ...(req.headers as Record<string, string> | undefined) } });

describe('roles, per route', () => {
  it('the table classifies every route the server serves; every state-changing route needs more than a viewer', () => {
    const served = registeredRoutes(pair.stack.app);
    expect(
      served.filter((r) => !(r in ROUTES)),
      'routes without a role rule: add them to ROUTES',
    ).toEqual([]);
    expect(
      Object.keys(ROUTES).filter((r) => !served.includes(r)),
      'ROUTES entries for routes that no longer exist',
    ).toEqual([]);
    const writesForViewers = Object.entries(ROUTES)
      .filter(([r, c]) => !r.startsWith('GET ') && c.role === 'viewer')
      .map(([r]) => r);
    expect(writesForViewers).toEqual([]);
  });

  it('a viewer gets 403 on every state-changing route (nothing changes) and 2xx or 404 on every read', async () => {
    const before = await snapshot();
    const failures: string[] = [];
    for (const [route, c] of sessionRoutes()) {
      // The viewer's own things: the next test.
      if (c.role === 'self') continue;
      const req = c.request(ids);
      const r = await send(req, viewer);
      const what = `${route} → ${r.statusCode} ${r.body.slice(0, 160)}`;
      if (c.role === 'viewer') {
        if (!(r.statusCode === 404 || (r.statusCode >= 200 && r.statusCode < 300))) failures.push(`${what}: a read should be 2xx or 404`);
      } else {
        if (r.statusCode !== 403) failures.push(`${what}: expected 403`);
        else if (r.json().error?.code !== 'forbidden' || !/viewer|administrator/.test(r.json().error.message))
          failures.push(`${what}: not the forbidden error`);
      }
    }
    expect(failures).toEqual([]);
    expect(await snapshot()).toEqual(before);
  });

  it('a viewer may use the self-service routes, on their own things only', async () => {
    const failures: string[] = [];
    for (const [route, c] of sessionRoutes().filter(([, c]) => c.role === 'self')) {
      const r = await send(c.request(ids), viewer);
      if (r.statusCode === 401 || r.statusCode === 403 || r.statusCode >= 500)
        failures.push(`${route} → ${r.statusCode} ${r.body.slice(0, 160)}: anyone signed in may use this`);
    }
    expect(failures).toEqual([]);
    // The ids are the admin's: the viewer's request created the viewer's token and revoked nothing of the admin's.
    const tokens = (await send({ method: 'GET', url: '/api/v1/api-tokens' }, pair.source)).json().tokens as Array<{ id: string; owner: { id: string } }>;
    expect(tokens.map((t) => t.id)).toContain(ids.apiToken);
    expect(tokens.some((t) => t.owner.id === viewer.id)).toBe(true);
  });

  it('a member gets 403 on every admin-only route (nothing changes), and may use the member routes and reads', async () => {
    const before = await snapshot();
    const failures: string[] = [];
    for (const [route, c] of sessionRoutes().filter(([, c]) => c.role === 'admin')) {
      const r = await send(c.request(ids), member);
      if (r.statusCode !== 403) failures.push(`${route} → ${r.statusCode} ${r.body.slice(0, 160)}: expected 403`);
      else if (!/administrator/.test(r.json().error.message)) failures.push(`${route}: the message does not say an administrator is needed`);
    }
    expect(failures).toEqual([]);
    expect(await snapshot()).toEqual(before);
    for (const [route, c] of sessionRoutes().filter(([, c]) => RANK[c.role] <= RANK.member)) {
      const r = await send(c.request(ids), member);
      const what = `${route} → ${r.statusCode} ${r.body.slice(0, 160)}`;
      if (r.statusCode === 401 || r.statusCode === 403 || r.statusCode >= 500) failures.push(`${what}: a member may use this`);
    }
    expect(failures).toEqual([]);
    // The member's own changes went through (not merely "not refused").
    const runs = (await send({ method: 'GET', url: `/api/v1/sync-runs?connection=${ids.connection}` }, member)).json().runs;
    expect(runs.some((run: { trigger: string; status: string }) => run.status === 'running')).toBe(true);
  });

  it('an admin may use every route', async () => {
    const failures: string[] = [];
    // Reads and member routes first, then the admin ones (in table order: change the spare member, then remove it).
    const ordered = sessionRoutes().sort(([, x], [, y]) => RANK[x.role] - RANK[y.role]);
    for (const [route, c] of ordered) {
      const r = await send(c.request(ids), pair.source);
      if (r.statusCode === 401 || r.statusCode === 403 || r.statusCode >= 500)
        failures.push(`${route} → ${r.statusCode} ${r.body.slice(0, 160)}: an admin may use this`);
    }
    expect(failures).toEqual([]);
    const members = (await send({ method: 'GET', url: '/api/v1/members' }, pair.source)).json().members as Array<{ id: string }>;
    expect(members.map((m) => m.id)).not.toContain(ids.spare);
  }, 120_000); // every served route in turn, some of them calling the simulator: a bound for a loaded machine
});
