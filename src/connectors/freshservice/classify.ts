import type { ConnectionTestErrorCode } from '../../core/connection-test.ts';
import { NetworkError, type HttpResponse } from '../../connector-kit/http.ts';

export interface Classified {
  code: ConnectionTestErrorCode;
  message: string;
}

/**
 * Maps one failed call of the connection test to a troubleshooting category (product.md §2 table).
 * `what` names the call in the message, e.g. "reading the agent's roles".
 */
export function classifyFailure(failure: HttpResponse | NetworkError, what: string): Classified {
  if (failure instanceof NetworkError) return classifyNetwork(failure);
  const status = failure.status;
  const code = apiErrorCode(failure.json);
  if (status === 401) {
    const why = code === 'unsupported_authentication_type' ? ' (it was sent as a user name and password, not as an API key)' : '';
    return { code: 'authentication_failed', message: `Freshservice rejected the API key while ${what}${why}.` };
  }
  if (status === 403) {
    if (code === 'account_suspended') return { code: 'permission_denied', message: 'Freshservice says this account is suspended.' };
    if (code === 'require_feature') return { code: 'permission_denied', message: `The Freshservice plan does not include the feature needed for ${what}.` };
    return { code: 'permission_denied', message: `The integration agent is not allowed to do this: ${what} was refused (403).` };
  }
  if (status === 429) {
    const wait = failure.rateLimit.retryAfterSeconds;
    return { code: 'rate_limited', message: `Freshservice's API rate limit is used up${wait !== null ? `; it asks to wait ${wait} s` : ''}.` };
  }
  if (status >= 500) return { code: 'platform_error', message: `Freshservice answered ${status} (server error) while ${what}.` };
  if (status >= 300 && status < 400) {
    const to = failure.headers.get('location');
    return {
      code: 'invalid_api_url',
      message: `The address redirects${to ? ` to ${to}` : ''} instead of answering the API: it is not a Freshservice API URL.`,
    };
  }
  if (status === 404) return { code: 'invalid_api_url', message: `No Freshservice API at this address (404 while ${what}).` };
  return { code: 'invalid_api_url', message: `The address did not answer like the Freshservice API (status ${status} while ${what}).` };
}

/** A 200 whose body is not what Freshservice sends means the URL points at something else. */
export function notTheApi(what: string): Classified {
  return {
    code: 'invalid_api_url',
    message: `The address answered, but not with the Freshservice API's JSON while ${what}: check that it is your Freshservice URL.`,
  };
}

function classifyNetwork(err: NetworkError): Classified {
  switch (err.kind) {
    case 'dns':
      return { code: 'invalid_api_url', message: `The host name could not be found: ${err.message}. Check the URL for typing errors.` };
    case 'tls':
      return { code: 'invalid_api_url', message: `The secure connection could not be set up: ${err.message}.` };
    case 'too_large':
      return { code: 'invalid_api_url', message: `${err.message}: this is not what the Freshservice API sends.` };
    case 'blocked':
      return { code: 'invalid_api_url', message: `The address was refused: ${err.message}` };
    case 'refused':
      // An answer, and a fast one: the machine is there but nothing listens at that port.
      return { code: 'connection_refused', message: `The connection was refused: nothing accepts connections at this address (${err.message}).` };
    case 'timeout':
    case 'reset':
    case 'unreachable':
    case 'other':
      return { code: 'connection_timeout', message: `Freshservice could not be reached: ${err.message}.` };
  }
}

function apiErrorCode(body: unknown): string | undefined {
  if (body && typeof body === 'object' && 'code' in body && typeof body.code === 'string') return body.code;
  return undefined;
}
