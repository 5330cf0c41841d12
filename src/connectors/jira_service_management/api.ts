import { PlatformError } from '../../core/connector.ts';
import { PlatformApi, type PlatformApiOptions, type PlatformCall } from '../../connector-kit/platform-api.ts';
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
        // retrier slows down on them, the shared gate hears only of 429s.
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

  /** A listing stopped because it went on past the page bound (a platform must not keep a run busy without end). */
  tooManyPages(what: string): PlatformError {
    const max = this.limits.maxListPages;
    return new PlatformError(
      'unexpected_response',
      `Jira kept announcing more pages after ${max} pages while trying to ${what}. A listing is read up to ${max} pages (SF_MAX_LIST_PAGES); this run stops here.`,
    );
  }
}
