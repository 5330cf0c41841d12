import { createHash } from 'node:crypto';
import { registerKitControls } from '../kit/control-routes.ts';
import { FaultController, type FaultWording } from '../kit/faults.ts';
import { listen } from '../kit/http.ts';
import type { RequestLogEntry } from '../kit/request-log.ts';
import { startJiraOAuth, type JiraOAuth } from './auth.ts';
import { editAsPerson, PersonEdit, registerJiraControls, SeedIssues, seedIssues } from './controls.ts';
import { registerWebhook } from './routes/webhooks.ts';
import { JiraRateLimiter, type JiraRateOptions } from './rate.ts';
import { jiraProfiles, seedJira, type JiraSeedName } from './seed.ts';
import { buildJiraApp, jiraEndpointOf } from './server.ts';
import { JiraState, type IndexLag } from './state.ts';
import { WebhookDispatcher, type DeliveryOptions } from './webhook-delivery.ts';

export { JiraState, type IndexLag, type SiteEvent } from './state.ts';
export { signBody, type Delivery } from './webhook-delivery.ts';
export { jiraProfiles, jiraTokenFor, type JiraSeedName } from './seed.ts';
export type { JiraRateOptions } from './rate.ts';

export interface JiraSimulatorOptions {
  port?: number;
  host?: string;
  /** Site name (`<site>.atlassian.net` in real life); seeds deterministic e-mails and tokens. */
  site?: string;
  seed?: JiraSeedName;
  /** The site's default profile time zone (every seeded account uses it); default Europe/Warsaw, never UTC, so zone bugs show. */
  timeZone?: string;
  /** Rate limiting (default: burst + per-issue windows on); false switches it off. */
  rateLimit?: JiraRateOptions | false;
  indexLag?: IndexLag;
  webhooks?: DeliveryOptions;
  now?: () => Date;
}

export interface JiraAccountInfo {
  profile: string;
  accountId: string;
  email: string;
  token: string;
  displayName: string;
}

export interface JiraSimulator {
  /** Site URL (what a user pastes as `https://<site>.atlassian.net`). */
  url: string;
  port: number;
  site: string;
  cloudId: string;
  /** The gateway-style base (`/ex/jira/{cloudId}`) on the same server. */
  gatewayUrl: string;
  /**
   * The site's OAuth 2.0 (3LO) app: `authUrl` stands in for https://auth.atlassian.com (the kit OAuth server),
   * `apiGatewayUrl` for https://api.atlassian.com (this server: accessible-resources and /ex/jira/{cloudId}).
   */
  oauth: JiraOAuth & { authUrl: string; apiGatewayUrl: string };
  accounts: JiraAccountInfo[];
  emailFor(profile: string): string;
  tokenFor(profile: string): string;
  /** Same as tokenFor: mirrors the Freshservice simulator's keyFor. */
  keyFor(profile: string): string;
  /** `Authorization` header value for a profile. */
  authHeader(profile: string): string;
  state: JiraState;
  faults: FaultController;
  limiter: JiraRateLimiter;
  requests: RequestLogEntry[];
  webhooks: WebhookDispatcher;
  clearRequests(): void;
  seedIssues(issues: Array<{ summary: string; project?: string; created?: Date; updated?: Date; description?: string }>): { ids: string[]; keys: string[] };
  editAsPerson(
    idOrKey: string,
    edit: { summary?: string; description?: string; status?: string; comment?: { text: string; internal?: boolean }; at?: Date },
  ): void;
  setIndexLag(lag: IndexLag): void;
  registerWebhook(hook: { url: string; secret?: string; events?: string[]; jql?: string; name?: string }): string;
  close(): Promise<void>;
}

export const jiraFaultWording: FaultWording = {
  bodyFor: (status) => ({ errorMessages: [status >= 500 ? 'Internal server error (simulated).' : `Simulated ${status}.`], errors: {} }),
  // A burst 429 as the rate-limiting page prints it [spec 3]; no documented body.
  tooMany: (retry) => ({
    body: { errorMessages: ['Rate limit exceeded.'], errors: {} },
    headers: {
      'retry-after': String(retry),
      'x-ratelimit-limit': '100',
      'x-ratelimit-remaining': '0',
      'x-ratelimit-reset': new Date(Date.now() + retry * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z'),
      'ratelimit-reason': 'jira-burst-based',
    },
  }),
};

/** Starts one simulated Jira Cloud site (platform API v3 + JSM) on its own HTTP server. */
export async function startJiraSimulator(opts: JiraSimulatorOptions = {}): Promise<JiraSimulator> {
  const site = opts.site ?? 'acme';
  const clock = opts.now ?? (() => new Date());
  const state = new JiraState(site, () => clock().getTime(), opts.timeZone ?? 'Europe/Warsaw');
  seedJira(state, opts.seed ?? 'demo');
  if (opts.indexLag) state.setIndexLag(opts.indexLag);
  const cloudId = createHash('sha256')
    .update(`cloud:${site}`)
    .digest('hex')
    .replace(/^(.{8})(.{4})(.{4})(.{4})(.{12}).*$/, '$1-$2-$3-$4-$5');
  const faults = new FaultController(jiraFaultWording);
  const limiter = new JiraRateLimiter(opts.rateLimit ?? {}, () => clock().getTime());
  const requests: RequestLogEntry[] = [];
  const closing = { value: false };
  let url = '';
  const hooks = new WebhookDispatcher(state, () => url, opts.webhooks);
  const accounts = (): JiraAccountInfo[] =>
    jiraProfiles.map((p) => {
      const u = state.userByProfile(p.profile)!;
      return { profile: p.profile, accountId: u.accountId, email: u.email, token: u.token ?? '', displayName: u.displayName };
    });
  const oauth = await startJiraOAuth(state);
  const app = await buildJiraApp({ state, faults, limiter, requests, closing, cloudId, origin: () => url, oauth });
  registerKitControls(app, {
    faults,
    requests,
    endpointOf: jiraEndpointOf,
    resetRateLimit: () => limiter.windows.reset(),
    reset: () => {
      for (const m of [state.issues, state.comments, state.attachments, state.webhooks, state.projects, state.users]) m.clear();
      state.customFields.length = 0;
      state.setIndexLag({ mode: 'off' });
      seedJira(state, opts.seed ?? 'demo');
    },
    seed: { schema: SeedIssues, run: (b) => seedIssues(state, SeedIssues.parse(b)) },
    edit: {
      schema: PersonEdit,
      run: (kind, id, b) => {
        if (kind !== 'issue') return null;
        const i = editAsPerson(state, id, PersonEdit.parse(b));
        return i ? { id: i.id, key: i.key } : null;
      },
    },
  });
  registerJiraControls(app, state, hooks, accounts);
  const server = await listen(app, { port: opts.port, host: opts.host, faults, closing });
  url = server.url;
  const user = (profile: string) => {
    const u = state.userByProfile(profile);
    if (!u) throw new Error(`Unknown Jira profile "${profile}". Profiles: ${jiraProfiles.map((p) => p.profile).join(', ')}`);
    return u;
  };
  return {
    url,
    port: server.port,
    site,
    cloudId,
    gatewayUrl: `${url}/ex/jira/${cloudId}`,
    oauth: Object.assign(oauth, { authUrl: oauth.server.url, apiGatewayUrl: url }),
    get accounts() {
      return accounts();
    },
    emailFor: (p) => user(p).email,
    tokenFor: (p) => user(p).token ?? '',
    keyFor: (p) => user(p).token ?? '',
    authHeader: (p) => `Basic ${Buffer.from(`${user(p).email}:${user(p).token ?? ''}`).toString('base64')}`,
    state,
    faults,
    limiter,
    requests,
    webhooks: hooks,
    clearRequests: () => void (requests.length = 0),
    seedIssues: (issues) => seedIssues(state, { issues: issues.map((i) => ({ ...i, created: i.created?.toISOString(), updated: i.updated?.toISOString() })) }),
    editAsPerson: (id, e) => {
      if (
        !editAsPerson(state, id, {
          ...e,
          comment: e.comment ? { text: e.comment.text, internal: e.comment.internal ?? false } : undefined,
          at: e.at?.toISOString(),
        })
      )
        throw new Error(`no issue ${id}`);
    },
    setIndexLag: (lag) => state.setIndexLag(lag),
    registerWebhook: (h) =>
      registerWebhook(
        { state },
        {
          name: h.name ?? 'Support Fusion',
          url: h.url,
          secret: h.secret,
          events: (h.events ?? ['jira:issue_created', 'jira:issue_updated', 'jira:issue_deleted', 'comment_created']) as never,
          filters: h.jql ? { 'issue-related-events-section': h.jql } : undefined,
        },
      ).id,
    close: async () => {
      hooks.stop();
      await Promise.all([server.close(), oauth.server.close()]);
    },
  };
}
