/**
 * Test Connection's troubleshooting categories (product.md §2 table) for one failed call: what the
 * status or the network failure means is the same on every platform; a platform words its own
 * credentials, permissions and redirects.
 */
import type { ConnectionTestErrorCode } from '../core/connection-test.ts';
import { NetworkError, type HttpResponse } from './http.ts';

export interface Classified {
  code: ConnectionTestErrorCode;
  message: string;
}

export interface FailureWording {
  /** The platform's name, as its manifest gives it. */
  name: string;
  /** What the administrator typed, as a check says it: "URL", "site name". */
  hostField: string;
  /** What the address should be, after "check that it is your": "<name> URL". */
  yourUrl: string;
  /** What a redirecting address is not, after "it is not": "a <name> API URL". */
  notAnApiUrl: string;
  /** Said after a 404 (no API at this address), if anything. */
  notFoundHint?: string;
  /** 401: the credentials were refused. */
  unauthorized(res: HttpResponse, what: string): Classified;
  /** 403: the account may not do this. */
  forbidden(res: HttpResponse, what: string): Classified;
  /** The wait a 429 asks for, as shown (seconds), or null. */
  waitOf(res: HttpResponse): string | number | null;
  /** A redirect the platform recognises (a log-in page); undefined for the general wording. */
  redirect?(location: string | null): Classified | undefined;
  /** The redirect target as shown; whole unless the platform says otherwise. */
  shownLocation?(location: string): string;
}

/** Maps one failed call of the connection test to a category. `what` names the call, e.g. "reading the agent's roles". */
export function classifyFailure(failure: HttpResponse | NetworkError, what: string, w: FailureWording): Classified {
  if (failure instanceof NetworkError) return classifyNetwork(failure, w);
  const status = failure.status;
  if (status === 401) return w.unauthorized(failure, what);
  if (status === 403) return w.forbidden(failure, what);
  if (status === 429) {
    const wait = w.waitOf(failure);
    return { code: 'rate_limited', message: `${w.name}'s API rate limit is used up${wait !== null ? `; it asks to wait ${wait} s` : ''}.` };
  }
  if (status >= 500) return { code: 'platform_error', message: `${w.name} answered ${status} (server error) while ${what}.` };
  if (status >= 300 && status < 400) {
    const to = failure.headers.get('location');
    const known = w.redirect?.(to);
    if (known) return known;
    const shown = to && w.shownLocation ? w.shownLocation(to) : to;
    return {
      code: 'invalid_api_url',
      message: `The address redirects${shown ? ` to ${shown}` : ''} instead of answering the API: it is not ${w.notAnApiUrl}.`,
    };
  }
  if (status === 404) {
    return { code: 'invalid_api_url', message: `No ${w.name} API at this address (404 while ${what})${w.notFoundHint ? `: ${w.notFoundHint}` : ''}.` };
  }
  return { code: 'invalid_api_url', message: `The address did not answer like the ${w.name} API (status ${status} while ${what}).` };
}

/** A 200 whose body is not what the platform sends means the URL points at something else. */
export function notTheApi(what: string, w: FailureWording): Classified {
  return {
    code: 'invalid_api_url',
    message: `The address answered, but not with the ${w.name} API's JSON while ${what}: check that it is your ${w.yourUrl}.`,
  };
}

function classifyNetwork(err: NetworkError, w: FailureWording): Classified {
  switch (err.kind) {
    case 'dns':
      return { code: 'invalid_api_url', message: `The host name could not be found: ${err.message}. Check the ${w.hostField} for typing errors.` };
    case 'tls':
      return { code: 'invalid_api_url', message: `The secure connection could not be set up: ${err.message}.` };
    case 'too_large':
      return { code: 'invalid_api_url', message: `${err.message}: this is not what the ${w.name} API sends.` };
    case 'blocked':
      return { code: 'invalid_api_url', message: `The address was refused: ${err.message}` };
    case 'refused':
      // An answer, and a fast one: the machine is there but nothing listens at that port.
      return { code: 'connection_refused', message: `The connection was refused: nothing accepts connections at this address (${err.message}).` };
    case 'timeout':
    case 'reset':
    case 'unreachable':
    case 'other':
      return { code: 'connection_timeout', message: `${w.name} could not be reached: ${err.message}.` };
  }
}
