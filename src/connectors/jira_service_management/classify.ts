import type { ConnectionTestErrorCode } from '../../core/connection-test.ts';
import { NetworkError, type HttpResponse } from '../../connector-kit/http.ts';

export interface Classified {
  code: ConnectionTestErrorCode;
  message: string;
}

/** Maps one failed call of the connection test to a troubleshooting category. `what` names the call. */
export function classifyFailure(failure: HttpResponse | NetworkError, what: string): Classified {
  if (failure instanceof NetworkError) return classifyNetwork(failure);
  const status = failure.status;
  if (status === 401)
    return {
      code: 'authentication_failed',
      message: `Jira rejected the e-mail and API token while ${what}: the token is wrong, expired or revoked, or it belongs to another account than this e-mail.`,
    };
  if (status === 403) return { code: 'permission_denied', message: `The integration account is not allowed to do this: ${what} was refused (403).` };
  if (status === 429) {
    const wait = failure.headers.get('retry-after');
    return { code: 'rate_limited', message: `Jira's API rate limit is used up${wait ? `; it asks to wait ${wait} s` : ''}.` };
  }
  if (status >= 500) return { code: 'platform_error', message: `Jira answered ${status} (server error) while ${what}.` };
  if (status >= 300 && status < 400) {
    const to = failure.headers.get('location');
    const login = to && /id\.atlassian\.com|\/login/i.test(to);
    return {
      code: 'invalid_api_url',
      message: login
        ? 'The address sent the request to the Atlassian log-in page: it is not a Jira Cloud site URL, or the site does not exist.'
        : `The address redirects${to ? ` to ${to.split('?')[0]}` : ''} instead of answering the API: it is not a Jira site URL.`,
    };
  }
  if (status === 404) return { code: 'invalid_api_url', message: `No Jira API at this address (404 while ${what}): check the site URL.` };
  return { code: 'invalid_api_url', message: `The address did not answer like the Jira API (status ${status} while ${what}).` };
}

/** A 200 whose body is not what Jira sends means the URL points at something else. */
export function notTheApi(what: string): Classified {
  return { code: 'invalid_api_url', message: `The address answered, but not with the Jira API's JSON while ${what}: check that it is your Jira site URL.` };
}

function classifyNetwork(err: NetworkError): Classified {
  switch (err.kind) {
    case 'dns':
      return { code: 'invalid_api_url', message: `The host name could not be found: ${err.message}. Check the site name for typing errors.` };
    case 'tls':
      return { code: 'invalid_api_url', message: `The secure connection could not be set up: ${err.message}.` };
    case 'too_large':
      return { code: 'invalid_api_url', message: `${err.message}: this is not what the Jira API sends.` };
    case 'blocked':
      return { code: 'invalid_api_url', message: `The address was refused: ${err.message}` };
    case 'refused':
      return { code: 'connection_refused', message: `The connection was refused: nothing accepts connections at this address (${err.message}).` };
    case 'timeout':
    case 'reset':
    case 'unreachable':
    case 'other':
      return { code: 'connection_timeout', message: `Jira could not be reached: ${err.message}.` };
  }
}
