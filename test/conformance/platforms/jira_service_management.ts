/**
 * The conformance harness for Jira Service Management: its simulator (src/simulator/jira) in this process,
 * driven through the simulator's own state, fault controller and webhook payloads (the hooks its /_sim
 * routes use).
 */
import { randomUUID } from 'node:crypto';
import { finishAuthorization, oauthClientFor, startAuthorization, tokenFields } from '../../../src/connector-kit/oauth.ts';
import type { PlatformCredentials } from '../../../src/connectors/platform-definition.ts';
import { requirePlatform } from '../../../src/connectors/registry.ts';
import { startJiraSimulator, signBody, type JiraSimulator } from '../../../src/simulator/jira/index.ts';
import { withHeaders, type CredentialProfile, type PlatformHarness, type SimHandle } from '../harness.ts';

const WEBHOOK_SECRET = 'conformance-webhook-secret';

/** The admin webhook the calls below come from (a secret set, the body not excluded). */
const conformanceHook = {
  id: '0',
  name: 'conformance',
  url: 'http://receiver.invalid/',
  events: ['jira:issue_updated'],
  jql: null,
  secret: WEBHOOK_SECRET,
  enabled: true,
  excludeBody: false,
};

/** A payload as Jira sends it: the raw body signed with the hook's secret, with Jira's delivery headers. */
function signedCall(payload: Record<string, unknown>) {
  const raw = Buffer.from(JSON.stringify(payload), 'utf8');
  return {
    hook: {
      headers: {
        'content-type': 'application/json; charset=utf-8',
        'user-agent': 'Atlassian Webhook HTTP Client',
        'x-atlassian-webhook-identifier': randomUUID(),
        'x-atlassian-webhook-retry': '0',
        'x-atlassian-webhook-flow': 'Primary',
        'x-hub-signature': signBody(WEBHOOK_SECRET, raw.toString('utf8')),
      },
      rawBody: raw,
      json: JSON.parse(raw.toString('utf8')) as unknown,
    },
    secret: WEBHOOK_SECRET,
  };
}

/** The Atlassian app's instance settings pointing at this simulator's OAuth server and gateway. */
const oauthSettings = (sim: JiraSimulator): Record<string, string> => ({
  SF_JIRA_OAUTH_CLIENT_ID: sim.oauth.clientId,
  SF_JIRA_OAUTH_CLIENT_SECRET: sim.oauth.clientSecret,
  SF_JIRA_OAUTH_AUTH_URL: sim.oauth.authUrl,
  SF_JIRA_API_GATEWAY_URL: sim.oauth.apiGatewayUrl,
});

/** Tokens as "Connect to Jira Service Management" gets them: consent (signed in as `profile`), then the code exchanged. */
async function connectWithOAuth(sim: JiraSimulator, settings: Record<string, string>, profile: string): Promise<Record<string, string>> {
  const client = oauthClientFor(requirePlatform('jira_service_management').manifest, { apiUrl: sim.url, fields: {} }, 'http://localhost/cb', {
    instance: settings,
    allowHttp: true,
  });
  const started = await startAuthorization(client);
  sim.oauth.profile = profile;
  const consent = await fetch(started.authorizeUrl, { redirect: 'manual' });
  const location = consent.headers.get('location');
  if (!location) throw new Error(`The Jira simulator's consent answered ${consent.status} without a redirect`);
  return tokenFields(await finishAuthorization(client, new URL(location).searchParams, started));
}

/**
 * The OAuth way's credentials per profile. The simulator's grants all sign in as one account (`oauth.profile`),
 * so the tokens of the no_permission grant are told apart here: they, and their refreshes, act as the read-only user.
 */
async function oauthProfiles(sim: JiraSimulator, settings: Record<string, string>) {
  const readonly = await connectWithOAuth(sim, settings, 'readonly');
  const admin = await connectWithOAuth(sim, settings, 'admin');
  const readonlyTokens = new Set([readonly.oauthAccessToken!]);
  const userOf = sim.oauth.userOf.bind(sim.oauth);
  const readonlyUser = sim.state.userByProfile('readonly');
  sim.oauth.userOf = (token) => (readonlyTokens.has(token) ? (sim.oauth.server.validAccessTokens.has(token) ? (readonlyUser ?? null) : null) : userOf(token));
  const saved: Record<CredentialProfile, Record<string, string>> = {
    admin,
    no_permission: readonly,
    // Tokens Atlassian never issued: the 401 and the refused refresh a revoked grant meets.
    bad: tokenFields({ accessToken: 'at_not_issued_by_atlassian', refreshToken: 'rt_not_issued_by_atlassian', expiresAt: null }),
  };
  return {
    credentials: (profile: CredentialProfile): PlatformCredentials => ({ apiUrl: sim.url, fields: { ...saved[profile] } }),
    credentialStore: (profile: CredentialProfile) => ({
      update: async (fields: Record<string, string>) => {
        if (profile === 'no_permission' && fields.oauthAccessToken) readonlyTokens.add(fields.oauthAccessToken);
        Object.assign(saved[profile], fields);
      },
    }),
  };
}

const jiraHarness: PlatformHarness = {
  platform: 'jira_service_management',
  modes: [{ id: 'oauth', label: 'OAuth 2.0 (3LO) through the Atlassian app' }],
  async start(opts = {}): Promise<SimHandle> {
    if (opts.mode !== undefined && opts.mode !== 'oauth') throw new Error(`The Jira harness has no mode "${opts.mode}" (known: oauth)`);
    const limited = opts.rateLimit === true || opts.rateLimitPerMinute !== undefined;
    // The per-minute budget the suite asks for becomes the points quota: the window whose X-RateLimit-* headers Jira sends.
    const sim = await startJiraSimulator({
      seed: 'demo',
      rateLimit: limited ? (opts.rateLimitPerMinute === undefined ? {} : { hourlyPoints: opts.rateLimitPerMinute }) : false,
    });
    const customer = [...sim.state.users.values()].find((u) => u.accountType === 'customer');
    if (!customer) throw new Error('The Jira demo seed has no JSM customer');
    const issue = (id: string) => {
      const i = sim.state.issue(id);
      if (!i) throw new Error(`The Jira simulator has no issue ${id}`);
      return i;
    };
    const creds = (email: string, apiToken: string) => ({ apiUrl: sim.url, fields: { email, apiToken } });
    const settings = oauthSettings(sim);
    const oauth = opts.mode === 'oauth' ? await oauthProfiles(sim, settings) : null;
    return {
      apiUrl: sim.url,
      ...(oauth
        ? {
            platformSettings: settings,
            credentialStore: oauth.credentialStore,
            expireAccessTokens: async () => sim.oauth.server.validAccessTokens.clear(),
          }
        : {}),
      credentials: (profile) =>
        oauth
          ? oauth.credentials(profile)
          : profile === 'admin'
            ? creds(sim.emailFor('admin'), sim.tokenFor('admin'))
            : profile === 'no_permission'
              ? // Browse only: /mypermissions says no to Create/Edit/Transition issues.
                creds(sim.emailFor('readonly'), sim.tokenFor('readonly'))
              : creds(sim.emailFor('admin'), 'ATATT3x-not-the-token-of-this-account'),
      sideSettings: { project: 'SUP' },
      requesterEmail: customer.email,
      ticketType: 'Service Request',

      async seedTickets(tickets) {
        const { ids } = sim.seedIssues(tickets.map((t) => ({ summary: t.subject, created: t.createdAt ?? t.updatedAt, updated: t.updatedAt })));
        return ids;
      },
      async editTicketAsPerson(id, change) {
        sim.editAsPerson(issue(id).id, { summary: change.subject, at: change.at });
      },
      async deleteTicket(id) {
        sim.state.deleteIssue(issue(id), sim.state.userByProfile('admin')!.accountId);
      },

      async injectFault(f) {
        if (f.hang) return sim.faults.set({ hang: true });
        if (f.status === undefined) throw new Error('injectFault needs a status or hang');
        const retry = String(f.retryAfterSeconds ?? 1);
        const usual = { 'retry-after': retry, 'x-ratelimit-remaining': '0', 'ratelimit-reason': 'jira-burst-based' };
        sim.faults.addRule({
          pathPattern: '/rest/',
          status: f.status,
          ...(f.method ? { method: f.method } : {}),
          ...(f.times === undefined ? {} : { times: f.times }),
          ...(f.status === 429
            ? {
                headers: withHeaders(usual, f.headers),
                body: { errorMessages: ['Rate limit exceeded.'], errors: {} },
              }
            : {}),
        });
      },
      async clearFaults() {
        sim.faults.clear();
        sim.setIndexLag({ mode: 'off' });
      },
      async repeatPages() {
        sim.faults.set({ pageLoop: {} });
      },
      async redirectDownload(att, location) {
        const a = sim.state.attachments.get(att.id);
        if (!a) throw new Error(`The Jira simulator has no attachment ${att.id}`);
        // Jira answers 303 to its media service; the simulator's media route is on its own host.
        const to = location === 'platform' ? `${sim.url}/_media/file/${a.id}/${a.mediaToken}/${encodeURIComponent(a.filename)}` : location;
        sim.faults.addRule({
          pathPattern: `/rest/api/3/attachment/content/${a.id}$`,
          method: 'GET',
          status: 303,
          times: 1,
          headers: { location: to },
          body: {},
        });
      },
      async limitUploadBytes(bytes, retryAfterSeconds) {
        sim.faults.set({ uploadBytes: { limit: bytes, retryAfterSeconds } });
      },
      async refillUploadBytes() {
        sim.faults.refillUploadBytes();
      },
      async setSearchLag(ms) {
        sim.setIndexLag(ms > 0 ? { mode: 'delay', ms } : { mode: 'off' });
      },
      async resetRateLimit() {
        sim.limiter.windows.reset();
      },

      async requestLog() {
        return sim.requests.map((r) => ({ method: r.method, path: r.path, query: { ...r.query }, status: r.status }));
      },
      async clearRequestLog() {
        sim.clearRequests();
      },

      async webhookCall(ticketId) {
        // The payload an admin webhook with a secret sends for an issue update, signed as Jira signs it.
        const i = issue(ticketId);
        const hook = {
          id: '0',
          name: 'conformance',
          url: 'http://receiver.invalid/',
          events: ['jira:issue_updated'],
          jql: null,
          secret: WEBHOOK_SECRET,
          enabled: true,
          excludeBody: false,
        };
        const payload = sim.webhooks.payload(hook, {
          event: 'jira:issue_updated',
          issue: i,
          userId: sim.state.userByProfile('agent')!.accountId,
          items: [],
          typeName: 'issue_generic',
        });
        const raw = Buffer.from(JSON.stringify(payload), 'utf8');
        return {
          hook: {
            headers: {
              'content-type': 'application/json; charset=utf-8',
              'user-agent': 'Atlassian Webhook HTTP Client',
              'x-atlassian-webhook-identifier': randomUUID(),
              'x-atlassian-webhook-retry': '0',
              'x-atlassian-webhook-flow': 'Primary',
              'x-hub-signature': signBody(WEBHOOK_SECRET, raw.toString('utf8')),
            },
            rawBody: raw,
            json: JSON.parse(raw.toString('utf8')) as unknown,
          },
          secret: WEBHOOK_SECRET,
        };
      },

      async deletionWebhookCall(ticketId) {
        // Deleted by a person; the admin webhook's `jira:issue_deleted` call as the simulator delivers it, signed.
        const i = issue(ticketId);
        const hook = { ...conformanceHook, events: ['jira:issue_deleted'] };
        const userId = sim.state.userByProfile('admin')!.accountId;
        sim.state.deleteIssue(i, userId);
        return signedCall(sim.webhooks.payload(hook, { event: 'jira:issue_deleted', issue: i, userId }));
      },

      close: () => sim.close(),
    };
  },
};

export default jiraHarness;
