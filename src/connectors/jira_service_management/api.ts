import { PlatformError } from '../../core/connector.ts';
import type { RateLimitInfo } from '../../connector-kit/http.ts';
import { PlatformApi, type PlatformApiOptions, type PlatformCall } from '../../connector-kit/platform-api.ts';
import type { CallScopes, PauseScope } from '../../connector-kit/rate-gate.ts';
import { jiraError, unexpectedShape } from './errors.ts';

export interface JiraCredentials {
  /** The normalised site URL (scheme + host). */
  apiUrl: string;
  email: string;
  apiToken: string;
}

export type JiraApiOptions = PlatformApiOptions;

export type JiraCall = PlatformCall;

/** Jira Cloud REST access (retries, budget, error mapping, schema checks: connector-kit/platform-api.ts). Paths are under the site (`/rest/api/3/...`). */
export class JiraApi extends PlatformApi<JiraCall> {
  constructor(creds: JiraCredentials, opts: JiraApiOptions) {
    const site = new URL(creds.apiUrl.replace(/\/$/, ''));
    super(
      {
        name: 'Jira',
        platform: 'jira_service_management',
        baseUrl: site,
        auth: { kind: 'basic', username: creds.email, password: creds.apiToken },
        // Jira's X-RateLimit-Limit/-Remaining count a per-second burst [§3], not the account's budget: the
        // retrier slows down on them, the shared gate hears only of 429s, and of those only the ones that
        // hold the account (a used-up quota, or a reason not known); see pauseScopeOf.
        rateWindow: 'burst',
        errorOf: jiraError,
        unexpectedShape,
      },
      opts,
    );
  }

  /** Writes must carry the XSRF opt-out, multipart uploads above all, or Jira's XSRF check blocks them [§1.1]. */
  protected override headersFor(method: string, call: JiraCall): Record<string, string> {
    return { ...(method === 'GET' ? {} : { 'x-atlassian-token': 'no-check' }), ...call.headers };
  }

  /** A call's endpoint (method and path with ids left out) and, for a write, the issue it writes [§3]. */
  protected override scopesOf(method: string, path: string): CallScopes {
    return jiraCallScopes(method, path);
  }

  /** Which of Jira's three limits refused a call, from its RateLimit-Reason [§3]. */
  protected override pauseScopeOf(info: RateLimitInfo): PauseScope | null {
    return pauseScopeOfReason(info.reason);
  }

  /** A listing stopped because it went on past the page bound (a platform must not keep a run busy without end). */
  tooManyPages(what: string): PlatformError {
    const max = this.limits.maxListPages;
    return new PlatformError(
      'unexpected_response',
      `Jira kept announcing more pages after ${max} pages while trying to ${what}. A listing is read up to ${max} pages (SF_MAX_LIST_PAGES); this run stops here.`,
    );
  }
}

/**
 * What a 429's RateLimit-Reason asks to pause [§3]: a used-up points quota (global or per tenant),
 * every call of the account until it resets; the burst limit, that endpoint only; the per-issue write
 * limit, writes to that issue only. Reasons seen only in the wild (cost-based, concurrent threads) say
 * nothing certain of their scope: the shared budget treats them as any 429.
 */
export function pauseScopeOfReason(reason: string | undefined): PauseScope | null {
  if (reason === undefined) return null;
  if (/^jira-quota-/.test(reason)) return 'account';
  if (reason === 'jira-burst-based') return 'endpoint';
  if (reason === 'jira-per-issue-on-write') return 'subject';
  return null;
}

const ISSUE_WRITE = /\/rest\/(?:api\/[23]\/issue|servicedeskapi\/request)\/([^/?#]+)/;

/**
 * Jira's burst limit is per endpoint and method [§3]: the endpoint is the path with its ids and issue keys
 * left out (`GET /rest/api/3/issue/{id}`), whatever site or gateway prefix it is called under. A write
 * to one issue (its fields, comments, transitions, attachments) also counts against that issue.
 */
export function jiraCallScopes(method: string, path: string): CallScopes {
  const bare = (/^https?:\/\//i.test(path) ? new URL(path).pathname : path.split(/[?#]/)[0]!).replace(/^.*?(?=\/rest\/)/, '');
  const template = bare
    .split('/')
    .map((seg, i, all) => (all[i - 1] !== 'api' && /^\d+$|^[A-Z][A-Z0-9_]*-\d+$/.test(decodeURIComponent(seg)) ? '{id}' : seg))
    .join('/');
  const issue = method === 'GET' ? undefined : ISSUE_WRITE.exec(bare)?.[1];
  return { endpoint: `${method} ${template}`, ...(issue ? { subject: `issue ${decodeURIComponent(issue)}` } : {}) };
}
