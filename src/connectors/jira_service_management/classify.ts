import type { HttpResponse, NetworkError } from '../../connector-kit/http.ts';
import * as failures from '../../connector-kit/connection-failures.ts';
import type { Classified, FailureWording } from '../../connector-kit/connection-failures.ts';

export type { Classified } from '../../connector-kit/connection-failures.ts';

/** How Test Connection words Jira's failures (the categories are the kit's, connection-failures.ts). */
export const JIRA_FAILURES: FailureWording = {
  name: 'Jira',
  hostField: 'site name',
  yourUrl: 'Jira site URL',
  notAnApiUrl: 'a Jira site URL',
  notFoundHint: 'check the site URL',
  unauthorized: (_res, what) => ({
    code: 'authentication_failed',
    message: `Jira rejected the e-mail and API token while ${what}: the token is wrong, expired or revoked, or it belongs to another account than this e-mail.`,
  }),
  forbidden: (_res, what) => ({ code: 'permission_denied', message: `The integration account is not allowed to do this: ${what} was refused (403).` }),
  waitOf: (res) => res.headers.get('retry-after') || null,
  redirect: (to) =>
    to && /id\.atlassian\.com|\/login/i.test(to)
      ? {
          code: 'invalid_api_url',
          message: 'The address sent the request to the Atlassian log-in page: it is not a Jira Cloud site URL, or the site does not exist.',
        }
      : undefined,
  // The query of a redirect target may carry a token.
  shownLocation: (to) => to.split('?')[0] ?? to,
};

/** Maps one failed call of the connection test to a troubleshooting category. `what` names the call. */
export function classifyFailure(failure: HttpResponse | NetworkError, what: string): Classified {
  return failures.classifyFailure(failure, what, JIRA_FAILURES);
}

/** A 200 whose body is not what Jira sends means the URL points at something else. */
export function notTheApi(what: string): Classified {
  return failures.notTheApi(what, JIRA_FAILURES);
}
